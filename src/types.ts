import type { InteropObservable, Observable, ObservableInput, ObservedValueOf, SchedulerLike } from 'rxjs';

/* What the creation forms return */

/**
 * What every creation form returns: an `Observable` of the records that is also
 * an `AsyncIterable` of the same records, so a loop reads like Python's
 * `async for`. Iterating subscribes; while `concurrency` results are
 * outstanding (running plus waiting unread) nothing new starts and a lazy
 * collection is not read further (backpressure). Leaving the loop unsubscribes.
 * Observables made from it by `.pipe(...)` are plain Observables.
 */
export type CompletionObservable<T> = Observable<T> & AsyncIterable<T>;

/* Inputs and collections */

/**
 * A lazy input: called when the input starts (at once, or when a `concurrency`
 * slot frees) with an `AbortSignal` that is aborted as soon as the result is no
 * longer wanted (unsubscribe, a deadline, a fail-fast error elsewhere, a winner in
 * `firstCompleted`). Hand the signal to `fetch` and the request is really cancelled.
 */
export type CompletionFactory<T> = (signal: AbortSignal) => ObservableInput<T>;

/**
 * One element of a collection: a promise, any other `ObservableInput` (its result
 * is the last value it emits) or a {@link CompletionFactory}.
 */
export type CompletionInput<T> = ObservableInput<T> | CompletionFactory<T>;

/**
 * What a collection must hold, whatever its result types: objects that are
 * {@link CompletionInput}s. Not a string: rxjs counts one as an `ObservableInput`
 * (of its characters), but text is never meant as an input.
 */
export type AnyCompletionInput = CompletionInput<unknown> & object;

/**
 * What the operators take as a collection, before its elements are checked: an
 * array (or tuple), a `Set`, a `Map` or any other `Iterable` of objects and
 * functions, an `AsyncIterable` of them, an `Observable` of them, or a record
 * (a plain object, {@link RecordCollection}). Not a string, which is iterable
 * but is text.
 *
 * Deliberately loose: it is what TypeScript reads an inline collection against,
 * and anything stricter (such as `Iterable<CompletionInput<unknown>>`) would make
 * `promise.then((x) => ...)` inside the collection infer `unknown` (or `any`)
 * instead of its result. The elements are checked by {@link ValidCollection}.
 */
export type CompletionCollection =
  | (Iterable<CollectionElement> & object)
  | AsyncIterable<CollectionElement>
  | Observable<CollectionElement>
  | RecordCollection;

/**
 * A record collection: a plain object whose values are the inputs, read whole
 * (own enumerable string keys, in order); every record carries its `key`. An
 * object literal or a type alias fits; an `interface` does not (it has no index
 * signature: use a type alias). As in rxjs's `forkJoin({ user, orders })`.
 */
export type RecordCollection = { readonly [key: string]: CollectionElement };

/** What a collection's elements are before they are checked: objects and functions. */
export type CollectionElement = object | ((signal: AbortSignal) => unknown);

/**
 * `C` when every element is an input ({@link AnyCompletionInput}): each element
 * of an iterable, async iterable or Observable, each value of a `Map` or of a
 * record. Otherwise a type that `C` does not fit, so the call does not compile
 * and the message names the element that is not an input. An empty object
 * literal is not a record here: alone, `op({})` is the pipeable form with its
 * options, as at run time.
 */
export type ValidCollection<C> = C &
  SameKind<C, InputOf<C> & AnyCompletionInput> &
  (C extends ReadonlyMap<infer K, infer I>
    ? ReadonlyMap<K, I & AnyCompletionInput>
    : C extends Iterable<unknown> | AsyncIterable<unknown> | Observable<unknown>
      ? unknown
      : [keyof C] extends [never]
        ? never
        : { readonly [K in keyof C]: C[K] & AnyCompletionInput } &
            // A `then` method makes the object a thenable (one promise), which the runtime rejects.
            (C extends {
              /** A thenable's method. */
              then: (...args: never[]) => unknown;
            }
              ? {
                  /** Never met: the compiler's message shows this text. */
                  readonly then: 'a record with a then() method is a thenable, not a collection';
                }
              : unknown));

/**
 * The collections `firstCompleted` takes: those of {@link CompletionCollection},
 * but no record with a `predicate` key, so that `firstCompleted({ predicate })`
 * is always the options of the pipeable form and the predicate's parameter is
 * typed from the source.
 */
export type FirstCompletedCollection =
  | Exclude<CompletionCollection, RecordCollection>
  | (RecordCollection & {
      /** An option name: `{ predicate }` is options, not a record. */
      readonly predicate?: never;
    });

/**
 * The items of {@link mergeCompletedThen}: an array or `Set` (read whole), any
 * other iterable, an async iterable or an Observable (read lazily). Not a string.
 */
export type ItemCollection<T> = (Iterable<T> & object) | AsyncIterable<T> | Observable<T>;

/**
 * The items of the mapper form (`op(items, project, options?)`): an
 * {@link ItemCollection}, a `Map` (its values are the items, its keys the
 * records' `key`) or a record (a plain object: its values are the items).
 */
export type MapperCollection =
  ItemCollection<unknown> | ReadonlyMap<unknown, unknown> | { readonly [key: string]: unknown };

/**
 * The item type of a collection of items (the mapper form, `mergeCompletedThen`):
 * a `Map`'s or a record's value type, any other collection's element type.
 */
export type ItemOf<C> =
  C extends ReadonlyMap<unknown, infer T>
    ? T
    : C extends Iterable<infer T>
      ? T
      : C extends AsyncIterable<infer T>
        ? T
        : C extends Observable<infer T>
          ? T
          : C[keyof C & string];

/**
 * Where a record of the mapper form came from: `input` is the item. Sized
 * ({@link SizedOrigin}) for an array or a `Set`, {@link KeyedOrigin} for a
 * `Map` or a record (a union discriminated by `key` for a record, so
 * `r.key === 'a'` narrows `r.input`), {@link LazyOrigin} for a collection read
 * lazily.
 */
export type MappedOrigin<C> =
  C extends ReadonlyMap<infer K, infer T>
    ? KeyedOrigin<T, K>
    : C extends readonly unknown[] | ReadonlySet<unknown>
      ? SizedOrigin<ItemOf<C>>
      : C extends Iterable<unknown> | AsyncIterable<unknown> | Observable<unknown>
        ? LazyOrigin<ItemOf<C>>
        : { [K in keyof C & string]: KeyedOrigin<C[K], K> }[keyof C & string];

/**
 * The mapper form's `project`: an item's input, made when that input starts
 * (under `concurrency`), with an `AbortSignal` as a factory gets.
 */
export type ProjectFn<T, O> = (item: T, index: number, signal: AbortSignal) => O;

/** The result type of one {@link CompletionInput}. */
export type CompletionValueOf<I> = I extends (signal: AbortSignal) => infer O ? ObservedValueOf<O> : ObservedValueOf<I>;

/** The element type of a collection. */
export type InputOf<C> =
  C extends Iterable<infer I> ? I : C extends AsyncIterable<infer I> ? I : C extends Observable<infer I> ? I : never;

/**
 * A collection of the same kind as `C` (iterable, async iterable, Observable)
 * holding `I`; `unknown` for a record.
 */
export type SameKind<C, I> =
  C extends Iterable<unknown>
    ? Iterable<I>
    : C extends AsyncIterable<unknown>
      ? AsyncIterable<I>
      : C extends Observable<unknown>
        ? Observable<I>
        : unknown;

/** The result type of a collection's inputs (a union when they differ), a `Map`'s and a record's values included. */
export type CollectionValueOf<C> = SourcesOf<C>['value'];

/* Records */

/** What each emission is: the bare result, a tagged record, or a settled record. */
export type EmitMode = 'value' | 'tagged' | 'settled';

/**
 * Where a record's input came from: the input itself, its place in its
 * collection and the collection's size. Every origin fits this shape; the
 * operators give the exact one for the collection: {@link SizedOrigin} for
 * arrays, tuples and Sets, {@link LazyOrigin} for any other iterable.
 */
export interface CompletionOrigin {
  /** The very object that was passed in. */
  input: unknown;
  /** 0-based position of the input in its collection. */
  index: number;
  /** The input's key, in a keyed collection. */
  key?: unknown;
  /** Size of the collection; `undefined` while a lazily read one is unfinished. */
  total: number | undefined;
}

/**
 * The origin of a record from an array or a `Set`, read whole: its size is
 * known. From a tuple, `N` is the literal position, so `r.index === 0` narrows
 * `r.value` to the first element's result.
 */
export interface SizedOrigin<I = unknown, N extends number = number> {
  /** The very object that was passed in. */
  input: I;
  /** 0-based position of the input in its collection. */
  index: N;
  /** Size of the collection. */
  total: number;
}

/**
 * The origin of a record from a collection read lazily: an iterable that is
 * neither an array nor a `Set` (a generator, `map.values()`, iterator
 * helpers), an async iterable or an Observable of inputs. `total` is
 * `undefined` until reading finds the end.
 */
export interface LazyOrigin<I = unknown> {
  /** The very object that was passed in. */
  input: I;
  /** 0-based position of the input in its collection. */
  index: number;
  /** Size of the collection; `undefined` while a lazily read one is unfinished. */
  total: number | undefined;
}

/**
 * A result with its identity and the progress of its collection (`emit: 'tagged'`).
 * `O` says where it came from ({@link CompletionOrigin}); the default is an
 * array's origin with any input of `T`.
 */
export type Completion<T, O extends CompletionOrigin = SizedOrigin<CompletionInput<T>>> = {
  /** The input's result. */
  value: T;
  /** Records emitted so far for this collection, this one included (1-based). */
  completed: number;
  /** 0-based index of the collection (always 0 in the creation form). */
  batch: number;
} & O;

/**
 * A per-input outcome (`emit: 'settled'`): exactly one per input. Narrow on
 * `status`; `O` as in {@link Completion}.
 */
export type Settled<T, O extends CompletionOrigin = SizedOrigin<CompletionInput<T>>> = (
  | {
      /** The input fulfilled. */
      status: 'fulfilled';
      /** Its result. */
      value: T;
    }
  | {
      /** The input failed (or missed a deadline). */
      status: 'rejected';
      /** Why: the input's error, or an `AsCompletedTimeoutError`. */
      reason: unknown;
    }
) & {
  /** Records emitted so far for this collection, this one included (1-based). */
  completed: number;
  /** 0-based index of the collection (always 0 in the creation form). */
  batch: number;
} & O;

/** Picks the element type from the `emit` option, for results of type `T` from origin `O`. */
export type Emitted<
  T,
  E extends EmitMode,
  O extends CompletionOrigin = SizedOrigin<CompletionInput<T>>,
> = E extends 'tagged' ? Completion<T, O> : E extends 'settled' ? Settled<T, O> : T;

/**
 * The origin of a record from a keyed collection, read whole: a record (a plain
 * object) or a `Map`. `key` is the record's string key or the Map's key; from
 * a record, `K` is the literal key, so `r.key === 'user'` narrows `r.value`.
 */
export interface KeyedOrigin<I = unknown, K = unknown> {
  /** The very object that was passed in (the value under `key`). */
  input: I;
  /** 0-based position of the entry in the collection (keys in order). */
  index: number;
  /** The record's string key, or the Map's key. */
  key: K;
  /** Size of the collection. */
  total: number;
}

/**
 * One kind of record a collection gives: the result type `value` of the
 * inputs from `origin`. A tuple or a record gives one per position or key; any
 * other collection gives one.
 */
export interface RecordSource<T = unknown, O extends CompletionOrigin = CompletionOrigin> {
  /** The result type of these inputs. */
  value: T;
  /** Where they come from. */
  origin: O;
}

/**
 * The kinds of record the collection `C` gives ({@link RecordSource}):
 * {@link SizedOrigin} for an array or a `Set`, one per position of a tuple (with
 * its literal `index`), {@link KeyedOrigin} for a `Map` and one per key of a
 * record (with its literal `key`), {@link LazyOrigin} for any other iterable,
 * an async iterable or an Observable of inputs.
 */
export type SourcesOf<C> = C extends readonly unknown[]
  ? number extends C['length']
    ? RecordSource<CompletionValueOf<C[number]>, SizedOrigin<C[number]>>
    : {
        [K in keyof C]: RecordSource<
          CompletionValueOf<C[K]>,
          SizedOrigin<C[K], K extends `${infer N extends number}` ? N : number>
        >;
      }[number]
  : C extends ReadonlyMap<infer K, infer I>
    ? RecordSource<CompletionValueOf<I>, KeyedOrigin<I, K>>
    : C extends ReadonlySet<infer I>
      ? RecordSource<CompletionValueOf<I>, SizedOrigin<I>>
      : C extends Iterable<infer I>
        ? RecordSource<CompletionValueOf<I>, LazyOrigin<I>>
        : C extends AsyncIterable<infer I>
          ? RecordSource<CompletionValueOf<I>, LazyOrigin<I>>
          : C extends Observable<infer I>
            ? RecordSource<CompletionValueOf<I>, LazyOrigin<I>>
            : { [K in keyof C & string]: RecordSource<CompletionValueOf<C[K]>, KeyedOrigin<C[K], K>> }[keyof C &
                string];

/**
 * What an operator over the collection `C` emits with `emit: E`: the results
 * (a union when they differ), or records whose origin follows the collection
 * ({@link SourcesOf}): a union discriminated by `index` for a tuple and by
 * `key` for a record.
 */
export type EmittedFrom<C, E extends EmitMode> =
  SourcesOf<C> extends infer S ? (S extends RecordSource<infer T, infer O> ? Emitted<T, E, O> : never) : never;

/**
 * `firstCompleted`'s winner with `emit: 'tagged'`: its result and which input
 * it was (`index`, `input`, and `key` in a keyed collection). `O` as in
 * {@link Completion}.
 */
export type FirstCompletion<T, O extends CompletionOrigin = SizedOrigin<CompletionInput<T>>> = {
  /** The winning result. */
  value: T;
} & Omit<O, 'total'>;

/** The values of `T` that a type guard for `R` lets through: `T` itself when `R` does not narrow it. */
export type NarrowedTo<T, R> = [T] extends [R] ? T : R extends T ? R : never;

/**
 * What `firstCompleted` over the collection `C` emits with `emit: E`, when the
 * `predicate` lets `R` through: the winner `R`, or a {@link FirstCompletion}
 * per kind of input that can win (for a tuple or a record, discriminated by
 * `index` or `key`).
 */
export type FirstEmittedFrom<C, E extends FirstEmitMode, R> = E extends 'tagged'
  ? SourcesOf<C> extends infer S
    ? S extends RecordSource<infer T, infer O>
      ? [NarrowedTo<T, R>] extends [never]
        ? never
        : FirstCompletion<NarrowedTo<T, R>, O>
      : never
    : never
  : R;

/** What `firstCompleted` can emit: the winner (`'value'`) or the winner with its origin (`'tagged'`). */
export type FirstEmitMode = 'value' | 'tagged';

/**
 * The pipeable form of {@link asCompleted} and {@link asCompletedWithTimeout}:
 * generic in the collections its source emits, so it can be made before it
 * meets its source (`const load = asCompleted({ emit: 'tagged' })`).
 */
export interface CompletionOperator<E extends EmitMode> {
  /** Runs every collection from `source` as a batch. */
  <C extends CompletionCollection>(source: Observable<ValidCollection<C>>): Observable<EmittedFrom<C, E>>;
}

/**
 * The pipeable form of {@link firstCompleted} without a `predicate`: generic in
 * the collections its source emits, so it can be made before it meets its source.
 */
export interface FirstCompletedOperator<E extends FirstEmitMode = 'value'> {
  /** Emits the winner of every collection from `source`. */
  <C extends CompletionCollection>(
    source: Observable<ValidCollection<C>>,
  ): Observable<FirstEmittedFrom<C, E, CollectionValueOf<C>>>;
}

/* Options */

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions<E extends EmitMode = EmitMode> {
  /**
   * How many inputs run at once: an integer from 1 up, or `Infinity` (default).
   * The rest start in input order as slots free. Promises passed in directly are
   * already running; the limit only delays when their results are taken.
   */
  concurrency?: number;
  /** `'value'` (default), `'tagged'` or `'settled'`. */
  emit?: E;
  /**
   * Aborting it tears everything down, as unsubscribing does, and errors the
   * output with `signal.reason`; one already aborted errors at subscription.
   */
  signal?: AbortSignal;
}

/** The parts of an {@link AsCompletedTimeoutConfig} besides the limits. */
export interface TimeoutConfigBase<E extends EmitMode = EmitMode> extends AsCompletedOptions<E> {
  /** Where time comes from; default `asyncScheduler` (virtual in `TestScheduler.run`). */
  scheduler?: SchedulerLike;
}

/**
 * Options of {@link asCompletedWithTimeout}: `total`, `each` or both (at least
 * one), and `onTimeout` only with `total`.
 */
export type AsCompletedTimeoutConfig<E extends EmitMode = EmitMode> =
  | (TimeoutConfigBase<E> & {
      /**
       * One overall deadline in ms (or an absolute `Date`), counted from subscription
       * (pipeable form: from each collection's arrival).
       */
      total: number | Date;
      /** A limit in ms per input, counted from when that input starts. */
      each?: number;
      /**
       * What the `total` deadline does in `'value'`/`'tagged'` mode: `'error'`
       * (default) errors with {@link AsCompletedTimeoutError}; `'complete'` completes
       * quietly.
       */
      onTimeout?: 'error' | 'complete';
    })
  | (TimeoutConfigBase<E> & {
      /** No overall deadline. */
      total?: undefined;
      /** A limit in ms per input, counted from when that input starts. */
      each: number;
      /** Only with `total`: it governs the overall deadline. */
      onTimeout?: undefined;
    });

/** Every key of an {@link AsCompletedTimeoutConfig}: what `asCompletedWithTimeout` knows. */
export interface TimeoutConfigKeys extends TimeoutConfigBase {
  /** See {@link AsCompletedTimeoutConfig}. */
  total?: unknown;
  /** See {@link AsCompletedTimeoutConfig}. */
  each?: unknown;
  /** See {@link AsCompletedTimeoutConfig}. */
  onTimeout?: unknown;
}

/**
 * Options of {@link firstCompleted}. A type-guard `predicate` narrows the result
 * to `R`; `emit: 'tagged'` says which input won.
 */
export interface FirstCompletedOptions<T, R extends T = T, E extends FirstEmitMode = FirstEmitMode> {
  /** How many inputs run at once; default `Infinity`. */
  concurrency?: number;
  /** `'value'` (default): the winner; `'tagged'`: `{ value, index, input, key? }`. No `'settled'`: failures are skipped. */
  emit?: E;
  /** Aborting it tears everything down and errors the output with `signal.reason`. */
  signal?: AbortSignal;
  /** Only a fulfilled result that passes this wins; default: any fulfilled result. */
  predicate?: ((value: T, index: number) => value is R) | ((value: T, index: number) => boolean);
}

/**
 * Checks the options type `O` (inferred from the options argument) key by key:
 * a key it surely has (not optional) that is not one of `Known`'s is typed
 * `never`, so an unknown key (a typo) does not compile, also when the options
 * are held in a variable (`const o = { concurency: 4 }`); the runtime rejects
 * it too. Known keys are left to the options type itself (`unknown` here), so
 * TypeScript's own checks, nested ones included, still apply.
 */
export type KnownKeysOnly<O, Known> = {
  [K in keyof O]: K extends keyof Known ? unknown : K extends RequiredKeys<O> ? never : unknown;
};

/** The keys that every value of `O` has (not optional). */
export type RequiredKeys<O> = { [K in keyof O]-?: object extends Pick<O, K> ? never : K }[keyof O];

/** Options of {@link mergeCompletedThen}. */
export interface MergeCompletedThenOptions<E extends EmitMode = EmitMode> {
  /**
   * A number is one budget shared by both stages (default `Infinity`);
   * `{ first, then }` caps each stage on its own. When a slot frees and both
   * stages wait, stage 2 goes first.
   */
  concurrency?:
    | number
    | {
        /** Cap on running stage-1 calls; default `Infinity`. */
        first?: number;
        /** Cap on running stage-2 calls; default `Infinity`. */
        then?: number;
      };
  /** `'value'` (default), `'tagged'` or `'settled'`. */
  emit?: E;
  /** Aborting it tears everything down and errors the output with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * What `mergeCompletedThen`'s `first` returns for an item: the list of its
 * children itself (any iterable but a string), a promise of it, or a stream of
 * pages (an Observable or async iterable of lists: every list starts its
 * children at once, and stage 1 ends when the stream completes).
 */
export type StageOneResult<U> =
  | (Iterable<U> & object)
  | PromiseLike<Iterable<U> & object>
  | Observable<Iterable<U> & object>
  | AsyncIterable<Iterable<U> & object>
  | InteropObservable<Iterable<U> & object>;

/** A stage-2 result with where it came from (`mergeCompletedThen`, `emit: 'tagged'`). */
export interface ThenCompletion<T, U, R> {
  /** The stage-2 result. */
  value: R;
  /** The stage-1 item the child came from. */
  item: T;
  /** Position of the item in its collection. */
  itemIndex: number;
  /** The child (an element of the item's stage-1 list). */
  child: U;
  /** Position of the child in its item's list. */
  childIndex: number;
  /** Records emitted so far for this collection, this one included (1-based). */
  completed: number;
  /** 0-based index of the collection (always 0 in the creation form). */
  batch: number;
}

/** A per-input outcome of `mergeCompletedThen` (`emit: 'settled'`). */
export type ThenSettled<T, U, R> =
  | ({
      /** The stage-2 call fulfilled. */
      status: 'fulfilled';
      /** Its result. */
      value: R;
      /** Always 2: a stage-2 outcome. */
      stage: 2;
    } & Omit<ThenCompletion<T, U, R>, 'value'>)
  | ({
      /** The stage-2 call failed. */
      status: 'rejected';
      /** Its error. */
      reason: unknown;
      /** Always 2: a stage-2 outcome. */
      stage: 2;
    } & Omit<ThenCompletion<T, U, R>, 'value'>)
  | {
      /** The item's stage-1 call failed, so it has no children. */
      status: 'rejected';
      /** Its error (a `TypeError` when its result was not iterable). */
      reason: unknown;
      /** Always 1: a stage-1 outcome. */
      stage: 1;
      /** The item. */
      item: T;
      /** Position of the item in its collection. */
      itemIndex: number;
      /** Records emitted so far for this collection, this one included (1-based). */
      completed: number;
      /** 0-based index of the collection (always 0 in the creation form). */
      batch: number;
    };

/** Picks the element type of `mergeCompletedThen` from the `emit` option. */
export type ThenEmitted<T, U, R, E extends EmitMode> = E extends 'tagged'
  ? ThenCompletion<T, U, R>
  : E extends 'settled'
    ? ThenSettled<T, U, R>
    : R;

import type { Observable, ObservableInput, ObservedValueOf, SchedulerLike } from 'rxjs';

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
 * array (or tuple), a `Set` or any other `Iterable` of objects and functions,
 * an `AsyncIterable` of them, or an `Observable` of them. Not a string, which
 * is iterable but is text.
 *
 * Deliberately loose: it is what TypeScript reads an inline collection against,
 * and anything stricter (such as `Iterable<CompletionInput<unknown>>`) would make
 * `promise.then((x) => ...)` inside the collection infer `unknown` (or `any`)
 * instead of its result. The elements are checked by {@link ValidCollection}.
 */
export type CompletionCollection =
  (Iterable<CollectionElement> & object) | AsyncIterable<CollectionElement> | Observable<CollectionElement>;

/** What a collection's elements are before they are checked: objects and functions. */
export type CollectionElement = object | ((signal: AbortSignal) => unknown);

/**
 * `C` when every element is an input ({@link AnyCompletionInput}); otherwise a
 * type that `C` does not fit, so the call does not compile and the message
 * names the element that is not an input. A `Map` does not fit either: it is
 * read as `[key, value]` pairs today; keyed collections (`key` on every record)
 * come in a later version.
 */
export type ValidCollection<C> = C &
  SameKind<C, InputOf<C> & AnyCompletionInput> &
  (C extends ReadonlyMap<unknown, unknown>
    ? {
        /** Never there: the compiler's message shows this key. */
        'Pass [...map.values()]: Map collections are not supported yet': never;
      }
    : unknown);

/**
 * The items of {@link mergeCompletedThen}: an array or `Set` (read whole), any
 * other iterable, an async iterable or an Observable (read lazily). Not a string.
 */
export type ItemCollection<T> = (Iterable<T> & object) | AsyncIterable<T> | Observable<T>;

/** The item type of a collection of items (the mapper form, `mergeCompletedThen`). */
export type ItemOf<C> =
  C extends Iterable<infer T> ? T : C extends AsyncIterable<infer T> ? T : C extends Observable<infer T> ? T : never;

/**
 * Where a record of the mapper form came from: `input` is the item. Sized
 * ({@link SizedOrigin}) for an array or a `Set`, {@link LazyOrigin} for a
 * collection read lazily.
 */
export type MappedOrigin<C> = C extends readonly unknown[] | ReadonlySet<unknown>
  ? SizedOrigin<ItemOf<C>>
  : LazyOrigin<ItemOf<C>>;

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

/** A collection of the same kind as `C` (iterable, async iterable, Observable) holding `I`. */
export type SameKind<C, I> =
  C extends Iterable<unknown> ? Iterable<I> : C extends AsyncIterable<unknown> ? AsyncIterable<I> : Observable<I>;

/** The result type of a collection's inputs (a union when they differ). */
export type CollectionValueOf<C> = CompletionValueOf<InputOf<C>>;

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
 * What an operator over the collection `C` emits with `emit: E`: the results,
 * or records whose origin follows the collection: {@link SizedOrigin} for an
 * array or a `Set`, with the literal `index` for each position of a tuple (a
 * union discriminated by `index`), {@link LazyOrigin} for any other iterable.
 */
export type EmittedFrom<C, E extends EmitMode> = C extends readonly unknown[]
  ? number extends C['length']
    ? Emitted<CompletionValueOf<C[number]>, E, SizedOrigin<C[number]>>
    : {
        [K in keyof C]: Emitted<
          CompletionValueOf<C[K]>,
          E,
          SizedOrigin<C[K], K extends `${infer N extends number}` ? N : number>
        >;
      }[number]
  : C extends ReadonlySet<infer I>
    ? Emitted<CompletionValueOf<I>, E, SizedOrigin<I>>
    : C extends Iterable<infer I>
      ? Emitted<CompletionValueOf<I>, E, LazyOrigin<I>>
      : C extends AsyncIterable<infer I>
        ? Emitted<CompletionValueOf<I>, E, LazyOrigin<I>>
        : C extends Observable<infer I>
          ? Emitted<CompletionValueOf<I>, E, LazyOrigin<I>>
          : never;

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
export interface FirstCompletedOperator {
  /** Emits the winner of every collection from `source`. */
  <C extends CompletionCollection>(source: Observable<ValidCollection<C>>): Observable<CollectionValueOf<C>>;
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

/**
 * Options of {@link firstCompleted}. A type-guard `predicate` narrows the result
 * to `R`.
 */
export interface FirstCompletedOptions<T, R extends T = T> {
  /** How many inputs run at once; default `Infinity`. */
  concurrency?: number;
  /** Aborting it tears everything down and errors the output with `signal.reason`. */
  signal?: AbortSignal;
  /** Only a fulfilled result that passes this wins; default: any fulfilled result. */
  predicate?: ((value: T, index: number) => value is R) | ((value: T, index: number) => boolean);
}

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

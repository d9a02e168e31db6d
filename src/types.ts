import type { ObservableInput, ObservedValueOf, SchedulerLike } from 'rxjs';

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

/** The result type of one {@link CompletionInput}. */
export type CompletionValueOf<I> = I extends (signal: AbortSignal) => infer O ? ObservedValueOf<O> : ObservedValueOf<I>;

/** The element type of a collection. */
export type InputOf<C> = C extends Iterable<infer I> ? I : never;

/** What each emission is: the bare result, a tagged record, or a settled record. */
export type EmitMode = 'value' | 'tagged' | 'settled';

/** A result with its identity and the progress of its collection (`emit: 'tagged'`). */
export interface Completion<T> {
  /** The input's result. */
  value: T;
  /** 0-based position of the input in its collection. */
  index: number;
  /** The very object that was passed in. */
  input: CompletionInput<T>;
  /** Records emitted so far for this collection, this one included (1-based). */
  completed: number;
  /** Size of the collection. */
  total: number;
  /** 0-based index of the collection (always 0 in the creation form). */
  batch: number;
}

/** A per-input outcome (`emit: 'settled'`): exactly one per input. */
export type Settled<T> =
  | ({
      /** The input fulfilled. */
      status: 'fulfilled';
      /** Its result. */
      value: T;
    } & Omit<Completion<T>, 'value'>)
  | ({
      /** The input failed (or missed a deadline). */
      status: 'rejected';
      /** Why: the input's error, or an `AsCompletedTimeoutError`. */
      reason: unknown;
    } & Omit<Completion<T>, 'value'>);

/** Picks the element type from the `emit` option. */
export type Emitted<T, E extends EmitMode> = E extends 'tagged' ? Completion<T> : E extends 'settled' ? Settled<T> : T;

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
}

/** Options of {@link asCompletedWithTimeout}. */
export interface AsCompletedTimeoutConfig<E extends EmitMode = EmitMode> extends AsCompletedOptions<E> {
  /**
   * One overall deadline in ms (or an absolute `Date`), counted from subscription
   * (pipeable form: from each collection's arrival).
   */
  total?: number | Date;
  /** A limit in ms per input, counted from when that input starts. */
  each?: number;
  /**
   * What the `total` deadline does in `'value'`/`'tagged'` mode: `'error'`
   * (default) errors with {@link AsCompletedTimeoutError}; `'complete'` completes
   * quietly.
   */
  onTimeout?: 'error' | 'complete';
  /** Where time comes from; default `asyncScheduler` (virtual in `TestScheduler.run`). */
  scheduler?: SchedulerLike;
}

/** Options of {@link firstCompleted}. */
export interface FirstCompletedOptions<T> {
  /** How many inputs run at once; default `Infinity`. */
  concurrency?: number;
  /** Only a fulfilled result that passes this wins; default: any fulfilled result. */
  predicate?: (value: T, index: number) => boolean;
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

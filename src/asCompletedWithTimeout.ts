import type { Observable, ObservableInput, ObservedValueOf, OperatorFunction } from 'rxjs';
import { runBatches, runCollection } from './internal/run.js';
import { mapped, TIMEOUT_OPTIONS, timeoutPlan } from './internal/plans.js';
import { assertCollection, isCollection, isLoneRecord } from './internal/validate.js';
import type {
  CompletionObservable,
  AsCompletedTimeoutConfig,
  CompletionCollection,
  CompletionOperator,
  EmitMode,
  Emitted,
  EmittedFrom,
  ItemCollection,
  ItemOf,
  KnownKeysOnly,
  LazyOrigin,
  MappedOrigin,
  MapperCollection,
  ProjectFn,
  TimeoutConfigKeys,
  ValidCollection,
} from './types.js';

/**
 * Like {@link asCompleted}, with a deadline: what finished in time is emitted,
 * what did not is reported.
 *
 * `timeout` as a number is short for `{ total: timeout }`. `total` is one
 * overall deadline counted from subscription; `each` limits every input from
 * the moment it starts (time queued behind `concurrency` does not count).
 *
 * ```text
 * inputs[0]: --A|
 * inputs[1]: ------B|
 * total: 4   ----X
 * result:    ---A#        # = AsCompletedTimeoutError (pending [1])
 * ```
 *
 * - At the `total` deadline, in `'value'`/`'tagged'` mode: errors with
 *   {@link AsCompletedTimeoutError} (`onTimeout: 'error'`, the default) or
 *   completes quietly (`onTimeout: 'complete'`); running inputs are torn down
 *   and their signals aborted with that error; queued inputs never start.
 * - In `'settled'` mode: every unfinished input (running or queued) emits a
 *   `rejected` record whose reason is the timeout error, in index order, then the
 *   output completes.
 * - An input finishing in the very frame of its deadline loses, as in asyncio.
 * - `each` expiry tears that input down and is its failure (`info.scope: 'each'`):
 *   fail fast in `'value'`/`'tagged'`, a `rejected` record in `'settled'`.
 * - When every input finishes early the timer is cleared at once; an empty
 *   collection completes at once and arms no timer.
 * - Time comes from `scheduler` (default `asyncScheduler`), so the operator runs
 *   in virtual time inside `TestScheduler.run`.
 *
 * ## Example
 * Take what three mirrors answer within a second, and name the ones that did not.
 * ```ts
 * import { asCompletedWithTimeout, AsCompletedTimeoutError } from 'rxjs-as-completed';
 *
 * const get = (url: string) => (signal: AbortSignal) => fetch(url, { signal }).then((r) => r.text());
 * asCompletedWithTimeout([get('/a'), get('/b'), get('/c')], { total: 1000, emit: 'tagged' }).subscribe({
 *   next: ({ index }) => console.log('done', index),
 *   error: (e) => e instanceof AsCompletedTimeoutError && console.log(e.message, e.info.pending),
 * });
 * // Logs:
 * // done 2
 * // done 0
 * // 1 (of 3) inputs unfinished after 1000 ms [ 1 ]
 * ```
 *
 * @see {@link AsCompletedTimeoutError}
 * @param inputs The collection: an array, `Set`, record (a plain object) or `Map` (read whole; records and Maps give each record its `key`), or a generator, async iterable or Observable of inputs (read lazily, one element each time an input can start). Its elements (a record's or Map's values) are promises, `ObservableInput`s or `(signal) => ObservableInput` factories.
 * @param timeout Milliseconds (or a `Date`) for `total`, or `{ total?, each?, onTimeout?, scheduler?, concurrency?, emit? }`.
 * @returns An Observable of results, {@link Completion} or {@link Settled} records by `emit`.
 */
export function asCompletedWithTimeout<C extends CompletionCollection, E extends EmitMode = 'value', O = object>(
  inputs: ValidCollection<C>,
  timeout: number | Date | (AsCompletedTimeoutConfig<E> & KnownKeysOnly<O, TimeoutConfigKeys>),
): CompletionObservable<EmittedFrom<C, E>>;

/**
 * The mapper form of {@link asCompletedWithTimeout}: each item's input is
 * `project(item, index, signal)`, called when it starts; `each` counts from there.
 *
 * ```text
 * items:      [a, b]        timeout 3
 * project(a): -----A|
 * project(b): -B|
 * result:     --B#          AsCompletedTimeoutError at 3
 * ```
 *
 * ## Example
 * ```ts
 * import { asCompletedWithTimeout } from 'rxjs-as-completed';
 *
 * asCompletedWithTimeout(['/a', '/b'], (url, _i, signal) => fetch(url, { signal }).then((r) => r.status), {
 *   each: 1000,
 *   emit: 'settled',
 * }).subscribe((r) => console.log(r.input, r.status));
 * // Logs:
 * // /b fulfilled
 * // /a rejected
 * ```
 *
 * @param items The items: an array, `Set`, record or `Map` (read whole; a record's or Map's values are the items, their keys the records' `key`), or a generator, async iterable or Observable (read lazily).
 * @param project `(item, index, signal)` → the item's input.
 * @param timeout Milliseconds (or a `Date`) for `total`, or the config object.
 * @returns An Observable of results, or records whose `input` is the item.
 */
export function asCompletedWithTimeout<
  C extends MapperCollection,
  P extends ObservableInput<unknown>,
  E extends EmitMode = 'value',
  O = object,
>(
  items: C,
  project: ProjectFn<ItemOf<C>, P>,
  timeout: number | Date | (AsCompletedTimeoutConfig<E> & KnownKeysOnly<O, TimeoutConfigKeys>),
): CompletionObservable<Emitted<ObservedValueOf<P>, E, MappedOrigin<C>>>;

/**
 * The pipeable mapper form of {@link asCompletedWithTimeout}: each source value
 * is a collection of items, each item's input `project(item, index, signal)`.
 *
 * ```text
 * source:     -x|        x = [a]; timeout 3
 * project(a):  -A|
 * result:     ---(A|)
 * ```
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { asCompletedWithTimeout } from 'rxjs-as-completed';
 *
 * of(['/a', '/b'])
 *   .pipe(asCompletedWithTimeout((url: string, _i, signal) => fetch(url, { signal }).then((r) => r.status), 5000))
 *   .subscribe((status) => console.log(status));
 * // Logs:
 * // 200
 * ```
 *
 * @param project `(item, index, signal)` → the item's input.
 * @param timeout Milliseconds (or a `Date`) for `total`, or the config object.
 * @returns An operator from collections of items to their results.
 */
export function asCompletedWithTimeout<T, P extends ObservableInput<unknown>, E extends EmitMode = 'value', O = object>(
  project: ProjectFn<T, P>,
  timeout: number | Date | (AsCompletedTimeoutConfig<E> & KnownKeysOnly<O, TimeoutConfigKeys>),
): OperatorFunction<ItemCollection<T>, Emitted<ObservedValueOf<P>, E, LazyOrigin<T>>>;

/**
 * Turns a source of collections into each collection's results as they finish,
 * each collection with its own deadline counted from its arrival.
 *
 * ```text
 * source:    -x-------|     x = [a, b], total: 4
 * a:          --A|
 * b:          ------B|
 * result:    ----A#
 * ```
 *
 * - Batches run side by side under one `concurrency` budget; with
 *   `onTimeout: 'complete'` a late batch ends quietly and the others go on.
 * - The output completes when the source and every batch have completed.
 *
 * ## Example
 * Every search fans out to three back ends; take what answers within 300 ms.
 * ```ts
 * import { map } from 'rxjs';
 * import { asCompletedWithTimeout } from 'rxjs-as-completed';
 *
 * query$
 *   .pipe(
 *     map((q) => backends.map((b) => (signal: AbortSignal) => b.search(q, signal))),
 *     asCompletedWithTimeout({ total: 300, onTimeout: 'complete', emit: 'tagged' }),
 *   )
 *   .subscribe(({ batch, index, value }) => console.log(batch, index, value.length));
 * // Logs (per query, the back ends that answered in time):
 * // 0 2 12
 * // 0 0 7
 * ```
 *
 * @param timeout Milliseconds (or a `Date`) for `total`, or the config object.
 * @returns An operator from collections of inputs to their results.
 */
export function asCompletedWithTimeout<E extends EmitMode = 'value', O = object>(
  timeout: number | Date | (AsCompletedTimeoutConfig<E> & KnownKeysOnly<O, TimeoutConfigKeys>),
): CompletionOperator<E>;

export function asCompletedWithTimeout(...args: unknown[]): Observable<unknown> | OperatorFunction<never, unknown> {
  if (args.length === 0) {
    throw new TypeError('Expected `timeout` to be a number of ms or a config object, got nothing');
  }
  const [first, second, third] = args;
  if (typeof first === 'function') return runBatches(mapped(timeoutPlan(second), first));
  if (args.length === 1 && !isCollection(first) && !isLoneRecord(first, TIMEOUT_OPTIONS)) {
    return runBatches(timeoutPlan(first));
  }
  assertCollection(first, 'inputs');
  if (typeof second === 'function') return runCollection(first, mapped(timeoutPlan(third), second));
  return runCollection(first, timeoutPlan(second));
}

import type { Observable, ObservableInput, ObservedValueOf, OperatorFunction } from 'rxjs';
import { isPipeableCall, runBatches, runCollection } from './internal/run.js';
import { AS_COMPLETED_OPTIONS, asCompletedPlan, mapped } from './internal/plans.js';
import { assertCollection } from './internal/validate.js';
import type {
  CompletionObservable,
  AsCompletedOptions,
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
  ValidCollection,
} from './types.js';

/**
 * Emits the results of a collection of promises, observables or factories in
 * the order they finish.
 *
 * Like Python's `asyncio.as_completed`: nothing waits for the slowest input. A
 * promise's result is its resolved value, an observable's is the last value it
 * emits, a factory is called with an `AbortSignal` when it starts.
 *
 * ```text
 * inputs[0]: ----A|
 * inputs[1]: -B|
 * result:    --B--(A|)       a result is out when its input completes
 * ```
 *
 * - Order: completion order; inputs that finish synchronously on subscription
 *   come out in input order.
 * - `concurrency`: at most that many inputs run; the rest start in input order
 *   as slots free. Promises passed in directly are already running.
 * - Errors (`emit: 'value'` / `'tagged'`): the first failure errors the output;
 *   earlier results were already emitted, every other input is torn down and
 *   its signal aborted, queued inputs never start. With `emit: 'settled'` every
 *   input yields exactly one record and the output never errors because of one.
 * - Teardown: unsubscribing tears down every running input and aborts every
 *   started factory's signal.
 * - Empty collection: completes at once. Every subscription reads the
 *   collection anew and calls the factories again.
 *
 * ## Example
 * Three requests; the results arrive as each one finishes.
 * ```ts
 * import { asCompleted } from 'rxjs-as-completed';
 *
 * const wait = (ms: number, v: string) => new Promise<string>((r) => setTimeout(r, ms, v));
 * asCompleted([wait(300, 'slow'), wait(100, 'fast'), wait(200, 'medium')], { emit: 'tagged' })
 *   .subscribe(({ value, index, completed, total }) => console.log(`[${completed}/${total}] #${index} ${value}`));
 * // Logs:
 * // [1/3] #1 fast
 * // [2/3] #2 medium
 * // [3/3] #0 slow
 * ```
 *
 * @see {@link asCompletedWithTimeout} for deadlines, {@link firstCompleted} for the first winner.
 * @param inputs The collection: an array, `Set`, record (a plain object) or `Map` (read whole; records and Maps give each record its `key`), or a generator, async iterable or Observable of inputs (read lazily, one element each time an input can start). Its elements (a record's or Map's values) are promises, `ObservableInput`s or `(signal) => ObservableInput` factories.
 * @param options `concurrency` (default `Infinity`) and `emit` (default `'value'`).
 * @returns An Observable of results (`'value'`), {@link Completion} records (`'tagged'`) or {@link Settled} records (`'settled'`).
 */
export function asCompleted<C extends CompletionCollection, E extends EmitMode = 'value', O = object>(
  inputs: ValidCollection<C>,
  options?: AsCompletedOptions<E> & KnownKeysOnly<O, AsCompletedOptions>,
): CompletionObservable<EmittedFrom<C, E>>;

/**
 * Maps each item of a collection to an input with `project`, called when that
 * input starts, and emits the results in the order they finish (the mapper form).
 *
 * This is p-map's and `mergeMap`'s shape: `project(item, index, signal)` runs
 * under `concurrency`, like a factory, and its `signal` is aborted as soon as
 * the result is no longer wanted. Records carry the item as `input`.
 *
 * ```text
 * items:     [a, b]
 * project(a): ----A|
 * project(b): -B|
 * result:    --B--(A|)
 * ```
 *
 * - Order, errors, teardown and empty collections as in the plain creation form.
 * - The collection may be read lazily (a generator, an async iterable, an
 *   Observable of items): one item each time an input can start.
 *
 * ## Example
 * Fetch users eight at a time, each request cancellable.
 * ```ts
 * import { asCompleted } from 'rxjs-as-completed';
 *
 * interface User { id: number; name: string }
 * const fetchUser = (id: number, signal: AbortSignal) =>
 *   fetch(`/users/${id}`, { signal }).then((r) => r.json() as Promise<User>);
 *
 * asCompleted([1, 2, 3], (id, _index, signal) => fetchUser(id, signal), { concurrency: 8, emit: 'tagged' })
 *   .subscribe(({ input, value }) => console.log(input, value.name));
 * // Logs (in the order the users arrive):
 * // 2 Ada
 * ```
 *
 * @param items The items: an array, `Set`, record or `Map` (read whole; a record's or Map's values are the items, their keys the records' `key`), or a generator, async iterable or Observable (read lazily).
 * @param project `(item, index, signal)` → the item's input (a promise or any `ObservableInput`).
 * @param options `concurrency` (default `Infinity`) and `emit` (default `'value'`).
 * @returns An Observable of results, or records whose `input` is the item.
 */
export function asCompleted<
  C extends MapperCollection,
  P extends ObservableInput<unknown>,
  E extends EmitMode = 'value',
  O = object,
>(
  items: C,
  project: ProjectFn<ItemOf<C>, P>,
  options?: AsCompletedOptions<E> & KnownKeysOnly<O, AsCompletedOptions>,
): CompletionObservable<Emitted<ObservedValueOf<P>, E, MappedOrigin<C>>>;

/**
 * Turns a source of collections of items into the results of `project` for
 * each item, in the order they finish (the pipeable mapper form).
 *
 * ```text
 * source:     -x-----|     x = [a, b]
 * project(a):  ----A|
 * project(b):  -B|
 * result:     ---B--A|
 * ```
 *
 * - Each source value is a batch; batches share one `concurrency` budget.
 *
 * ## Example
 * ```ts
 * import { Subject } from 'rxjs';
 * import { asCompleted } from 'rxjs-as-completed';
 *
 * const pages$ = new Subject<number[]>();
 * pages$
 *   .pipe(asCompleted((id: number, _i, signal) => fetch(`/items/${id}`, { signal }).then((r) => r.status), { concurrency: 4 }))
 *   .subscribe((status) => console.log(status));
 * // Logs:
 * // 200
 * ```
 *
 * @param project `(item, index, signal)` → the item's input.
 * @param options `concurrency` (default `Infinity`, shared by all batches) and `emit` (default `'value'`).
 * @returns An operator from collections of items to their results.
 */
export function asCompleted<T, P extends ObservableInput<unknown>, E extends EmitMode = 'value', O = object>(
  project: ProjectFn<T, P>,
  options?: AsCompletedOptions<E> & KnownKeysOnly<O, AsCompletedOptions>,
): OperatorFunction<ItemCollection<T>, Emitted<ObservedValueOf<P>, E, LazyOrigin<T>>>;

/**
 * Turns a source of collections into the results of each collection's inputs in
 * the order they finish.
 *
 * Each source value is a batch, handled like the creation form. Batches run side
 * by side and share one `concurrency` budget; `batch` in the records says which
 * collection a result came from.
 *
 * ```text
 * source:    -x---------|     x = [a, b]
 * a:          ----A|
 * b:          -B|
 * result:    ---B--A----|
 * ```
 *
 * - The output completes when the source and every batch have completed.
 * - A source error tears everything down; a source value that is not a
 *   collection errors the output with a `TypeError`.
 *
 * ## Example
 * Load the items of each page of ids as they come.
 * ```ts
 * import { map } from 'rxjs';
 * import { asCompleted } from 'rxjs-as-completed';
 *
 * pageOfIds$
 *   .pipe(
 *     map((ids) => ids.map((id) => (signal: AbortSignal) => fetch(`/items/${id}`, { signal }).then((r) => r.json() as Promise<Item>))),
 *     asCompleted({ concurrency: 4, emit: 'tagged' }),
 *   )
 *   .subscribe(({ value, batch, completed, total }) => console.log(batch, `${completed}/${total}`, value));
 * // Logs (one line per item, in the order they arrive):
 * // 0 1/3 { id: 2, ... }
 * ```
 *
 * @param options `concurrency` (default `Infinity`, shared by all batches) and `emit` (default `'value'`).
 * @returns An operator from collections of inputs to their results.
 */
export function asCompleted<E extends EmitMode = 'value', O = object>(
  options?: AsCompletedOptions<E> & KnownKeysOnly<O, AsCompletedOptions>,
): CompletionOperator<E>;

export function asCompleted(...args: unknown[]): Observable<unknown> | OperatorFunction<never, unknown> {
  if (typeof args[0] === 'function') return runBatches(mapped(asCompletedPlan(args[1]), args[0]));
  if (isPipeableCall(args, AS_COMPLETED_OPTIONS)) {
    return runBatches(asCompletedPlan(args[0]));
  }
  const [inputs, second, third] = args;
  assertCollection(inputs, 'inputs');
  if (typeof second === 'function') return runCollection(inputs, mapped(asCompletedPlan(third), second));
  return runCollection(inputs, asCompletedPlan(second));
}

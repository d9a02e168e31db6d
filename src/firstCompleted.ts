import type { Observable, ObservableInput, ObservedValueOf, OperatorFunction } from 'rxjs';
import { isPipeableCall, runBatches, runCollection } from './internal/run.js';
import { FIRST_OPTIONS, firstPlan, mapped } from './internal/plans.js';
import { assertCollection } from './internal/validate.js';
import type {
  CollectionValueOf,
  CompletionCollection,
  CompletionObservable,
  FirstCompletedCollection,
  FirstCompletedOperator,
  FirstCompletedOptions,
  FirstCompletion,
  FirstEmitMode,
  FirstEmittedFrom,
  ItemCollection,
  ItemOf,
  LazyOrigin,
  MappedOrigin,
  MapperCollection,
  ProjectFn,
  ValidCollection,
} from './types.js';

/**
 * Emits the first result that is fulfilled (and passes `predicate`), then
 * completes and cancels the rest: "the first mirror that answers".
 *
 * `Promise.any` for RxJS, with cancellation: the moment there is a winner every
 * other input is torn down and every started factory's signal aborted.
 *
 * ```text
 * inputs[0]: ------A|
 * inputs[1]: --#           (fails: skipped)
 * inputs[2]: ----C|
 * result:    -----(C|)
 * ```
 *
 * - Failures are skipped. If no input qualifies, errors with an `AggregateError`
 *   whose `errors` are the failures in index order (an empty collection: an
 *   `AggregateError` with no errors).
 * - `predicate(value, index)` throwing errors the output.
 * - `concurrency` limits how many inputs run; the rest start in input order,
 *   and never start once there is a winner.
 *
 * ## Example
 * Ask three mirrors; use whichever answers first.
 * ```ts
 * import { firstCompleted } from 'rxjs-as-completed';
 *
 * const mirrors = ['https://a.example', 'https://b.example', 'https://c.example'];
 * const getPkg = (mirror: string) => (signal: AbortSignal) =>
 *   fetch(`${mirror}/pkg.json`, { signal }).then((r) => r.json() as Promise<{ version: string }>);
 * firstCompleted(mirrors.map(getPkg)).subscribe((pkg) => console.log(pkg.version));
 * // Logs:
 * // 1.4.2
 * ```
 *
 * @see {@link asCompleted}
 * @param inputs The collection: an array, `Set`, record (a plain object) or `Map` (read whole; records and Maps give each record its `key`), or a generator, async iterable or Observable of inputs (read lazily, one element each time an input can start). Its elements (a record's or Map's values) are promises, `ObservableInput`s or `(signal) => ObservableInput` factories.
 * @param options `concurrency` (default `Infinity`), `predicate` (default: any fulfilled result wins; a type guard narrows the output) and `emit` (`'value'`, the default, or `'tagged'`: `{ value, index, input, key? }`, which input won).
 * @returns An Observable of exactly one value (or tagged winner), or an `AggregateError`.
 */
export function firstCompleted<
  C extends FirstCompletedCollection,
  R extends CollectionValueOf<C> = CollectionValueOf<C>,
  E extends FirstEmitMode = 'value',
>(
  inputs: ValidCollection<C>,
  options?: FirstCompletedOptions<CollectionValueOf<C>, R, E>,
): CompletionObservable<FirstEmittedFrom<C, E, R>>;

/**
 * The mapper form of {@link firstCompleted}: each item's input is
 * `project(item, index, signal)`, called when it starts; the first fulfilled
 * result (that passes `predicate`) wins and every other input is aborted.
 *
 * ```text
 * items:      [a, b]
 * project(a): ----A|
 * project(b): -B|
 * result:     --(B|)
 * ```
 *
 * ## Example
 * The first mirror that answers.
 * ```ts
 * import { firstCompleted } from 'rxjs-as-completed';
 *
 * firstCompleted(['https://a.example', 'https://b.example'], (url, _i, signal) =>
 *   fetch(url, { signal }).then((r) => r.text()),
 * ).subscribe((text) => console.log(text.length));
 * // Logs:
 * // 1256
 * ```
 *
 * @param items The items: an array, `Set`, record or `Map` (read whole; a record's or Map's values are the items, their keys the records' `key`), or a generator, async iterable or Observable (read lazily).
 * @param project `(item, index, signal)` → the item's input.
 * @param options `concurrency`, `predicate` and `emit`, as in the plain creation form.
 * @returns An Observable of the winner.
 */
export function firstCompleted<
  C extends MapperCollection,
  P extends ObservableInput<unknown>,
  R extends ObservedValueOf<P> = ObservedValueOf<P>,
  E extends FirstEmitMode = 'value',
>(
  items: C,
  project: ProjectFn<ItemOf<C>, P>,
  options?: FirstCompletedOptions<ObservedValueOf<P>, R, E>,
): CompletionObservable<E extends 'tagged' ? FirstCompletion<R, MappedOrigin<C>> : R>;

/**
 * The pipeable mapper form of {@link firstCompleted}: per collection of items
 * from the source, the first fulfilled result of `project(item, index, signal)`.
 *
 * ```text
 * source:     -x|        x = [a, b]
 * project(a):  ---A|
 * project(b):  -B|
 * result:     ---B|
 * ```
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { firstCompleted } from 'rxjs-as-completed';
 *
 * of(['https://a.example', 'https://b.example'])
 *   .pipe(firstCompleted((url: string, _i, signal) => fetch(url, { signal }).then((r) => r.status)))
 *   .subscribe((status) => console.log(status));
 * // Logs:
 * // 200
 * ```
 *
 * @param project `(item, index, signal)` → the item's input.
 * @param options `concurrency`, `predicate` and `emit`.
 * @returns An operator from collections of items to one winner per collection.
 */
export function firstCompleted<
  T,
  P extends ObservableInput<unknown>,
  R extends ObservedValueOf<P> = ObservedValueOf<P>,
  E extends FirstEmitMode = 'value',
>(
  project: ProjectFn<T, P>,
  options?: FirstCompletedOptions<ObservedValueOf<P>, R, E>,
): OperatorFunction<ItemCollection<T>, E extends 'tagged' ? FirstCompletion<R, LazyOrigin<T>> : R>;

/**
 * For each collection from the source, emits the first fulfilled result and
 * cancels the rest of that collection (the form with a `predicate` is below).
 *
 * Without a `predicate` the operator takes its types from the source it meets,
 * so it can be made once and kept in a variable.
 *
 * ```text
 * source:    -x-----y--|     x = [a, b], y = [c]
 * a:          ---A|
 * b:          -B|
 * c:                -C|
 * result:    ---B-----C|
 * ```
 *
 * ## Example
 * The first of three mirrors to answer, for every request.
 * ```ts
 * import { map } from 'rxjs';
 * import { firstCompleted } from 'rxjs-as-completed';
 *
 * const fastest = firstCompleted({ concurrency: 2 });
 * query$
 *   .pipe(
 *     map((q) => ['a', 'b', 'c'].map((m) => http.get<Item[]>(`https://${m}.example/search?q=${q}`))),
 *     fastest,
 *   )
 *   .subscribe((items) => console.log(items.length));
 * // Logs (one per query):
 * // 12
 * ```
 *
 * @param options `concurrency` (default `Infinity`, shared by all collections) and `emit` (`'value'` or `'tagged'`).
 * @returns An operator from collections of inputs to one winner per collection.
 */
export function firstCompleted<E extends FirstEmitMode = 'value'>(options?: {
  concurrency?: number;
  emit?: E;
  predicate?: undefined;
  signal?: AbortSignal;
}): FirstCompletedOperator<E>;

/**
 * For each collection from the source, emits the first result that is fulfilled
 * (and passes `predicate`) and cancels the rest of that collection.
 *
 * ```text
 * source:    -x-----y--|     x = [a, b], y = [c]
 * a:          ---A|
 * b:          -B|
 * c:                -C|
 * result:    ---B-----C|
 * ```
 *
 * - Collections run side by side under one `concurrency` budget.
 * - A collection in which no input qualifies errors the output with an `AggregateError`.
 * - A type-guard `predicate` narrows the output type.
 *
 * ## Example
 * For every lookup, take the first cache layer that has the key.
 * ```ts
 * import { map } from 'rxjs';
 * import { firstCompleted } from 'rxjs-as-completed';
 *
 * key$
 *   .pipe(
 *     map((key) => [memory.get(key), redis.get(key), db.get(key)]),
 *     firstCompleted({ predicate: (value): value is Item => value !== undefined }),
 *   )
 *   .subscribe((item) => console.log(item)); // item: Item, not Item | undefined
 * // Logs (one per key):
 * // { id: 'k1', ... }
 * ```
 *
 * @param options `concurrency` (default `Infinity`, shared), `predicate` (a type guard narrows the output) and `emit` (`'value'` or `'tagged'`).
 * @returns An operator from collections of inputs to one winner per collection.
 */
export function firstCompleted<
  C extends CompletionCollection,
  R extends CollectionValueOf<C> = CollectionValueOf<C>,
  E extends FirstEmitMode = 'value',
>(options: FirstCompletedOptions<CollectionValueOf<C>, R, E>): OperatorFunction<C, FirstEmittedFrom<C, E, R>>;

export function firstCompleted(...args: unknown[]): Observable<unknown> | OperatorFunction<never, unknown> {
  if (typeof args[0] === 'function') return runBatches(mapped(firstPlan(args[1]), args[0]));
  if (isPipeableCall(args, FIRST_OPTIONS)) {
    return runBatches(firstPlan(args[0]));
  }
  const [inputs, second, third] = args;
  assertCollection(inputs, 'inputs');
  if (typeof second === 'function') return runCollection(inputs, mapped(firstPlan(third), second));
  return runCollection(inputs, firstPlan(second));
}

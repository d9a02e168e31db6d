import type { Observable, ObservableInput, OperatorFunction } from 'rxjs';
import { runBatches, runCollection } from './internal/run.js';
import { thenPlan } from './internal/plans.js';
import { assertCollection } from './internal/validate.js';
import type {
  CompletionObservable,
  EmitMode,
  ItemCollection,
  KnownKeysOnly,
  MergeCompletedThenOptions,
  StageOneResult,
  ThenEmitted,
} from './types.js';

/**
 * The two-stage fan-out over a source of item collections: each source value is
 * a batch of items, handled like the creation form; batches share the budget.
 *
 * ```text
 * source:    -x----|        x = [a]
 * first(a):   --l|          l = [a1]
 * then(a1):      ---A|
 * result:    --------(A|)
 * ```
 *
 * ## Example
 * For every page of users, load their orders' details as each user's list arrives.
 * ```ts
 * import { mergeCompletedThen } from 'rxjs-as-completed';
 *
 * userPage$
 *   .pipe(mergeCompletedThen((user: string, _i, signal) => listOrders(user, signal), (id: number, _user, signal) => loadOrder(id, signal)))
 *   .subscribe((order) => console.log(order.id));
 * // Logs (in the order the details arrive):
 * // 7
 * // 3
 * ```
 *
 * @param first `(item, index, signal)` → the item's list of children, a promise of it, or a stream of pages (an Observable or async iterable of lists).
 * @param then `(child, item, signal)` → an `ObservableInput` of the stage-2 result.
 * @param options `concurrency` and `emit`, as in the creation form.
 * @returns An operator from collections of items to stage-2 results.
 */
export function mergeCompletedThen<T, U, R, E extends EmitMode = 'value', O = object>(
  first: (item: T, index: number, signal: AbortSignal) => StageOneResult<U>,
  then: (child: U, item: T, signal: AbortSignal) => ObservableInput<R>,
  options?: MergeCompletedThenOptions<E> & KnownKeysOnly<O, MergeCompletedThenOptions>,
): OperatorFunction<ItemCollection<T>, ThenEmitted<T, U, R, E>>;

/**
 * The two-stage fan-out: each item's stage-1 request gives a list, and the
 * stage-2 requests for that list start the moment that item's stage 1 finishes.
 *
 * The usual way, "gather all of stage 1, then fan out" (`forkJoin` then
 * `mergeMap`), waits for the slowest stage-1 request before any stage-2 request
 * starts. Here stage 2 of a fast item overlaps stage 1 of a slow one.
 *
 * ```text
 * first(a):  ----l|         l = [a1]
 * first(b):  -m|            m = [b1]
 * then(b1):    --B|
 * then(a1):       --A|
 * result:    -----B--(A|)
 * ```
 *
 * - Output: stage-2 results in completion order; stage-1 results are not emitted.
 * - `first` may give the list itself, a promise of it, or a stream of pages (an
 *   Observable or async iterable of lists): each page's children start as it
 *   arrives and `childIndex` counts on across pages. A page that is not a list
 *   (or is a string) is a failure of that item (`TypeError`); a stream that ends
 *   without any list is one too (`EmptyError`).
 * - `concurrency`: a number is one budget shared by both stages; `{ first, then }`
 *   caps each stage on its own. When a slot frees and both stages wait, stage 2
 *   goes first.
 * - `emit: 'tagged'` gives {@link ThenCompletion} records; `emit: 'settled'` gives
 *   a record per stage-2 input plus a `stage: 1` rejected record per failed item.
 * - Fail fast in `'value'`/`'tagged'`: the first failure (either stage) errors the
 *   output and tears everything else down.
 *
 * ## Example
 * Load each user's orders, and each order's details as soon as that user's list is in.
 * ```ts
 * import { mergeCompletedThen } from 'rxjs-as-completed';
 *
 * mergeCompletedThen(
 *   ['ann', 'bob'],
 *   (user, _i, signal) => fetch(`/users/${user}/orders`, { signal }).then((r) => r.json() as Promise<number[]>),
 *   (orderId, _user, signal) => fetch(`/orders/${orderId}`, { signal }).then((r) => r.json() as Promise<{ total: number }>),
 *   { concurrency: 8, emit: 'tagged' },
 * ).subscribe(({ item, child, value }) => console.log(item, child, value.total));
 * // Logs (in the order the details arrive):
 * // bob 7 12.5
 * // ann 3 40
 * ```
 *
 * @see {@link asCompleted}
 * @param items The stage-1 items: an array or `Set` (read whole), or a generator, async iterable or Observable (read lazily).
 * @param first `(item, index, signal)` → the item's list of children, a promise of it, or a stream of pages (an Observable or async iterable of lists).
 * @param then `(child, item, signal)` → an `ObservableInput` of the stage-2 result.
 * @param options `concurrency` (number or `{ first, then }`, default `Infinity`) and `emit` (default `'value'`).
 * @returns An Observable of stage-2 results (or records, by `emit`).
 */
export function mergeCompletedThen<T, U, R, E extends EmitMode = 'value', O = object>(
  items: ItemCollection<T>,
  first: (item: T, index: number, signal: AbortSignal) => StageOneResult<U>,
  then: (child: U, item: T, signal: AbortSignal) => ObservableInput<R>,
  options?: MergeCompletedThenOptions<E> & KnownKeysOnly<O, MergeCompletedThenOptions>,
): CompletionObservable<ThenEmitted<T, U, R, E>>;

export function mergeCompletedThen(...args: unknown[]): Observable<unknown> | OperatorFunction<never, unknown> {
  if (typeof args[0] === 'function') {
    const [first, then, options] = args;
    return runBatches(thenPlan(first, then, options));
  }
  const [items, first, then, options] = args;
  assertCollection(items, 'items');
  return runCollection(items, thenPlan(first, then, options));
}

import type { Observable, OperatorFunction } from 'rxjs';
import { isPipeableCall, runBatches, runCollection } from './internal/run.js';
import { AS_COMPLETED_OPTIONS, asCompletedPlan } from './internal/plans.js';
import { assertCollection } from './internal/validate.js';
import type {
  AsCompletedOptions,
  CompletionCollection,
  CompletionOperator,
  EmitMode,
  EmittedFrom,
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
 * @param inputs The collection: an array or `Set` (read whole), or a generator, async iterable or Observable of inputs (read lazily, one element each time an input can start). Its elements are promises, `ObservableInput`s or `(signal) => ObservableInput` factories.
 * @param options `concurrency` (default `Infinity`) and `emit` (default `'value'`).
 * @returns An Observable of results (`'value'`), {@link Completion} records (`'tagged'`) or {@link Settled} records (`'settled'`).
 */
export function asCompleted<C extends CompletionCollection, E extends EmitMode = 'value'>(
  inputs: ValidCollection<C>,
  options?: AsCompletedOptions<E>,
): Observable<EmittedFrom<C, E>>;

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
export function asCompleted<E extends EmitMode = 'value'>(options?: AsCompletedOptions<E>): CompletionOperator<E>;

export function asCompleted(...args: unknown[]): Observable<unknown> | OperatorFunction<never, unknown> {
  if (isPipeableCall(args, AS_COMPLETED_OPTIONS)) {
    return runBatches(asCompletedPlan(args[0]));
  }
  const [inputs, options] = args;
  assertCollection(inputs, 'inputs');
  return runCollection(inputs, asCompletedPlan(options));
}

/**
 * Runs a plan: the two forms of every operator. The creation form reads one
 * collection per subscription; the pipeable form reads one per source value
 * (a batch). Each collection becomes a group that the engine runs.
 */
import { Observable, type Subscriber, type OperatorFunction } from 'rxjs';
import { IterableObservable, ReadingEngine, type Reader } from './asyncIteration.js';
import { Engine } from './engine.js';
import { Lane, type Group } from './group.js';
import { CollectionSubscriber, markPassedInHandled, sourceOf, type Source } from './sources.js';
import {
  assertCollection,
  describeValue,
  holdsOnlyInputs,
  isCollection,
  isLoneOptions,
  isPlainObject,
  isRecord,
} from './validate.js';

/** The lanes of a plan by name, e.g. `{ inputs }` or `{ stage2, stage1 }`. */
export type Lanes = Readonly<Record<string, Lane>>;

/** How one subscription is set up: the budget, the lanes, and how a collection becomes a group. */
export interface Plan {
  /** At most this many inputs run at once, across lanes (`concurrency`). */
  budget: number;
  /** The `signal` option: aborting it tears everything down and errors the output with its reason. */
  signal?: AbortSignal | undefined;
  /**
   * Each lane's cap by name, in priority order: when budget frees, the first
   * lane (in this order) with waiting work and room under its cap starts one.
   */
  lanes: Readonly<Record<string, number>>;
  /**
   * The elements are items, not inputs (the mapper form, `mergeCompletedThen`):
   * in the pipeable form every plain-object source value is a record batch.
   */
  takesItems?: boolean;
  /** A group for one collection (read whole or lazily, as its source says), in the engine's lanes. */
  group(engine: Engine, source: Source, batch: number, lanes: Lanes): Group;
}

function createEngine(plan: Plan, subscriber: Subscriber<unknown>, reader?: Reader): { engine: Engine; lanes: Lanes } {
  const lanes: Record<string, Lane> = {};
  for (const [name, cap] of Object.entries(plan.lanes)) lanes[name] = new Lane(name, cap);
  const engine =
    reader === undefined
      ? new Engine(subscriber, plan.budget, Object.values(lanes))
      : new ReadingEngine(subscriber, plan.budget, Object.values(lanes), reader);
  if (plan.signal !== undefined) watchSignal(plan.signal, engine);
  return { engine, lanes };
}

/**
 * The `signal` option: one already aborted errors the output at once (nothing
 * is read or started); aborting it later tears everything down (the inputs'
 * signals aborted with its reason) and errors the output with `signal.reason`.
 * The listener is removed when the output ends, whatever ends it.
 */
function watchSignal(signal: AbortSignal, engine: Engine): void {
  if (signal.aborted) {
    engine.fail(signal.reason);
    return;
  }
  const onAbort = () => engine.fail(signal.reason, signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  engine.onShutdown(() => signal.removeEventListener('abort', onAbort));
}

/**
 * The creation form: one collection, read anew on every subscription (and on
 * every `for await` loop, whose unread results hold budget: `asyncIteration.ts`).
 */
export function runCollection<R>(collection: object, plan: Plan): IterableObservable<R> {
  return new IterableObservable<R>((subscriber, reader) => {
    const { engine, lanes } = createEngine(plan, subscriber, reader);
    if (engine.closed) {
      // An already aborted `signal`: nothing is read or started, but promises passed in are running.
      markPassedInHandled(collection);
      return;
    }
    let source: Source;
    try {
      source = sourceOf(collection);
    } catch (error) {
      engine.fail(error);
      return;
    }
    engine.add(plan.group(engine, source, 0, lanes));
    engine.sourceComplete();
  });
}

/**
 * The pipeable form: every source value is a collection (a batch); batches run
 * side by side under one budget; the output completes when the source and
 * every batch have.
 */
export function runBatches<R>(plan: Plan): OperatorFunction<object, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const { engine, lanes } = createEngine(plan, subscriber);
      if (engine.closed) return;
      let batch = 0;
      const batches = new CollectionSubscriber(
        (value) => {
          let source: Source;
          try {
            // A plain object is a record batch only when every value is an input (SPEC §1), or of items.
            if (
              !isCollection(value, 'the source') &&
              !(isRecord(value) && (plan.takesItems === true || holdsOnlyInputs(value)))
            ) {
              engine.fail(
                new TypeError(
                  `Expected the source to emit collections of inputs, got ${describeValue(value)}; ` +
                    'to run each source value as one input, pass the source itself as the collection ' +
                    '(`asCompleted(source$, options)`)',
                ),
              );
              return;
            }
            source = sourceOf(value);
          } catch (error) {
            engine.fail(error);
            return;
          }
          engine.add(plan.group(engine, source, batch++, lanes));
          engine.pump();
        },
        (error) => engine.fail(error),
        () => engine.sourceComplete(),
      );
      engine.onShutdown(() => batches.unsubscribe());
      source.subscribe(batches);
    });
}

/**
 * Tells the two forms apart: the creation form's first argument is a
 * collection; the pipeable form's is its options (or nothing). A lone plain
 * object is options or a record by the lone plain-object rule (`isLoneOptions`);
 * followed by more arguments it is a record. A first argument that is neither
 * throws, naming `inputs` (and, for options with unknown keys, which keys would
 * not do: usually a typo).
 */
export function isPipeableCall(args: readonly unknown[], knownOptions: readonly string[]): boolean {
  if (args.length === 0) return true;
  const [first] = args;
  if (isCollection(first)) return false;
  if (args.length === 1 && first === undefined) return true;
  if (args.length === 1 && isPlainObject(first)) {
    if (!isLoneOptions(first, knownOptions)) return false;
    const unknown = Object.keys(first).filter((key) => !knownOptions.includes(key));
    if (unknown.length === 0) return true;
    throw new TypeError(
      `Expected \`inputs\` to be a collection of inputs or \`options\` an options object, got an object with ` +
        `${unknown.map((key) => `\`${key}\``).join(', ')} (options are ${knownOptions.map((key) => `\`${key}\``).join(', ')})`,
    );
  }
  assertCollection(first, 'inputs');
  return false;
}

/**
 * `for await` over the creation forms, as properties: generated collections
 * (arrays, records, Maps, generators read lazily, Observables of inputs) of
 * inputs that finish after a random number of microtask hops, read by a loop
 * whose body takes its own random number of hops and may `break` or throw at
 * its k-th result. Inputs may throw from their finalizer. Invariants:
 *   - at every point of every loop body, running inputs plus results the
 *     engine has given and the loop has not yet taken are at most
 *     `concurrency` (backpressure);
 *   - once the loop is over, no input is still subscribed, the lazy
 *     collection's iterator is closed or ran to its end, an Observable
 *     collection is unsubscribed;
 *   - a factory's signal is aborted iff its input was torn down;
 *   - a loop that ran to its end took exactly one result per input in
 *     `'settled'` mode (every input read, for a lazy collection);
 *   - an error a finalizer threw surfaces once (from the loop's end, or
 *     `config.onUnhandledError`); never twice. When the loop body itself
 *     threw, the language drops a rejection of the iterator's `return()`,
 *     so it may then surface nowhere.
 * No virtual time: everything runs on microtasks, so a run is deterministic.
 */
import fc from 'fast-check';
import { config, EmptyError, Observable, UnsubscriptionError } from 'rxjs';
import { asCompleted, mergeCompletedThen, type CompletionInput } from '../../src/index';
import { DEFAULT_SEED, RUNS, TIME_LIMIT } from './harness';

interface FaInput {
  kind: 'value' | 'error' | 'empty';
  /** Microtask hops before it finishes (0 and `sync`: at subscription). */
  hops: number;
  sync: boolean;
  factory: boolean;
  throwOnTeardown: boolean;
}

interface FaScenario {
  inputs: FaInput[];
  collection: 'array' | 'record' | 'map' | 'lazy' | 'observable';
  concurrency: number;
  emit: 'value' | 'tagged' | 'settled';
  /** Hops each loop body takes, in turn. */
  paces: number[];
  /** Leave the loop at the `at`-th result (0-based). */
  stop?: { at: number; how: 'break' | 'throw' };
  /**
   * `mergeCompletedThen` instead of `asCompleted`: the collection holds these
   * items, whose children are `inputs` handed out in turn (a record or a Map
   * of items is given as an array).
   */
  items?: ItemPlan[];
}

interface ItemPlan {
  /** The list at once, or a stream of pages (`sizes`), each after `gap` hops. */
  paged: boolean;
  sizes: number[];
  gap: number;
  /** How the stream of pages ends: completes, errors, or gives a page that is no list. */
  end: 'complete' | 'error' | 'notList';
}

const itemPlanArb: fc.Arbitrary<ItemPlan> = fc.record({
  paged: fc.integer({ min: 0, max: 3 }).map((n) => n !== 0),
  sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
  gap: fc.integer({ min: 0, max: 6 }),
  end: fc.constantFrom<ItemPlan['end']>('complete', 'complete', 'complete', 'error', 'notList'),
});

const inputArb: fc.Arbitrary<FaInput> = fc.record({
  kind: fc.constantFrom<FaInput['kind']>('value', 'value', 'value', 'value', 'error', 'empty'),
  hops: fc.integer({ min: 0, max: 12 }),
  sync: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  factory: fc.boolean(),
  throwOnTeardown: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

const scenarioArb: fc.Arbitrary<FaScenario> = fc.record(
  {
    inputs: fc.array(inputArb, { maxLength: 10 }),
    collection: fc.constantFrom<FaScenario['collection']>('array', 'record', 'map', 'lazy', 'lazy', 'observable'),
    concurrency: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity)),
    emit: fc.constantFrom<FaScenario['emit']>('value', 'tagged', 'settled', 'settled'),
    paces: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 4 }),
    stop: fc.record({ at: fc.nat({ max: 8 }), how: fc.constantFrom<'break' | 'throw'>('break', 'throw') }),
    items: fc.array(itemPlanArb, { maxLength: 4 }),
  },
  { requiredKeys: ['inputs', 'collection', 'concurrency', 'emit', 'paces'] },
);

const hops = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

class LoopStop extends Error {}

async function runScenario(s: FaScenario): Promise<string[]> {
  const problems: string[] = [];
  const previousHandler = config.onUnhandledError;
  const thrown: Error[] = [];
  const surfaced: unknown[] = [];
  config.onUnhandledError = (error) => surfaced.push(error);
  try {
    let live = 0;
    /** Results the engine gave (counted as their input finished), and results the loop took. */
    let given = 0;
    let taken = 0;
    let failed = false;
    const signals = new Map<number, AbortSignal>();
    const finished = new Set<number>();
    const torn = new Set<number>();
    const subscribed = new Set<number>();
    const took = new Map<number, number>();

    const observables = s.inputs.map((spec, k) => {
      return new Observable<unknown>((subscriber) => {
        if (subscribed.has(k)) problems.push(`${k} subscribed twice`);
        subscribed.add(k);
        live++;
        let done = false;
        const end = () => {
          if (done) return;
          done = true;
          finished.add(k);
          live--;
          // The engine hands this outcome to the loop at once: a result, or (fail fast) the end.
          outcome(spec.kind === 'value');
          if (spec.kind === 'value') {
            subscriber.next(`v${k}`);
            subscriber.complete();
          } else if (spec.kind === 'error') {
            subscriber.error(new Error(`e${k}`));
          } else {
            subscriber.complete();
          }
        };
        if (spec.sync) {
          end();
          return;
        }
        void hops(spec.hops).then(end);
        return () => {
          if (done) return;
          done = true;
          torn.add(k);
          live--;
          if (spec.throwOnTeardown) {
            const error = new Error(`teardown of ${k}`);
            thrown.push(error);
            throw error;
          }
        };
      });
    });
    const made: Array<CompletionInput<unknown>> = s.inputs.map((spec, k) => {
      const observable = observables[k];
      if (!spec.factory) return observable;
      return (signal: AbortSignal) => {
        if (signals.has(k)) problems.push(`factory ${k} called twice`);
        signals.set(k, signal);
        return observable;
      };
    });

    // mergeCompletedThen: each item's children, in turn from the inputs; its stream of pages.
    const items = s.items;
    let cursor = 0;
    const pagesOf = (items ?? []).map((plan) =>
      plan.sizes.map((size) => {
        const list: number[] = [];
        for (let j = 0; j < size && cursor < s.inputs.length; j++) list.push(cursor++);
        return list;
      }),
    );
    const pageSignals = new Map<number, AbortSignal>();
    const pagesTorn = new Set<number>();
    const pagesEnded = new Set<number>();
    /** Records a complete `'settled'` loop must take: a child of every list given, a failed item's stage-1 record. */
    let expected = 0;
    const outcome = (ok: boolean) => {
      if (failed) return;
      if (s.emit === 'settled' || ok) given++;
      else failed = true;
    };
    const first = (i: number, _index: number, signal: AbortSignal): unknown => {
      if (pageSignals.has(i)) problems.push(`first ${i} called twice`);
      pageSignals.set(i, signal);
      const plan = items![i];
      if (!plan.paged) {
        const list = pagesOf[i].flat();
        expected += list.length;
        return list;
      }
      return new Observable<unknown>((subscriber) => {
        live++;
        let done = false;
        const end = () => {
          if (done) return false;
          done = true;
          live--;
          pagesEnded.add(i);
          return true;
        };
        void (async () => {
          for (const list of pagesOf[i]) {
            await hops(plan.gap);
            if (done) return;
            expected += list.length;
            subscriber.next(list);
          }
          await hops(plan.gap);
          if (done) return;
          if (plan.end === 'notList') {
            // The engine fails the item and tears the stream down (not ended on its own).
            expected++;
            outcome(false);
            subscriber.next(42);
          } else if (plan.end === 'error') {
            if (!end()) return;
            expected++;
            outcome(false);
            subscriber.error(new Error(`e-pages ${i}`));
          } else {
            if (!end()) return;
            subscriber.complete();
          }
        })();
        return () => {
          if (done) return;
          done = true;
          live--;
          pagesTorn.add(i);
        };
      });
    };
    const then = (k: number, _item: number, signal: AbortSignal) => {
      if (signals.has(k)) problems.push(`then ${k} called twice`);
      signals.set(k, signal);
      return observables[k];
    };
    const elements: unknown[] = items === undefined ? made : items.map((_, i) => i);

    let reads = 0;
    let entered = false;
    let ended = false;
    function* lazily(): Generator<CompletionInput<unknown>> {
      entered = true;
      try {
        for (let i = 0; i < elements.length; i++) {
          reads++;
          yield elements[i] as CompletionInput<unknown>;
        }
      } finally {
        ended = true;
      }
    }
    let sourceLive = false;
    const keyed = items === undefined;
    const collection: unknown =
      s.collection === 'lazy'
        ? lazily()
        : s.collection === 'record' && keyed
          ? Object.fromEntries(made.map((input, k) => [`k${k}`, input]))
          : s.collection === 'map' && keyed
            ? new Map(made.map((input, k) => [k, input]))
            : s.collection === 'observable'
              ? new Observable<unknown>((subscriber) => {
                  sourceLive = true;
                  for (const element of elements) subscriber.next(element);
                  subscriber.complete();
                  return () => {
                    sourceLive = false;
                  };
                })
              : elements;
    // An empty record is options when alone: pass the options too, as a user would.
    const options = { concurrency: s.concurrency, emit: s.emit };
    const results = (
      items === undefined
        ? asCompleted(collection as never, options as never)
        : mergeCompletedThen(collection as never, first as never, then as never, options as never)
    ) as AsyncIterable<{
      index?: number;
      key?: unknown;
    }>;

    const outstanding = (where: string) => {
      const unread = given - taken;
      if (live + unread > s.concurrency)
        problems.push(`${where}: ${live} running + ${unread} unread > concurrency ${s.concurrency}`);
    };

    let loopError: unknown;
    let bodyThrew = false;
    let completed = false;
    /** The loop body left (break or throw): the loop did not run to its end. */
    let left = false;
    try {
      for await (const result of results) {
        const at = taken++;
        outstanding(`result ${at}`);
        if (keyed && s.emit !== 'value' && result.index !== undefined) {
          took.set(result.index, (took.get(result.index) ?? 0) + 1);
          const key =
            s.collection === 'record' ? `k${result.index}` : s.collection === 'map' ? result.index : undefined;
          if (result.key !== key) problems.push(`result ${result.index}: key ${String(result.key)}`);
        }
        if (!keyed && s.emit !== 'value') {
          const { child } = result as { child?: number };
          if (child !== undefined) took.set(child, (took.get(child) ?? 0) + 1);
        }
        await hops(s.paces[at % s.paces.length]);
        outstanding(`end of body ${at}`);
        if (s.stop?.at === at) {
          left = true;
          if (s.stop.how === 'break') break;
          bodyThrew = true;
          throw new LoopStop('stop');
        }
      }
      completed = !left;
    } catch (error) {
      loopError = error;
    }

    if (live !== 0) problems.push(`after the loop: ${live} input(s) still subscribed`);
    if (entered && !ended) problems.push('the generator was neither closed nor done');
    if (sourceLive) problems.push('the Observable collection is still subscribed');
    for (const [k, signal] of signals) {
      if (finished.has(k) && signal.aborted) problems.push(`${k} finished on its own, yet aborted`);
      if (torn.has(k) && !signal.aborted) problems.push(`${k} torn down, signal not aborted`);
      if (!subscribed.has(k) && !signal.aborted) problems.push(`${k}: factory called, never subscribed nor aborted`);
    }
    for (const k of subscribed) {
      if (!finished.has(k) && !torn.has(k)) problems.push(`${k} never finished nor torn down`);
    }
    for (const [k, count] of took) if (count > 1) problems.push(`${k}: ${count} results`);
    for (const [i, signal] of pageSignals) {
      if (pagesEnded.has(i) && signal.aborted) problems.push(`pages of ${i} ended on their own, yet aborted`);
      if (pagesTorn.has(i) && !signal.aborted) problems.push(`pages of ${i} torn down, signal not aborted`);
      if (!items![i].paged && signal.aborted) problems.push(`item ${i} gave its list at once, yet aborted`);
    }
    if (completed && s.emit === 'settled' && !keyed) {
      if (taken !== expected || given !== expected)
        problems.push(`the loop took ${taken} of ${given} results given, ${expected} expected`);
      if (reads !== 0 && reads !== elements.length) problems.push(`${reads} of ${elements.length} items read`);
    }
    if (completed && s.emit === 'settled' && keyed) {
      const count = s.collection === 'lazy' ? reads : made.length;
      if (taken !== count) problems.push(`the loop took ${taken} results for ${count} inputs`);
      for (let k = 0; k < count; k++) if (took.get(k) !== 1) problems.push(`${k}: ${took.get(k) ?? 0} results`);
    }
    // rxjs reports unhandled errors on a timer: let them come.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (loopError instanceof UnsubscriptionError) surfaced.push(...(loopError.errors as unknown[]));
    else if (
      loopError !== undefined &&
      !(loopError instanceof LoopStop) &&
      !(loopError instanceof Error && /^e\d|^e-pages|as page \d+ of its stream/.test(loopError.message)) &&
      !(loopError instanceof EmptyError)
    )
      problems.push(`the loop threw ${String(loopError)}`);
    for (const error of thrown) {
      const times = surfaced.filter((e) => e === error).length;
      if (times > 1 || (times === 0 && !bodyThrew)) problems.push(`"${error.message}" surfaced ${times} time(s)`);
    }
  } finally {
    config.onUnhandledError = previousHandler;
  }
  return problems;
}

describe('for await over the creation forms (properties)', () => {
  it(
    'whatever the pace and wherever the loop leaves, backpressure and teardown hold',
    async () => {
      const seed = process.env.FC_SEED ?? String(DEFAULT_SEED);
      const path = process.env.FC_PATH;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (s) => {
          expect(await runScenario(s)).toEqual([]);
        }),
        {
          numRuns: RUNS,
          ...(seed !== 'random' ? { seed: Number(seed) } : {}),
          ...(path !== undefined ? { path } : {}),
        },
      );
    },
    TIME_LIMIT,
  );
});

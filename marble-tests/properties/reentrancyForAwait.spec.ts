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
import { asCompleted, type CompletionInput } from '../../src/index';
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
}

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

    const made: Array<CompletionInput<unknown>> = s.inputs.map((spec, k) => {
      const observable = new Observable<unknown>((subscriber) => {
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
          if (!failed) {
            if (s.emit === 'settled' || spec.kind === 'value') given++;
            else failed = true;
          }
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
      if (!spec.factory) return observable;
      return (signal: AbortSignal) => {
        if (signals.has(k)) problems.push(`factory ${k} called twice`);
        signals.set(k, signal);
        return observable;
      };
    });

    let reads = 0;
    let entered = false;
    let ended = false;
    function* lazily(): Generator<CompletionInput<unknown>> {
      entered = true;
      try {
        for (let i = 0; i < made.length; i++) {
          reads++;
          yield made[i];
        }
      } finally {
        ended = true;
      }
    }
    let sourceLive = false;
    const collection: unknown =
      s.collection === 'lazy'
        ? lazily()
        : s.collection === 'record'
          ? Object.fromEntries(made.map((input, k) => [`k${k}`, input]))
          : s.collection === 'map'
            ? new Map(made.map((input, k) => [k, input]))
            : s.collection === 'observable'
              ? new Observable<CompletionInput<unknown>>((subscriber) => {
                  sourceLive = true;
                  for (const input of made) subscriber.next(input);
                  subscriber.complete();
                  return () => {
                    sourceLive = false;
                  };
                })
              : made;
    // An empty record is options when alone: pass the options too, as a user would.
    const results = asCompleted(
      collection as never,
      { concurrency: s.concurrency, emit: s.emit } as never,
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
        if (s.emit !== 'value' && result.index !== undefined) {
          took.set(result.index, (took.get(result.index) ?? 0) + 1);
          const key =
            s.collection === 'record' ? `k${result.index}` : s.collection === 'map' ? result.index : undefined;
          if (result.key !== key) problems.push(`result ${result.index}: key ${String(result.key)}`);
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
    if (completed && s.emit === 'settled') {
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
      !(loopError instanceof Error && /^e\d/.test(loopError.message)) &&
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

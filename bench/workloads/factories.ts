/**
 * Workload 2: N factories, each returning a promise, run with a concurrency
 * limit. Every started factory registers a deferred with the pool driver,
 * which resolves all running work each event-loop turn in a seeded random
 * order; the contender refills its slots in between.
 */
import { from, mergeMap } from 'rxjs';
import { asCompleted } from '../../src/index.js';
import { Pool } from '../drivers.js';
import { collect, fmtN, type Case, type Contender, type Sample } from '../harness.js';
import { cpuNow, Sink } from '../sink.js';

/** p-map is ESM-only: loaded with import() once, before any clock starts. */
let pMap: typeof import('p-map') | undefined;
export async function loadPMap(): Promise<typeof import('p-map')> {
  pMap ??= await import('p-map');
  return pMap;
}

type Factory = (signal?: AbortSignal) => Promise<number>;
type Start = (factories: Factory[], limit: number, sink: Sink<number>) => void | Promise<void>;

/**
 * The hand-written pump a user would write: a counter and an index, start the
 * next factory when one settles. No AbortSignal.
 */
export function barePump(factories: Factory[], limit: number, sink: Sink<number>): void {
  const n = factories.length;
  let next = 0;
  let running = 0;
  let left = n;
  const onValue = (value: number) => {
    running--;
    sink.next(value);
    if (--left === 0) sink.complete();
    else fill();
  };
  const onError = (error: unknown) => sink.error(error);
  const fill = () => {
    while (running < limit && next < n) {
      running++;
      factories[next++]().then(onValue, onError);
    }
  };
  fill();
}

/**
 * The same pump, cancellable per input like the package: one AbortController
 * per started factory, kept per slot while it runs and dropped when it settles.
 */
export function barePumpWithSignals(factories: Factory[], limit: number, sink: Sink<number>): void {
  const n = factories.length;
  const controllers: Array<AbortController | undefined> = [];
  let next = 0;
  let running = 0;
  let left = n;
  const fill = () => {
    while (running < limit && next < n) {
      running++;
      const index = next++;
      const controller = new AbortController();
      controllers[index] = controller;
      factories[index](controller.signal).then(
        (value) => {
          controllers[index] = undefined;
          running--;
          sink.next(value);
          if (--left === 0) sink.complete();
          else fill();
        },
        (error) => sink.error(error),
      );
    }
  };
  fill();
}

export const starters: Record<string, Start> = {
  barePump,
  barePumpWithSignals,
  asCompleted: (factories, limit, sink) => {
    asCompleted(factories, { concurrency: limit }).subscribe(sink);
  },
  mergeMap: (factories, limit, sink) => {
    from(factories)
      .pipe(mergeMap((f) => f(), limit))
      .subscribe(sink);
  },
  pMapIterable: async (factories, limit, sink) => {
    const { pMapIterable } = pMap!;
    try {
      for await (const value of pMapIterable(factories, (f) => f(), { concurrency: limit, preserveOrder: false })) {
        sink.next(value);
      }
      sink.complete();
    } catch (error) {
      sink.error(error);
    }
  },
};

/**
 * `signalParam`: the factories declare the signal parameter, `(signal) => ...`
 * (they still ignore it); otherwise they are `() => ...`. The package may only
 * skip creating a controller for factories that cannot read the signal.
 */
export async function runFactories(
  n: number,
  limit: number,
  seed: number,
  start: Start,
  signalParam = false,
): Promise<Sample> {
  const pool = new Pool(seed);
  const factories = new Array<Factory>(n);
  if (signalParam) {
    for (let i = 0; i < n; i++) factories[i] = (_signal?: AbortSignal) => pool.make(i, i);
  } else {
    for (let i = 0; i < n; i++) factories[i] = () => pool.make(i, i);
  }
  const sink = new Sink<number>();
  await loadPMap();
  await collect();
  const c0 = cpuNow();
  const t0 = performance.now();
  void start(factories, limit, sink);
  const work = await pool.run(sink.isDone);
  const ms = sink.endedAt - t0;
  return { ms, cpuMs: (sink.cpuEnd - c0) / 1000, work, problem: sink.problem(n, pool.valueHash) };
}

export interface FactoryCaseOptions {
  /** rxjs mergeMap is not run above this N (quadratic). */
  mergeMapMax: number;
  mergeMapReps: number;
  skipReason?: string;
}

export function factoryCases(sizes: number[], limit: number, seed: number, options: FactoryCaseOptions): Case[] {
  return sizes.map((n) => {
    const contender = (
      name: string,
      start: Start,
      extra: Partial<Contender> & { signalParam?: boolean } = {},
    ): Contender => ({
      name,
      ...extra,
      run: (size) => runFactories(size, limit, seed, start, extra.signalParam),
    });
    const max = options.mergeMapMax;
    return {
      workload: 'w2',
      label: `N=${fmtN(n)}`,
      n,
      inputs: n,
      contenders: [
        contender('bare pump, no signal', starters.barePump, { baseline: true }),
        contender('bare pump + AbortController each', starters.barePumpWithSignals),
        contender(`asCompleted({ concurrency: ${limit} })`, starters.asCompleted, {
          note: 'factories `() => p`',
        }),
        contender(`asCompleted, factories taking (signal)`, starters.asCompleted, {
          signalParam: true,
          note: 'factories `(signal) => p`',
          compareTo: 'bare pump + AbortController each',
        }),
        contender(`rxjs mergeMap(f, ${limit})`, starters.mergeMap, {
          skip:
            n <= max
              ? undefined
              : options.skipReason
                ? `${options.skipReason}: only N <= ${fmtN(max)}`
                : 'not run: takes minutes at this N (buffer.shift() is O(n) per start)',
          reps: n > 2e4 ? options.mergeMapReps : undefined,
        }),
        contender('p-map pMapIterable, preserveOrder: false', starters.pMapIterable),
      ],
    };
  });
}

/**
 * Workload 7: streaming. N ids from an async generator, concurrency 64, work
 * that resolves at once (`Promise.resolve(id)`): what reading a lazy source
 * and starting, settling and reporting each input costs, without any waiting.
 * Results are counted and summed, not kept, so the heap shows what the
 * contender holds (it must not grow with N).
 *
 * Workload 8: the cost of laziness: 1e6 factories (workload 2's pool driver)
 * at concurrency 64, from a lazy sync generator against the same factories in
 * an array.
 */
import { from, mergeMap, type Observable } from 'rxjs';
import { asCompleted } from '../../src/index.js';
import { collect, fmtN, type Case, type Contender, type Sample } from '../harness.js';
import { cpuNow, Sink } from '../sink.js';
import { loadPMap, runFactories, starters } from './factories.js';

/** The ids: 0..n-1 from an async generator (one microtask hop per id, as any async source). */
export async function* asyncIds(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** The work: resolves at once. */
const work = (id: number): Promise<number> => Promise.resolve(id);

/** Counts and sums the results; calls `every` after each `period` results (the memory child samples there). */
export class CountingSink {
  count = 0;
  sum = 0;
  done = false;
  endedAt = 0;
  cpuEnd = 0;
  failure: unknown = undefined;
  private resolveDone!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly period = 0,
    private readonly every?: () => void,
  ) {}

  next(value: number): void {
    this.count++;
    this.sum += value;
    if (this.period > 0 && this.count % this.period === 0) this.every!();
  }
  complete(): void {
    this.endedAt = performance.now();
    this.cpuEnd = cpuNow();
    this.done = true;
    this.resolveDone();
  }
  error(error: unknown): void {
    this.failure = error;
    this.complete();
  }
  problem(n: number): string | undefined {
    if (this.failure !== undefined) return `errored: ${String(this.failure)}`;
    if (this.count !== n) return `${this.count} results, expected ${n}`;
    if (this.sum !== (n * (n - 1)) / 2) return 'wrong sum of results';
    return undefined;
  }
}

type StreamStart = (source: AsyncIterable<number>, limit: number, sink: CountingSink) => unknown;

/** The package's call in the mapper form, typed loosely so this file compiles against any build. */
type MapperForm = (
  collection: AsyncIterable<number>,
  project: (id: number, index: number, signal: AbortSignal) => Promise<number>,
  options: { concurrency: number },
) => Observable<number> & Partial<AsyncIterable<number>>;
const asCompletedMapper = asCompleted as unknown as MapperForm;
const asCompletedLoose = asCompleted as unknown as (
  collection: AsyncIterable<() => Promise<number>>,
  options: { concurrency: number },
) => Observable<number>;

/**
 * The hand-written async pool a user writes over an async iterator: one
 * `next()` at a time, while fewer than `limit` run; start the next when one
 * settles. `withSignals`: one AbortController per started call, kept while it
 * runs (the package's contract: every call can be cancelled).
 */
function asyncPool(withSignals: boolean): StreamStart {
  return (source, limit, sink) => {
    const it = source[Symbol.asyncIterator]();
    const controllers = withSignals ? new Map<number, AbortController>() : undefined;
    let running = 0;
    let reading = false;
    let ended = false;
    let index = 0;
    const onError = (error: unknown) => sink.error(error);
    const settle = (i: number, value: number) => {
      controllers?.delete(i);
      running--;
      sink.next(value);
      if (ended && running === 0) sink.complete();
      else pump();
    };
    const onRead = (r: IteratorResult<number>) => {
      reading = false;
      if (r.done) {
        ended = true;
        if (running === 0) sink.complete();
        return;
      }
      const i = index++;
      running++;
      if (controllers) {
        const controller = new AbortController();
        controllers.set(i, controller);
        void controller.signal;
      }
      work(r.value).then((value) => settle(i, value), onError);
      pump();
    };
    const pump = () => {
      if (reading || ended || running >= limit) return;
      reading = true;
      it.next().then(onRead, onError);
    };
    pump();
  };
}

export const streamStarters: Record<string, StreamStart> = {
  pool: asyncPool(false),
  poolWithSignals: asyncPool(true),
  asCompletedSubscribe: (source, limit, sink) =>
    asCompletedMapper(source, (id) => work(id), { concurrency: limit }).subscribe(sink),
  asCompletedForAwait: async (source, limit, sink) => {
    try {
      const results = asCompletedMapper(source, (id) => work(id), { concurrency: limit }) as AsyncIterable<number>;
      for await (const value of results) sink.next(value);
      sink.complete();
    } catch (error) {
      sink.error(error);
    }
  },
  /** What works without the mapper form: an async generator of factories (one more generator hop per id). */
  asCompletedFactories: (source, limit, sink) => {
    async function* factories() {
      for await (const id of source) yield () => work(id);
    }
    return asCompletedLoose(factories(), { concurrency: limit }).subscribe(sink);
  },
  pMapIterable: async (source, limit, sink) => {
    const { pMapIterable } = await loadPMap();
    try {
      for await (const value of pMapIterable(source, work, { concurrency: limit, preserveOrder: false })) {
        sink.next(value);
      }
      sink.complete();
    } catch (error) {
      sink.error(error);
    }
  },
  mergeMap: (source, limit, sink) => from(source).pipe(mergeMap(work, limit)).subscribe(sink),
};

/** What the build under test supports (the streaming runtime may not be there yet). */
export interface StreamSupport {
  /** An async iterable is read lazily as a collection. */
  lazy: boolean;
  /** `asCompleted(asyncIterable, project, options)` runs. */
  mapper: boolean;
  /** Its result is an async iterable. */
  forAwait: boolean;
}

export async function probeStreams(): Promise<StreamSupport> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung')), 2000).unref())]);
  let lazy = false;
  try {
    let sum = 0;
    await within(
      new Promise<void>(
        (resolve, reject) =>
          streamStarters.asCompletedFactories!(asyncIds(3), 2, {
            next: (v: number) => (sum += v),
            error: reject,
            complete: () => resolve(),
          } as unknown as CountingSink) as unknown,
      ),
    );
    lazy = sum === 3;
  } catch {
    lazy = false;
  }
  try {
    const out = asCompletedMapper(asyncIds(3), (id) => work(id + 1), { concurrency: 2 });
    let sum = 0;
    await within(
      new Promise<void>((resolve, reject) =>
        out.subscribe({ next: (v) => (sum += v), error: reject, complete: () => resolve() }),
      ),
    );
    const mapper = sum === 6;
    let forAwait = false;
    // A fresh generator: each subscription (and each loop) reads its collection anew, and `out`'s is spent.
    const loop = asCompletedMapper(asyncIds(3), (id) => work(id + 1), { concurrency: 2 });
    if (mapper && typeof loop[Symbol.asyncIterator] === 'function') {
      const s = await within(
        (async () => {
          let total = 0;
          for await (const v of loop as AsyncIterable<number>) total += v;
          return total;
        })(),
      );
      forAwait = s === 6;
    }
    return { lazy, mapper, forAwait };
  } catch {
    return { lazy, mapper: false, forAwait: false };
  }
}

export async function runStream(n: number, limit: number, start: StreamStart): Promise<Sample> {
  const sink = new CountingSink();
  const source = asyncIds(n);
  await loadPMap();
  await collect();
  const c0 = cpuNow();
  const t0 = performance.now();
  void start(source, limit, sink);
  await sink.finished;
  return { ms: sink.endedAt - t0, cpuMs: (sink.cpuEnd - c0) / 1000, problem: sink.problem(n) };
}

/** The W7 contenders, by key (the memory child runs them by key too). */
export const W7_CONTENDERS: Array<{
  key: keyof typeof streamStarters;
  name: string;
  baseline?: boolean;
  needs?: keyof StreamSupport;
}> = [
  { key: 'poolWithSignals', name: 'async pool + AbortController each', baseline: true },
  { key: 'pool', name: 'async pool, no signal' },
  { key: 'asCompletedSubscribe', name: 'asCompleted(ids, f, { concurrency: 64 }) subscribe', needs: 'mapper' },
  { key: 'asCompletedForAwait', name: 'asCompleted(ids, f, { concurrency: 64 }) for await', needs: 'forAwait' },
  {
    key: 'asCompletedFactories',
    name: 'asCompleted(async generator of factories, { concurrency: 64 })',
    needs: 'lazy',
  },
  { key: 'pMapIterable', name: 'p-map pMapIterable, preserveOrder: false' },
  { key: 'mergeMap', name: 'rxjs from(ids).pipe(mergeMap(f, 64))' },
];

const MISSING: Record<keyof StreamSupport, string> = {
  lazy: 'lazy async iterables',
  mapper: 'mapper form over async iterables',
  forAwait: '`for await`',
};

/** What the build lacks, in words. */
export function missingStreams(support: StreamSupport): string[] {
  return (Object.keys(MISSING) as Array<keyof StreamSupport>).filter((k) => !support[k]).map((k) => MISSING[k]);
}

export function streamingCases(sizes: number[], limit: number, support: StreamSupport): Case[] {
  return sizes.map((n) => ({
    workload: 'w7',
    label: `N=${fmtN(n)}`,
    n,
    inputs: n,
    contenders: W7_CONTENDERS.map((c): Contender => ({
      name: c.name,
      baseline: c.baseline,
      skip: c.needs && !support[c.needs] ? `not run: this build has no ${MISSING[c.needs]}` : undefined,
      run: (size) => runStream(size, limit, streamStarters[c.key]!),
    })),
  }));
}

/* ------------------------------------------------------------------ W8 */

type Factory = (signal?: AbortSignal) => Promise<number>;

export function lazinessCases(n: number, limit: number, seed: number): Case[] {
  const contender = (
    name: string,
    start: (f: Factory[], l: number, s: Sink<number>) => unknown,
    extra: Partial<Contender> = {},
  ): Contender => ({
    name,
    ...extra,
    run: (size) => runFactories(size, limit, seed, (factories, l, sink) => void start(factories, l, sink)),
  });
  return [
    {
      workload: 'w8',
      label: `N=${fmtN(n)}`,
      n,
      inputs: n,
      contenders: [
        contender('bare pump, no signal', starters.barePump!, { baseline: true }),
        contender('asCompleted(array of factories)', (factories, l, sink) =>
          asCompleted(factories, { concurrency: l }).subscribe(sink),
        ),
        contender(
          'asCompleted(generator of factories)',
          (factories, l, sink) => {
            // The same factory objects, handed out one at a time by a sync generator.
            function* lazily() {
              for (let i = 0; i < factories.length; i++) yield factories[i]!;
            }
            asCompleted(lazily(), { concurrency: l }).subscribe(sink);
          },
          { compareTo: 'asCompleted(array of factories)' },
        ),
      ],
    },
  ];
}

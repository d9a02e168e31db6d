/**
 * Workload 1: N pending promises, unlimited concurrency, resolved in a seeded
 * random order. The deferreds are created before the clock starts; the clock
 * runs from attaching until the contender's completion callback; the driver
 * resolves every promise in one synchronous loop in permutation order.
 */
import { from, mergeAll } from 'rxjs';
import { asCompleted, type Completion } from '../../src/index.js';
import { deferreds, firePermutation } from '../drivers.js';
import { collect, fmtN, type Case, type Contender, type Sample } from '../harness.js';
import { hashOf, permutation } from '../prng.js';
import { cpuNow, Sink } from '../sink.js';

/** Attaches a contender to the promises; results go to the sink. Returns a handle kept alive until the end. */
export type Attach = (promises: Promise<number>[], sink: Sink<any>) => unknown;

export const attachers = {
  /** The floor: one `.then` per promise with two shared callbacks. */
  bareLoop: ((promises, sink) => {
    let left = promises.length;
    const onValue = (value: number) => {
      sink.next(value);
      if (--left === 0) sink.complete();
    };
    const onError = (error: unknown) => sink.error(error);
    for (let i = 0; i < promises.length; i++) promises[i].then(onValue, onError);
    return undefined;
  }) as Attach,
  /**
   * The floor for `emit: 'tagged'`: the same loop with one closure per promise
   * (capturing its index), the least a per-input record needs.
   */
  bareLoopClosure: ((promises, sink) => {
    let left = promises.length;
    const onError = (error: unknown) => sink.error(error);
    for (let i = 0; i < promises.length; i++) {
      promises[i].then((value: number) => {
        sink.next(value === i ? value : -1);
        if (--left === 0) sink.complete();
      }, onError);
    }
    return undefined;
  }) as Attach,
  asCompleted: ((promises, sink) => asCompleted(promises).subscribe(sink)) as Attach,
  asCompletedTagged: ((promises, sink) => asCompleted(promises, { emit: 'tagged' }).subscribe(sink)) as Attach,
  mergeAll: ((promises, sink) => from(promises).pipe(mergeAll()).subscribe(sink)) as Attach,
  /** The naive way: race the pending set, remove the winner, repeat. */
  raceLoop: ((promises, sink) => {
    const pending = new Map<number, Promise<[number, number]>>();
    promises.forEach((p, i) =>
      pending.set(
        i,
        p.then((v) => [i, v]),
      ),
    );
    void (async () => {
      while (pending.size > 0) {
        const [i, v] = await Promise.race(pending.values());
        pending.delete(i);
        sink.next(v);
      }
      sink.complete();
    })().catch((error) => sink.error(error));
    return undefined;
  }) as Attach,
};

const perms = new Map<number, { perm: Uint32Array; hash: number }>();
export function permFor(n: number, seed: number): { perm: Uint32Array; hash: number } {
  const key = n * 1000 + (seed % 1000);
  let entry = perms.get(key);
  if (!entry) {
    const perm = permutation(n, seed);
    entry = { perm, hash: hashOf(perm) };
    perms.set(key, entry);
  }
  return entry;
}

export async function runPromises(
  n: number,
  seed: number,
  attach: Attach,
  options: { ordered: boolean; resultOf?: (x: any) => number },
): Promise<Sample> {
  const { perm, hash } = permFor(n, seed);
  let { promises, resolvers } = deferreds(n);
  const sink = new Sink<any>();
  await collect();
  const c0 = cpuNow();
  const t0 = performance.now();
  attach(promises, sink);
  const work = await firePermutation(perm, (i) => resolvers[i](i), sink.isDone);
  const ms = sink.endedAt - t0;
  const problem = sink.problem(n, options.ordered ? hash : undefined, options.resultOf);
  promises = resolvers = [];
  return { ms, cpuMs: (sink.cpuEnd - c0) / 1000, work, problem };
}

const taggedValue = (c: Completion<number>) => (c.index === c.value ? c.value : -1);

export interface PromiseCaseOptions {
  /** rxjs mergeAll is not run above this N (quadratic). */
  mergeAllMax: number;
  /** Timed runs of mergeAll at most (each takes seconds at 1e5). */
  mergeAllReps: number;
  /** Promise.race loop only up to this N. */
  raceMax: number;
  /** Why the slow ones are skipped, e.g. "quick mode". */
  skipReason?: string;
}

export function promiseCases(sizes: number[], seed: number, options: PromiseCaseOptions): Case[] {
  return sizes.map((n) => {
    const contender = (
      name: string,
      attach: Attach,
      extra: Partial<Contender> & { ordered?: boolean; resultOf?: (x: any) => number } = {},
    ): Contender => ({
      name,
      ...extra,
      run: (size) => runPromises(size, seed, attach, { ordered: extra.ordered ?? true, resultOf: extra.resultOf }),
    });
    const why = (max: number, what: string) =>
      n <= max
        ? undefined
        : options.skipReason
          ? `${options.skipReason}: ${max > 0 ? `only N <= ${fmtN(max)}` : 'not run'}`
          : what;
    return {
      workload: 'w1',
      label: `N=${fmtN(n)}`,
      n,
      inputs: n,
      contenders: [
        contender('bare .then loop', attachers.bareLoop, { baseline: true }),
        contender('asCompleted', attachers.asCompleted),
        contender('bare .then loop, a closure per promise', attachers.bareLoopClosure),
        contender("asCompleted emit:'tagged'", attachers.asCompletedTagged, {
          resultOf: taggedValue,
          compareTo: 'bare .then loop, a closure per promise',
        }),
        contender('rxjs from(ps).pipe(mergeAll())', attachers.mergeAll, {
          skip: why(options.mergeAllMax, 'not run: quadratic, a single run takes minutes at this N'),
          reps: n > 2e4 ? options.mergeAllReps : undefined,
        }),
        contender('Promise.race loop', attachers.raceLoop, {
          ordered: false,
          skip: why(options.raceMax, `not run: quadratic, only N <= ${fmtN(options.raceMax)}`),
          note: 'output not in completion order (index order among settled)',
          reps: 1,
          warmupN: 1000,
        }),
      ],
    };
  });
}

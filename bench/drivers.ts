/**
 * How the work is resolved. Every contender of a workload is driven by the same
 * code with the same seed, so all of them see the same work in the same order;
 * each driver also hashes the order it resolved things in, and the harness
 * checks that this hash is the same for every contender of a case.
 */
import { HASH_START, hashStep, mulberry32 } from './prng.js';

/** One event-loop turn (every pending microtask runs first). */
export const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** N pending promises and their resolvers, created before the clock starts. */
export interface Deferreds {
  promises: Promise<number>[];
  resolvers: Array<(value: number) => void>;
}

export function deferreds(n: number): Deferreds {
  const promises = new Array<Promise<number>>(n);
  const resolvers = new Array<(value: number) => void>(n);
  for (let i = 0; i < n; i++) {
    promises[i] = new Promise<number>((resolve) => {
      resolvers[i] = resolve;
    });
  }
  return { promises, resolvers };
}

/**
 * Fires input `perm[0]`, `perm[1]`, ... in one synchronous loop (so every
 * contender's reactions are queued in exactly this order), then waits for the
 * contender to finish. Returns the hash of the order fired.
 */
export async function firePermutation(
  perm: Uint32Array,
  fire: (index: number) => void,
  isDone: () => boolean,
): Promise<number> {
  let hash = HASH_START;
  for (let k = 0; k < perm.length; k++) {
    const i = perm[k];
    fire(i);
    hash = hashStep(hash, i);
  }
  await settle(isDone);
  return hash;
}

/** Waits, one event-loop turn at a time, until `isDone`; a contender that stops making progress is an error. */
async function settle(isDone: () => boolean): Promise<void> {
  for (let turns = 0; !isDone(); turns++) {
    if (turns > 100) throw new Error('contender did not complete after every input was resolved');
    await macrotask();
  }
}

/**
 * Work that is *started* by the contender (factories): every started piece of
 * work registers a deferred here. The pool runs in rounds: each event-loop turn
 * it resolves everything currently running, in a seeded random order, and the
 * contender refills its slots in the microtasks that follow. Entries are put
 * in a canonical order (by key) before shuffling, so contenders that start the
 * same work in a different order within a round still see the same resolution
 * order; contenders that start *different* work get a different hash, which
 * the harness reports.
 */
export class Pool {
  private keys: number[] = [];
  private values: unknown[] = [];
  private resolvers: Array<(value: unknown) => void> = [];
  private readonly rand: () => number;
  /** Hash of the keys in the order they were resolved. */
  hash = HASH_START;
  /** Hash of the resolved values that are numbers, in order: what an in-order consumer must see. */
  valueHash = HASH_START;
  rounds = 0;
  resolved = 0;

  constructor(seed: number) {
    this.rand = mulberry32(seed);
  }

  /** A pending promise for one piece of work; it resolves to `value` in some later round. */
  make<T>(key: number, value: T): Promise<T> {
    return new Promise<T>((resolve) => {
      this.keys.push(key);
      this.values.push(value);
      this.resolvers.push(resolve as (value: unknown) => void);
    });
  }

  /** Resolves rounds until the contender reports completion; returns the hash of the resolution order. */
  async run(isDone: () => boolean): Promise<number> {
    let idle = 0;
    for (;;) {
      await macrotask();
      const n = this.keys.length;
      if (n === 0) {
        if (isDone()) return this.hash;
        if (++idle > 100) throw new Error('contender stalled: nothing running and not complete');
        continue;
      }
      idle = 0;
      this.rounds++;
      let { keys, values, resolvers } = this;
      this.keys = [];
      this.values = [];
      this.resolvers = [];
      if (!ascending(keys)) [keys, values, resolvers] = sortByKey(keys, values, resolvers);
      // Fisher-Yates on the three parallel arrays, then resolve front to back.
      const rand = this.rand;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        let t: any = keys[i];
        keys[i] = keys[j];
        keys[j] = t;
        t = values[i];
        values[i] = values[j];
        values[j] = t;
        t = resolvers[i];
        resolvers[i] = resolvers[j];
        resolvers[j] = t;
      }
      let hash = this.hash;
      let valueHash = this.valueHash;
      for (let i = 0; i < n; i++) {
        const value = values[i];
        resolvers[i](value);
        hash = hashStep(hash, keys[i]);
        if (typeof value === 'number') valueHash = hashStep(valueHash, value);
      }
      this.hash = hash;
      this.valueHash = valueHash;
      this.resolved += n;
    }
  }
}

function ascending(keys: number[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Sorts the three parallel arrays by key (stable): key and position packed in one float, typed-array sort. */
function sortByKey<V, R>(keys: number[], values: V[], resolvers: R[]): [number[], V[], R[]] {
  const n = keys.length;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = keys[i] * 2 ** 24 + i;
  packed.sort();
  const k2 = new Array<number>(n);
  const v2 = new Array<V>(n);
  const r2 = new Array<R>(n);
  for (let i = 0; i < n; i++) {
    const at = packed[i] % 2 ** 24;
    k2[i] = keys[at];
    v2[i] = values[at];
    r2[i] = resolvers[at];
  }
  return [k2, v2, r2];
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Default seed of every workload; override with `--seed`. */
export const SEED = 0x5eed;

/** A uniformly random permutation of 0..n-1 (Fisher-Yates), fixed by `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** Order-sensitive hash of a sequence of integers (FNV-1a over 32-bit words). */
export const HASH_START = 0x811c9dc5;
export function hashStep(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x01000193) >>> 0;
}
export function hashOf(values: ArrayLike<number>): number {
  let h = HASH_START;
  for (let i = 0; i < values.length; i++) h = hashStep(h, values[i]);
  return h;
}

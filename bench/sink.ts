import { HASH_START, hashStep } from './prng.js';

/** Process CPU time, user + system, in µs (all threads: includes the GC's helpers). */
export function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * The consumer every contender feeds: it pushes each result to an array (the
 * "user code" is the same for all) and stops the clock on completion.
 */
export class Sink<T = unknown> {
  readonly out: T[] = [];
  done = false;
  endedAt = 0;
  /** Process CPU time (user + system, µs) at completion. */
  cpuEnd = 0;
  failure: unknown = undefined;

  next(value: T): void {
    this.out.push(value);
  }

  complete(): void {
    this.endedAt = performance.now();
    this.cpuEnd = cpuNow();
    this.done = true;
  }

  error(error: unknown): void {
    this.endedAt = performance.now();
    this.cpuEnd = cpuNow();
    this.failure = error;
    this.done = true;
  }

  readonly isDone = (): boolean => this.done;

  /**
   * Checks the output: `expected` results, and (when `order` is given) in that
   * order. `resultOf` maps an emission to the number that was resolved.
   */
  problem(expected: number, order?: number, resultOf: (item: T) => number = (x) => x as number): string | undefined {
    if (this.failure !== undefined) return `errored: ${String(this.failure)}`;
    if (this.out.length !== expected) return `${this.out.length} results, expected ${expected}`;
    if (order !== undefined) {
      let h = HASH_START;
      for (const item of this.out) h = hashStep(h, resultOf(item));
      if (h !== order) return 'results not in completion order';
    }
    return undefined;
  }
}

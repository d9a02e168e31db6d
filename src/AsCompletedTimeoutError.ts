import { describeKey } from './internal/validate.js';

/** What a deadline saw when it fired. */
export interface AsCompletedTimeoutInfo {
  /** `'total'`: the overall deadline; `'each'`: one input's own limit. */
  readonly scope: 'total' | 'each';
  /** The limit in ms (for a `Date` deadline: ms from the start to that date). */
  readonly timeout: number;
  /** Inputs in the collection; `undefined` for a lazy collection whose end was not yet read. */
  readonly total: number | undefined;
  /** Records emitted for the collection before the timeout. */
  readonly completed: number;
  /** Indices started but unfinished when the deadline fired. */
  readonly pending: readonly number[];
  /** Indices never started when the deadline fired. */
  readonly queued: readonly number[];
  /** The input that expired (scope `'each'`). */
  readonly index?: number;
  /** Its key, when it expired in a keyed collection (a record's string key, a `Map`'s key). */
  readonly key?: unknown;
}

/**
 * Set on every instance, under a registry symbol both builds share, so that
 * `instanceof` holds across the ESM and the CommonJS copy of the class (an app
 * can load both: its own ESM import plus a CommonJS dependency's `require`).
 */
const BRAND = Symbol.for('rxjs-as-completed.AsCompletedTimeoutError');

/**
 * The error of a missed deadline in {@link asCompletedWithTimeout}: the stream's
 * error (`'value'`/`'tagged'`, `onTimeout: 'error'`), the `reason` of a `rejected`
 * record (`'settled'`), and the abort reason of the signals it cancelled.
 * `instanceof` holds whichever build (ESM or CommonJS) made the error.
 *
 * @example
 * ```ts
 * import { AsCompletedTimeoutError } from 'rxjs-as-completed';
 *
 * if (err instanceof AsCompletedTimeoutError) {
 *   console.log(err.message);          // 2 (of 4) inputs unfinished after 3000 ms
 *   console.log(err.info.pending);     // [0, 3]
 * }
 * ```
 */
export class AsCompletedTimeoutError extends Error {
  /** Always `'AsCompletedTimeoutError'`. */
  override readonly name = 'AsCompletedTimeoutError' as const;
  /** What the deadline saw when it fired. */
  readonly info: AsCompletedTimeoutInfo;

  constructor(info: AsCompletedTimeoutInfo) {
    super(timeoutMessage(info));
    // Keeps the prototype chain if a consumer's toolchain down-levels classes to
    // ES5, where extending Error loses it.
    Object.setPrototypeOf(this, new.target.prototype);
    Object.defineProperty(this, BRAND, { value: true });
    this.info = info;
  }

  /**
   * `error instanceof AsCompletedTimeoutError`: true for an instance made by
   * either build of this package. A subclass keeps the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AsCompletedTimeoutError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

function timeoutMessage(info: AsCompletedTimeoutInfo): string {
  if (info.scope === 'each') {
    const key = 'key' in info ? `, key ${describeKey(info.key)}` : '';
    const of = info.total === undefined ? 'of a collection still being read' : `of ${info.total}`;
    return `Input ${info.index} (${of}${key}) unfinished after its limit of ${info.timeout} ms`;
  }
  // A lazy collection's size is not known yet: count what was read and not finished.
  if (info.total === undefined) {
    const unfinished = info.pending.length + info.queued.length;
    return `${unfinished} input(s) read but unfinished after ${info.timeout} ms (the collection was still being read)`;
  }
  const unfinished = info.total - info.completed;
  return `${unfinished} (of ${info.total}) inputs unfinished after ${info.timeout} ms`;
}

/** What a deadline saw when it fired. */
export interface AsCompletedTimeoutInfo {
  /** `'total'`: the overall deadline; `'each'`: one input's own limit. */
  readonly scope: 'total' | 'each';
  /** The limit in ms (for a `Date` deadline: ms from the start to that date). */
  readonly timeout: number;
  /** Inputs in the collection. */
  readonly total: number;
  /** Records emitted for the collection before the timeout. */
  readonly completed: number;
  /** Indices started but unfinished when the deadline fired. */
  readonly pending: readonly number[];
  /** Indices never started when the deadline fired. */
  readonly queued: readonly number[];
  /** The input that expired (scope `'each'`). */
  readonly index?: number;
}

/**
 * The error of a missed deadline in {@link asCompletedWithTimeout}: the stream's
 * error (`'value'`/`'tagged'`, `onTimeout: 'error'`), the `reason` of a `rejected`
 * record (`'settled'`), and the abort reason of the signals it cancelled.
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
    // Keeps `instanceof` true if a consumer's toolchain down-levels classes to
    // ES5, where extending Error loses the prototype. (The ESM and CJS builds
    // each have their own class: check against the entry you imported.)
    Object.setPrototypeOf(this, new.target.prototype);
    this.info = info;
  }
}

function timeoutMessage(info: AsCompletedTimeoutInfo): string {
  if (info.scope === 'each') {
    return `Input ${info.index} (of ${info.total}) unfinished after its limit of ${info.timeout} ms`;
  }
  const unfinished = info.total - info.completed;
  return `${unfinished} (of ${info.total}) inputs unfinished after ${info.timeout} ms`;
}

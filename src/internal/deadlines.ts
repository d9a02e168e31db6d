import type { SchedulerLike, Subscription } from 'rxjs';
import { AsCompletedTimeoutError, type AsCompletedTimeoutInfo } from '../AsCompletedTimeoutError.js';
import type { EmitMode } from '../types.js';
import { CompletionGroup } from './completionGroup.js';
import { EXPIRING, QUEUED, REJECTED, RUNNING, teardown, type Engine, type Handle, type Lane } from './engine.js';

/**
 * Timers hold at most 2^31 - 1 ms (about 24.8 days; Node fires longer ones at
 * once), so a longer wait is taken in steps and the time checked on each.
 */
const MAX_DELAY = 2 ** 31 - 1;

export interface TimeoutPlan {
  /** Overall deadline: ms from the group's arrival, or an absolute date. */
  total: number | Date | undefined;
  /** Per-input limit in ms from the input's start. */
  each: number | undefined;
  onTimeout: 'error' | 'complete';
  scheduler: SchedulerLike;
}

/**
 * A collection of `asCompletedWithTimeout`: a `CompletionGroup` with its
 * deadlines. One timer serves the overall deadline and one all the `each`
 * limits of the collection: its inputs start in index order and share the same
 * limit, so they expire in index order too, and the next to expire is the
 * first started slot still running.
 */
export class TimedGroup extends CompletionGroup {
  /** Scheduler time of the overall deadline, if any. */
  deadlineAt: number | undefined;
  /** The overall limit in ms (for a `Date`: from the arrival to that date). */
  private limit = 0;
  private timer: Subscription | undefined;
  /** Scheduler time each slot started (with an `each` limit). */
  private readonly startedAt: Float64Array | undefined;
  /** Slots before this one have finished or expired. */
  private expiryHead = 0;
  private eachTimer: Subscription | undefined;
  /** True while the `each` timer runs: it re-arms for the new head itself. */
  private expiring = false;

  constructor(
    engine: Engine,
    inputs: readonly unknown[],
    lane: Lane,
    batch: number,
    emitMode: EmitMode,
    private readonly plan: TimeoutPlan,
  ) {
    super(engine, inputs, lane, batch, emitMode);
    this.finishedAt = new Uint32Array(inputs.length);
    if (plan.each !== undefined) this.startedAt = new Float64Array(inputs.length);
  }

  override opened(): void {
    const { total, scheduler } = this.plan;
    if (total === undefined) return;
    const now = scheduler.now();
    this.limit = typeof total === 'number' ? total : Math.max(0, total.getTime() - now);
    this.deadlineAt = now + this.limit;
    // Armed before any input starts, so it wins same-frame ties in virtual time.
    this.arm(this.limit);
  }

  private arm(delay: number): void {
    this.timer = this.plan.scheduler.schedule(
      () => {
        const left = this.deadlineAt! - this.plan.scheduler.now();
        if (left > 0) this.arm(left);
        else this.deadline();
      },
      Math.min(delay, MAX_DELAY),
    );
  }

  override closing(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.eachTimer?.unsubscribe();
    this.eachTimer = undefined;
  }

  /** A slot has started: its `each` limit counts from now. */
  override started(index: number): void {
    if (this.startedAt === undefined) return;
    this.startedAt[index] = this.plan.scheduler.now();
    if (this.eachTimer === undefined && !this.expiring) this.armEach(this.plan.each!);
  }

  /**
   * True when an outcome of slot `index` comes too late: at or after the
   * overall deadline, or after limits due by now (its own included) expired.
   */
  override overdue(index: number): boolean {
    const now = this.plan.scheduler.now();
    if (this.deadlineAt !== undefined && now >= this.deadlineAt) {
      this.deadline();
      return true;
    }
    if (this.startedAt === undefined) return false;
    // Limits due by now expire first, in start order, whichever of this outcome
    // and the timer the scheduler happens to run first in this frame.
    this.expireDue(now);
    return this.closed || this.engine.closed || this.state[index] !== RUNNING;
  }

  private armEach(delay: number): void {
    this.eachTimer = this.plan.scheduler.schedule(() => this.fireEach(), Math.min(delay, MAX_DELAY));
  }

  private fireEach(): void {
    this.eachTimer = undefined;
    const now = this.plan.scheduler.now();
    this.expiring = true;
    try {
      this.expireDue(now);
    } finally {
      this.expiring = false;
    }
    const head = this.nextToExpire();
    if (head !== undefined && !this.closed) this.armEach(this.startedAt![head] + this.plan.each! - now);
  }

  /** The first started slot still running, if any. */
  private nextToExpire(): number | undefined {
    while (this.expiryHead < this.next && this.state[this.expiryHead] !== RUNNING) this.expiryHead++;
    return this.expiryHead < this.next ? this.expiryHead : undefined;
  }

  /** Expires, in start order, every running slot whose limit is due by `now`. */
  private expireDue(now: number): void {
    const each = this.plan.each!;
    let head;
    // Expiring a slot may start queued ones; they come later in this order.
    while (!this.closed && (head = this.nextToExpire()) !== undefined && now - this.startedAt![head] >= each) {
      this.expiryHead++;
      const error = new AsCompletedTimeoutError(snapshot(this, 'each', each, head));
      this.engine.expire(this, head, error);
    }
  }

  /** The overall deadline has come: everything unfinished loses. */
  deadline(): void {
    if (this.closed) return;
    const { engine } = this;
    const error = new AsCompletedTimeoutError(snapshot(this, 'total', this.limit, undefined));
    if (this.emitMode === 'settled') {
      // Every unfinished slot is given up and the group closed before any user
      // code runs (teardown, the records' consumer): whatever that code does,
      // each of these inputs gets exactly its one record.
      const late: number[] = [];
      const handles: Array<Handle | undefined> = [];
      for (let i = 0; i < this.size; i++) {
        const state = this.state[i];
        if (state !== RUNNING && state !== QUEUED && state !== EXPIRING) continue;
        late.push(i);
        handles.push(engine.release(this, i, REJECTED));
      }
      engine.close(this);
      for (const handle of handles) teardown(handle, error);
      for (const i of late) {
        if (engine.closed) return;
        engine.emit(this.settledRecord(i, false, error));
      }
      engine.pump();
    } else if (this.plan.onTimeout === 'error') {
      engine.fail(error, error);
    } else {
      engine.close(this, error);
      engine.pump();
    }
  }
}

/**
 * The info of a timeout error. `pending` and `queued` are worked out only when
 * read (from the slots' finish order), so a timeout costs O(1) however large
 * the collection, yet still describes the moment it fired.
 */
function snapshot(
  group: TimedGroup,
  scope: 'total' | 'each',
  timeout: number,
  index: number | undefined,
): AsCompletedTimeoutInfo {
  const at = group.events;
  const started = group.next;
  const finishedAt = group.finishedAt!;
  let lists: { pending: number[]; queued: number[] } | undefined;
  const read = () => {
    if (lists === undefined) {
      const pending: number[] = [];
      for (let i = 0; i < started; i++) {
        if (finishedAt[i] === 0 || finishedAt[i] > at) pending.push(i);
      }
      const queued: number[] = [];
      for (let i = started; i < group.size; i++) queued.push(i);
      lists = { pending, queued };
    }
    return lists;
  };
  const info = { scope, timeout, total: group.size, completed: group.completed } as AsCompletedTimeoutInfo;
  Object.defineProperties(info, {
    pending: { enumerable: true, get: () => read().pending },
    queued: { enumerable: true, get: () => read().queued },
  });
  if (index !== undefined) (info as { index?: number }).index = index;
  return info;
}

import type { SchedulerLike, Subscription } from 'rxjs';
import { AsCompletedTimeoutError, type AsCompletedTimeoutInfo } from '../AsCompletedTimeoutError.js';
import type { EmitMode } from '../types.js';
import { CompletionGroup } from './completionGroup.js';
import {
  EXPIRING,
  Queue,
  QUEUED,
  REJECTED,
  RUNNING,
  teardown,
  type Engine,
  type Group,
  type Handle,
  type Lane,
  type SlotClock,
} from './engine.js';

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

/** A collection of `asCompletedWithTimeout`: a `CompletionGroup` with an overall deadline. */
export class TimedGroup extends CompletionGroup {
  /** Scheduler time of the overall deadline, if any. */
  deadlineAt: number | undefined;
  /** The overall limit in ms (for a `Date`: from the arrival to that date). */
  private limit = 0;
  private timer: Subscription | undefined;

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
  }

  override opened(): void {
    const { total, scheduler } = this.plan;
    if (total === undefined) return;
    const now = scheduler.now();
    this.limit = typeof total === 'number' ? total : Math.max(0, total.getTime() - now);
    this.deadlineAt = now + this.limit;
    // One timer per collection, armed before any input starts (it wins same-frame ties).
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
 * Per-input limits with a single timer for the whole subscription: every input
 * gets the same limit and inputs start in order, so deadlines fall in start
 * order and a FIFO of started inputs is already sorted by expiry.
 */
export class DeadlineClock implements SlotClock {
  private readonly started$ = new Queue<{ group: TimedGroup; index: number; at: number }>();
  private timer: Subscription | undefined;
  /** True while `fire` runs: it re-arms for the new head itself when it is done. */
  private firing = false;

  constructor(
    private readonly engine: Engine,
    private readonly each: number | undefined,
    private readonly scheduler: SchedulerLike,
  ) {}

  started(group: Group, index: number): void {
    const { each } = this;
    if (each === undefined) return;
    const at = this.scheduler.now();
    this.started$.push({ group: group as TimedGroup, index, at });
    if (this.timer === undefined && !this.firing) this.arm(each);
  }

  overdue(group: Group, index: number): boolean {
    const timed = group as TimedGroup;
    const now = this.scheduler.now();
    if (timed.deadlineAt !== undefined && now >= timed.deadlineAt) {
      timed.deadline();
      return true;
    }
    if (this.each === undefined) return false;
    // Limits due by now expire first, in start order, whichever of this outcome
    // and the timer the scheduler happens to run first in this frame.
    this.expireDue(now);
    return this.engine.closed || timed.state[index] !== RUNNING;
  }

  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = this.scheduler.schedule(() => this.fire(), Math.min(delay, MAX_DELAY));
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.scheduler.now();
    this.firing = true;
    try {
      this.expireDue(now);
    } finally {
      this.firing = false;
    }
    const head = this.started$.peek();
    if (head !== undefined && !this.engine.closed) this.arm(head.at + this.each! - now);
  }

  /** Expires, in start order, every running input whose limit is due by `now`. */
  private expireDue(now: number): void {
    const each = this.each!;
    let entry;
    // Expiring an input may start queued ones; they join the FIFO behind it.
    while ((entry = this.started$.peek()) !== undefined && !this.engine.closed) {
      if (entry.group.state[entry.index] !== RUNNING) {
        this.started$.shift();
      } else if (now - entry.at >= each) {
        this.started$.shift();
        this.expire(entry.group, entry.index);
      } else {
        break;
      }
    }
  }

  private expire(group: TimedGroup, index: number): void {
    const error = new AsCompletedTimeoutError(snapshot(group, 'each', this.each!, index));
    this.engine.expire(group, index, error);
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

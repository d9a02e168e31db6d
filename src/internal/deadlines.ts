import type { SchedulerLike, Subscription } from 'rxjs';
import { AsCompletedTimeoutError, type AsCompletedTimeoutInfo } from '../AsCompletedTimeoutError.js';
import type { EmitMode } from '../types.js';
import { CompletionGroup } from './completionGroup.js';
import type { Engine } from './engine.js';
import { GIVING_UP, RUNNING, type Lane } from './group.js';
import { Queue } from './queue.js';
import type { Source } from './sources.js';

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
  /** The overall deadline in ms (for a `Date`: from the arrival to that date). */
  private totalMs = 0;
  private timer: Subscription | undefined;
  /** Scheduler time each slot started (with an `each` limit). */
  private startedAt: Float64Array | undefined;
  /**
   * A lazily read collection (recycled slots): slots with an `each` limit in
   * start order, each with the index of the input it held then.
   */
  private readonly startOrder: Queue<number> | undefined;
  private readonly startIndex: Queue<number> | undefined;
  /** Slots before this one have finished or expired. */
  private expiryHead = 0;
  private eachTimer: Subscription | undefined;
  /** True while the `each` timer runs: it re-arms for the new head itself. */
  private expiring = false;
  /** The overall deadline has come. */
  private fired = false;
  /**
   * The scheduler keeps virtual time (time stands still while code runs), so
   * an outcome in a deadline's own frame ties with it and loses.
   */
  private virtual = false;

  constructor(
    engine: Engine,
    source: Source,
    lane: Lane,
    batch: number,
    emitMode: EmitMode,
    private readonly plan: TimeoutPlan,
  ) {
    super(engine, source, lane, batch, emitMode);
    const capacity = this.state.length;
    this.finishedAt = new Uint32Array(capacity);
    if (plan.each !== undefined) {
      this.startedAt = new Float64Array(capacity);
      if (this.indices !== undefined) {
        this.startOrder = new Queue();
        this.startIndex = new Queue();
      }
    }
  }

  override grown(capacity: number): void {
    const finishedAt = new Uint32Array(capacity);
    finishedAt.set(this.finishedAt!);
    this.finishedAt = finishedAt;
    if (this.startedAt !== undefined) {
      const startedAt = new Float64Array(capacity);
      startedAt.set(this.startedAt);
      this.startedAt = startedAt;
    }
  }

  override opened(): void {
    const { total, scheduler } = this.plan;
    this.virtual = keepsVirtualTime(scheduler);
    if (total === undefined) return;
    const now = scheduler.now();
    this.totalMs = typeof total === 'number' ? total : Math.max(0, total.getTime() - now);
    this.deadlineAt = now + this.totalMs;
    // Armed before any input starts, so it wins same-frame ties in virtual time.
    this.arm(this.totalMs);
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
    if (this.startOrder !== undefined) {
      this.startOrder.push(index);
      this.startIndex!.push(this.indices![index]);
    }
    if (this.eachTimer === undefined && !this.expiring) this.armEach(this.plan.each!);
  }

  /**
   * An outcome of one of this group's slots is arriving: fires the deadlines
   * it ties with, which win. Deadlines follow event order: an outcome loses
   * when the deadline's timer has already run (then the slot is no longer
   * running). Under a virtual scheduler time stands still while code runs, so
   * an outcome in a deadline's own frame loses too, whichever of the two the
   * scheduler runs first. In real time a deadline whose time has come but
   * whose timer still waits is overdue (the event loop is behind): the outcome
   * came first and counts.
   */
  override fireTiedDeadlines(): void {
    if (!this.virtual) return;
    const now = this.plan.scheduler.now();
    if (this.deadlineAt !== undefined && now >= this.deadlineAt) {
      this.deadline();
      return;
    }
    // Limits due by now expire first, in start order, whichever of this outcome
    // and the timer the scheduler happens to run first in this frame.
    if (this.startedAt !== undefined) this.expireDue(now);
  }

  private armEach(delay: number): void {
    this.eachTimer = this.plan.scheduler.schedule(() => this.fireEach(), Math.min(delay, MAX_DELAY));
  }

  private fireEach(): void {
    this.eachTimer = undefined;
    const now = this.plan.scheduler.now();
    // Same-frame ties go to the overall deadline, even when its timer was armed
    // after this one (a `total` above MAX_DELAY is re-armed in steps).
    if (this.virtual && this.deadlineAt !== undefined && now >= this.deadlineAt) {
      this.deadline();
      return;
    }
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
    const { startOrder } = this;
    if (startOrder !== undefined) {
      // Slots are recycled: the head counts only while it still runs the input it started with.
      while (startOrder.size > 0) {
        const slot = startOrder.peek()!;
        if (this.state[slot] === RUNNING && this.indices![slot] === this.startIndex!.peek()) return slot;
        startOrder.shift();
        this.startIndex!.shift();
      }
      return undefined;
    }
    while (this.expiryHead < this.nextToStart && this.state[this.expiryHead] !== RUNNING) this.expiryHead++;
    return this.expiryHead < this.nextToStart ? this.expiryHead : undefined;
  }

  /** Expires, in start order, every running slot whose limit is due by `now`. */
  private expireDue(now: number): void {
    const each = this.plan.each!;
    let head;
    // Expiring a slot may start queued ones; they come later in this order.
    while (!this.closed && (head = this.nextToExpire()) !== undefined && now - this.startedAt![head] >= each) {
      if (this.startOrder === undefined) this.expiryHead++;
      const error = new AsCompletedTimeoutError(snapshot(this, 'each', each, head));
      this.engine.expire(this, head, error);
    }
  }

  /** The overall deadline has come: everything unfinished loses. */
  deadline(): void {
    if (this.closed || this.fired) return;
    this.fired = true;
    this.closing();
    const { engine } = this;
    const error = new AsCompletedTimeoutError(snapshot(this, 'total', this.totalMs, undefined));
    if (this.emitMode === 'settled') {
      engine.giveUp(this, error);
    } else if (this.plan.onTimeout === 'error') {
      engine.fail(error, error);
    } else {
      engine.close(this, error);
      engine.pump();
    }
  }
}

/**
 * Whether `scheduler` keeps virtual time (a `TestScheduler`, or any scheduler
 * inside `TestScheduler.run`): its clock is not the wall clock. Read twice, as
 * the wall clock may tick between two reads.
 */
function keepsVirtualTime(scheduler: SchedulerLike): boolean {
  return scheduler.now() !== Date.now() && scheduler.now() !== Date.now();
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
  const info = { scope, timeout, total: group.total, completed: group.completed } as AsCompletedTimeoutInfo;
  if (index !== undefined) {
    (info as { index?: number }).index = group.indexAt(index);
    // Keyed collections are read whole: the slot is the index.
    if (group.keys !== undefined) (info as { key?: unknown }).key = group.keys[index];
  }
  if (group.indices !== undefined) {
    // Recycled slots keep no history: what is pending is read now. Only an
    // Observable collection's values wait for a slot (iterators are read only
    // when one is free); they come next in index order.
    const pending: number[] = [];
    for (let slot = 0; slot < group.size; slot++) {
      const state = group.state[slot];
      if (state === RUNNING || state === GIVING_UP) pending.push(group.indices[slot]);
    }
    pending.sort((a, b) => a - b);
    const waiting = group.source?.waiting?.() ?? 0;
    const queued: number[] = [];
    for (let k = 0; k < waiting; k++) queued.push(group.read + k);
    return Object.assign(info, { pending, queued });
  }
  const at = group.events;
  const started = group.nextToStart;
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
  Object.defineProperties(info, {
    pending: { enumerable: true, get: () => read().pending },
    queued: { enumerable: true, get: () => read().queued },
  });
  return info;
}

/**
 * Reference models of the operators for the property tests: plain arrays and
 * numbers, no rxjs. Each model replays a scenario on a tiny virtual clock and
 * returns what the operator must emit, frame by frame, and when each input must
 * be subscribed and unsubscribed.
 *
 * What this is for. It is a plain reference of the engine, on purpose shaped
 * like it (pump, release, close) but without its performance tricks: arrays
 * and linear scans instead of slot tables and head-index queues, a callback
 * pair per input instead of shared callbacks, a timer per limit instead of one
 * per collection. The properties compare the two, so they check the tricks.
 * It is not a second specification: new behaviour gets invariant properties
 * first (as `reentrancy.spec.ts` does for user code acting back on the
 * engine), and a model only where order and counting rules need one.
 *
 * The tie rule. The clock follows the one rule a virtual-time scheduler has:
 * actions run by frame, and within a frame in the order they were scheduled.
 * From the SPEC and the engine, the operator schedules, in this order:
 *   1. (the test's own unsubscribe, scheduled before subscribing: it wins its frame);
 *   2. per collection, the `total` deadline, when the collection arrives and
 *      before any of its inputs starts;
 *   3. per input, when it starts: its `each` limit, then its outcome (a cold
 *      observable schedules its notifications when subscribed).
 * Inputs start in index order (collections in arrival order), so same-frame
 * outcomes come out in start order, a deadline beats every outcome of its own
 * collection in its frame, and an input's `each` limit beats its own outcome.
 * Deadlines follow event order (SPEC §4): an outcome loses when the deadline's
 * timer has already run. In virtual time, where time stands still while code
 * runs, an outcome in the deadline's own frame loses too, even if the scheduler
 * runs it first (same-frame ties go to the deadline; only possible across
 * batches); a synchronous outcome (during subscribe) never loses. (In real time
 * an outcome delivered while the timer still waits counts; the models run in
 * virtual time only.)
 *
 * One place where the engine is coarser than this rule: each collection keeps a
 * single timer for all its `each` limits, re-armed from inside its own
 * callback, so in a frame where a limit expires, an outcome subscribed before
 * the re-arm can run before the expiry, and same-frame expiries of two
 * collections come out in the order their timers were armed rather than start
 * order. The SPEC leaves same-frame order to the scheduler. The model flags
 * such frames (`limitTies`) and the frame-for-frame property skips those
 * scenarios; every other property keeps them.
 */

export type EmitMode = 'value' | 'tagged' | 'settled';
export type Kind = 'value' | 'error' | 'empty';

/** One generated input: a cold observable (or its factory). */
export interface InputSpec {
  kind: Kind;
  /** Frames from subscription to the outcome (ignored when `sync`). */
  duration: number;
  /** Finishes during subscription (`of(v)`, `throwError`, `EMPTY`). */
  sync: boolean;
  /** Passed as a `(signal) => ObservableInput` factory instead of the observable. */
  factory: boolean;
  /** A 'value' or 'error' input emits another value first (the result is the last value). */
  noise?: boolean;
}

export type Note =
  | { frame: number; kind: 'N'; value: unknown }
  | { frame: number; kind: 'E'; error: unknown }
  | { frame: number; kind: 'C' };

/** When an input was subscribed and unsubscribed, and whether it was torn down before its outcome. */
export interface SubLog {
  start: number;
  end: number;
  torn: boolean;
}

export interface ModelRun {
  notes: Note[];
  /** By input key; inputs that never start are absent. */
  subs: Record<string, SubLog>;
  /** See `Clock.limitTies`: frames whose order this model does not fix. */
  limitTies: number[];
}

/** The value, error and key every test and model agree on for an input. */
export const inputKey = (batch: number, index: number): string => `${batch}:${index}`;
export const valueOf = (key: string): string => `v${key}`;
export const errorOf = (key: string): string => `e${key}`;
export const EMPTY_ERROR = 'EmptyError';
export const TYPE_ERROR = 'TypeError';

/** How a test writes an `AsCompletedTimeoutError` down. */
export interface TimeoutNote {
  name: 'AsCompletedTimeoutError';
  scope: 'total' | 'each';
  timeout: number;
  total: number | undefined;
  completed: number;
  pending: number[];
  queued: number[];
  index?: number;
}

interface Action {
  frame: number;
  seq: number;
  run: () => void;
  /** What scheduled it: 'unsubscribe', 'deadline', 'limit', 'outcome', 'source'. */
  tag: string;
  cancelled: boolean;
  /** The frame it was cancelled in (it may still have been due then). */
  cancelledAt: number;
  /** It ran and changed something (only tracked for 'limit'). */
  effective: boolean;
  /** The collection (batch) it belongs to, or -1. */
  batch: number;
}

/** Virtual time: by frame, then by scheduling order. */
export class Clock {
  now = 0;
  private seq = 0;
  private queue: Action[] = [];

  /** Every action ever scheduled. */
  readonly log: Action[] = [];

  schedule(delay: number, run: () => void, tag = '', batch = -1): Action {
    const action = {
      frame: this.now + delay,
      seq: this.seq++,
      run,
      tag,
      cancelled: false,
      cancelledAt: -1,
      effective: false,
      batch,
    };
    this.queue.push(action);
    this.log.push(action);
    return action;
  }

  cancel(action: Action | undefined): void {
    if (action !== undefined && !action.cancelled) {
      action.cancelled = true;
      action.cancelledAt = this.now;
    }
  }

  /**
   * Frames where an `each` limit expired an input while something else of the
   * operator's (another outcome, the expired input's own outcome, a deadline,
   * the source) was due in the same frame, or while a limit of another
   * collection was due in that frame (each collection has its own timer, so
   * their order is the order the timers were armed, not start order; in a
   * fail-fast mode the one that runs first ends everything). With `anyLimit`, a limit that was merely due counts too.
   */
  limitTies(anyLimit: boolean): number[] {
    const frames = new Set<number>();
    const due = (a: Action, frame: number) => a.frame === frame && (!a.cancelled || a.cancelledAt >= frame);
    for (const limit of this.log) {
      if (limit.tag !== 'limit' || !(limit.effective || (anyLimit && due(limit, limit.frame)))) continue;
      const tied = (a: Action) =>
        due(a, limit.frame) &&
        // Another collection's limit due in this frame ties even if it did not run in the model: when
        // the engine's timers run it first, its expiry may be the one that fails fast.
        (a.tag === 'limit' ? a.batch !== limit.batch && limit.effective : a.tag !== 'unsubscribe');
      if (this.log.some(tied)) frames.add(limit.frame);
    }
    return [...frames];
  }

  run(): void {
    for (;;) {
      this.queue = this.queue.filter((a) => !a.cancelled);
      if (this.queue.length === 0) return;
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const a = this.queue[i];
        const b = this.queue[best];
        if (a.frame < b.frame || (a.frame === b.frame && a.seq < b.seq)) best = i;
      }
      const [action] = this.queue.splice(best, 1);
      this.now = action.frame;
      action.run();
    }
  }
}

/* ------------------------------------------------------------------------ */
/* asCompleted, asCompletedWithTimeout (and firstCompleted, which shares the */
/* slot bookkeeping)                                                         */
/* ------------------------------------------------------------------------ */

export interface CompletionScenario {
  /** Creation form: one batch (arriving at subscription). Pipeable: batches at frames. */
  batches: Array<{ at: number; inputs: InputSpec[] }>;
  /** Pipeable form: the source completes at this frame (after its last batch). */
  pipeable?: { completeAt: number };
  concurrency: number;
  emit: EmitMode;
  total?: number;
  each?: number;
  onTimeout?: 'error' | 'complete';
  unsubscribeAt?: number;
}

export interface FirstScenario {
  inputs: InputSpec[];
  concurrency: number;
  /** Per index: does the predicate accept a value, reject it, or throw? */
  predicate?: Array<'yes' | 'no' | 'throw'>;
  unsubscribeAt?: number;
}

export const predicateError = (index: number): string => `predicate threw at ${index}`;

type SlotState = 'queued' | 'running' | 'fulfilled' | 'rejected' | 'cancelled';

interface Slot {
  key: string;
  index: number;
  spec: InputSpec;
  state: SlotState;
  startedAt: number;
  outcome?: Action;
  limit?: Action;
}

interface Group {
  batch: number;
  slots: Slot[];
  next: number;
  unfinished: number;
  closed: boolean;
  completed: number;
  deadlineAt?: number;
  timer?: Action;
  reasons: unknown[];
}

type Mode = { op: 'asCompleted'; s: CompletionScenario } | { op: 'first'; s: FirstScenario };

/** The model of `asCompleted` / `asCompletedWithTimeout` (`total`/`each` unset = `asCompleted`). */
export function modelAsCompleted(s: CompletionScenario): ModelRun {
  return runCompletionModel({ op: 'asCompleted', s });
}

/** The model of `firstCompleted` (creation form). */
export function modelFirstCompleted(s: FirstScenario): ModelRun {
  return runCompletionModel({ op: 'first', s });
}

function runCompletionModel(mode: Mode): ModelRun {
  const clock = new Clock();
  const notes: Note[] = [];
  const subs: Record<string, SubLog> = {};
  const groups: Group[] = [];
  const waiting: Group[] = [];
  const sourceActions: Action[] = [];
  const timed = mode.op === 'asCompleted' ? mode.s : undefined;
  const limit = mode.s.concurrency;
  let closed = false;
  let running = 0;
  let sourceDone = false;
  let pumping = false;

  const emit = (value: unknown) => notes.push({ frame: clock.now, kind: 'N', value });

  function release(slot: Slot, group: Group, state: SlotState, torn: boolean): void {
    if (slot.state === 'running') {
      running--;
      subs[slot.key].end = clock.now;
      subs[slot.key].torn = torn;
      clock.cancel(slot.outcome);
      clock.cancel(slot.limit);
    }
    slot.state = state;
    group.unfinished--;
  }

  function closeGroup(group: Group): void {
    if (group.closed) return;
    group.closed = true;
    for (const slot of group.slots) if (slot.state === 'running') release(slot, group, 'cancelled', true);
    clock.cancel(group.timer);
  }

  function shutdown(): void {
    if (closed) return;
    closed = true;
    for (const group of groups) closeGroup(group);
    for (const action of sourceActions) clock.cancel(action);
  }

  function fail(error: unknown): void {
    if (closed) return;
    shutdown();
    notes.push({ frame: clock.now, kind: 'E', error });
  }

  function pump(): void {
    if (pumping) return;
    pumping = true;
    while (!closed && running < limit) {
      const group = waiting[0];
      if (group === undefined) break;
      if (group.closed || group.next >= group.slots.length) {
        waiting.shift();
        continue;
      }
      const slot = group.slots[group.next++];
      if (slot.state === 'queued') start(group, slot);
    }
    pumping = false;
    if (!closed && sourceDone && groups.every((g) => g.closed)) {
      shutdown();
      notes.push({ frame: clock.now, kind: 'C' });
    }
  }

  function start(group: Group, slot: Slot): void {
    slot.state = 'running';
    running++;
    slot.startedAt = clock.now;
    subs[slot.key] = { start: clock.now, end: -1, torn: false };
    const each = timed?.each;
    if (each !== undefined) {
      slot.limit = clock.schedule(each, () => expire(group, slot, slot.limit), 'limit', group.batch);
    }
    if (slot.spec.sync) settle(group, slot, true);
    else slot.outcome = clock.schedule(slot.spec.duration, () => settle(group, slot, false), 'outcome');
  }

  function settle(group: Group, slot: Slot, synchronous: boolean): void {
    if (slot.state !== 'running') return;
    if (!synchronous && timed !== undefined) {
      if (group.deadlineAt !== undefined && clock.now >= group.deadlineAt) return deadline(group);
      if (timed.each !== undefined && clock.now - slot.startedAt >= timed.each) return expire(group, slot);
    }
    const { kind } = slot.spec;
    const ok = kind === 'value';
    const value = ok ? valueOf(slot.key) : kind === 'error' ? errorOf(slot.key) : EMPTY_ERROR;
    release(slot, group, ok ? 'fulfilled' : 'rejected', false);
    report(group, slot, ok, value);
  }

  function report(group: Group, slot: Slot, ok: boolean, value: unknown): void {
    if (mode.op === 'first') reportFirst(group, slot, ok, value);
    else reportCompletion(group, slot, ok, value);
    if (group.unfinished === 0 && !group.closed && !closed) {
      closeGroup(group);
      if (mode.op === 'first') allFailed(group);
    }
    pump();
  }

  function record(group: Group, index: number, ok: boolean, outcome: unknown) {
    const where = { index, completed: ++group.completed, total: group.slots.length, batch: group.batch, input: true };
    return ok ? { status: 'fulfilled', value: outcome, ...where } : { status: 'rejected', reason: outcome, ...where };
  }

  function reportCompletion(group: Group, slot: Slot, ok: boolean, value: unknown): void {
    switch (timed!.emit) {
      case 'value':
        if (!ok) return fail(value);
        group.completed++;
        return void emit(value);
      case 'tagged':
        if (!ok) return fail(value);
        return void emit({
          value,
          index: slot.index,
          input: true,
          completed: ++group.completed,
          total: group.slots.length,
          batch: group.batch,
        });
      case 'settled':
        return void emit(record(group, slot.index, ok, value));
    }
  }

  function reportFirst(group: Group, slot: Slot, ok: boolean, value: unknown): void {
    if (!ok) {
      group.reasons[slot.index] = value;
      return;
    }
    const verdict = mode.op === 'first' ? (mode.s.predicate?.[slot.index] ?? 'yes') : 'yes';
    if (verdict === 'throw') return fail(predicateError(slot.index));
    if (verdict === 'no') return;
    closeGroup(group); // losers are torn down before the winner is seen
    emit(value);
  }

  /** `firstCompleted` with no qualifying result: the failures in index order. */
  function allFailed(group: Group): void {
    const errors = group.slots.filter((s) => s.state === 'rejected').map((s) => group.reasons[s.index]);
    fail({ aggregate: errors });
  }

  function timeoutError(group: Group, scope: 'total' | 'each', timeout: number, index?: number): TimeoutNote {
    const note: TimeoutNote = {
      name: 'AsCompletedTimeoutError',
      scope,
      timeout,
      total: group.slots.length,
      completed: group.completed,
      pending: group.slots.filter((s) => s.state === 'running').map((s) => s.index),
      queued: group.slots.filter((s) => s.index >= group.next).map((s) => s.index),
    };
    if (index !== undefined) note.index = index;
    return note;
  }

  function expire(group: Group, slot: Slot, limit?: Action): void {
    if (slot.state !== 'running') return;
    if (limit !== undefined) limit.effective = true;
    const error = timeoutError(group, 'each', timed!.each!, slot.index);
    release(slot, group, 'rejected', true);
    report(group, slot, false, error);
  }

  function deadline(group: Group): void {
    if (group.closed) return;
    const s = timed!;
    const error = timeoutError(group, 'total', s.total!);
    if (s.emit === 'settled') {
      // Every unfinished input, running or queued, gets its record, in index order.
      for (const slot of group.slots) {
        if (closed) return;
        if (slot.state !== 'running' && slot.state !== 'queued') continue;
        release(slot, group, 'rejected', true);
        emit(record(group, slot.index, false, error));
      }
      closeGroup(group);
      pump();
    } else if ((s.onTimeout ?? 'error') === 'error') {
      fail(error);
    } else {
      closeGroup(group);
      pump();
    }
  }

  function arrive(batch: number, inputs: InputSpec[]): void {
    if (closed || inputs.length === 0) return;
    const group: Group = {
      batch,
      slots: inputs.map((spec, index) => ({
        key: inputKey(batch, index),
        index,
        spec,
        state: 'queued',
        startedAt: -1,
      })),
      next: 0,
      unfinished: inputs.length,
      closed: false,
      completed: 0,
      reasons: [],
    };
    groups.push(group);
    if (timed?.total !== undefined) {
      group.deadlineAt = clock.now + timed.total;
      group.timer = clock.schedule(timed.total, () => deadline(group), 'deadline');
    }
    waiting.push(group);
  }

  // The test schedules its unsubscribe before it subscribes.
  const { unsubscribeAt } = mode.s;
  if (unsubscribeAt !== undefined) clock.schedule(unsubscribeAt, shutdown, 'unsubscribe');

  if (mode.op === 'first') {
    if (mode.s.inputs.length === 0) {
      fail({ aggregate: [] });
    } else {
      arrive(0, mode.s.inputs);
      sourceDone = true;
      pump();
    }
  } else if (mode.s.pipeable === undefined) {
    arrive(0, mode.s.batches[0]?.inputs ?? []);
    sourceDone = true;
    pump();
  } else {
    // A cold source schedules all its notifications when subscribed.
    mode.s.batches.forEach(({ at, inputs }, batch) => {
      sourceActions.push(
        clock.schedule(
          at,
          () => {
            arrive(batch, inputs);
            pump();
          },
          'source',
        ),
      );
    });
    sourceActions.push(
      clock.schedule(
        mode.s.pipeable.completeAt,
        () => {
          sourceDone = true;
          pump();
        },
        'source',
      ),
    );
  }
  clock.run();
  // Across batches the engine's one shared limit timer may have been armed
  // before another batch's deadline: which of the two fires first is its own.
  return { notes, subs, limitTies: clock.limitTies(timed?.pipeable !== undefined) };
}

/* ------------------------------------------------------------------------ */
/* mergeCompletedThen                                                        */
/* ------------------------------------------------------------------------ */

export type ItemKind = Kind | 'not-iterable';

export interface ItemSpec {
  /** Stage 1: 'value' gives the list of `children`; 'not-iterable' gives `42`. */
  kind: ItemKind;
  duration: number;
  sync: boolean;
  children: InputSpec[];
  /**
   * Stage 1 as a stream of pages (not with `sync`): per page, the frames after
   * the previous one (at least 1; the first page may come at frame 0) and how
   * many of the remaining children it lists (the last page lists the rest).
   * Then, `duration` frames after the last page: 'value' completes, 'error'
   * errors, 'not-iterable' gives `42` as one more page; 'empty' gives no page.
   */
  pages?: Array<{ gap: number; size: number }>;
}

/** One page of a paged stage 1: when it comes (from the item's start) and its children `from` to `to`. */
export interface PagePlan {
  at: number;
  from: number;
  to: number;
}

/** The pages of an item (undefined unless paged) and the frame its stream ends (or its bad page comes). */
export function pagePlan(spec: ItemSpec): { pages: PagePlan[]; end: number } | undefined {
  const specs = spec.pages;
  if (specs === undefined || specs.length === 0 || spec.sync) return undefined;
  const pages: PagePlan[] = [];
  if (spec.kind !== 'empty') {
    let at = -1;
    let from = 0;
    specs.forEach(({ gap, size }, k) => {
      at += gap;
      const to = k === specs.length - 1 ? spec.children.length : Math.min(from + size, spec.children.length);
      pages.push({ at, from, to });
      from = to;
    });
  }
  const last = pages.length > 0 ? pages[pages.length - 1].at : 0;
  return { pages, end: last + 1 + spec.duration };
}

export interface ThenScenario {
  items: ItemSpec[];
  concurrency: number | { first?: number; then?: number };
  emit: EmitMode;
  unsubscribeAt?: number;
}

export const itemKey = (index: number): string => `1:${index}`;
export const childKey = (item: number, child: number): string => `2:${item}.${child}`;
export const itemOf = (index: number): string => `item${index}`;
export const childOf = (item: number, child: number): string => `child${item}.${child}`;

interface ThenSlot {
  key: string;
  spec: InputSpec | ItemSpec;
  state: 'queued' | 'running' | 'done';
  outcome?: Action;
  /** A paged stage 1: its pages still to come. */
  pages?: Action[];
}

interface ThenGroup {
  /** -1 for the stage-1 group; the item's index for a stage-2 group. */
  item: number;
  /** A stage-2 group: the `childIndex` of its first child (children of earlier pages come first). */
  offset: number;
  slots: ThenSlot[];
  next: number;
  unfinished: number;
  closed: boolean;
}

/** The model of `mergeCompletedThen` (creation form, batch 0). */
export function modelMergeCompletedThen(s: ThenScenario): ModelRun {
  const clock = new Clock();
  const notes: Note[] = [];
  const subs: Record<string, SubLog> = {};
  const shared = typeof s.concurrency === 'number' ? s.concurrency : Infinity;
  const firstLimit = typeof s.concurrency === 'number' ? Infinity : (s.concurrency.first ?? Infinity);
  const thenLimit = typeof s.concurrency === 'number' ? Infinity : (s.concurrency.then ?? Infinity);
  const groups: ThenGroup[] = [];
  const firstWaiting: ThenGroup[] = [];
  const thenWaiting: ThenGroup[] = [];
  let running = 0;
  let firstRunning = 0;
  let thenRunning = 0;
  let closed = false;
  let pumping = false;
  let completed = 0;

  const emit = (value: unknown) => notes.push({ frame: clock.now, kind: 'N', value });

  function release(group: ThenGroup, slot: ThenSlot, torn: boolean): void {
    if (slot.state === 'running') {
      running--;
      if (group.item < 0) firstRunning--;
      else thenRunning--;
      subs[slot.key].end = clock.now;
      subs[slot.key].torn = torn;
      clock.cancel(slot.outcome);
      for (const page of slot.pages ?? []) clock.cancel(page);
    }
    slot.state = 'done';
    group.unfinished--;
  }

  function shutdown(): void {
    if (closed) return;
    closed = true;
    for (const group of groups) {
      if (group.closed) continue;
      group.closed = true;
      for (const slot of group.slots) if (slot.state === 'running') release(group, slot, true);
    }
  }

  function fail(error: unknown): void {
    if (closed) return;
    shutdown();
    notes.push({ frame: clock.now, kind: 'E', error });
  }

  function add(group: ThenGroup, lane: ThenGroup[]): void {
    if (closed || group.slots.length === 0) return;
    groups.push(group);
    lane.push(group);
  }

  function pump(): void {
    if (pumping) return;
    pumping = true;
    while (!closed && running < shared) {
      // Stage 2 first: finish what was begun.
      let lane: ThenGroup[];
      if (thenRunning < thenLimit && thenWaiting.length > 0) lane = thenWaiting;
      else if (firstRunning < firstLimit && firstWaiting.length > 0) lane = firstWaiting;
      else break;
      const group = lane[0];
      if (group.closed || group.next >= group.slots.length) {
        lane.shift();
        continue;
      }
      const index = group.next++;
      start(group, index);
    }
    pumping = false;
    if (!closed && groups.every((g) => g.closed)) {
      shutdown();
      notes.push({ frame: clock.now, kind: 'C' });
    }
  }

  function start(group: ThenGroup, index: number): void {
    const slot = group.slots[index];
    slot.state = 'running';
    running++;
    if (group.item < 0) firstRunning++;
    else thenRunning++;
    subs[slot.key] = { start: clock.now, end: -1, torn: false };
    const plan = group.item < 0 ? pagePlan(slot.spec as ItemSpec) : undefined;
    if (plan !== undefined) {
      // A cold stream of pages schedules every notification when subscribed.
      slot.pages = plan.pages.map((page) =>
        clock.schedule(
          page.at,
          () => {
            if (slot.state !== 'running' || closed) return;
            // Its children start now, while stage 1 still runs and holds its slot.
            addChildren(index, slot.spec as ItemSpec, page.from, page.to);
            pump();
          },
          'outcome',
        ),
      );
      slot.outcome = clock.schedule(plan.end, () => settle(group, index), 'outcome');
      return;
    }
    if (slot.spec.sync) settle(group, index);
    else slot.outcome = clock.schedule(slot.spec.duration, () => settle(group, index), 'outcome');
  }

  function settle(group: ThenGroup, index: number): void {
    const slot = group.slots[index];
    if (slot.state !== 'running') return;
    if (group.item < 0) {
      const spec = slot.spec as ItemSpec;
      if (pagePlan(spec) !== undefined) {
        // Its pages are in: the stream completes, errors, or gives a page that
        // is no list (which tears its stage 1 down).
        release(group, slot, spec.kind === 'not-iterable');
        if (spec.kind !== 'value') settledItem(index, spec);
      } else {
        if (spec.kind === 'value' && !spec.sync) {
          // Stage 1 is a stream of one page: the page's children are added (and
          // start) while stage 1 still runs and holds its slot; the stream
          // completes right after, unless a child's outcome ended everything.
          addChildren(index, spec, 0, spec.children.length);
          pump();
          if (slot.state !== 'running') return;
        }
        // A page that is no list tears its stage 1 down (its signal aborted) as it
        // fails; one delivered during subscription finished on its own.
        release(group, slot, spec.kind === 'not-iterable' && !spec.sync);
        settledItem(index, spec);
      }
    } else {
      release(group, slot, false);
      settledChild(group.item, group.offset + index, slot.spec as InputSpec);
    }
    if (group.unfinished === 0 && !group.closed && !closed) group.closed = true;
    pump();
  }

  function addChildren(index: number, spec: ItemSpec, from: number, to: number): void {
    add(
      {
        item: index,
        offset: from,
        slots: spec.children
          .slice(from, to)
          .map((child, k) => ({ key: childKey(index, from + k), spec: child, state: 'queued' })),
        next: 0,
        unfinished: to - from,
        closed: false,
      },
      thenWaiting,
    );
  }

  function settledItem(index: number, spec: ItemSpec): void {
    if (spec.kind === 'value') {
      // A synchronous stage 1 (`of(list)`): its page came while it started.
      if (spec.sync) addChildren(index, spec, 0, spec.children.length);
      return;
    }
    const reason = spec.kind === 'error' ? errorOf(itemKey(index)) : spec.kind === 'empty' ? EMPTY_ERROR : TYPE_ERROR;
    if (s.emit !== 'settled') return fail(reason);
    emit({
      status: 'rejected',
      reason,
      stage: 1,
      item: itemOf(index),
      itemIndex: index,
      completed: ++completed,
      batch: 0,
    });
  }

  function settledChild(item: number, index: number, spec: InputSpec): void {
    const key = childKey(item, index);
    const ok = spec.kind === 'value';
    const value = ok ? valueOf(key) : spec.kind === 'error' ? errorOf(key) : EMPTY_ERROR;
    if (!ok && s.emit !== 'settled') return fail(value);
    if (s.emit === 'value') {
      completed++;
      return void emit(value);
    }
    const where = {
      item: itemOf(item),
      itemIndex: item,
      child: childOf(item, index),
      childIndex: index,
      completed: ++completed,
      batch: 0,
    };
    if (s.emit === 'tagged') return void emit({ value, ...where });
    emit(
      ok
        ? { status: 'fulfilled', value, stage: 2, ...where }
        : { status: 'rejected', reason: value, stage: 2, ...where },
    );
  }

  if (s.unsubscribeAt !== undefined) clock.schedule(s.unsubscribeAt, shutdown, 'unsubscribe');
  add(
    {
      item: -1,
      offset: 0,
      slots: s.items.map((spec, i) => ({ key: itemKey(i), spec, state: 'queued' })),
      next: 0,
      unfinished: s.items.length,
      closed: false,
    },
    firstWaiting,
  );
  pump();
  clock.run();
  return { notes, subs, limitTies: [] };
}

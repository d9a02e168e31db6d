/**
 * The completion core behind every operator of this package.
 *
 * rxjs's own `mergeAll`/`mergeMap` keep one child subscription per inner in an
 * array (removed with `indexOf` + `splice`) and a concurrency buffer drained with
 * `Array.shift`, which goes quadratic at 10^5..10^6 inputs; waiting inners start
 * recursively, which overflows the stack for long runs of synchronous inners.
 * This core keeps per-input state in flat slot tables, waiting work in head-index
 * queues, starts inputs from one flat loop, and registers a single teardown per
 * subscription.
 */
import { EmptyError, from, Subscriber, throwError, UnsubscriptionError } from 'rxjs';
import { describe, markHandled, thenOf } from './validate.js';

/* Slot states. A slot starts QUEUED, is RUNNING between start and its outcome,
   and ends FULFILLED, REJECTED or CANCELLED (torn down before it finished).
   On the way to REJECTED or CANCELLED a started slot may be GIVING_UP and a
   queued one WITHDRAWN: see below. */
export const QUEUED = 0;
export const RUNNING = 1;
export const FULFILLED = 2;
export const REJECTED = 3;
export const CANCELLED = 4;
/**
 * A started slot being given up (a deadline, a limit, a closing group): it
 * still holds its budget while it is torn down and until its record is out,
 * and takes no outcome of its own (one that arrives only spares its signal).
 */
export const GIVING_UP = 5;
/** A queued slot given up by a deadline: never starts, waits for its record. */
export const WITHDRAWN = 6;

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const nativeThen = Promise.prototype.then;

/** Whatever must be released when a running slot is torn down. */
export type Handle = InputSubscriber | AbortController;

/**
 * A FIFO read from a head index instead of `shift()` (which is O(n) per call);
 * the dead prefix is cut off once it dominates, so every operation is O(1)
 * amortised.
 */
export class Queue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * Work sharing one concurrency cap (a stage of `mergeCompletedThen`; the only
 * lane elsewhere). Groups wait here until all their slots have started.
 */
export class Lane {
  running = 0;
  readonly waiting = new Queue<Group>();
  constructor(readonly limit: number) {}
}

/**
 * The inputs of one collection (or of one item's stage-2 list) and a slot per
 * input. Subclasses say what each slot's input is and what its outcome means.
 */
export abstract class Group {
  /** Per-slot state (QUEUED..WITHDRAWN). */
  readonly state: Uint8Array;
  /** What to tear down per running slot; empty for promise inputs. */
  readonly handles: Array<Handle | undefined> = [];
  /** Slots start in index order: everything from here on has not started. */
  next = 0;
  /** Slots not yet FULFILLED, REJECTED or CANCELLED (GIVING_UP and WITHDRAWN slots count). */
  unfinished: number;
  /** No slot of a closed group starts or reports any more. */
  closed = false;
  /**
   * Per slot, the value of `events` when it finished (0 while it has not); set
   * only for groups whose errors describe what was pending at some moment.
   */
  finishedAt: Uint32Array | undefined;
  events = 0;
  /**
   * Whether an outcome must say which slot it came from. When it need not (a
   * bare value, a fail-fast error), promises passed in directly share two
   * callbacks per group instead of allocating a closure pair per input: at 10^6
   * inputs those closures are most of the memory and the GC time.
   */
  valueNeedsIndex = true;
  failureNeedsIndex = true;
  /**
   * Whether slots hold the caller's own inputs, which may be promises already
   * running (stage calls of `mergeCompletedThen` are not).
   */
  holdsCallerInputs = true;
  /** The shared callbacks, made on first use. */
  anyValue: ((value: unknown) => void) | undefined;
  anyFailure: ((reason: unknown) => void) | undefined;

  constructor(
    readonly size: number,
    readonly lane: Lane,
  ) {
    this.state = new Uint8Array(size);
    this.unfinished = size;
  }

  /** The input of slot `index`: a promise, another `ObservableInput`, or a factory. */
  abstract inputAt(index: number): unknown;

  /**
   * One slot's outcome. Called once per slot that finishes on its own or
   * expires; `index` is -1 when the group said it need not know
   * (`valueNeedsIndex` / `failureNeedsIndex`).
   */
  abstract settled(index: number, ok: boolean, value: unknown): void;

  /** Names slot `index` in error messages, e.g. "`inputs[3]`". */
  abstract slotName(index: number): string;

  /** Called once, when every slot has finished (at once for an empty group). */
  done(): void {}

  /** Called once when the group is added with at least one slot, before any slot starts. */
  opened(): void {}

  /** Called once when the group is closed, for whatever reason. */
  closing(): void {}

  /** A slot has just started (groups with deadlines). */
  started?(index: number): void;

  /**
   * Groups with deadlines: an outcome of one of its slots arrives (not during
   * its start); fires whatever deadline ties with it, which then wins (virtual
   * time only: in real time an outcome whose deadline's timer still waits
   * counts). The engine then looks at the slot's state to see if it lost.
   */
  fireTiedDeadlines?(): void;
}

export class Engine {
  /** True once the output has completed, errored or been unsubscribed. */
  closed = false;
  /** Slots running across all lanes (the shared budget). */
  running = 0;
  /** Set by the source: no group will be added any more. */
  private sourceDone = false;
  /** Groups added and not yet closed. */
  private readonly open = new Set<Group>();
  private pumping = false;
  /** The slot being started right now: its synchronous outcome beats any deadline. */
  private startingGroup: Group | undefined;
  private startingIndex = -1;
  /** Called when the engine shuts down (source subscription, timers). */
  private finalizers: Array<() => void> = [];
  /**
   * Teardown errors of an `unsubscribe()` of the output, thrown from it as an
   * `UnsubscriptionError`; undefined otherwise, when they are reported through
   * rxjs's `config.onUnhandledError` (on a later job, so after the output's
   * own notification).
   */
  private unsubscribeErrors: unknown[] | undefined;

  constructor(
    readonly subscriber: Subscriber<unknown>,
    /** Shared budget across lanes. */
    private readonly limit: number,
    /** Lanes in priority order: when a slot frees, the first lane with waiting work wins. */
    private readonly lanes: readonly Lane[],
  ) {
    // The one teardown of this subscription: runs on unsubscribe, error or
    // completion (after `fail` and `complete` have shut down: then a no-op).
    subscriber.add(() => {
      if (this.closed) return;
      const outer = this.unsubscribeErrors;
      const errors: unknown[] = [];
      this.unsubscribeErrors = errors;
      this.shutdown(undefined);
      this.unsubscribeErrors = outer;
      if (errors.length > 0) throw new UnsubscriptionError(errors);
    });
  }

  onShutdown(finalizer: () => void): void {
    this.finalizers.push(finalizer);
  }

  emit(value: unknown): void {
    this.subscriber.next(value);
  }

  /** Errors the output after tearing every running input down (fail fast). */
  fail(error: unknown, abortReason?: unknown): void {
    if (this.closed) return;
    this.shutdown(abortReason);
    this.subscriber.error(error);
  }

  /** The source will add no more groups; completes once every group is done. */
  sourceComplete(): void {
    this.sourceDone = true;
    this.pump();
  }

  /** Adds a group; its slots start on the next pump. */
  add(group: Group): void {
    if (this.closed) return;
    if (group.size === 0) {
      group.closed = true;
      group.done();
      return;
    }
    this.open.add(group);
    group.opened();
    group.lane.waiting.push(group);
    // Promises that will wait for a slot may reject while waiting; handle them
    // now so Node does not report the rejection before we get to them.
    if (group.holdsCallerInputs && (this.limit !== Infinity || group.lane.limit !== Infinity)) {
      for (let i = 0; i < group.size; i++) markHandled(group.inputAt(i));
    }
  }

  /**
   * Starts waiting slots while the budgets allow. Never recursive: an input that
   * finishes synchronously while being started calls back into `pump`, which
   * returns at once and lets this loop go on.
   */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.running < this.limit) {
        const lane = this.nextLane();
        if (lane === undefined) break;
        const group = lane.waiting.peek()!;
        if (group.closed || group.next >= group.size) {
          lane.waiting.shift();
          continue;
        }
        const index = group.next++;
        if (group.state[index] === QUEUED) this.start(group, index);
      }
    } finally {
      this.pumping = false;
    }
    if (!this.closed && this.sourceDone && this.open.size === 0) this.complete();
  }

  // Kept out of `pump`, which runs once per outcome: a rarely taken branch
  // inside it starves the optimiser of type feedback.
  private complete(): void {
    this.shutdown(undefined);
    this.subscriber.complete();
  }

  private nextLane(): Lane | undefined {
    for (const lane of this.lanes) {
      if (lane.running < lane.limit && lane.waiting.size > 0) return lane;
    }
    return undefined;
  }

  private start(group: Group, index: number): void {
    group.state[index] = RUNNING;
    group.lane.running++;
    this.running++;
    // A deadline is armed before the input is subscribed, so in virtual time its
    // action runs first when both fall in the same frame: the deadline wins ties.
    group.started?.(index);
    const outerGroup = this.startingGroup;
    const outerIndex = this.startingIndex;
    this.startingGroup = group;
    this.startingIndex = index;
    try {
      let input = group.inputAt(index);
      let controller: AbortController | undefined;
      const factory = typeof input === 'function';
      if (factory) {
        controller = new AbortController();
        group.handles[index] = controller;
        try {
          input = (input as (signal: AbortSignal) => unknown)(controller.signal);
        } catch (error) {
          this.settle(group, index, false, error);
          return;
        }
        // The factory's own side effects may have torn this slot down already.
        if (group.state[index] !== RUNNING) {
          markHandled(input);
          return;
        }
      }
      this.subscribeTo(group, index, input, factory, controller);
    } finally {
      this.startingGroup = outerGroup;
      this.startingIndex = outerIndex;
    }
  }

  private subscribeTo(
    group: Group,
    index: number,
    input: unknown,
    factory: boolean,
    controller: AbortController | undefined,
  ): void {
    // `then` is read once, and whatever it does stays this input's failure.
    const then = thenOf(input);
    if (then !== undefined) {
      // Promises are taken as they are: two callbacks, no Observable around them.
      // The built-in `then` calls back at most once (it throws for anything
      // but a real promise), so when the group need not know the slot and
      // there is nothing to release, the group's shared callbacks do. (Not
      // for a `then` of the caller's own: it may call back twice.)
      const shared = controller === undefined && group.fireTiedDeadlines === undefined && then === nativeThen;
      try {
        then.call(
          input,
          shared && !group.valueNeedsIndex
            ? (group.anyValue ??= (value: unknown) => this.settleAny(group, true, value))
            : (value: unknown) => this.settle(group, index, true, value),
          shared && !group.failureNeedsIndex
            ? (group.anyFailure ??= (reason: unknown) => this.settleAny(group, false, reason))
            : (reason: unknown) => this.settle(group, index, false, reason),
        );
      } catch (error) {
        this.settle(group, index, false, error);
      }
      return;
    }
    let source;
    try {
      source = from(input as never);
    } catch {
      const what = factory
        ? `the factory at ${group.slotName(index)} to return a promise or an ObservableInput`
        : `${group.slotName(index)} to be a promise, an ObservableInput or a factory function`;
      this.settle(group, index, false, new TypeError(`Expected ${what}, got ${describe(input)}`));
      return;
    }
    const subscriber = new InputSubscriber(this, group, index, controller);
    group.handles[index] = subscriber;
    source.subscribe(subscriber);
  }

  /** An input's own outcome. Late, repeated or torn-down outcomes are dropped. */
  settle(group: Group, index: number, ok: boolean, value: unknown): void {
    const state = group.state[index];
    if (state !== RUNNING) {
      // Finished on its own while being given up: its record is the deadline's,
      // but it is not torn down (its signal is never aborted).
      if (state === GIVING_UP) group.handles[index] = undefined;
      return;
    }
    if (group.closed || this.closed) {
      // The output or this group is ending and this slot's teardown is still to
      // come (a sibling's teardown, say, finished it): its outcome is dropped,
      // but it finished on its own, so its signal is never aborted.
      group.handles[index] = undefined;
      return;
    }
    if (group.fireTiedDeadlines !== undefined && !(group === this.startingGroup && index === this.startingIndex)) {
      // The input has finished (an observable input has already unsubscribed
      // itself), so when a deadline takes its slot, its signal stays as it is.
      group.handles[index] = undefined;
      group.fireTiedDeadlines();
      if (group.state[index] !== RUNNING || group.closed || this.closed) return;
    }
    this.release(group, index, ok ? FULFILLED : REJECTED);
    this.report(group, index, ok, value);
  }

  /**
   * An outcome through a group's shared callbacks: the slot is not known, so its
   * state stays RUNNING; only the counts move. Safe because such slots hold no
   * handle and no deadline watches them.
   */
  private settleAny(group: Group, ok: boolean, value: unknown): void {
    if (group.closed || this.closed) return;
    group.unfinished--;
    group.lane.running--;
    this.running--;
    this.report(group, -1, ok, value);
  }

  /** Tears a running slot down and reports `reason` as its failure (a per-input limit). */
  expire(group: Group, index: number, reason: unknown): void {
    if (group.state[index] !== RUNNING || group.closed || this.closed) return;
    // The teardown runs user code (abort listeners) that may finish other
    // inputs, or bring a deadline. Meanwhile the slot keeps its budget and
    // counts as unfinished, but takes no outcome of its own.
    group.state[index] = GIVING_UP;
    this.tearDownSlot(group, index, reason);
    // A deadline that came meanwhile has given this slot its record.
    if (group.state[index] !== GIVING_UP) return;
    if (group.closed || this.closed) {
      this.release(group, index, CANCELLED);
      return;
    }
    this.release(group, index, REJECTED);
    this.report(group, index, false, reason);
  }

  /**
   * Gives up every unfinished slot of `group` with `reason` as its failure (an
   * overall deadline in `'settled'` mode): running slots are torn down, queued
   * ones never start, and each gets its record in index order. Every slot is
   * marked before any user code runs (teardown, the records' consumer), so
   * whatever that code does, each gets exactly its one record; and each keeps
   * its budget and the group stays open until that record is out.
   */
  giveUp(group: Group, reason: unknown): void {
    if (group.closed || this.closed) return;
    const { state } = group;
    const late: number[] = [];
    for (let i = 0; i < group.size; i++) {
      const s = state[i];
      if (s === RUNNING) state[i] = GIVING_UP;
      else if (s === QUEUED) state[i] = WITHDRAWN;
      else if (s !== GIVING_UP) continue;
      late.push(i);
    }
    for (const i of late) this.tearDownSlot(group, i, reason);
    // The records come out together: nothing is started between them (unless
    // their consumer acts), and each slot's budget is freed just before its record.
    for (const i of late) {
      if (this.closed) return;
      if (state[i] !== GIVING_UP && state[i] !== WITHDRAWN) continue;
      this.release(group, i, REJECTED);
      group.settled(i, false, reason);
    }
    this.finish(group);
    this.pump();
  }

  /** Closes a group whose every slot has finished (the last outcome is out). */
  private finish(group: Group): void {
    if (group.unfinished === 0 && !group.closed && !this.closed) {
      this.close(group);
      group.done();
    }
  }

  private report(group: Group, index: number, ok: boolean, value: unknown): void {
    group.settled(index, ok, value);
    this.finish(group);
    this.pump();
  }

  /**
   * Marks a slot finished and frees its budget (if it held any); drops its
   * handle, which the caller has torn down or which needs none.
   */
  release(group: Group, index: number, state: number): void {
    const was = group.state[index];
    if (was === RUNNING || was === GIVING_UP) {
      group.lane.running--;
      this.running--;
      group.handles[index] = undefined;
    }
    group.state[index] = state;
    group.unfinished--;
    if (group.finishedAt !== undefined) group.finishedAt[index] = ++group.events;
  }

  /**
   * Closes a group: its queued slots never start, its running slots are torn
   * down (signals aborted with `abortReason`), each keeping its budget until
   * its teardown is over, and the group counts as open until all are.
   */
  close(group: Group, abortReason?: unknown): void {
    if (group.closed) return;
    group.closed = true;
    group.closing();
    this.cancelRunning(group, abortReason);
    this.open.delete(group);
  }

  private cancelRunning(group: Group, abortReason: unknown): void {
    // Promises passed in directly are running whether we started them or not: a
    // rejection of one we will never take must not surface as unhandled.
    if (group.holdsCallerInputs) {
      for (let i = group.next; i < group.size; i++) markHandled(group.inputAt(i));
    }
    // A finished group has nothing running. (Its slots settled through shared
    // callbacks still read RUNNING: releasing them again would corrupt the budget.)
    if (group.unfinished === 0) return;
    const { state } = group;
    for (let i = 0; i < group.next; i++) {
      if (state[i] === GIVING_UP) {
        // Being given up by an outer call (a deadline) that has not reached it
        // yet: tear it down now, so nothing is subscribed when the output stops.
        this.tearDownSlot(group, i, abortReason);
        continue;
      }
      if (state[i] !== RUNNING) continue;
      state[i] = GIVING_UP;
      this.tearDownSlot(group, i, abortReason);
      if (state[i] === GIVING_UP) this.release(group, i, CANCELLED);
    }
  }

  /**
   * Runs once: tears down every running input, the groups' timers and the
   * source. A teardown that throws stops nothing else.
   */
  private shutdown(abortReason: unknown): void {
    if (this.closed) return;
    this.closed = true;
    const groups = [...this.open];
    this.open.clear();
    // Every group is closed before any user code runs: nothing they do is reported.
    for (const group of groups) group.closed = true;
    for (const group of groups) {
      group.closing();
      this.cancelRunning(group, abortReason);
    }
    const { finalizers } = this;
    this.finalizers = [];
    for (const finalizer of finalizers) {
      try {
        finalizer();
      } catch (error) {
        this.teardownFailed(error);
      }
    }
  }

  /**
   * Tears down what a slot holds, if anything: unsubscribes it, then aborts
   * its signal with `reason`. Both run whatever the first threw.
   */
  private tearDownSlot(group: Group, index: number, reason: unknown): void {
    const handle = group.handles[index];
    if (handle === undefined) return;
    group.handles[index] = undefined;
    let controller: AbortController | undefined;
    if (handle instanceof AbortController) {
      controller = handle;
    } else {
      controller = handle.controller;
      // Unsubscribe first, so nothing the abort listeners do reaches us.
      try {
        handle.unsubscribe();
      } catch (error) {
        this.teardownFailed(error);
      }
    }
    if (controller === undefined) return;
    try {
      controller.abort(reason);
    } catch (error) {
      this.teardownFailed(error);
    }
  }

  /** A teardown threw: as rxjs surfaces it, from `unsubscribe()` or else on a later job. */
  private teardownFailed(error: unknown): void {
    const errors: unknown[] = error instanceof UnsubscriptionError ? (error.errors as unknown[]) : [error];
    if (this.unsubscribeErrors !== undefined) this.unsubscribeErrors.push(...errors);
    // rxjs's own path for an error with nowhere to go (`config.onUnhandledError`).
    else for (const each of errors) throwError((): unknown => each).subscribe();
  }
}

/**
 * Subscribes to one observable input and keeps its last value: the result is
 * what `lastValueFrom` would give. A `Subscriber` rather than a plain observer,
 * so the engine can unsubscribe it even while it is still emitting
 * synchronously inside `subscribe`.
 */
class InputSubscriber extends Subscriber<unknown> {
  private last: unknown;
  private hasValue = false;

  constructor(
    private readonly engine: Engine,
    private readonly group: Group,
    private readonly index: number,
    readonly controller: AbortController | undefined,
  ) {
    super();
  }

  protected override _next(value: unknown): void {
    this.last = value;
    this.hasValue = true;
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.engine.settle(this.group, this.index, false, error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    if (this.hasValue) {
      const value = this.last;
      this.last = undefined;
      this.engine.settle(this.group, this.index, true, value);
    } else {
      this.engine.settle(this.group, this.index, false, new EmptyError());
    }
  }
}

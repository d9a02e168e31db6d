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
import { EmptyError, from, Subscriber } from 'rxjs';
import { describe, isPromiseLike, markHandled } from './validate.js';

/* Slot states. A slot starts QUEUED, is RUNNING between start and its outcome,
   and ends FULFILLED, REJECTED or CANCELLED (torn down before it finished). */
export const QUEUED = 0;
export const RUNNING = 1;
export const FULFILLED = 2;
export const REJECTED = 3;
export const CANCELLED = 4;
/** Being torn down for missing its limit: still holds its budget, takes no outcome. */
export const EXPIRING = 5;

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
  /** Per-slot state (QUEUED..CANCELLED). */
  readonly state: Uint8Array;
  /** What to tear down per running slot; empty for promise inputs. */
  readonly handles: Array<Handle | undefined> = [];
  /** Slots start in index order: everything from here on has not started. */
  next = 0;
  /** Slots not yet FULFILLED, REJECTED or CANCELLED. */
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
   * True when slot `index`'s outcome comes past a deadline, which has then
   * been dealt with (groups with deadlines).
   */
  overdue?(index: number): boolean;
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

  constructor(
    readonly subscriber: Subscriber<unknown>,
    /** Shared budget across lanes. */
    private readonly limit: number,
    /** Lanes in priority order: when a slot frees, the first lane with waiting work wins. */
    private readonly lanes: readonly Lane[],
  ) {
    // The one teardown of this subscription: runs on unsubscribe, error or completion.
    subscriber.add(() => this.shutdown(undefined));
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
    if (isPromiseLike(input)) {
      // Promises are taken as they are: two callbacks, no Observable around them.
      // A native promise settles at most once, so when the group need not know
      // the slot and there is nothing to release, the group's shared callbacks do.
      // (Not for one whose own `then` was replaced: it may call back twice.)
      const shared =
        controller === undefined &&
        group.overdue === undefined &&
        Object.getPrototypeOf(input) === Promise.prototype &&
        input.then === Promise.prototype.then;
      try {
        input.then(
          shared && !group.valueNeedsIndex
            ? (group.anyValue ??= (value) => this.settleAny(group, true, value))
            : (value) => this.settle(group, index, true, value),
          shared && !group.failureNeedsIndex
            ? (group.anyFailure ??= (reason) => this.settleAny(group, false, reason))
            : (reason) => this.settle(group, index, false, reason),
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
    // A closed group reports nothing more, even an outcome that a sibling's
    // teardown (an abort listener, say) produces synchronously.
    if (group.state[index] !== RUNNING || group.closed || this.closed) return;
    const synchronous = group === this.startingGroup && index === this.startingIndex;
    // An outcome at or after a deadline loses to it, whatever order the
    // scheduler ran the two in (a synchronous outcome never does).
    if (!synchronous && group.overdue !== undefined) {
      // The input has finished (an observable input has already unsubscribed
      // itself), so when the deadline takes its slot, its signal stays as it is.
      group.handles[index] = undefined;
      if (group.overdue(index)) return;
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
    if (group.closed) return;
    group.unfinished--;
    group.lane.running--;
    this.running--;
    this.report(group, -1, ok, value);
  }

  /** Tears a running slot down and reports `reason` as its failure (a per-input deadline). */
  expire(group: Group, index: number, reason: unknown): void {
    if (group.state[index] !== RUNNING) return;
    // The teardown runs user code (abort listeners) that may finish other
    // inputs, or bring a deadline. Meanwhile the slot keeps its budget and
    // counts as unfinished, but takes no outcome of its own.
    group.state[index] = EXPIRING;
    const handle = group.handles[index];
    group.handles[index] = undefined;
    teardown(handle, reason);
    if (group.state[index] !== EXPIRING || this.closed) return;
    this.release(group, index, REJECTED);
    this.report(group, index, false, reason);
  }

  private report(group: Group, index: number, ok: boolean, value: unknown): void {
    group.settled(index, ok, value);
    if (group.unfinished === 0 && !group.closed && !this.closed) {
      this.close(group);
      group.done();
    }
    this.pump();
  }

  /**
   * Marks a slot finished and frees its budget; returns its handle (a running
   * slot's subscriber or controller) for the caller to tear down or drop.
   */
  release(group: Group, index: number, state: number): Handle | undefined {
    let handle: Handle | undefined;
    if (group.state[index] === RUNNING || group.state[index] === EXPIRING) {
      group.lane.running--;
      this.running--;
      handle = group.handles[index];
      if (handle !== undefined) group.handles[index] = undefined;
    }
    group.state[index] = state;
    group.unfinished--;
    if (group.finishedAt !== undefined) group.finishedAt[index] = ++group.events;
    return handle;
  }

  /**
   * Closes a group: its running slots are torn down (signals aborted with
   * `abortReason`), its queued slots never start.
   */
  close(group: Group, abortReason?: unknown): void {
    if (group.closed) return;
    group.closed = true;
    this.open.delete(group);
    this.cancelRunning(group, abortReason);
    group.closing();
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
      if (state[i] === RUNNING) teardown(this.release(group, i, CANCELLED), abortReason);
    }
  }

  /** Runs once: tears down every running input, the groups' timers and the source. */
  private shutdown(abortReason: unknown): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.open) {
      group.closed = true;
      this.cancelRunning(group, abortReason);
      group.closing();
    }
    this.open.clear();
    for (const finalizer of this.finalizers) finalizer();
    this.finalizers = [];
  }
}

/** Releases what a running slot held: unsubscribes it and aborts its signal with `reason`. */
export function teardown(handle: Handle | undefined, reason: unknown): void {
  if (handle === undefined) return;
  if (handle instanceof AbortController) {
    handle.abort(reason);
  } else {
    // Unsubscribe first, so nothing the abort listeners do reaches us.
    handle.unsubscribe();
    handle.controller?.abort(reason);
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

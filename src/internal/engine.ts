/**
 * The completion core behind every operator of this package: the engine. It
 * alone starts slots, changes their state and moves the budget; groups
 * (`group.ts` and its subclasses) say what an outcome means. The flow of one
 * input, from the export to its emission, is mapped in `README.md` here.
 *
 * rxjs's own `mergeAll`/`mergeMap` keep one child subscription per inner in an
 * array (removed with `indexOf` + `splice`) and a concurrency buffer drained with
 * `Array.shift`, which goes quadratic at 10^5..10^6 inputs; waiting inners start
 * recursively, which overflows the stack for long runs of synchronous inners.
 * This core keeps per-input state in flat slot tables, waiting work in head-index
 * queues, starts inputs from one flat loop, and registers a single teardown per
 * subscription.
 */
import { from, throwError, UnsubscriptionError, type Subscriber } from 'rxjs';
import type * as Slots from './group.js';
import type { Group, Lane, SlotState } from './group.js';
import { InputSubscriber } from './inputSubscriber.js';
import { describeValue, markHandled, thenOf } from './validate.js';

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const nativeThen = Promise.prototype.then;

// The slot states (drawn in group.ts), as local constants: the engine reads
// them on every outcome, and in the CommonJS build an imported binding is a
// property load per read (measured: ~5-15% on the benchmark's W1/W2). Each is
// typed as group.ts's own, so the two cannot drift apart.
const QUEUED: typeof Slots.QUEUED = 0;
const RUNNING: typeof Slots.RUNNING = 1;
const FULFILLED: typeof Slots.FULFILLED = 2;
const REJECTED: typeof Slots.REJECTED = 3;
const CANCELLED: typeof Slots.CANCELLED = 4;
const GIVING_UP: typeof Slots.GIVING_UP = 5;
const WITHDRAWN: typeof Slots.WITHDRAWN = 6;

/** One subscription's engine: its groups, lanes, budget and teardown. */
export class Engine {
  /** True once the output has completed, errored or been unsubscribed. */
  closed = false;
  /** Slots holding budget across all lanes (at most `budget`). */
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
    /** At most this many slots run at once, across lanes (`concurrency`). */
    private readonly budget: number,
    /** Lanes in priority order: when budget frees, the first lane with waiting work (and room under its cap) wins. */
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

  /**
   * A result of an input of `lane`, for the consumer. (A `for await` loop reads
   * through `ReadingEngine`, whose unread results hold budget: kept out of here
   * so that `subscribe` pays nothing for it.)
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- `ReadingEngine` needs the lane
  emit(value: unknown, lane: Lane): void {
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

  /** Adds a group; its slots start on the next pump. A lazily read collection is opened here. */
  add(group: Group): void {
    if (this.closed) return;
    const { source } = group;
    if (group.size === 0 && source === undefined) {
      group.closed = true;
      group.done();
      return;
    }
    this.open.add(group);
    group.opened();
    group.lane.waiting.push(group);
    group.inLane = true;
    // Promises that will wait for a slot may reject while waiting; handle them
    // now so Node does not report the rejection before we get to them.
    if (group.holdsCallerInputs && (this.budget !== Infinity || group.lane.cap !== Infinity)) {
      for (let i = 0; i < group.size; i++) markHandled(group.inputAt(i));
    }
    if (source === undefined) return;
    try {
      source.open({ wake: () => this.wake(group), fail: (error) => this.readingFailed(group, error) });
    } catch (error) {
      this.readingFailed(group, error);
    }
  }

  /** A lazily read collection has an element (or its end) after a `NOT_YET`: back in its lane. */
  private wake(group: Group): void {
    if (this.closed || group.closed || group.inLane) return;
    group.lane.waiting.push(group);
    group.inLane = true;
    this.pump();
  }

  /** Reading the collection failed: it broke, not an input; the output errors in every mode. */
  private readingFailed(group: Group, error: unknown): void {
    // A broken iterator is not closed (`for...of` does not call `return()` after a throwing `next()`).
    group.source = undefined;
    this.fail(error);
  }

  /** Closes a lazily read collection that has not ended: `return()`, unsubscribe. */
  private closeSource(group: Group): void {
    const { source } = group;
    if (source === undefined) return;
    group.source = undefined;
    try {
      source.close();
    } catch (error) {
      this.teardownFailed(error);
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
      while (!this.closed && this.running < this.budget) {
        const lane = this.nextLane();
        if (lane === undefined) break;
        const group = lane.waiting.peek()!;
        let index: number;
        try {
          index = group.takeNextToStart();
        } catch (error) {
          this.readingFailed(group, error);
          break;
        }
        if (index < 0) {
          // Every slot started, or a lazy collection waits for `next()` (it comes back on `wake`) or has ended.
          lane.waiting.shift();
          group.inLane = false;
          if (group.unfinished === 0) this.closeIfDone(group);
          continue;
        }
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
      if (lane.running < lane.cap && lane.waiting.size > 0) return lane;
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
          this.finish(group, index, false, error);
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
      const shared =
        controller === undefined &&
        group.fireTiedDeadlines === undefined &&
        then === nativeThen &&
        group.indices === undefined;
      if (shared && !(group.valueNeedsIndex && group.failureNeedsIndex)) group.usesSharedCallbacks = true;
      try {
        if (group.indices !== undefined) {
          this.subscribeRecycled(group, index, input, then);
          return;
        }
        then.call(
          input,
          shared && !group.valueNeedsIndex
            ? (group.sharedOnValue ??= (value: unknown) => this.finishUnindexed(group, true, value))
            : (value: unknown) => this.finish(group, index, true, value),
          shared && !group.failureNeedsIndex
            ? (group.sharedOnFailure ??= (reason: unknown) => this.finishUnindexed(group, false, reason))
            : (reason: unknown) => this.finish(group, index, false, reason),
        );
      } catch (error) {
        this.finish(group, index, false, error);
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
      this.finish(group, index, false, new TypeError(`Expected ${what}, got ${describeValue(input)}`));
      return;
    }
    const subscriber = new InputSubscriber(this, group, index, controller);
    group.handles[index] = subscriber;
    source.subscribe(subscriber);
  }

  /**
   * A promise in a recycled slot (a lazily read collection): its outcome counts
   * only while it still holds the slot (one given up by an `each` limit may
   * settle after the slot has gone to the next element).
   */
  private subscribeRecycled(group: Group, slot: number, input: unknown, then: (...args: unknown[]) => unknown): void {
    const indices = group.indices!;
    const index = indices[slot];
    then.call(
      input,
      (value: unknown) => {
        if (indices[slot] === index) this.finish(group, slot, true, value);
      },
      (reason: unknown) => {
        if (indices[slot] === index) this.finish(group, slot, false, reason);
      },
    );
  }

  /** An input's own outcome arrives. Late, repeated or torn-down outcomes are dropped. */
  finish(group: Group, index: number, ok: boolean, value: unknown): void {
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
      const { indices } = group;
      const held = indices === undefined ? -1 : indices[index];
      group.handles[index] = undefined;
      group.fireTiedDeadlines();
      if (group.state[index] !== RUNNING || group.closed || this.closed) return;
      // A lazily read collection recycles slots: a deadline that took this one
      // freed it, and the next element may be running in it now. This outcome
      // is not that input's.
      if (indices !== undefined && indices[index] !== held) return;
    }
    this.release(group, index, ok ? FULFILLED : REJECTED);
    this.deliver(group, index, ok, value);
  }

  /**
   * An outcome through a group's shared callbacks (`usesSharedCallbacks`): the
   * slot is not known, so its state stays RUNNING; only the counts move. Safe
   * because such slots hold no handle, no deadline watches them, and the group
   * is closed only once finished or at shutdown (asserted in `cancelRunning`).
   */
  private finishUnindexed(group: Group, ok: boolean, value: unknown): void {
    if (group.closed || this.closed) return;
    group.unfinished--;
    group.lane.running--;
    this.running--;
    this.deliver(group, -1, ok, value);
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
    this.deliver(group, index, false, reason);
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
    // Values an Observable collection pushed that still wait for a slot were
    // received: each takes a slot now (no user code runs) and gets its record.
    const waiting = group.source?.waiting?.() ?? 0;
    for (let k = 0; k < waiting; k++) if (group.takeNextToStart() < 0) break;
    const { state } = group;
    const late: number[] = [];
    for (let i = 0; i < group.size; i++) {
      const s = state[i];
      if (s === RUNNING) state[i] = GIVING_UP;
      else if (s === QUEUED) state[i] = WITHDRAWN;
      else if (s !== GIVING_UP) continue;
      late.push(i);
    }
    // A lazily read collection cut short: only the inputs read get records.
    this.closeSource(group);
    const { indices } = group;
    if (indices !== undefined) late.sort((a, b) => indices[a] - indices[b]);
    for (const i of late) this.tearDownSlot(group, i, reason);
    // The records come out together: nothing is started between them (unless
    // their consumer acts), and each slot's budget is freed just before its record.
    for (const i of late) {
      if (this.closed) return;
      if (state[i] !== GIVING_UP && state[i] !== WITHDRAWN) continue;
      this.release(group, i, REJECTED);
      group.outcome(i, false, reason);
    }
    this.closeIfDone(group);
    this.pump();
  }

  /** Closes a group whose every slot has finished (the last outcome is out). */
  private closeIfDone(group: Group): void {
    if (group.unfinished === 0 && group.source === undefined && !group.closed && !this.closed) {
      this.close(group);
      group.done();
    }
  }

  private deliver(group: Group, index: number, ok: boolean, value: unknown): void {
    group.outcome(index, ok, value);
    this.closeIfDone(group);
    this.pump();
  }

  /**
   * Marks a slot finished and frees its budget (if it held any); drops its
   * handle, which the caller has torn down or which needs none.
   */
  private release(group: Group, index: number, state: SlotState): void {
    const was = group.state[index];
    if (was === RUNNING || was === GIVING_UP) {
      group.lane.running--;
      this.running--;
      group.handles[index] = undefined;
    }
    group.state[index] = state;
    group.unfinished--;
    if (group.finishedAt !== undefined) group.finishedAt[index] = ++group.events;
    if (group.indices !== undefined) group.recycle(index);
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
    this.closeSource(group);
    this.open.delete(group);
  }

  private cancelRunning(group: Group, abortReason: unknown): void {
    // Promises passed in directly are running whether we started them or not: a
    // rejection of one we will never take must not surface as unhandled.
    if (group.holdsCallerInputs) {
      for (let i = group.nextToStart; i < group.size; i++) markHandled(group.inputAt(i));
    }
    // A finished group has nothing running.
    if (group.unfinished === 0) return;
    // Slots finished through the shared callbacks still read RUNNING: the loop
    // below would release them again. Only a shutdown may close such a group
    // unfinished; then the budget no longer counts and their handles are empty.
    if (group.usesSharedCallbacks && !this.closed) {
      throw new Error('rxjs-as-completed: internal error: a group on the shared-callback path closed unfinished');
    }
    const { state } = group;
    for (let i = 0; i < group.nextToStart; i++) {
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
    for (const group of groups) this.closeSource(group);
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

import type { InputSubscriber } from './inputSubscriber.js';
import { Queue } from './queue.js';
import { markHandled } from './validate.js';
import { DONE, NOT_YET, type Source } from './sources.js';

/*
 * Slot states, one byte per input (a `Uint8Array`). Only the engine changes
 * them (and the budget); groups read them.
 *
 *   QUEUED ──start──> RUNNING ──its outcome──> FULFILLED | REJECTED
 *      │                 │
 *      │                 └─a limit, a deadline, a closing group─> GIVING_UP ─> REJECTED | CANCELLED
 *      └─a `'settled'` deadline─> WITHDRAWN ─its record─> REJECTED
 *
 * A slot that is GIVING_UP still holds its budget while it is torn down and
 * until its record is out, and takes no outcome of its own (one that arrives
 * only spares its signal). A closed group's queued slots stay QUEUED: they
 * never start.
 *
 * A collection read whole has a slot per input, its index. One read lazily
 * recycles its slots: an element read takes a free slot (or a new one) and
 * starts at once; a slot is free again once its input has finished and its
 * record is out, so the tables stay O(`concurrency`). `indices` maps a slot to
 * the input's index; an outcome counts only while its input still holds the
 * slot.
 */
export const QUEUED = 0;
export const RUNNING = 1;
export const FULFILLED = 2;
export const REJECTED = 3;
export const CANCELLED = 4;
export const GIVING_UP = 5;
export const WITHDRAWN = 6;

export type SlotState =
  | typeof QUEUED
  | typeof RUNNING
  | typeof FULFILLED
  | typeof REJECTED
  | typeof CANCELLED
  | typeof GIVING_UP
  | typeof WITHDRAWN;

/** The mapper form's `project(item, index, signal)`: an item's input, made when it starts. */
export type Project = (item: unknown, index: number, signal: AbortSignal) => unknown;

/** Whatever must be released when a running slot is torn down. */
export type Handle = InputSubscriber | AbortController;

/**
 * Work under one concurrency cap: the stage-1 or the stage-2 calls of
 * `mergeCompletedThen`, or every input of the other operators (one lane).
 * Groups wait here until all their slots have started.
 */
export class Lane {
  /** Slots of this lane's groups holding budget. */
  running = 0;
  readonly waiting = new Queue<Group>();
  constructor(
    /** For messages and the flow map: 'inputs', 'stage 1', 'stage 2'. */
    readonly name: string,
    /** At most this many of its slots run at once. */
    readonly cap: number,
  ) {}
}

/**
 * The inputs of one collection (or of one item's stage-2 list), a slot per
 * input. Subclasses say what each slot's input is and what its outcome means
 * (`outcome`); the engine alone starts slots, changes their state and moves
 * the budget.
 */
export abstract class Group {
  /** Per-slot `SlotState`. */
  state: Uint8Array;
  /** Per slot, its element: an input (or an item of `mergeCompletedThen`). */
  readonly elements: unknown[];
  /** A keyed collection (a record, a `Map`, read whole): per slot, its key. */
  readonly keys: unknown[] | undefined;
  /** Lazily read collections only: per slot, the index of the input in it. */
  readonly indices: number[] | undefined;
  /** Lazily read collections only: slots free to take the next element. */
  private readonly free: number[] | undefined;
  /** While the collection is being read lazily: where elements come from (closed early by the engine). */
  source: Source | undefined;
  /** Elements read so far. */
  read = 0;
  /** The size of the collection: `undefined` while a lazily read one has not ended. */
  total: number | undefined;
  /** Slots in use (the tables' length): the collection's size, or the slots a lazy one has needed. */
  size: number;
  /** True while the group waits in its lane's queue (a lazy one leaves it while `next()` is pending). */
  inLane = false;
  /** What to tear down per running slot; empty for promise inputs. */
  readonly handles: Array<Handle | undefined> = [];
  /** Slots start in index order: this one and every later one have not started. */
  nextToStart = 0;
  /** Slots read and not yet FULFILLED, REJECTED or CANCELLED (GIVING_UP and WITHDRAWN slots count). */
  unfinished: number;
  /** No slot of a closed group starts or reports any more. */
  closed = false;

  /* ---- for deadlines: errors that describe what was pending at a moment ---- */
  /** Per slot, the value of `events` when it finished (0 while it has not); only when set. */
  finishedAt: Uint32Array | undefined;
  events = 0;

  /* ---- the shared-callback path (an optimisation for promises) ---- */
  /**
   * Whether an outcome must say which slot it came from. When it need not (a
   * bare value, a fail-fast error), promises passed in directly share two
   * callbacks per group instead of allocating a closure pair per input: at 10^6
   * inputs those closures are most of the memory and the GC time. A slot that
   * finishes that way is not known, so it still reads RUNNING: see
   * `usesSharedCallbacks`.
   */
  valueNeedsIndex = true;
  failureNeedsIndex = true;
  /**
   * Set by the engine once a slot of this group took the shared callbacks.
   * Then finished slots may still read RUNNING, so the engine only closes
   * such a group when it has finished or at shutdown (and asserts so).
   */
  usesSharedCallbacks = false;
  /** The shared callbacks, made on first use. */
  sharedOnValue: ((value: unknown) => void) | undefined;
  sharedOnFailure: ((reason: unknown) => void) | undefined;

  /**
   * Whether slots hold the caller's own inputs, which may be promises already
   * running (stage calls of `mergeCompletedThen` and the mapper form's items are not).
   */
  holdsCallerInputs = true;

  /** The mapper form: each element is an item, its input `project(item, index, signal)`. */
  project: Project | undefined;

  constructor(
    source: Source,
    readonly lane: Lane,
  ) {
    const { elements } = source;
    if (elements !== undefined) {
      this.elements = elements;
      this.keys = source.keys;
      this.size = this.read = this.unfinished = elements.length;
      this.total = this.size;
      this.state = new Uint8Array(this.size);
    } else {
      this.elements = [];
      this.indices = [];
      this.free = [];
      this.size = this.unfinished = 0;
      this.source = source;
      this.state = new Uint8Array(8);
    }
  }

  /**
   * The next slot to start, or -1 when none waits now. A lazily read
   * collection reads one element here (so only when an input can start); it
   * returns -1 when its source has nothing yet (it wakes the engine later) or
   * has ended (then `source` is undefined). Throws when reading fails.
   */
  takeNextToStart(): number {
    if (this.closed) return -1;
    if (this.source === undefined) return this.nextToStart >= this.size ? -1 : this.nextToStart++;
    const element = this.source.next();
    // Reading ran user code, which may have ended the output or this group (the source is closed then): nothing starts.
    if (this.closed) {
      markHandled(element);
      return -1;
    }
    if (element === NOT_YET) return -1;
    if (element === DONE) {
      this.source = undefined;
      this.total = this.read;
      return -1;
    }
    const slot = this.free!.length > 0 ? this.free!.pop()! : this.newSlot();
    this.elements[slot] = element;
    this.indices![slot] = this.read++;
    this.state[slot] = QUEUED;
    this.unfinished++;
    return slot;
  }

  private newSlot(): number {
    const slot = this.size++;
    this.nextToStart = this.size;
    if (slot >= this.state.length) {
      const state = new Uint8Array(this.state.length * 2);
      state.set(this.state);
      this.state = state;
      this.grown?.(state.length);
    }
    return slot;
  }

  /** The engine has released a slot (its outcome is delivered next): a lazy group may reuse it. */
  recycle(slot: number): void {
    this.free?.push(slot);
  }

  /**
   * The input of slot `slot` for groups whose elements are inputs, or items of
   * the mapper form: then a factory that calls `project` when the input starts.
   */
  protected elementInput(slot: number): unknown {
    const element = this.elements[slot];
    const { project } = this;
    if (project === undefined) return element;
    const index = this.indexAt(slot);
    return (signal: AbortSignal) => project(element, index, signal);
  }

  /** The index of the input in slot `slot`. */
  indexAt(slot: number): number {
    return this.indices === undefined ? slot : this.indices[slot];
  }

  /** Groups with per-slot tables of their own: the slot tables now hold `capacity` slots. */
  grown?(capacity: number): void;

  /** The input of slot `index`: a promise, another `ObservableInput`, or a factory. */
  abstract inputAt(index: number): unknown;

  /**
   * What one slot's outcome means: an emission, a fail-fast error, a record.
   * Called once per slot that finishes on its own or is given up; `index` is
   * -1 when the group said it need not know (`valueNeedsIndex` /
   * `failureNeedsIndex`).
   */
  abstract outcome(index: number, ok: boolean, value: unknown): void;

  /** Names slot `index` in error messages, e.g. "`inputs[3]`". */
  abstract slotName(index: number): string;

  /** Called once, when every slot has finished (at once for an empty group). */
  done(): void {}

  /** Called once when the group is added with at least one slot, before any slot starts. */
  opened(): void {}

  /** Called once when the group is closed, for whatever reason (timers are cleared here). */
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

import { from, isObservable, Observable, type ObservableInput } from 'rxjs';
import type { EmitMode } from '../types.js';
import type { Engine } from './engine.js';
import { Group, RUNNING, type Lane } from './group.js';
import { CollectionSubscriber, readList, snapshotOf, type Source } from './sources.js';
import { describeValue } from './validate.js';

type First = (item: unknown, index: number, signal: AbortSignal) => unknown;
type Then = (child: unknown, item: unknown, signal: AbortSignal) => unknown;

/**
 * The outcome of a stage 1 that gave a stream of pages and completed after at
 * least one: its children have all been added, page by page, as they came.
 */
const PAGED: unique symbol = Symbol('rxjs-as-completed: every page in');

/*
 * What `first` may give, and when an item's children start:
 *
 * - the list itself (any iterable object; a string is not a list) or a promise
 *   of it: stage 1 finishes with the list, and its children are added in
 *   `outcome`, after the stage-1 slot has freed its budget (so under a shared
 *   budget a child can take the very slot its item held);
 * - a stream of pages (an Observable, an async iterable, anything else rxjs's
 *   `from` reads as a stream): every page is a list whose children are added
 *   the moment it arrives, while stage 1 still runs and holds its slot; stage 1
 *   finishes when the stream completes (`PAGED`), and one that completes with
 *   no page is rxjs's `EmptyError`, as for any input. A page that is no list
 *   errors the stream, which is then a failure of the item.
 */

/** Stage 1 of `mergeCompletedThen` for one collection: each slot is an item's `first` call. */
export class ItemGroup extends Group {
  /** Records emitted for this collection (stage-1 failures and stage-2 outcomes). */
  completed = 0;

  constructor(
    readonly engine: Engine,
    source: Source,
    lane: Lane,
    private readonly stage2: Lane,
    readonly batch: number,
    private readonly first: First,
    readonly then: Then,
    readonly emitMode: EmitMode,
  ) {
    super(source, lane);
    this.holdsCallerInputs = false;
  }

  inputAt(slot: number): unknown {
    const item = this.elements[slot];
    const index = this.indexAt(slot);
    return (signal: AbortSignal) => this.stageOne(slot, item, index, this.first(item, index, signal));
  }

  slotName(slot: number): string {
    return `stage 1 of ${this.itemName(this.indexAt(slot))}`;
  }

  /** "`items[3]`", with its batch in the pipeable form. */
  private itemName(index: number): string {
    return this.batch === 0 ? `\`items[${index}]\`` : `\`items[${index}]\` of batch ${this.batch}`;
  }

  /**
   * What stage 1 of an item runs, from what `first` gave: the list itself, as
   * a one-value input (it finishes at once with the list); a stream of pages,
   * wrapped so that each page starts its children as it comes; anything else
   * (a promise of the list) as it is. Throws for a value no input can be.
   */
  private stageOne(slot: number, item: unknown, index: number, given: unknown): unknown {
    if (given === null || (typeof given !== 'object' && typeof given !== 'function')) {
      throw new TypeError(
        `Expected \`first\` to return a list of children, a promise of one or a stream of lists for ${this.itemName(index)}, got ${describeValue(given)}`,
      );
    }
    // The common case first, without a look at any property (`then` is the engine's to read).
    if (given instanceof Promise) return given;
    if (isList(given)) return [given];
    if (isPageStream(given)) return this.pages(slot, item, index, given);
    return given;
  }

  /**
   * Stage 1 as a stream of pages: an Observable that adds each page's
   * children as the page arrives, and at completion gives `PAGED` (or nothing,
   * so an empty stream is an `EmptyError`). Unsubscribing it (a teardown)
   * unsubscribes the pages, even while they are delivered synchronously.
   */
  private pages(slot: number, item: unknown, index: number, stream: object): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      let pages = 0;
      // Children of earlier pages: `childIndex` counts on across pages.
      let children = 0;
      // A page that is no list fails the item as a limit does: the engine tears
      // its stage 1 down (the pages unsubscribed, its signal aborted) and
      // reports the failure. While the stream is still being subscribed, that
      // waits until `subscribe` has returned (later pages are ignored), so the
      // stream's own teardown is registered and runs before the item fails;
      // and a stream that has ended by then finished on its own: it is not
      // aborted, only failed.
      let subscribing = true;
      let rejected: { error: unknown } | undefined;
      let ended = false;
      const pageSubscriber = new CollectionSubscriber(
        (page) => {
          if (rejected !== undefined) return;
          pages++;
          let list: unknown[];
          try {
            list = this.readPage(page, index, pages);
          } catch (error) {
            rejected = { error };
            if (!subscribing) this.expire(slot, error, pageSubscriber);
            return;
          }
          const offset = children;
          children += list.length;
          this.addChildren(slot, item, index, list, offset);
        },
        (error) => {
          ended = true;
          if (rejected === undefined) subscriber.error(error);
        },
        () => {
          ended = true;
          if (rejected !== undefined) return;
          if (pages > 0) subscriber.next(PAGED);
          subscriber.complete();
        },
      );
      subscriber.add(pageSubscriber);
      from(stream as ObservableInput<unknown>).subscribe(pageSubscriber);
      subscribing = false;
      if (rejected === undefined) return;
      if (ended) subscriber.error(rejected.error);
      else this.expire(slot, rejected.error, pageSubscriber);
    });
  }

  /**
   * Fails an item whose stream gave a page that is no list. The engine's
   * teardown of the slot unsubscribes the pages (they were added to the
   * slot's subscriber): so an error the stream's own teardown throws surfaces
   * once, as any teardown's, rather than escaping from here (into the page
   * producer's `next`, or as the item's failure), and the signal is aborted.
   */
  private expire(slot: number, error: unknown, pageSubscriber: CollectionSubscriber): void {
    this.engine.expire(this, slot, error);
    // The slot was no longer running (already being torn down): the pages are still to stop.
    if (!pageSubscriber.closed) pageSubscriber.unsubscribe();
  }

  /** A page's children, read once; throws a `TypeError` for a page that is no list. */
  private readPage(page: unknown, index: number, n: number): unknown[] {
    if (!isList(page)) {
      throw new TypeError(
        `Expected \`first\` to give a list of children for ${this.itemName(index)}, got ${describeValue(page)} as page ${n} of its stream`,
      );
    }
    return readList(page);
  }

  /**
   * A list of one item's children: stage 2 of that item starts now, not when
   * the rest of stage 1 is done. Stage 1 may be still running (a page) or
   * just finished (the whole list).
   */
  private addChildren(slot: number, item: unknown, index: number, list: unknown[], offset: number): void {
    // A page delivered while the output or this item's stage 1 is being torn
    // down (user code in another teardown made it come) starts nothing.
    if (this.engine.closed || this.closed || this.state[slot] !== RUNNING) return;
    this.engine.add(new ChildGroup(this, item, index, list, offset, this.stage2));
    // Inside the engine's pump (a page delivered while stage 1 starts) this
    // returns at once and the pump's own loop starts the children.
    this.engine.pump();
  }

  outcome(slot: number, ok: boolean, value: unknown): void {
    // Every page's children were added as it came: nothing is left to do.
    if (ok && value === PAGED) return;
    const index = this.indexAt(slot);
    const item = this.elements[slot];
    let children: unknown[] | undefined;
    let failure: unknown = value;
    if (ok) {
      if (!isList(value)) {
        failure = new TypeError(
          `Expected \`first\` to give a list of children for ${this.itemName(index)}, got ${describeValue(value)}`,
        );
      } else {
        try {
          children = readList(value);
        } catch (error) {
          failure = error;
        }
      }
    }
    if (children === undefined) {
      if (this.emitMode !== 'settled') return this.engine.fail(failure);
      this.engine.emit(
        {
          status: 'rejected',
          reason: failure,
          stage: 1,
          item,
          itemIndex: index,
          completed: ++this.completed,
          batch: this.batch,
        },
        this.lane,
      );
      return;
    }
    // Stage 2 of this item starts now, not when the rest of stage 1 is done
    // (the stage-1 slot is released already; `add` queues, the engine pumps next).
    this.engine.add(new ChildGroup(this, item, index, children, 0, this.stage2));
  }
}

/** Whether a value is a list of children: an iterable object (a string is none). Its `Symbol.iterator` getter may throw: then it is none. */
function isList(value: unknown): value is Iterable<unknown> {
  if (value === null || typeof value !== 'object') return false;
  try {
    return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
  } catch {
    return false;
  }
}

/**
 * Whether `first` gave a stream of pages rather than a promise: an Observable,
 * an interop Observable, an async iterable or a `ReadableStream`. Read without
 * touching `then`, which the engine reads once itself.
 */
function isPageStream(value: object): boolean {
  try {
    if (isObservable(value)) return true;
    const candidate = value as Record<PropertyKey, unknown>;
    return (
      typeof candidate[Symbol.asyncIterator] === 'function' ||
      typeof candidate[observableSymbol] === 'function' ||
      typeof candidate.getReader === 'function'
    );
  } catch {
    return false;
  }
}

/** rxjs's interop key (`Symbol.observable`, or its string fallback). */
const observableSymbol: PropertyKey =
  (typeof Symbol === 'function' && (Symbol as { observable?: symbol }).observable) || '@@observable';

/** Stage 2 of `mergeCompletedThen` for one list of an item's children (the whole list, or one page): each slot is a child's `then` call. */
class ChildGroup extends Group {
  constructor(
    private readonly parent: ItemGroup,
    private readonly item: unknown,
    private readonly itemIndex: number,
    private readonly children: unknown[],
    /** The `childIndex` of this list's first child: children of earlier pages come before. */
    private readonly offset: number,
    lane: Lane,
  ) {
    super(snapshotOf(children), lane);
    this.holdsCallerInputs = false;
  }

  inputAt(index: number): unknown {
    const { then } = this.parent;
    const child = this.children[index];
    return (signal: AbortSignal) => then(child, this.item, signal);
  }

  slotName(index: number): string {
    return `stage 2 of child ${this.offset + index} of \`items[${this.itemIndex}]\``;
  }

  outcome(index: number, ok: boolean, value: unknown): void {
    const { parent } = this;
    const mode = parent.emitMode;
    if (mode === 'value') {
      if (!ok) return parent.engine.fail(value);
      parent.completed++;
      return parent.engine.emit(value, this.lane);
    }
    if (mode === 'tagged' && !ok) return parent.engine.fail(value);
    const { item, itemIndex } = this;
    const child = this.children[index];
    const childIndex = this.offset + index;
    const completed = ++parent.completed;
    const { batch } = parent;
    if (mode === 'tagged') {
      return parent.engine.emit({ value, item, itemIndex, child, childIndex, completed, batch }, this.lane);
    }
    parent.engine.emit(
      ok
        ? { status: 'fulfilled', value, stage: 2, item, itemIndex, child, childIndex, completed, batch }
        : { status: 'rejected', reason: value, stage: 2, item, itemIndex, child, childIndex, completed, batch },
      this.lane,
    );
  }
}

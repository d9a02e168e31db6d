import type { EmitMode } from '../types.js';
import type { Engine } from './engine.js';
import { Group, type Lane } from './group.js';
import { readList, snapshotOf, type Source } from './sources.js';
import { describeValue, isIterable } from './validate.js';

type First = (item: unknown, index: number, signal: AbortSignal) => unknown;
type Then = (child: unknown, item: unknown, signal: AbortSignal) => unknown;

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
    return (signal: AbortSignal) => this.first(item, index, signal);
  }

  slotName(slot: number): string {
    const index = this.indexAt(slot);
    return this.batch === 0
      ? `stage 1 of \`items[${index}]\``
      : `stage 1 of \`items[${index}]\` of batch ${this.batch}`;
  }

  outcome(slot: number, ok: boolean, value: unknown): void {
    const index = this.indexAt(slot);
    const item = this.elements[slot];
    let children: unknown[] | undefined;
    let failure: unknown = value;
    if (ok) {
      const name = this.batch === 0 ? `\`items[${index}]\`` : `\`items[${index}]\` of batch ${this.batch}`;
      let iterable: boolean;
      try {
        iterable = isIterable(value);
      } catch {
        iterable = false; // its `Symbol.iterator` getter threw
      }
      if (!iterable) {
        failure = new TypeError(
          `Expected \`first\` to give an iterable of children for ${name}, got ${describeValue(value)}`,
        );
      } else {
        try {
          children = readList(value as Iterable<unknown>);
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
    // Stage 2 of this item starts now, not when the rest of stage 1 is done.
    this.engine.add(new ChildGroup(this, item, index, children, this.stage2));
  }
}

/** Stage 2 of `mergeCompletedThen` for one item: each slot is a child's `then` call. */
class ChildGroup extends Group {
  constructor(
    private readonly parent: ItemGroup,
    private readonly item: unknown,
    private readonly itemIndex: number,
    private readonly children: unknown[],
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
    return `stage 2 of child ${index} of \`items[${this.itemIndex}]\``;
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
    const completed = ++parent.completed;
    const { batch } = parent;
    if (mode === 'tagged') {
      return parent.engine.emit({ value, item, itemIndex, child, childIndex: index, completed, batch }, this.lane);
    }
    parent.engine.emit(
      ok
        ? { status: 'fulfilled', value, stage: 2, item, itemIndex, child, childIndex: index, completed, batch }
        : { status: 'rejected', reason: value, stage: 2, item, itemIndex, child, childIndex: index, completed, batch },
      this.lane,
    );
  }
}

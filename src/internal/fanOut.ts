import type { EmitMode } from '../types.js';
import type { Engine } from './engine.js';
import { Group, type Lane } from './group.js';
import { describeValue, isCollection, readCollection } from './validate.js';

type First = (item: unknown, index: number, signal: AbortSignal) => unknown;
type Then = (child: unknown, item: unknown, signal: AbortSignal) => unknown;

/** Stage 1 of `mergeCompletedThen` for one collection: each slot is an item's `first` call. */
export class ItemGroup extends Group {
  /** Records emitted for this collection (stage-1 failures and stage-2 outcomes). */
  completed = 0;

  constructor(
    readonly engine: Engine,
    readonly items: readonly unknown[],
    lane: Lane,
    private readonly stage2: Lane,
    readonly batch: number,
    private readonly first: First,
    readonly then: Then,
    readonly emitMode: EmitMode,
  ) {
    super(items.length, lane);
    this.holdsCallerInputs = false;
  }

  inputAt(index: number): unknown {
    const item = this.items[index];
    return (signal: AbortSignal) => this.first(item, index, signal);
  }

  slotName(index: number): string {
    return this.batch === 0
      ? `stage 1 of \`items[${index}]\``
      : `stage 1 of \`items[${index}]\` of batch ${this.batch}`;
  }

  outcome(index: number, ok: boolean, value: unknown): void {
    let children: unknown[] | undefined;
    let failure: unknown = value;
    if (ok) {
      const item = this.batch === 0 ? `\`items[${index}]\`` : `\`items[${index}]\` of batch ${this.batch}`;
      let iterable: boolean;
      try {
        iterable = isCollection(value);
      } catch {
        iterable = false; // its `Symbol.iterator` getter threw
      }
      if (!iterable) {
        failure = new TypeError(
          `Expected \`first\` to give an iterable of children for ${item}, got ${describeValue(value)}`,
        );
      } else {
        try {
          children = readCollection(value as Iterable<unknown>);
        } catch (error) {
          failure = error;
        }
      }
    }
    if (children === undefined) {
      if (this.emitMode !== 'settled') return this.engine.fail(failure);
      const item = this.items[index];
      this.engine.emit({
        status: 'rejected',
        reason: failure,
        stage: 1,
        item,
        itemIndex: index,
        completed: ++this.completed,
        batch: this.batch,
      });
      return;
    }
    // Stage 2 of this item starts now, not when the rest of stage 1 is done.
    this.engine.add(new ChildGroup(this, index, children, this.stage2));
  }
}

/** Stage 2 of `mergeCompletedThen` for one item: each slot is a child's `then` call. */
class ChildGroup extends Group {
  private readonly item: unknown;

  constructor(
    private readonly parent: ItemGroup,
    private readonly itemIndex: number,
    private readonly children: readonly unknown[],
    lane: Lane,
  ) {
    super(children.length, lane);
    this.holdsCallerInputs = false;
    this.item = parent.items[itemIndex];
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
      return parent.engine.emit(value);
    }
    if (mode === 'tagged' && !ok) return parent.engine.fail(value);
    const { item, itemIndex } = this;
    const child = this.children[index];
    const completed = ++parent.completed;
    const { batch } = parent;
    if (mode === 'tagged') {
      return parent.engine.emit({ value, item, itemIndex, child, childIndex: index, completed, batch });
    }
    parent.engine.emit(
      ok
        ? { status: 'fulfilled', value, stage: 2, item, itemIndex, child, childIndex: index, completed, batch }
        : { status: 'rejected', reason: value, stage: 2, item, itemIndex, child, childIndex: index, completed, batch },
    );
  }
}

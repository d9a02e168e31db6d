import type { Completion, EmitMode, Settled } from '../types.js';
import { inputName } from './validate.js';
import type { Engine } from './engine.js';
import { Group, type Lane } from './group.js';
import type { Source } from './sources.js';

/** Records of a keyed collection (a record, a `Map`) carry the input's key. */
type Keyed = { key?: unknown };

/** One collection of `asCompleted`: each outcome becomes an emission by `emit` mode. */
export class CompletionGroup extends Group {
  /** Records emitted for this collection. */
  completed = 0;

  constructor(
    protected readonly engine: Engine,
    source: Source,
    lane: Lane,
    readonly batch: number,
    protected readonly emitMode: EmitMode,
  ) {
    super(source, lane);
    this.valueNeedsIndex = emitMode !== 'value';
    this.failureNeedsIndex = emitMode === 'settled';
  }

  inputAt(slot: number): unknown {
    return this.elementInput(slot);
  }

  slotName(slot: number): string {
    return inputName(this.indexAt(slot), this.batch, this.keys);
  }

  outcome(index: number, ok: boolean, value: unknown): void {
    switch (this.emitMode) {
      case 'value':
        if (!ok) return this.engine.fail(value);
        this.completed++;
        return this.engine.emit(value, this.lane);
      case 'tagged':
        if (!ok) return this.engine.fail(value);
        return this.engine.emit(this.tagged(index, value), this.lane);
      case 'settled':
        return this.engine.emit(this.recordOf(index, ok, value), this.lane);
    }
  }

  private tagged(slot: number, value: unknown): Completion<unknown> & Keyed {
    const index = this.indexAt(slot);
    const input = this.elements[slot] as Completion<unknown>['input'];
    const completed = ++this.completed;
    const { keys, batch } = this;
    const total = this.total!;
    // A key only on records of a keyed collection (a record, a Map): read whole, so slot = index.
    return keys === undefined
      ? { value, index, input, completed, total, batch }
      : { value, index, input, key: keys[slot], completed, total, batch };
  }

  /** The `'settled'` record of slot `index`. */
  protected recordOf(slot: number, ok: boolean, outcome: unknown): Settled<unknown> & Keyed {
    const input = this.elements[slot] as Completion<unknown>['input'];
    const index = this.indexAt(slot);
    const completed = ++this.completed;
    const total = this.total!;
    const { keys, batch } = this;
    if (keys !== undefined) {
      const key = keys[slot];
      return ok
        ? { status: 'fulfilled', value: outcome, index, input, key, completed, total, batch }
        : { status: 'rejected', reason: outcome, index, input, key, completed, total, batch };
    }
    return ok
      ? { status: 'fulfilled', value: outcome, index, input, completed, total, batch }
      : { status: 'rejected', reason: outcome, index, input, completed, total, batch };
  }
}

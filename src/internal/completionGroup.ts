import type { Completion, EmitMode, Settled } from '../types.js';
import { inputName } from './validate.js';
import type { Engine } from './engine.js';
import { Group, type Lane } from './group.js';

/** One collection of `asCompleted`: each outcome becomes an emission by `emit` mode. */
export class CompletionGroup extends Group {
  /** Records emitted for this collection. */
  completed = 0;

  constructor(
    protected readonly engine: Engine,
    protected readonly inputs: readonly unknown[],
    lane: Lane,
    readonly batch: number,
    protected readonly emitMode: EmitMode,
  ) {
    super(inputs.length, lane);
    this.valueNeedsIndex = emitMode !== 'value';
    this.failureNeedsIndex = emitMode === 'settled';
  }

  inputAt(index: number): unknown {
    return this.inputs[index];
  }

  slotName(index: number): string {
    return inputName(index, this.batch);
  }

  outcome(index: number, ok: boolean, value: unknown): void {
    switch (this.emitMode) {
      case 'value':
        if (!ok) return this.engine.fail(value);
        this.completed++;
        return this.engine.emit(value);
      case 'tagged':
        if (!ok) return this.engine.fail(value);
        return this.engine.emit(this.tagged(index, value));
      case 'settled':
        return this.engine.emit(this.recordOf(index, ok, value));
    }
  }

  private tagged(index: number, value: unknown): Completion<unknown> {
    return {
      value,
      index,
      input: this.inputs[index] as Completion<unknown>['input'],
      completed: ++this.completed,
      total: this.size,
      batch: this.batch,
    };
  }

  /** The `'settled'` record of slot `index`. */
  protected recordOf(index: number, ok: boolean, outcome: unknown): Settled<unknown> {
    const input = this.inputs[index] as Completion<unknown>['input'];
    const completed = ++this.completed;
    return ok
      ? { status: 'fulfilled', value: outcome, index, input, completed, total: this.size, batch: this.batch }
      : { status: 'rejected', reason: outcome, index, input, completed, total: this.size, batch: this.batch };
  }
}

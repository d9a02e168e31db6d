import { inputName } from './validate.js';
import type { Engine } from './engine.js';
import { Group, REJECTED, type Lane } from './group.js';

/** One collection of `firstCompleted`: the first fulfilled result that qualifies wins. */
export class FirstGroup extends Group {
  /** Failure reasons by slot; read in index order when nothing qualified. */
  private readonly reasons: unknown[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly inputs: readonly unknown[],
    lane: Lane,
    private readonly batch: number,
    private readonly predicate: ((value: unknown, index: number) => boolean) | undefined,
  ) {
    super(inputs.length, lane);
  }

  inputAt(index: number): unknown {
    return this.inputs[index];
  }

  slotName(index: number): string {
    return inputName(index, this.batch);
  }

  outcome(index: number, ok: boolean, value: unknown): void {
    if (!ok) {
      this.reasons[index] = value;
      return;
    }
    if (this.predicate !== undefined) {
      let qualifies: boolean;
      try {
        qualifies = this.predicate(value, index);
      } catch (error) {
        this.engine.fail(error);
        return;
      }
      if (!qualifies) return;
    }
    // Losers are torn down (their signals aborted) before the winner is seen.
    this.engine.close(this);
    this.engine.emit(value);
  }

  override done(): void {
    const errors: unknown[] = [];
    for (let i = 0; i < this.size; i++) {
      if (this.state[i] === REJECTED) errors.push(this.reasons[i]);
    }
    const message =
      this.size === 0
        ? 'No inputs to complete'
        : errors.length === this.size
          ? `All ${this.size} inputs failed`
          : `None of ${this.size} inputs fulfilled with a value that passed the predicate (${errors.length} failed)`;
    this.engine.fail(new AggregateError(errors, message));
  }
}

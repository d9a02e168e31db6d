import { inputName } from './validate.js';
import type { Engine } from './engine.js';
import { Group, type Lane } from './group.js';
import type { Source } from './sources.js';

/** One collection of `firstCompleted`: the first fulfilled result that qualifies wins. */
export class FirstGroup extends Group {
  /** Failure reasons by input index (sparse); read in index order when nothing qualified. */
  private readonly reasons: unknown[] = [];

  constructor(
    private readonly engine: Engine,
    source: Source,
    lane: Lane,
    private readonly batch: number,
    private readonly predicate: ((value: unknown, index: number) => boolean) | undefined,
    /** `emit: 'tagged'`: the winner comes as `{ value, index, input, key? }`. */
    private readonly tagged: boolean,
  ) {
    super(source, lane);
  }

  inputAt(slot: number): unknown {
    return this.elementInput(slot);
  }

  slotName(slot: number): string {
    return inputName(this.indexAt(slot), this.batch, this.keys);
  }

  outcome(slot: number, ok: boolean, value: unknown): void {
    const index = this.indexAt(slot);
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
    const input = this.elements[slot];
    // Losers are torn down (their signals aborted) before the winner is seen.
    this.engine.close(this);
    if (!this.tagged) return this.engine.emit(value, this.lane);
    const { keys } = this;
    this.engine.emit(
      keys === undefined ? { value, index, input } : { value, index, input, key: keys[slot] },
      this.lane,
    );
  }

  override done(): void {
    // The failures in index order (a sparse array's `filter` skips the holes).
    const errors = this.reasons.filter(() => true);
    const size = this.read;
    const message =
      size === 0
        ? 'No inputs to complete'
        : errors.length === size
          ? `All ${size} inputs failed`
          : `None of ${size} inputs fulfilled with a value that passed the predicate (${errors.length} failed)`;
    this.engine.fail(new AggregateError(errors, message));
  }
}

import { EmptyError, Subscriber } from 'rxjs';
import type { Engine } from './engine.js';
import type { Group } from './group.js';

/**
 * Subscribes to one observable input and keeps its last value: the result is
 * what `lastValueFrom` would give. A `Subscriber` rather than a plain observer,
 * so the engine can unsubscribe it even while it is still emitting
 * synchronously inside `subscribe`.
 */
export class InputSubscriber extends Subscriber<unknown> {
  private last: unknown;
  private hasValue = false;

  constructor(
    private readonly engine: Engine,
    private readonly group: Group,
    private readonly index: number,
    /** The signal's controller, when the input came from a factory. */
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
    this.engine.finish(this.group, this.index, false, error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    if (this.hasValue) {
      const value = this.last;
      this.last = undefined;
      this.engine.finish(this.group, this.index, true, value);
    } else {
      this.engine.finish(this.group, this.index, false, new EmptyError());
    }
  }
}

/**
 * `for await` over a creation form's output (SPEC §3, "Async iteration"). The
 * Observable the creation forms return is also an async iterable: iterating
 * subscribes, with the loop as the engine's reader. A result the loop has not
 * taken yet waits in a buffer and keeps one unit of budget (and of its lane's
 * cap), as a running input would, so while `concurrency` results are
 * outstanding (running plus unread) nothing new starts and a lazy collection
 * is not read further: a slow loop body slows the producer, as p-map's
 * `pMapIterable` does. A plain `subscribe` has no reader and costs what it
 * always did.
 */
import { Observable, Subscriber } from 'rxjs';
import { Engine } from './engine.js';
import type { Lane } from './group.js';
import { Queue } from './queue.js';

/** A `for await` loop reading the output: where `ReadingEngine` hands its results. */
export interface Reader {
  /** Called once, when the subscription's engine is made. */
  attach(engine: ReadingEngine): void;
  /**
   * A result of an input of `lane`: to a `next()` that waits for it, or into
   * the buffer, where it holds a unit of budget (`ReadingEngine.hold`) until
   * the loop takes it (`ReadingEngine.took`).
   */
  push(value: unknown, lane: Lane): void;
}

/**
 * The engine of a subscription read by a `for await` loop: results go to the
 * loop's buffer, and each one waiting there keeps a unit of budget and of its
 * lane's cap, as a running input would. A subclass, so that `subscribe`'s
 * `emit` stays as it was (one call, no branch).
 */
export class ReadingEngine extends Engine {
  constructor(
    subscriber: Subscriber<unknown>,
    budget: number,
    lanes: readonly Lane[],
    private readonly reader: Reader,
  ) {
    super(subscriber, budget, lanes);
    reader.attach(this);
  }

  override emit(value: unknown, lane: Lane): void {
    this.reader.push(value, lane);
  }

  /** A result waits unread: it keeps a unit of budget. */
  hold(lane: Lane): void {
    lane.running++;
    this.running++;
  }

  /** The loop took a result that waited: its unit of budget frees, and what it allows starts. */
  took(lane: Lane): void {
    lane.running--;
    this.running--;
    this.pump();
  }
}

/** Subscribes the output, with a reader for a `for await` loop or without one for `subscribe`. */
export type Subscribe<T> = (subscriber: Subscriber<T>, reader: Reader | undefined) => void;

/**
 * The creation forms' output: an Observable (each `subscribe` a subscription
 * of its own) and an async iterable (each loop a subscription of its own).
 * Operators applied with `.pipe(...)` make plain Observables (rxjs's `lift`
 * makes a new `Observable`), which are not async iterables.
 */
export class IterableObservable<T> extends Observable<T> implements AsyncIterable<T> {
  constructor(private readonly run: Subscribe<T>) {
    super((subscriber) => run(subscriber, undefined));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ResultIterator(this.run);
  }
}

interface Waiting<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

const DONE_RESULT: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

/**
 * One loop: subscribes on its first `next()`, buffers the results the loop has
 * not taken, ends the subscription on `return()` (`break`, `return` or a throw
 * in the loop body).
 */
class ResultIterator<T> implements AsyncIterableIterator<T>, Reader {
  private engine: ReadingEngine | undefined;
  private subscriber: ResultSubscriber<T> | undefined;
  /** Results the loop has not taken, and the lane whose budget each holds. */
  private readonly unread = new Queue<T>();
  private readonly lanes = new Queue<Lane | undefined>();
  /** `next()` calls waiting for a result (a `for await` loop has one at a time). */
  private readonly waiting = new Queue<Waiting<T>>();
  /** No more results will come: the output completed or errored, or the loop left. */
  private ended = false;
  /** The output's error, thrown from the loop once the results before it are taken. */
  private failure: { error: unknown } | undefined;

  constructor(private readonly run: Subscribe<T>) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  attach(engine: ReadingEngine): void {
    this.engine = engine;
  }

  next(): Promise<IteratorResult<T>> {
    // A loop left before its first `next()` (`return()`) never subscribes.
    if (this.subscriber === undefined && !this.ended) this.subscribe();
    if (this.unread.size > 0) {
      const value = this.unread.peek()!;
      this.unread.shift();
      const lane = this.lanes.peek();
      this.lanes.shift();
      // Its budget frees: the engine may start the next input (and read the collection) now.
      if (lane !== undefined) this.engine!.took(lane);
      return Promise.resolve({ value, done: false });
    }
    const { failure } = this;
    if (failure !== undefined) {
      this.failure = undefined;
      // The stream's own error, whatever it is (rxjs errors need not be `Error`s).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(failure.error);
    }
    if (this.ended) return Promise.resolve(DONE_RESULT);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Leaving the loop: unsubscribes (running inputs torn down, signals aborted, the collection closed). */
  return(value?: unknown): Promise<IteratorResult<T>> {
    this.ended = true;
    this.failure = undefined;
    while (this.unread.size > 0) this.unread.shift();
    while (this.lanes.size > 0) this.lanes.shift();
    this.settleWaiting();
    const { subscriber } = this;
    if (subscriber !== undefined) {
      try {
        subscriber.unsubscribe();
      } catch (error) {
        // A teardown threw (`UnsubscriptionError`): thrown from the loop's end, as from `unsubscribe()`.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    }
    return Promise.resolve({ value: value as T, done: true });
  }

  push(value: unknown, lane: Lane | undefined): void {
    if (this.ended) return;
    if (this.waiting.size > 0) {
      const waiting = this.waiting.peek()!;
      this.waiting.shift();
      waiting.resolve({ value: value as T, done: false });
      return;
    }
    this.unread.push(value as T);
    this.lanes.push(lane);
    if (lane !== undefined) this.engine!.hold(lane);
  }

  /** @internal The output completed. */
  completed(): void {
    if (this.ended) return;
    this.ended = true;
    this.settleWaiting();
  }

  /** @internal The output errored: thrown from the loop after the results before it. */
  failed(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting.size > 0) {
      const waiting = this.waiting.peek()!;
      this.waiting.shift();
      waiting.reject(error);
      this.settleWaiting();
      return;
    }
    this.failure = { error };
  }

  private settleWaiting(): void {
    while (this.waiting.size > 0) {
      const waiting = this.waiting.peek()!;
      this.waiting.shift();
      waiting.resolve(DONE_RESULT);
    }
  }

  private subscribe(): void {
    const subscriber = new ResultSubscriber(this);
    this.subscriber = subscriber;
    try {
      this.run(subscriber, this);
    } catch (error) {
      subscriber.error(error);
    }
  }
}

/** The loop's subscription: results come through `Reader.push`; the end through here. */
class ResultSubscriber<T> extends Subscriber<T> {
  constructor(private readonly iterator: ResultIterator<T>) {
    super();
  }

  protected override _next(value: T): void {
    // The engine hands results to `Reader.push`; anything else that calls `next` holds no budget.
    this.iterator.push(value, undefined);
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.iterator.failed(error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.iterator.completed();
  }
}

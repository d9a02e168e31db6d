/**
 * Where inputs come from: one small interface the engine pulls from when an
 * input can start, one implementation per kind of collection. The engine never
 * asks which kind it holds.
 *
 * - Arrays and Sets are read whole at subscription (a snapshot): `elements`.
 *   A group reads them by index, so the per-input loop stays as fast as a
 *   plain array. Records (plain objects) and Maps are read whole too, their
 *   values as `elements` and their keys, in the same order, as `keys`.
 * - Any other iterable, an async iterable and an Observable of inputs are read
 *   lazily: `next()` gives one element, `NOT_YET` (the source will `wake` the
 *   engine when it has one) or `DONE`. Memory stays O(`concurrency`).
 */
import { isObservable, Subscriber, throwError, type Observable } from 'rxjs';
import { Queue } from './queue.js';
import { describeValue, isPlainObject, markHandled } from './validate.js';

/** `Source.next()`: nothing to give now; the source calls `wake` when it has. */
export const NOT_YET: unique symbol = Symbol('rxjs-as-completed: not yet');
/** `Source.next()`: the collection has ended. */
export const DONE: unique symbol = Symbol('rxjs-as-completed: done');

/** What a source tells the engine between reads. */
export interface SourceListener {
  /** An element (or the end) has arrived after a `NOT_YET`. */
  wake(): void;
  /** Reading failed: the collection broke. */
  fail(error: unknown): void;
}

export interface Source {
  /** A collection read whole: its elements (a private snapshot); undefined for one read lazily. */
  readonly elements: unknown[] | undefined;
  /** A keyed collection (a record, a `Map`): the key of each element, in order; undefined for any other. */
  readonly keys?: unknown[] | undefined;
  /** Starts reading (gets the iterator, subscribes); called once, when the group is added. */
  open(listener: SourceListener): void;
  /**
   * The next element, `NOT_YET` or `DONE`. Called only when an input can start.
   * Throws when reading fails (the source must then not be closed).
   */
  next(): unknown;
  /** Ends reading early: `return()` the iterator, unsubscribe the Observable. May throw (a teardown error). */
  close(): void;
  /**
   * How many elements arrived and wait to be given by `next()` (an Observable's
   * values pushed while no input could start): they were received, so a
   * `'settled'` deadline gives each its record. Absent: none ever wait.
   */
  waiting?(): number;
}

/**
 * Turns a collection (already checked by `isCollection`, or a plain object the
 * caller has taken as a record) into its source.
 */
export function sourceOf(collection: object): Source {
  if (Array.isArray(collection) || collection instanceof Set || isForeign(collection, setHas)) {
    return new SnapshotSource(readWhole(collection as Iterable<unknown>));
  }
  if (collection instanceof Map || isForeign(collection, mapHas)) return readMap(collection as Map<unknown, unknown>);
  if (typeof (collection as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    return new IteratorSource(collection as Iterable<unknown>);
  }
  if (isObservable(collection)) return new ObservableSource(collection);
  if (typeof (collection as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
    return new AsyncIteratorSource(collection as AsyncIterable<unknown>);
  }
  return readRecord(collection as Record<string, unknown>);
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const setHas = Set.prototype.has;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const mapHas = Map.prototype.has;

/**
 * A `Set` or `Map` (as `has` says) of another realm (a `vm` context, jest's
 * sandbox), which `instanceof` misses: the built-in `has` accepts only a real
 * one, of any realm. No user code runs (a Proxy is none).
 */
function isForeign(collection: object, has: (this: unknown, key: unknown) => boolean): boolean {
  try {
    has.call(collection, undefined);
    return true;
  } catch {
    return false;
  }
}

/** An array or a `Set` (or a record or `Map`, with `keys`): every element, read at subscription. */
class SnapshotSource implements Source {
  constructor(
    readonly elements: unknown[],
    readonly keys?: unknown[],
  ) {}
  open(): void {}
  next(): unknown {
    return DONE;
  }
  close(): void {}
}

/** Wraps a list the engine made itself (stage-2 children): read whole. */
export function snapshotOf(elements: unknown[]): Source {
  return new SnapshotSource(elements);
}

/** A generator, iterator helpers, `map.values()`: one `next()` per input that can start. */
class IteratorSource implements Source {
  readonly elements = undefined;
  private iterator: Iterator<unknown> | undefined;

  constructor(private readonly iterable: Iterable<unknown>) {}

  open(): void {
    this.iterator = checkIterator(this.iterable[Symbol.iterator](), 'Symbol.iterator');
  }

  next(): unknown {
    const result = checkResult(this.iterator!.next());
    if (result.done) {
      this.iterator = undefined;
      return DONE;
    }
    return result.value;
  }

  close(): void {
    const iterator = this.iterator;
    this.iterator = undefined;
    if (iterator !== undefined && typeof iterator.return === 'function') iterator.return();
  }
}

/**
 * An async generator, a Node `Readable`, `readline`: at most one `next()`
 * pending, asked only when an input can start.
 */
class AsyncIteratorSource implements Source {
  readonly elements = undefined;
  private iterator: AsyncIterator<unknown> | undefined;
  private listener: SourceListener | undefined;
  /** The element the last `next()` gave, until the engine takes it. */
  private ready: unknown = NOT_YET;
  private pending = false;
  private ended = false;
  private closed = false;

  constructor(private readonly iterable: AsyncIterable<unknown>) {}

  open(listener: SourceListener): void {
    this.listener = listener;
    this.iterator = checkIterator(this.iterable[Symbol.asyncIterator](), 'Symbol.asyncIterator');
  }

  next(): unknown {
    if (this.ready !== NOT_YET) {
      const element = this.ready;
      this.ready = NOT_YET;
      return element;
    }
    if (this.ended) return DONE;
    if (this.pending) return NOT_YET;
    this.pending = true;
    // A `next()` that throws synchronously is a reading failure (thrown to the engine).
    const result = this.iterator!.next();
    Promise.resolve(result).then(
      (value) => this.arrived(value),
      (error: unknown) => this.broke(error),
    );
    return NOT_YET;
  }

  private arrived(value: unknown): void {
    this.pending = false;
    let result: IteratorResult<unknown>;
    try {
      result = checkResult(value);
    } catch (error) {
      this.broke(error);
      return;
    }
    if (this.closed) {
      // Closed while this `next()` was pending: now the iterator can be returned.
      markHandled(result.value);
      if (!result.done) this.returnIterator();
      return;
    }
    if (result.done) this.ended = true;
    else this.ready = result.value;
    this.listener!.wake();
  }

  private broke(error: unknown): void {
    this.pending = false;
    this.ended = true;
    if (!this.closed) this.listener!.fail(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    markHandled(this.ready);
    this.ready = NOT_YET;
    // A pending `next()` is waited for first (async generators queue `return()` behind it anyway).
    if (!this.ended && !this.pending) this.returnIterator();
  }

  private returnIterator(): void {
    const iterator = this.iterator!;
    this.ended = true;
    if (typeof iterator.return !== 'function') return;
    let result;
    try {
      result = iterator.return();
    } catch (error) {
      reportLater(error);
      return;
    }
    Promise.resolve(result).then(undefined, reportLater);
  }
}

/** An Observable of inputs: subscribed at once; its values wait in a queue until an input can start. */
class ObservableSource implements Source {
  readonly elements = undefined;
  private readonly queue = new Queue<unknown>();
  private subscriber: Subscriber<unknown> | undefined;
  private ended = false;

  constructor(private readonly observable: Observable<unknown>) {}

  open(listener: SourceListener): void {
    const subscriber = new CollectionSubscriber(
      (value) => {
        // A promise may reject while it waits for a slot.
        markHandled(value);
        this.queue.push(value);
        listener.wake();
      },
      (error) => {
        this.ended = true;
        listener.fail(error);
      },
      () => {
        this.ended = true;
        listener.wake();
      },
    );
    this.subscriber = subscriber;
    this.observable.subscribe(subscriber);
  }

  next(): unknown {
    if (this.queue.size > 0) {
      const element = this.queue.peek();
      this.queue.shift();
      return element;
    }
    return this.ended ? DONE : NOT_YET;
  }

  close(): void {
    while (this.queue.size > 0) this.queue.shift();
    this.subscriber?.unsubscribe();
  }

  waiting(): number {
    return this.queue.size;
  }
}

/**
 * Subscribes to a collection (or the pipeable form's source of collections) so
 * that the engine can unsubscribe it even while it emits synchronously.
 */
export class CollectionSubscriber extends Subscriber<unknown> {
  constructor(
    private readonly onValue: (value: unknown) => void,
    private readonly onError: (error: unknown) => void,
    private readonly onComplete: () => void,
  ) {
    super();
  }

  protected override _next(value: unknown): void {
    this.onValue(value);
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.onError(error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.onComplete();
  }
}

/**
 * Reads an array or `Set` once, into a private snapshot: later changes to the
 * caller's array do not reach a running subscription. If iterating throws, the
 * promises read so far are marked handled: they will never be taken.
 */
function readWhole(value: Iterable<unknown>): unknown[] {
  // A plain array is copied at once; anything else (an Array subclass, an array
  // with its own iterator) is iterated, as `for...of` would, never `slice()`d.
  if (Array.isArray(value) && isPlainArray(value)) return value.slice();
  const inputs: unknown[] = [];
  try {
    for (const input of value) inputs.push(input);
  } catch (error) {
    inputs.forEach(markHandled);
    throw error;
  }
  return inputs;
}

/**
 * Reads a record whole: its own enumerable string keys in order (as
 * `Object.keys`) and their values, a snapshot like an array's. A getter that
 * throws is a reading failure.
 */
function readRecord(record: Record<string, unknown>): Source {
  const keys = Object.keys(record);
  const values: unknown[] = [];
  try {
    for (const key of keys) values.push(record[key]);
  } catch (error) {
    values.forEach(markHandled);
    throw error;
  }
  return new SnapshotSource(values, keys);
}

/** Reads a `Map` whole: its entries in order, the keys beside the values. */
function readMap(map: Map<unknown, unknown>): Source {
  const keys: unknown[] = [];
  const values: unknown[] = [];
  try {
    for (const [key, value] of map) {
      keys.push(key);
      values.push(value);
    }
  } catch (error) {
    values.forEach(markHandled);
    throw error;
  }
  return new SnapshotSource(values, keys);
}

/**
 * Marks handled the promises a collection read whole holds, when it will never
 * be read (an already aborted `signal`): they are running, and their
 * rejections must not go unhandled. Runs no user code (no iterator, no
 * getter); anything else is left alone.
 */
export function markPassedInHandled(collection: object): void {
  try {
    if (Array.isArray(collection)) Array.prototype.forEach.call(collection, markHandled);
    else if (collection instanceof Set || isForeign(collection, setHas))
      Set.prototype.forEach.call(collection, markHandled);
    else if (collection instanceof Map || isForeign(collection, mapHas))
      Map.prototype.forEach.call(collection, markHandled);
    else if (isPlainObject(collection)) {
      for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(collection))) {
        if ('value' in descriptor) markHandled(descriptor.value);
      }
    }
  } catch {
    // A Proxy trap threw: nothing more to mark.
  }
}

/** Reads a list of children (`mergeCompletedThen`'s stage 1) whole. */
export function readList(value: Iterable<unknown>): unknown[] {
  return readWhole(value);
}

const arrayValues = Array.prototype[Symbol.iterator];

function isPlainArray(value: unknown[]): boolean {
  return (
    Object.getPrototypeOf(value) === Array.prototype &&
    !Object.prototype.hasOwnProperty.call(value, Symbol.iterator) &&
    !Object.prototype.hasOwnProperty.call(value, 'constructor') &&
    value[Symbol.iterator] === arrayValues
  );
}

function checkIterator<I>(iterator: I, method: string): I {
  if (
    iterator === null ||
    typeof iterator !== 'object' ||
    typeof (iterator as { next?: unknown }).next !== 'function'
  ) {
    throw new TypeError(
      `Expected the collection's \`${method}\` to return an iterator, got ${describeValue(iterator)}`,
    );
  }
  return iterator;
}

function checkResult(result: unknown): IteratorResult<unknown> {
  if (result === null || typeof result !== 'object') {
    throw new TypeError(`Expected the collection's iterator to return a result object, got ${describeValue(result)}`);
  }
  return result as IteratorResult<unknown>;
}

/** A teardown error with nowhere to go: rxjs's own path (`config.onUnhandledError`). */
function reportLater(error: unknown): void {
  throwError((): unknown => error).subscribe();
}

/**
 * Defects found by an outside review (round 2): each test failed on the code
 * before its fix. Real async; nothing timed.
 */
import { runInNewContext } from 'node:vm';
import { lastValueFrom, of, toArray, type Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { asCompleted, AsCompletedTimeoutError, asCompletedWithTimeout, firstCompleted } from '../src/index.js';

type Loose = (...args: unknown[]) => Observable<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const AC = asCompleted as unknown as Loose;
const FC = firstCompleted as unknown as Loose;

describe('for await: the iterator after return()', () => {
  it('a next() after return() before any next() subscribes to nothing and ends', async () => {
    const factory = jest.fn(() => Promise.resolve(1));
    const iterator = asCompleted([factory])[Symbol.asyncIterator]();
    expect(await iterator.return!()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(factory).not.toHaveBeenCalled();
  });
});

describe('collections from another realm (a vm context)', () => {
  it('a Map is read whole, as a Map: key, item and total on every record', async () => {
    const map = runInNewContext('new Map([["a", 1], ["b", 2]])') as Map<string, number>;
    const records = await lastValueFrom(
      AC(map, (n: number) => Promise.resolve(n * 10), { emit: 'tagged' }).pipe(toArray()),
    );
    expect(records.map(({ key, value, index, input, total }) => ({ key, value, index, input, total }))).toEqual([
      { key: 'a', value: 10, index: 0, input: 1, total: 2 },
      { key: 'b', value: 20, index: 1, input: 2, total: 2 },
    ]);
  });

  it('a Set is read whole: total is its size on the first record', async () => {
    const set = runInNewContext('new Set([1, 2])') as Set<number>;
    const records = await lastValueFrom(
      AC(set, (n: number) => Promise.resolve(n), { emit: 'tagged', concurrency: 1 }).pipe(toArray()),
    );
    expect(records.map(({ value, total }) => ({ value, total }))).toEqual([
      { value: 1, total: 2 },
      { value: 2, total: 2 },
    ]);
  });

  it('a record (a plain object) is a record collection, with its keys', async () => {
    const record = runInNewContext('({ a: 1, b: 2 })') as Record<string, number>;
    const records = await lastValueFrom(
      AC(record, (n: number) => Promise.resolve(n * 10), { emit: 'tagged' }).pipe(toArray()),
    );
    expect(records.map(({ key, value }) => ({ key, value }))).toEqual([
      { key: 'a', value: 10 },
      { key: 'b', value: 20 },
    ]);
  });

  it('a Date of another realm is a `total` deadline, in the config and alone', async () => {
    const at = () => runInNewContext(`new Date(${Date.now() + 20})`) as Date;
    const never = new Promise<number>(() => {});
    for (const timeout of [{ total: at() }, at()]) {
      const error: unknown = await lastValueFrom(asCompletedWithTimeout([never], timeout)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AsCompletedTimeoutError);
      expect((error as AsCompletedTimeoutError).info).toMatchObject({ scope: 'total', pending: [0] });
    }
  });

  it("firstCompleted 'tagged' over a Map from another realm names the winner's key", async () => {
    const map = runInNewContext('new Map([["slow", 1], ["fast", 2]])') as Map<string, number>;
    const winner = await lastValueFrom(FC(map, (n: number) => Promise.resolve(n), { emit: 'tagged' }));
    expect(winner).toEqual({ value: 1, index: 0, input: 1, key: 'slow' });
  });
});

describe('a collection that throws when looked at', () => {
  it("a Proxy whose getPrototypeOf trap throws is a TypeError naming `inputs`, not the trap's error", () => {
    const boom = new Error('trap');
    const proxy = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw boom;
        },
      },
    );
    expect(() => AC(proxy)).toThrow(TypeError);
    expect(() => AC(proxy)).toThrow(/`inputs`/);
    expect(() => AC(proxy, {})).toThrow(/`inputs`/);
  });
});

describe('the lone plain-object rule reads getters', () => {
  it('a getter that makes a rejected promise on each read leaves no unhandled rejection', async () => {
    const record = {
      get a(): Promise<number> {
        return Promise.reject(new Error('a'));
      },
      b: Promise.resolve(2),
    };
    // The lone form reads `a` once to tell a record from options, and again at subscription.
    await expect(lastValueFrom(AC(record))).rejects.toThrow('a');
  });

  it('the same in the pipeable form, where a source value is a record batch when every value is an input', async () => {
    const record = {
      get a(): Promise<number> {
        return Promise.reject(new Error('a'));
      },
      b: Promise.resolve(2),
    };
    await expect(
      lastValueFrom(of(record).pipe(asCompleted() as unknown as OperatorFunction<unknown, unknown>)),
    ).rejects.toThrow('a');
  });
});

describe('a lazy collection acting on the output while it is read', () => {
  it('an iterator whose next() unsubscribes the output: the element it gives is not started', async () => {
    let subscription: Subscription | undefined;
    const started: number[] = [];
    const aborted: number[] = [];
    const factories = [0, 1, 2].map((n) => (signal: AbortSignal) => {
      started.push(n);
      signal.addEventListener('abort', () => aborted.push(n));
      return n === 0 ? Promise.resolve(0) : new Promise<number>(() => {});
    });
    let read = 0;
    let returned = 0;
    const iterator: IterableIterator<unknown> = {
      next() {
        if (read === 1) subscription!.unsubscribe();
        return read < factories.length ? { value: factories[read++], done: false } : { value: undefined, done: true };
      },
      return() {
        returned++;
        return { value: undefined, done: true };
      },
      [Symbol.iterator]() {
        return this;
      },
    };
    subscription = AC(iterator, { concurrency: 1 }).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(1);
    // Unsubscribed: nothing new starts (and nothing is left running with its signal never aborted).
    expect(started).toEqual([0]);
    expect(aborted).toEqual([]);
  });
});

describe('an already aborted `signal`', () => {
  // Aborted later, the promises passed in that were never taken are marked handled; aborted before, likewise.
  it.each([
    ['an array', (p: Promise<number>) => [p]],
    ['a Set', (p: Promise<number>) => new Set([p])],
    ['a Map', (p: Promise<number>) => new Map([['p', p]])],
    ['a record', (p: Promise<number>) => ({ p })],
  ])('leaves no rejection of a promise passed in %s unhandled', async (_, collectionOf) => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const p = Promise.reject(new Error('late'));
    await expect(lastValueFrom(AC(collectionOf(p), { signal: controller.signal }))).rejects.toThrow('stop');
  });
});

import { from, isObservable, Observable, of } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  AsCompletedTimeoutError,
  firstCompleted,
  mergeCompletedThen,
} from '../src/index.js';
import { delay, probe, rejectAfter, run as runTyped } from './support/async.js';

// Records (plain objects) and Maps as collections (SPEC §1): read whole at
// subscription, `total` is their size, every record carries `key` beside
// `index`. The overloads for them come with the types work: until then the
// calls go through these loose aliases (the runtime is what is tested here).
type Loose = (...args: unknown[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
const AC = asCompleted as unknown as Loose;
const ACT = asCompletedWithTimeout as unknown as Loose;
const FC = firstCompleted as unknown as Loose;
const MCT = mergeCompletedThen as unknown as Loose;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records are checked field by field below
const run = (output: unknown) => runTyped(output as Observable<any>);

const byIndex = <R extends { index: number }>(records: R[]): R[] => [...records].sort((a, b) => a.index - b.index);

describe('records (plain objects) as collections', () => {
  it("emits in completion order with key, index, input and total in 'tagged'", async () => {
    const user = delay(30, 'ann');
    const posts = delay(5, ['p1']);
    const rec = await run(AC({ user, posts }, { emit: 'tagged' }));
    expect(rec.completed).toBe(true);
    expect(rec.values).toEqual([
      { value: ['p1'], index: 1, input: posts, key: 'posts', completed: 1, total: 2, batch: 0 },
      { value: 'ann', index: 0, input: user, key: 'user', completed: 2, total: 2, batch: 0 },
    ]);
    expect(rec.values[0].input).toBe(posts);
  });

  it("emits bare values in 'value' mode and fails fast", async () => {
    expect((await run(AC({ a: delay(20, 'A'), b: delay(5, 'B') }))).values).toEqual(['B', 'A']);
    const boom = new Error('boom');
    const slow = probe(100, 'slow');
    const rec = await run(AC({ slow, bad: rejectAfter(5, boom) }));
    expect(rec.error).toBe(boom);
    expect(slow.signal.aborted).toBe(true);
  });

  it("gives every input exactly one record with its key in 'settled'", async () => {
    const boom = new Error('boom');
    const rec = await run(AC({ ok: delay(10, 1), bad: rejectAfter(5, boom) }, { emit: 'settled' }));
    expect(rec.values).toEqual([
      expect.objectContaining({ status: 'rejected', reason: boom, index: 1, key: 'bad', completed: 1, total: 2 }),
      expect.objectContaining({ status: 'fulfilled', value: 1, index: 0, key: 'ok', completed: 2, total: 2 }),
    ]);
  });

  it('numbers inputs in Object.keys order (integer-like keys first, then insertion order)', async () => {
    const record = { b: of('b'), a: of('a'), 2: of('two'), 1: of('one') };
    const rec = await run(AC(record, { emit: 'tagged' }));
    expect(byIndex(rec.values).map((r) => [r.index, r.key, r.value])).toEqual([
      [0, '1', 'one'],
      [1, '2', 'two'],
      [2, 'b', 'b'],
      [3, 'a', 'a'],
    ]);
  });

  it('reads only own enumerable string keys (no symbols, no inherited or hidden ones)', async () => {
    const record: Record<string | symbol, unknown> = Object.create(null) as Record<string, unknown>;
    record.shown = of(1);
    record[Symbol('hidden')] = of(2);
    Object.defineProperty(record, 'quiet', { value: of(3), enumerable: false });
    const rec = await run(AC(record, {}));
    expect(rec.values).toEqual([1]);
  });

  it('reads the record whole at subscription: later changes do not reach a running subscription', async () => {
    const record: Record<string, unknown> = { a: delay(10, 'a'), b: delay(20, 'b') };
    const running = run(AC(record, { emit: 'tagged' }));
    record.c = delay(1, 'c');
    delete record.a;
    record.b = Promise.resolve('replaced');
    const rec = await running;
    expect(rec.values.map((r) => [r.key, r.value, r.total])).toEqual([
      ['a', 'a', 2],
      ['b', 'b', 2],
    ]);
    // A new subscription reads the record again.
    const again = await run(AC(record, { emit: 'tagged' }));
    expect(byIndex(again.values).map((r) => [r.key, r.value, r.total])).toEqual([
      ['b', 'replaced', 2],
      ['c', 'c', 2],
    ]);
  });

  it('starts inputs in key order under concurrency, each factory with its signal', async () => {
    const log: string[] = [];
    const rec = await run(
      AC(
        { x: probe(20, 'x', { log }), y: probe(5, 'y', { log }), z: probe(5, 'z', { log }) },
        { concurrency: 1, emit: 'tagged' },
      ),
    );
    expect(log).toEqual(['start x', 'start y', 'start z']);
    expect(rec.values.map((r) => r.key)).toEqual(['x', 'y', 'z']);
  });

  it('a promise waiting for budget in a record rejects without an unhandled rejection, and gets its record', async () => {
    const boom = new Error('early');
    const rec = await run(
      AC({ first: () => delay(20, 'first'), waiting: rejectAfter(1, boom) }, { concurrency: 1, emit: 'settled' }),
    );
    expect(rec.values.map((r) => [r.key, r.status])).toEqual([
      ['first', 'fulfilled'],
      ['waiting', 'rejected'],
    ]);
  });

  it('an empty record (in the two-argument form) completes at once', async () => {
    const rec = await run(AC({}, {}));
    expect(rec).toMatchObject({ values: [], completed: true });
  });

  it('a value that is not an input fails only itself, named by index and key', async () => {
    const rec = await run(AC({ ok: delay(5, 1), bad: 42 }, { emit: 'settled' }));
    const bad = rec.values.find((r) => r.key === 'bad');
    expect(bad).toMatchObject({ status: 'rejected', index: 1, key: 'bad' });
    expect(bad.reason).toBeInstanceOf(TypeError);
    expect((bad.reason as Error).message).toMatch(/`inputs\[1\]` \(key 'bad'\)/);
  });

  it('a getter that throws while the record is read errors the output (the collection broke)', async () => {
    const boom = new Error('getter');
    const pending = delay(5, 'a');
    const record = {
      a: pending,
      get b(): unknown {
        throw boom;
      },
    };
    // Not a lone argument: the two-argument form takes it as a record without reading it.
    const output = AC(record, {});
    expect(isObservable(output)).toBe(true);
    const rec = await run(output as Observable<unknown>);
    expect(rec.error).toBe(boom);
  });

  it('the mapper form passes each value as the item, with its index; records carry the item as input', async () => {
    const seen: unknown[] = [];
    const rec = await run(
      AC(
        { ann: 1, bob: 2 },
        (id: number, index: number, signal: AbortSignal) => {
          seen.push([id, index, signal instanceof AbortSignal]);
          return delay(id === 1 ? 20 : 5, `user ${id}`);
        },
        { emit: 'tagged' },
      ),
    );
    expect(seen).toEqual([
      [1, 0, true],
      [2, 1, true],
    ]);
    expect(rec.values).toEqual([
      { value: 'user 2', index: 1, input: 2, key: 'bob', completed: 1, total: 2, batch: 0 },
      { value: 'user 1', index: 0, input: 1, key: 'ann', completed: 2, total: 2, batch: 0 },
    ]);
  });

  it('the pipeable form takes records as batches, each with its keys', async () => {
    const rec = await run(
      from([{ a: delay(20, 'a1') }, { b: delay(5, 'b2'), c: delay(30, 'c2') }]).pipe(AC({ emit: 'tagged' })),
    );
    expect(rec.values.map((r) => [r.batch, r.key, r.index, r.value, r.total])).toEqual([
      [1, 'b', 0, 'b2', 2],
      [0, 'a', 0, 'a1', 1],
      [1, 'c', 1, 'c2', 2],
    ]);
  });

  it('the pipeable mapper form takes records of items', async () => {
    const rec = await run(of({ x: 3, y: 1 }).pipe(AC((n: number) => delay(n * 5, n * 10), { emit: 'tagged' })));
    expect(rec.values.map((r) => [r.key, r.input, r.value])).toEqual([
      ['y', 1, 10],
      ['x', 3, 30],
    ]);
  });
});

describe('Maps as collections', () => {
  it("reads the entries in order: any key, the values as inputs, in 'tagged'", async () => {
    const objectKey = { id: 7 };
    const first = delay(20, 'first');
    const second = delay(5, 'second');
    const map = new Map<unknown, unknown>([
      [objectKey, first],
      [42, second],
    ]);
    const rec = await run(AC(map, { emit: 'tagged' }));
    expect(rec.values).toEqual([
      { value: 'second', index: 1, input: second, key: 42, completed: 1, total: 2, batch: 0 },
      { value: 'first', index: 0, input: first, key: objectKey, completed: 2, total: 2, batch: 0 },
    ]);
    expect(rec.values[1].key).toBe(objectKey);
  });

  it("gives rejected records their key in 'settled'", async () => {
    const boom = new Error('boom');
    const rec = await run(AC(new Map([['bad', rejectAfter(1, boom)]]), { emit: 'settled' }));
    expect(rec.values).toEqual([
      {
        status: 'rejected',
        reason: boom,
        index: 0,
        input: expect.any(Promise),
        key: 'bad',
        completed: 1,
        total: 1,
        batch: 0,
      },
    ]);
  });

  it('is a snapshot: entries added or deleted after subscription do not reach it', async () => {
    const map = new Map<string, Promise<string>>([
      ['a', delay(10, 'a')],
      ['b', delay(15, 'b')],
    ]);
    const running = run(AC(map, { emit: 'tagged' }));
    map.delete('a');
    map.set('c', delay(1, 'c'));
    const rec = await running;
    expect(rec.values.map((r) => [r.key, r.value, r.total])).toEqual([
      ['a', 'a', 2],
      ['b', 'b', 2],
    ]);
  });

  it('the mapper form passes each value as the item', async () => {
    const rec = await run(
      AC(new Map([[{ k: 1 }, 'one']]), (item: string) => of(item.toUpperCase()), { emit: 'tagged' }),
    );
    expect(rec.values).toEqual([
      { value: 'ONE', index: 0, input: 'one', key: { k: 1 }, completed: 1, total: 1, batch: 0 },
    ]);
  });

  it('the pipeable form takes Maps as batches', async () => {
    const rec = await run(of(new Map([['k', of(1)]]), new Map([[2, of(2)]])).pipe(AC({ emit: 'tagged' })));
    expect(rec.values.map((r) => [r.batch, r.key])).toEqual([
      [0, 'k'],
      [1, 2],
    ]);
  });
});

describe('asCompletedWithTimeout over keyed collections', () => {
  it("an `each` expiry names the input's key in `info.key` and the message", async () => {
    const slow = probe(200, 'slow');
    const rec = await run(ACT({ fast: delay(1, 'fast'), slow }, { each: 20 }));
    expect(rec.values).toEqual(['fast']);
    expect(rec.error).toBeInstanceOf(AsCompletedTimeoutError);
    const { info, message } = rec.error as AsCompletedTimeoutError;
    expect(info).toMatchObject({ scope: 'each', index: 1, key: 'slow', total: 2, completed: 1 });
    expect(message).toBe("Input 1 (of 2, key 'slow') unfinished after its limit of 20 ms");
    expect(slow.signal.aborted).toBe(true);
  });

  it("a Map's key (any value) in `info.key`, on each rejected record in 'settled'", async () => {
    const key = Symbol('job');
    const rec = await run(
      ACT(
        new Map<unknown, unknown>([
          [key, () => delay(200)],
          ['ok', delay(1, 1)],
        ]),
        { each: 20, emit: 'settled' },
      ),
    );
    const rejected = rec.values.find((r) => r.status === 'rejected');
    expect(rejected).toMatchObject({ index: 0, key });
    expect(rejected.reason.info).toMatchObject({ scope: 'each', index: 0, key });
    expect(rejected.reason.message).toBe(
      'Input 0 (of 2, key a symbol (Symbol(job))) unfinished after its limit of 20 ms',
    );
  });

  it("an array's `each` expiry has no `key`", async () => {
    const rec = await run(ACT([() => delay(200)], { each: 10 }));
    expect('key' in (rec.error as AsCompletedTimeoutError).info).toBe(false);
  });

  it("the overall deadline gives unfinished inputs their keyed records in 'settled', in index order", async () => {
    const rec = await run(
      ACT({ a: () => delay(200), b: delay(1, 'b'), c: () => delay(300) }, { total: 30, emit: 'settled' }),
    );
    expect(rec.values.map((r) => [r.key, r.status, r.total])).toEqual([
      ['b', 'fulfilled', 3],
      ['a', 'rejected', 3],
      ['c', 'rejected', 3],
    ]);
  });

  it('the pipeable form takes records as batches', async () => {
    const rec = await run(of({ quick: delay(1, 1), late: () => delay(200) }).pipe(ACT({ each: 20, emit: 'settled' })));
    expect(rec.values.map((r) => [r.key, r.status])).toEqual([
      ['quick', 'fulfilled'],
      ['late', 'rejected'],
    ]);
  });
});

describe('firstCompleted over keyed collections, and `emit`', () => {
  it('emits the winning value of a record and aborts the others', async () => {
    const slow = probe(100, 'slow');
    const rec = await run(FC({ slow, fast: delay(5, 'fast') }));
    expect(rec.values).toEqual(['fast']);
    expect(slow.signal.aborted).toBe(true);
  });

  it("'tagged' says which input won: value, index, input (and key in a keyed collection)", async () => {
    const fast = delay(5, 'fast');
    const rec = await run(FC({ slow: delay(50, 'slow'), fast }, { emit: 'tagged' }));
    expect(rec.values).toEqual([{ value: 'fast', index: 1, input: fast, key: 'fast' }]);
    expect(rec.values[0].input).toBe(fast);
  });

  it("'tagged' over an array has no key", async () => {
    const b = delay(1, 'b');
    const rec = await run(firstCompleted([delay(50, 'a'), b], { emit: 'tagged' }));
    expect(rec.values).toStrictEqual([{ value: 'b', index: 1, input: b }]);
  });

  it("'tagged' in the mapper form carries the item as input; over a Map, its key", async () => {
    const key = { mirror: 2 };
    const rec = await run(
      FC(
        new Map<unknown, string>([
          ['m1', 'https://one'],
          [key, 'https://two'],
        ]),
        (url: string, index: number) => delay(index === 1 ? 5 : 50, `${url} answered`),
        { emit: 'tagged' },
      ),
    );
    expect(rec.values).toEqual([{ value: 'https://two answered', index: 1, input: 'https://two', key }]);
    expect(rec.values[0].key).toBe(key);
  });

  it('the predicate sees the value and the index; the winner is the first that passes', async () => {
    const seen: unknown[] = [];
    const rec = await run(
      FC(
        { a: delay(5, 1), b: delay(10, 2), c: delay(15, 3) },
        {
          emit: 'tagged',
          predicate: (value: number, index: number) => {
            seen.push([value, index]);
            return value > 1;
          },
        },
      ),
    );
    expect(seen).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(rec.values).toEqual([expect.objectContaining({ value: 2, index: 1, key: 'b' })]);
  });

  it('with no winner, the AggregateError holds the failures in index order', async () => {
    const e1 = new Error('one');
    const e2 = new Error('two');
    const rec = await run(FC({ x: rejectAfter(10, e1), y: rejectAfter(1, e2) }, { emit: 'tagged' }));
    expect(rec.error).toBeInstanceOf(AggregateError);
    expect((rec.error as AggregateError).errors).toEqual([e1, e2]);
  });

  it("the pipeable form takes records as batches and 'tagged' per batch", async () => {
    const rec = await run(from([{ p: delay(5, 'p') }, { q: delay(1, 'q') }]).pipe(FC({ emit: 'tagged' })));
    expect(rec.values.map((r) => [r.key, r.value])).toEqual([
      ['q', 'q'],
      ['p', 'p'],
    ]);
  });
});

describe('mergeCompletedThen over keyed collections', () => {
  it("takes a record's values as the items (no key on the records)", async () => {
    const firstCalls: unknown[] = [];
    const rec = await run(
      MCT(
        { ann: 'u1', bob: 'u2' },
        (item: string, index: number) => {
          firstCalls.push([item, index]);
          return delay(item === 'u1' ? 20 : 5, [`${item}-a`]);
        },
        (child: string) => of(child.toUpperCase()),
        { emit: 'tagged' },
      ),
    );
    expect(firstCalls).toEqual([
      ['u1', 0],
      ['u2', 1],
    ]);
    expect(rec.values).toEqual([
      { value: 'U2-A', item: 'u2', itemIndex: 1, child: 'u2-a', childIndex: 0, completed: 1, batch: 0 },
      { value: 'U1-A', item: 'u1', itemIndex: 0, child: 'u1-a', childIndex: 0, completed: 2, batch: 0 },
    ]);
  });

  it("takes a Map's values as the items", async () => {
    const rec = await run(
      MCT(
        new Map([[1, 'x']]),
        (item: string) => of([item, item]),
        (child: string, item: string) => of(`${item}:${child}`),
      ),
    );
    expect(rec.values).toEqual(['x:x', 'x:x']);
  });
});

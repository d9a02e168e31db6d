/**
 * `for await` over the creation forms (SPEC §3, "Async iteration"), with real
 * promises and async generators. Backpressure is checked by counting, never
 * by timing: how many inputs have started, how many results the loop has
 * taken, how many elements the collection has given.
 */
import fc from 'fast-check';
import { EMPTY, map, Observable, of, UnsubscriptionError } from 'rxjs';
import {
  asCompleted,
  AsCompletedTimeoutError,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
} from '../src/index.js';
import { abortListeners, delay, fakeFetch, sleep } from './support/async.js';

/** Reads a whole loop into an array. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

/**
 * Counts for a backpressure check: work that finishes at once, so without
 * backpressure everything would start before the slow loop body takes the
 * first result.
 */
function meter() {
  const m = {
    reads: 0,
    started: 0,
    taken: 0,
    closed: false,
    /** Largest `started - taken` seen at the end of a loop body (running plus unread then). */
    outstandingMax: 0,
    /** Largest `reads - started` seen when an input started (a pending `next()` at most). */
    readAheadMax: 0,
  };
  async function* ids(n: number): AsyncGenerator<number> {
    try {
      for (let id = 0; id < n; id++) {
        m.reads++;
        await Promise.resolve();
        yield id;
      }
    } finally {
      m.closed = true;
    }
  }
  const work = (id: number) => {
    m.started++;
    m.readAheadMax = Math.max(m.readAheadMax, m.reads - m.started);
    return Promise.resolve(id);
  };
  /** A slow loop body: lets everything that can run, run, then notes what is outstanding. */
  const body = async () => {
    m.taken++;
    await sleep(2);
    m.outstandingMax = Math.max(m.outstandingMax, m.started - m.taken);
  };
  return { m, ids, work, body };
}

describe('for await over a creation form', () => {
  it('gives the results in completion order, then ends', async () => {
    const results = await collect(asCompleted([delay(30, 'slow'), delay(5, 'fast'), delay(15, 'middle')]));
    expect(results).toEqual(['fast', 'middle', 'slow']);
  });

  it("gives 'settled' records of the mapper form, the same as subscribe would", async () => {
    const records = await collect(
      asCompleted(
        ['a', 'b', 'c'],
        (item, index) => (item === 'b' ? Promise.reject(new Error(item)) : delay(10 * (3 - index), item)),
        { emit: 'settled', concurrency: 2 },
      ),
    );
    expect(records.map((r) => [r.index, r.status, r.completed, r.total])).toEqual([
      [1, 'rejected', 1, 3],
      [2, 'fulfilled', 2, 3],
      [0, 'fulfilled', 3, 3],
    ]);
  });

  it('takes results emitted synchronously at subscription, and an empty collection ends at once', async () => {
    expect(await collect(asCompleted([of(1), of(2), Promise.resolve(3)]))).toEqual([1, 2, 3]);
    expect(await collect(asCompleted([]))).toEqual([]);
  });

  it('subscribes on the first `next()`, not when the iterator is made', async () => {
    let calls = 0;
    const output = asCompleted([() => (calls++, Promise.resolve(1))]);
    const iterator = output[Symbol.asyncIterator]();
    expect(calls).toBe(0);
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    expect(calls).toBe(1);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  describe('backpressure', () => {
    it('starts no input and reads no further while `concurrency` results are outstanding', async () => {
      const { m, ids, work, body } = meter();
      const seen: number[] = [];
      for await (const id of asCompleted(ids(40), work, { concurrency: 3 })) {
        seen.push(id);
        await body();
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      // Running plus unread never above 3, and the cap is reached (the count can fail).
      expect(m.outstandingMax).toBe(3);
      // The collection is read only when an input can start: at most one `next()` ahead.
      expect(m.readAheadMax).toBeLessThanOrEqual(1);
      expect(m.reads).toBe(40);
    });

    it('holds a synchronous generator back as well (reads never exceed started + 1)', async () => {
      let reads = 0;
      let started = 0;
      let taken = 0;
      let most = 0;
      function* items(): Generator<number> {
        for (let i = 0; i < 20; i++) {
          reads++;
          yield i;
        }
      }
      for await (const value of asCompleted(items(), (i: number) => (started++, of(i)), { concurrency: 2 })) {
        void value;
        taken++;
        await sleep(1);
        most = Math.max(most, started - taken, reads - taken - 1);
      }
      expect(most).toBe(2);
      expect(started).toBe(20);
    });

    it('lets the loop run free with `concurrency: Infinity`: everything starts before the first body ends', async () => {
      const { m, ids, work, body } = meter();
      let firstBodyEnd = -1;
      for await (const id of asCompleted(ids(30), work)) {
        void id;
        await body();
        if (firstBodyEnd < 0) firstBodyEnd = m.started;
      }
      expect(firstBodyEnd).toBe(30);
    });

    it('counts unread results of mergeCompletedThen against the stage-2 cap', async () => {
      let running2 = 0;
      let taken = 0;
      let most = 0;
      const output = mergeCompletedThen(
        ['x', 'y'],
        (item) => Promise.resolve(Array.from({ length: 10 }, (_, i) => `${item}${i}`)),
        (child) => (running2++, Promise.resolve(child)),
        { concurrency: { first: 2, then: 3 } },
      );
      const seen: string[] = [];
      for await (const child of output) {
        seen.push(child);
        taken++;
        await sleep(1);
        most = Math.max(most, running2 - taken);
      }
      expect(seen).toHaveLength(20);
      expect(most).toBe(3);
    });

    it('counts them against the shared budget when `concurrency` is one number', async () => {
      let stage1 = 0;
      let stage2 = 0;
      let taken = 0;
      let most = 0;
      const output = mergeCompletedThen(
        [1, 2, 3, 4],
        (item) => (stage1++, Promise.resolve([item * 10, item * 10 + 1])),
        (child) => (stage2++, Promise.resolve(child)),
        { concurrency: 2 },
      );
      for await (const child of output) {
        void child;
        taken++;
        await sleep(1);
        // Stage-1 calls finish at once: what is outstanding is stage-2 work and unread results.
        most = Math.max(most, stage2 - taken);
      }
      expect(stage1).toBe(4);
      expect(taken).toBe(8);
      expect(most).toBe(2);
    });
  });

  describe('leaving the loop', () => {
    /** Items whose work never finishes on its own, with their signals and the generator's end. */
    function hanging() {
      const state = { signals: [] as AbortSignal[], closed: false, reads: 0 };
      function* items(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            state.reads++;
            yield i;
          }
        } finally {
          state.closed = true;
        }
      }
      const work = (i: number, _index: number, signal: AbortSignal) => {
        state.signals.push(signal);
        return i === 0 ? Promise.resolve(i) : fakeFetch(signal, 60_000, i);
      };
      return { state, output: asCompleted(items(), work, { concurrency: 3 }) };
    }

    function expectTornDown(state: { signals: AbortSignal[]; closed: boolean; reads: number }): void {
      expect(state.closed).toBe(true);
      expect(state.reads).toBe(state.signals.length);
      // Input 0 finished on its own: never aborted. The others were running.
      expect(state.signals.map((s) => s.aborted)).toEqual([false, true, true, true]);
      expect(state.signals.map(abortListeners)).toEqual([0, 0, 0, 0]);
    }

    it('`break` unsubscribes: running inputs torn down, signals aborted, the generator closed', async () => {
      const { state, output } = hanging();
      for await (const value of output) {
        expect(value).toBe(0);
        break;
      }
      expectTornDown(state);
    });

    it('`return` from the enclosing function does the same', async () => {
      const { state, output } = hanging();
      const first = async () => {
        for await (const value of output) return value;
        return undefined;
      };
      expect(await first()).toBe(0);
      expectTornDown(state);
    });

    it('a throw in the loop body does the same, and the error goes on', async () => {
      const { state, output } = hanging();
      const oops = new Error('oops');
      await expect(
        (async () => {
          for await (const value of output) {
            void value;
            throw oops;
          }
        })(),
      ).rejects.toBe(oops);
      expectTornDown(state);
    });

    it('closes an async generator (its `finally` runs) even while its `next()` is pending', async () => {
      let closed = false;
      let reads = 0;
      async function* ids(): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) {
            reads++;
            await sleep(1);
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      for await (const value of asCompleted(ids(), (id: number) => Promise.resolve(id), { concurrency: 2 })) {
        if (value === 3) break;
      }
      await sleep(10);
      expect(closed).toBe(true);
      expect(reads).toBeLessThanOrEqual(6);
    });
    it("throws a teardown error from the loop's exit as an UnsubscriptionError, as unsubscribe() would", async () => {
      const broken = new Error('finalizer broke');
      const inputs = [
        Promise.resolve(0),
        new Observable<number>(() => () => {
          throw broken;
        }),
      ];
      let caught: unknown;
      try {
        for await (const value of asCompleted(inputs)) {
          expect(value).toBe(0);
          break;
        }
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UnsubscriptionError);
      expect((caught as UnsubscriptionError).errors).toEqual([broken]);
    });
  });

  describe('errors', () => {
    it('throws an error of the stream from the loop, after the results that came before it', async () => {
      const boom = new Error('boom');
      const seen: number[] = [];
      const output = asCompleted([of(1), of(2), delay(5).then(() => Promise.reject(boom))]);
      await expect(
        (async () => {
          for await (const value of output) {
            seen.push(value);
            // The error arrives while the loop is busy: 2 is still unread then.
            await sleep(20);
          }
        })(),
      ).rejects.toBe(boom);
      expect(seen).toEqual([1, 2]);
    });

    it('throws a deadline as AsCompletedTimeoutError with its info', async () => {
      let caught: unknown;
      const seen: string[] = [];
      try {
        for await (const value of asCompletedWithTimeout(
          [delay(1, 'a'), (signal: AbortSignal) => fakeFetch(signal, 10_000, 'b')],
          30,
        )) {
          seen.push(value);
        }
      } catch (error) {
        caught = error;
      }
      expect(seen).toEqual(['a']);
      expect(caught).toBeInstanceOf(AsCompletedTimeoutError);
      expect((caught as AsCompletedTimeoutError).info).toMatchObject({ scope: 'total', completed: 1, pending: [1] });
    });

    it('throws the reason of an aborted `signal`', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(collect(asCompleted([Promise.resolve(1)], { signal: controller.signal }))).rejects.toBe(reason);
    });

    it('throws AggregateError from firstCompleted when nothing qualifies, and yields the winner otherwise', async () => {
      await expect(collect(firstCompleted([Promise.reject(new Error('a'))]))).rejects.toBeInstanceOf(AggregateError);
      expect(await collect(firstCompleted([delay(20, 'late'), delay(1, 'first')]))).toEqual(['first']);
    });
  });

  it('each loop is its own subscription: the collection is read and the factories called again', async () => {
    let calls = 0;
    let subscriptions = 0;
    const jobs = new Observable<() => Promise<number>>((subscriber) => {
      subscriptions++;
      subscriber.next(() => Promise.resolve(++calls));
      subscriber.next(() => Promise.resolve(++calls));
      subscriber.complete();
    });
    const output = asCompleted(jobs);
    const first = await collect(output);
    const second = await collect(output);
    expect(first.sort()).toEqual([1, 2]);
    expect(second.sort()).toEqual([3, 4]);
    expect(subscriptions).toBe(2);
  });

  it('two loops at once run side by side, independently', async () => {
    let calls = 0;
    const output = asCompleted([() => delay(5, ++calls), () => delay(10, ++calls)]);
    const [a, b] = await Promise.all([collect(output), collect(output)]);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(calls).toBe(4);
  });

  it('an Observable made by `.pipe(...)` is a plain Observable, not an async iterable', () => {
    const output = asCompleted([Promise.resolve(1)]);
    expect(typeof output[Symbol.asyncIterator]).toBe('function');
    const piped: object = output.pipe(map((x) => x + 1));
    expect(piped).toBeInstanceOf(Observable);
    expect(Symbol.asyncIterator in piped).toBe(false);
  });

  it('every creation form is an async iterable', () => {
    const forms: object[] = [
      asCompleted([]),
      asCompletedWithTimeout([], 10),
      firstCompleted([]),
      mergeCompletedThen(
        [],
        () => [],
        () => EMPTY,
      ),
    ];
    for (const form of forms) expect(typeof (form as AsyncIterable<unknown>)[Symbol.asyncIterator]).toBe('function');
  });
});

describe('for await (property: a random slow consumer)', () => {
  /** `n` microtask hops: the consumer's and the work's pace, without timers. */
  const hops = async (n: number) => {
    for (let i = 0; i < n; i++) await null;
  };

  it('never reads beyond started + 1, never has more than `concurrency` outstanding, and gives every result once', async () => {
    const seed = process.env.FC_SEED;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          concurrency: fc.integer({ min: 1, max: 4 }),
          source: fc.constantFrom('async', 'sync'),
          work: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 16 }),
          body: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }),
          breakAfter: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        }),
        async ({ concurrency, source, work, body, breakAfter }) => {
          let reads = 0;
          let started = 0;
          let taken = 0;
          let closed = false;
          const signals: AbortSignal[] = [];
          const problems: string[] = [];
          function* syncItems(): Generator<number> {
            try {
              for (let i = 0; i < work.length; i++) {
                reads++;
                if (reads > started + 1) problems.push(`read ${reads} with ${started} started`);
                yield i;
              }
            } finally {
              closed = true;
            }
          }
          async function* asyncItems(): AsyncGenerator<number> {
            yield* syncItems();
          }
          const project = async (i: number, _index: number, signal: AbortSignal) => {
            started++;
            signals.push(signal);
            // A result being handed to a waiting `next()` may not be counted as taken yet: + 1.
            if (started - taken > concurrency + 1) problems.push(`started ${started} with ${taken} taken`);
            await hops(work[i]!);
            return i;
          };
          const items = source === 'async' ? asyncItems() : syncItems();
          const seen: number[] = [];
          for await (const i of asCompleted(items, project, { concurrency })) {
            seen.push(i);
            taken++;
            await hops(body[taken % body.length]!);
            // The loop is busy: no `next()` waits, so running + unread is exactly what started and was not taken.
            if (started - taken > concurrency) problems.push(`outstanding ${started - taken} after a body`);
            if (taken === breakAfter) break;
          }
          await hops(8);
          expect(problems).toEqual([]);
          const ended = breakAfter !== undefined && breakAfter < work.length;
          if (!ended) {
            expect([...seen].sort((a, b) => a - b)).toEqual(work.map((_, i) => i));
            expect(signals.every((s) => !s.aborted)).toBe(true);
          } else {
            expect(new Set(seen).size).toBe(seen.length);
            expect(seen).toHaveLength(breakAfter);
          }
          // Every end path closes the collection (or finds it done).
          expect(closed).toBe(true);
          expect(reads).toBeLessThanOrEqual(started + 1);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 150), ...(seed && seed !== 'random' ? { seed: Number(seed) } : {}) },
    );
  });
});

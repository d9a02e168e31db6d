import { map, Observable, of, range, Subject, takeUntil, tap } from 'rxjs';
import { mergeCompletedThen, type ThenCompletion, type ThenSettled } from '../src/index.js';
import { delay, fakeFetch, record, rejectAfter, run, sleep, watchUnhandledRejections } from './support/async.js';

describe('mergeCompletedThen', () => {
  it('starts stage 2 of an item the moment its stage 1 finishes', async () => {
    const log: string[] = [];
    const lists: Record<string, { ms: number; children: number[] }> = {
      slow: { ms: 200, children: [1] },
      fast: { ms: 5, children: [2, 3] },
    };
    const rec = await run(
      mergeCompletedThen(
        ['slow', 'fast'],
        async (item) => {
          log.push(`first ${item}`);
          await delay(lists[item].ms);
          log.push(`first ${item} done`);
          return lists[item].children;
        },
        async (child, item) => {
          log.push(`then ${item}/${child}`);
          await delay(child === 2 ? 15 : 5);
          return `${item}/${child}`;
        },
      ),
    );
    expect(log).toEqual([
      'first slow',
      'first fast',
      'first fast done',
      'then fast/2',
      'then fast/3',
      'first slow done',
      'then slow/1',
    ]);
    // Stage-1 results are not emitted; stage-2 results come in completion order.
    expect(rec).toMatchObject({ values: ['fast/3', 'fast/2', 'slow/1'], completed: true });
  });

  it('passes (item, index, signal) to first and (child, item, signal) to then', async () => {
    const firstArgs: unknown[][] = [];
    const thenArgs: unknown[][] = [];
    await run(
      mergeCompletedThen(
        ['a'],
        (item, index, signal) => {
          firstArgs.push([item, index, signal]);
          return of(['x']);
        },
        (child, item, signal) => {
          thenArgs.push([child, item, signal]);
          return of(1);
        },
      ),
    );
    expect(firstArgs).toEqual([['a', 0, expect.any(AbortSignal)]]);
    expect(thenArgs).toEqual([['x', 'a', expect.any(AbortSignal)]]);
  });

  it('completes at once on no items, and emits nothing for an item with an empty list', () => {
    const empty = record(
      mergeCompletedThen(
        [],
        () => [[]],
        () => of(1),
      ),
    );
    expect(empty).toMatchObject({ values: [], completed: true });
    const noChildren = record(
      mergeCompletedThen(
        ['a', 'b'],
        (item) => of(item === 'a' ? [] : [1]),
        (c) => of(c * 10),
      ),
    );
    expect(noChildren).toMatchObject({ values: [10], completed: true });
  });

  it('reads any iterable a stage-1 result gives', async () => {
    const rec = await run(
      mergeCompletedThen(
        [2],
        async (n) => new Set(Array.from({ length: n }, (_, i) => i)),
        async (child) => child * 100,
      ),
    );
    expect(rec.values).toEqual([0, 100]);
  });

  it("tags stage-2 results with item, child and progress in emit: 'tagged'", async () => {
    const rec = await run(
      mergeCompletedThen(
        ['a', 'b'],
        (item) => delay(item === 'a' ? 40 : 5, [`${item}1`, `${item}2`]),
        (child) => delay(child.endsWith('1') ? 20 : 5, child.toUpperCase()),
        {
          emit: 'tagged',
        },
      ),
    );
    const expected: ThenCompletion<string, string, string>[] = [
      { value: 'B2', item: 'b', itemIndex: 1, child: 'b2', childIndex: 1, completed: 1, batch: 0 },
      { value: 'B1', item: 'b', itemIndex: 1, child: 'b1', childIndex: 0, completed: 2, batch: 0 },
      { value: 'A2', item: 'a', itemIndex: 0, child: 'a2', childIndex: 1, completed: 3, batch: 0 },
      { value: 'A1', item: 'a', itemIndex: 0, child: 'a1', childIndex: 0, completed: 4, batch: 0 },
    ];
    expect(rec.values).toEqual(expected);
  });

  it("emits a record per stage-2 input and a stage-1 record per failed item in emit: 'settled'", async () => {
    const e1 = new Error('stage 1');
    const e2 = new Error('stage 2');
    const rec = await run(
      mergeCompletedThen(
        ['ok', 'bad', 'weird'],
        (item): Promise<Iterable<number>> =>
          item === 'bad' ? rejectAfter(5, e1) : item === 'weird' ? delay(25, 42 as never) : delay(45, [1, 2]),
        (child) => (child === 2 ? rejectAfter(5, e2) : delay(20, child)),
        { emit: 'settled' },
      ),
    );
    expect(rec.completed).toBe(true);
    const [bad, weird, two, one] = rec.values;
    expect(bad).toEqual({
      status: 'rejected',
      reason: e1,
      stage: 1,
      item: 'bad',
      itemIndex: 1,
      completed: 1,
      batch: 0,
    });
    expect(weird).toMatchObject({ status: 'rejected', stage: 1, item: 'weird', itemIndex: 2, completed: 2, batch: 0 });
    expect(weird.status === 'rejected' && weird.reason).toBeInstanceOf(TypeError);
    expect(two).toEqual({
      status: 'rejected',
      reason: e2,
      stage: 2,
      item: 'ok',
      itemIndex: 0,
      child: 2,
      childIndex: 1,
      completed: 3,
      batch: 0,
    });
    const expectedOne: ThenSettled<string, number, number> = {
      status: 'fulfilled',
      value: 1,
      stage: 2,
      item: 'ok',
      itemIndex: 0,
      child: 1,
      childIndex: 0,
      completed: 4,
      batch: 0,
    };
    expect(one).toEqual(expectedOne);
    expect(rec.values).toHaveLength(4);
  });

  describe('fail fast', () => {
    it('errors on a stage-1 failure and aborts everything else', async () => {
      const err = new Error('stage 1');
      const signals: AbortSignal[] = [];
      const rec = await run(
        mergeCompletedThen(
          ['fails', 'slow', 'fast'],
          (item, _i, signal) => {
            signals.push(signal);
            return item === 'fails' ? rejectAfter(40, err) : fakeFetch(signal, item === 'slow' ? 100 : 5, [item]);
          },
          (child, _item, signal) => {
            signals.push(signal);
            return fakeFetch(signal, 100, child);
          },
        ),
      );
      expect(rec).toMatchObject({ values: [], errored: true });
      expect(rec.error).toBe(err);
      // fails, slow, fast (stage 1) and fast's child (stage 2): all aborted but the one that failed.
      expect(signals.map((s) => s.aborted)).toEqual([false, true, false, true]);
    });

    it('errors on a stage-2 failure, keeping earlier results, and never starts queued work', async () => {
      const err = new Error('stage 2');
      let thenCalls = 0;
      const rec = await run(
        mergeCompletedThen(
          ['a'],
          async () => [1, 2, 3, 4],
          async (child) => {
            thenCalls++;
            await delay(child === 1 ? 5 : 40);
            if (child === 2) throw err;
            return child;
          },
          { concurrency: 2 },
        ),
      );
      expect(rec.values).toEqual([1]);
      expect(rec.error).toBe(err);
      // 1 and 2 start; 1 finishes and 3 starts; 2 fails: 4 never starts.
      expect(thenCalls).toBe(3);
    });

    it('fails an item whose stage-1 result is not iterable with a TypeError', async () => {
      const rec = await run(
        mergeCompletedThen(
          ['a'],
          async () => 42 as unknown as number[],
          async (c) => c,
        ),
      );
      expect(rec.error).toBeInstanceOf(TypeError);
      expect((rec.error as Error).message).toMatch(/`first`/);
    });
  });

  it('treats a first or then that throws as a failure of that item or child', async () => {
    const e1 = new Error('first threw');
    const e2 = new Error('then threw');
    const rec = await run(
      mergeCompletedThen(
        ['bad', 'ok'],
        (item) => {
          if (item === 'bad') throw e1;
          return of([1, 2]);
        },
        (child) => {
          if (child === 1) throw e2;
          return of(child);
        },
        { emit: 'settled' },
      ),
    );
    expect(rec.values.map((r) => [r.stage, r.status, r.status === 'rejected' ? r.reason : r.value])).toEqual([
      [1, 'rejected', e1],
      [2, 'rejected', e2],
      [2, 'fulfilled', 2],
    ]);
    expect(rec.completed).toBe(true);
  });

  describe('concurrency', () => {
    function tracker() {
      const active = { first: 0, then: 0, both: 0 };
      const peak = { first: 0, then: 0, both: 0 };
      const enter = (stage: 'first' | 'then') => {
        active[stage]++;
        active.both++;
        peak[stage] = Math.max(peak[stage], active[stage]);
        peak.both = Math.max(peak.both, active.both);
      };
      const leave = (stage: 'first' | 'then') => {
        active[stage]--;
        active.both--;
      };
      return { peak, enter, leave };
    }

    it('shares one budget between the stages when it is a number', async () => {
      const t = tracker();
      const rec = await run(
        mergeCompletedThen(
          [1, 2, 3, 4],
          async (n) => {
            t.enter('first');
            await delay(5);
            t.leave('first');
            return [n, n];
          },
          async (c) => {
            t.enter('then');
            await delay(5);
            t.leave('then');
            return c;
          },
          { concurrency: 3 },
        ),
      );
      expect(rec.values).toHaveLength(8);
      expect(t.peak.both).toBe(3);
    });

    it('caps each stage on its own with { first, then }', async () => {
      const t = tracker();
      const rec = await run(
        mergeCompletedThen(
          [1, 2, 3],
          async (n) => {
            t.enter('first');
            await delay(5);
            t.leave('first');
            return [n, n, n];
          },
          async (c) => {
            t.enter('then');
            await delay(10);
            t.leave('then');
            return c;
          },
          { concurrency: { first: 1, then: 2 } },
        ),
      );
      expect(rec.values).toHaveLength(9);
      expect(t.peak).toEqual({ first: 1, then: 2, both: 3 });
    });

    it('gives a freed slot to stage 2 before stage 1 (finish what was begun)', async () => {
      const log: string[] = [];
      await run(
        mergeCompletedThen(
          ['A', 'B'],
          async (item) => {
            log.push(`first ${item}`);
            await delay(5);
            return [`${item.toLowerCase()}1`];
          },
          async (child) => {
            log.push(`then ${child}`);
            await delay(5);
            return child;
          },
          { concurrency: 1 },
        ),
      );
      expect(log).toEqual(['first A', 'then a1', 'first B', 'then b1']);
    });
  });

  describe('teardown', () => {
    it('aborts the signals of both stages on unsubscribe', async () => {
      const signals: AbortSignal[] = [];
      const rec = record(
        mergeCompletedThen(
          ['a', 'b'],
          (item, _i, signal) => {
            signals.push(signal);
            return fakeFetch(signal, item === 'a' ? 5 : 100, [1]);
          },
          (child, _item, signal) => {
            signals.push(signal);
            return fakeFetch(signal, 100, child);
          },
        ),
      );
      await sleep(15);
      expect(signals).toHaveLength(3);
      rec.subscription.unsubscribe();
      // a's stage 1 had finished; b's stage 1 and a's child were running.
      expect(signals.map((s) => s.aborted)).toEqual([false, true, true]);
    });
  });

  describe('pipeable form', () => {
    it('runs every source collection as a batch', async () => {
      const rec = await run(
        of(['a'], ['b']).pipe(
          mergeCompletedThen(
            (item: string) => delay(item === 'a' ? 40 : 5, [1]),
            (child: number, item: string) => delay(5, `${item}${child}`),
            { emit: 'tagged' },
          ),
        ),
      );
      expect(
        rec.values.map(({ value, batch, itemIndex, completed }) => ({ value, batch, itemIndex, completed })),
      ).toEqual([
        { value: 'b1', batch: 1, itemIndex: 0, completed: 1 },
        { value: 'a1', batch: 0, itemIndex: 0, completed: 1 },
      ]);
      expect(rec.completed).toBe(true);
    });

    it('completes when the source and every batch have completed', async () => {
      const source = new Subject<string[]>();
      const rec = record(
        source.pipe(
          mergeCompletedThen(
            (item: string) => delay(5, [item]),
            (c: string) => delay(5, c),
          ),
        ),
      );
      source.next(['x']);
      source.complete();
      expect(rec.completed).toBe(false);
      await rec.done;
      expect(rec).toMatchObject({ values: ['x'], completed: true });
    });
  });

  describe('pages: first gives a stream of lists', () => {
    let watch: ReturnType<typeof watchUnhandledRejections>;
    beforeEach(() => (watch = watchUnhandledRejections()));
    afterEach(() => watch.stop());

    /** A paginated listing: three pages of two ids, each page a request that honours `signal`. */
    function listing(log: string[], ended: string[]) {
      return async function* pages(item: string, signal: AbortSignal): AsyncGenerator<number[]> {
        try {
          for (let cursor: number | undefined = 0; cursor !== undefined;) {
            log.push(`page ${item}${cursor}`);
            const page: { ids: number[]; next: number | undefined } = await fakeFetch(signal, 30, {
              ids: [cursor * 2, cursor * 2 + 1],
              next: cursor < 2 ? cursor + 1 : undefined,
            });
            yield page.ids;
            cursor = page.next;
          }
        } finally {
          ended.push(item);
        }
      };
    }

    it("starts each page's children while the next page is fetched, childIndex counting on (an async generator)", async () => {
      const log: string[] = [];
      const ended: string[] = [];
      const firstSignals: AbortSignal[] = [];
      const pages = listing(log, ended);
      const rec = await run(
        mergeCompletedThen(
          ['a'],
          (item, _i, signal) => (firstSignals.push(signal), pages(item, signal)),
          (id, _item, signal) => {
            log.push(`then ${id}`);
            return fakeFetch(signal, 5, id * 10);
          },
          { emit: 'tagged' },
        ).pipe(tap(({ value }) => log.push(`got ${value}`))),
      );
      expect(rec.completed).toBe(true);
      // Page 1 is requested the moment page 0's children have started; their
      // results are in before page 1 is.
      expect(log).toEqual([
        'page a0',
        'then 0',
        'then 1',
        'page a1',
        'got 0',
        'got 10',
        'then 2',
        'then 3',
        'page a2',
        'got 20',
        'got 30',
        'then 4',
        'then 5',
        'got 40',
        'got 50',
      ]);
      expect(rec.values.map(({ child, childIndex, completed }) => [child, childIndex, completed])).toEqual([
        [0, 0, 1],
        [1, 1, 2],
        [2, 2, 3],
        [3, 3, 4],
        [4, 4, 5],
        [5, 5, 6],
      ]);
      expect(ended).toEqual(['a']);
      expect(firstSignals[0].aborted).toBe(false);
    });

    it('closes the page generator and aborts its signal and its children on unsubscribe while paging', async () => {
      const log: string[] = [];
      const ended: string[] = [];
      const signals: AbortSignal[] = [];
      const pages = listing(log, ended);
      const rec = record(
        mergeCompletedThen(
          ['a'],
          (item, _i, signal) => (signals.push(signal), pages(item, signal)),
          (id, _item, signal) => (signals.push(signal), fakeFetch(signal, 200, id)),
        ),
      );
      await sleep(45);
      // Page 0 is in (its two children run), page 1 is being fetched.
      expect(log).toEqual(['page a0', 'page a1']);
      rec.subscription.unsubscribe();
      expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
      await sleep(10);
      // The aborted request rejected the pending `next()`: the generator's `finally` ran.
      expect(ended).toEqual(['a']);
      expect(log).toEqual(['page a0', 'page a1']);
      expect(watch.seen).toEqual([]);
    });

    it("lets the children of earlier pages finish when a later page fails, with the item's stage-1 record (emit: 'settled')", async () => {
      const boom = new Error('page 1 failed');
      async function* pages(): AsyncGenerator<string[]> {
        yield ['x', 'y'];
        await delay(5);
        throw boom;
      }
      const rec = await run(
        mergeCompletedThen(['a'], pages, (child, _item, signal) => fakeFetch(signal, 30, child.toUpperCase()), {
          emit: 'settled',
        }),
      );
      expect(rec.completed).toBe(true);
      expect(rec.values).toEqual([
        { status: 'rejected', reason: boom, stage: 1, item: 'a', itemIndex: 0, completed: 1, batch: 0 },
        {
          status: 'fulfilled',
          value: 'X',
          stage: 2,
          item: 'a',
          itemIndex: 0,
          child: 'x',
          childIndex: 0,
          completed: 2,
          batch: 0,
        },
        {
          status: 'fulfilled',
          value: 'Y',
          stage: 2,
          item: 'a',
          itemIndex: 0,
          child: 'y',
          childIndex: 1,
          completed: 3,
          batch: 0,
        },
      ]);
    });

    it('takes a promise of a list, and the list itself, as one list', async () => {
      const rec = await run(
        mergeCompletedThen(
          ['p', 'l'],
          (item) => (item === 'p' ? delay(5, new Set([1, 2])) : [3]),
          async (child) => child * 10,
          { emit: 'tagged' },
        ),
      );
      expect(rec.values.map(({ item, childIndex, value }) => [item, childIndex, value])).toEqual([
        ['l', 0, 30],
        ['p', 0, 10],
        ['p', 1, 20],
      ]);
    });

    it('runs a page of 1e5 synchronous children at concurrency 1, and 1e5 synchronous pages, without overflowing the stack', () => {
      const ids = Array.from({ length: 100_000 }, (_, i) => i);
      const big = record(
        mergeCompletedThen(
          ['a'],
          () => of(ids),
          (id) => of(id),
          { concurrency: 1 },
        ),
      );
      expect(big.completed).toBe(true);
      expect(big.values).toHaveLength(100_000);
      expect(big.values[99_999]).toBe(99_999);

      for (const concurrency of [1, Infinity]) {
        const many = record(
          mergeCompletedThen(
            ['a'],
            () => range(0, 100_000).pipe(map((i) => [i])),
            (id) => of(id),
            { concurrency, emit: 'tagged' },
          ),
        );
        expect(many.completed).toBe(true);
        expect(many.values).toHaveLength(100_000);
        expect(many.values.every((r, k) => r.child === k && r.childIndex === k)).toBe(true);
      }
    });

    it("takes the next page from inside the consumer's next, 1e4 times over, in order and without stack growth", () => {
      const N = 10_000;
      const pages = new Subject<number[]>();
      const seen: Array<[number, number]> = [];
      let completed = false;
      mergeCompletedThen(
        ['a'],
        () => pages,
        (id) => of(id),
        { emit: 'tagged' },
      ).subscribe({
        next: ({ value, childIndex }) => {
          seen.push([value, childIndex]);
          // Each result asks for the next page while the engine is still delivering.
          if (value + 1 < N) pages.next([value + 1]);
          else pages.complete();
        },
        complete: () => (completed = true),
      });
      pages.next([0]);
      expect(completed).toBe(true);
      expect(seen).toHaveLength(N);
      expect(seen.every(([value, childIndex], k) => value === k && childIndex === k)).toBe(true);
    });

    it("reads no further page once a child's finalizer has unsubscribed the output during a page's delivery", async () => {
      let pagesRead = 0;
      let thenCalls = 0;
      let firstSignal: AbortSignal | undefined;
      const stop = new Subject<void>();
      // Pages delivered together, after stage 1 has started (pages delivered
      // while it starts wait for its start to end before their children start).
      const pages = new Observable<number[]>((subscriber) => {
        const timer = setTimeout(() => {
          for (let i = 0; i < 1000 && !subscriber.closed; i++) {
            pagesRead++;
            subscriber.next([i, i]);
          }
          subscriber.complete();
        });
        return () => clearTimeout(timer);
      });
      const rec = await run(
        mergeCompletedThen(
          ['a'],
          (_item, _i, signal) => ((firstSignal = signal), pages),
          (id) => {
            thenCalls++;
            return new Observable<number>((subscriber) => {
              subscriber.next(id);
              subscriber.complete();
              return () => stop.next();
            });
          },
        ).pipe(takeUntil(stop)),
      );
      // Child 0's outcome is out before its finalizer runs; then everything stops.
      expect(rec).toMatchObject({ values: [0], completed: true });
      expect(pagesRead).toBe(1);
      expect(thenCalls).toBe(1);
      expect(firstSignal?.aborted).toBe(true);
    });
  });

  describe('no unhandled rejections', () => {
    let watch: ReturnType<typeof watchUnhandledRejections>;
    beforeEach(() => (watch = watchUnhandledRejections()));
    afterEach(() => watch.stop());

    it('from stage-2 promises that reject after fail fast or unsubscribe', async () => {
      const rec = await run(
        mergeCompletedThen(
          ['a'],
          async () => [1, 2],
          (child) => rejectAfter(child === 1 ? 5 : 20, new Error(`child ${child}`)),
        ),
      );
      expect(rec.error).toEqual(new Error('child 1'));
      const rec2 = record(
        mergeCompletedThen(
          ['a'],
          async () => [1],
          () => rejectAfter(10, new Error('late')),
        ),
      );
      await sleep(2);
      rec2.subscription.unsubscribe();
      await sleep(30);
      expect(watch.seen).toEqual([]);
    });
  });
});

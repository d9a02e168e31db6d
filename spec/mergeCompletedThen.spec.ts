import { of, Subject } from 'rxjs';
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

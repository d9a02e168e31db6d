import { of, Subject } from 'rxjs';
import {
  AsCompletedTimeoutError,
  asCompletedWithTimeout,
  type AsCompletedTimeoutInfo,
  type CompletionInput,
} from '../src/index.js';
import {
  delay,
  probe,
  record,
  rejectAfter,
  run,
  sleep,
  spyScheduler,
  watchUnhandledRejections,
} from './support/async.js';

/** The info as plain data (pending/queued may be getters). */
const infoOf = (error: unknown): AsCompletedTimeoutInfo => {
  expect(error).toBeInstanceOf(AsCompletedTimeoutError);
  const { info } = error as AsCompletedTimeoutError;
  return { ...info, pending: [...info.pending], queued: [...info.queued] };
};

describe('AsCompletedTimeoutError', () => {
  it('is an Error with a fixed name, its info and a message with the counts', () => {
    const info: AsCompletedTimeoutInfo = {
      scope: 'total',
      timeout: 3000,
      total: 4,
      completed: 2,
      pending: [0, 3],
      queued: [],
    };
    const error = new AsCompletedTimeoutError(info);
    expect(error).toBeInstanceOf(AsCompletedTimeoutError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AsCompletedTimeoutError');
    expect(error.message).toBe('2 (of 4) inputs unfinished after 3000 ms');
    expect(error.info).toEqual(info);
    expect(Object.prototype.toString.call(error)).toBe('[object Error]');
    expect(String(error)).toBe('AsCompletedTimeoutError: 2 (of 4) inputs unfinished after 3000 ms');
  });

  it("names the input and its limit for scope 'each'", () => {
    const error = new AsCompletedTimeoutError({
      scope: 'each',
      timeout: 50,
      total: 3,
      completed: 1,
      pending: [1, 2],
      queued: [],
      index: 2,
    });
    expect(error.message).toMatch(/\b2\b.*\(of 3\).*50 ms/);
  });

  it('counts what was read when a lazy collection has no size yet (total undefined)', async () => {
    function* lazy() {
      for (let i = 0; i < 5; i++) yield delay(1000, i);
    }
    const { error } = await run(asCompletedWithTimeout(lazy(), { total: 20, concurrency: 2 }));
    const info = infoOf(error);
    expect(info).toMatchObject({ scope: 'total', total: undefined, completed: 0, pending: [0, 1] });
    expect((error as Error).message).toBe(
      '2 input(s) read but unfinished after 20 ms (the collection was still being read)',
    );
    const each = new AsCompletedTimeoutError({ ...info, scope: 'each', index: 1 });
    expect(each.message).toBe('Input 1 (of a collection still being read) unfinished after its limit of 20 ms');
  });

  const someInfo: AsCompletedTimeoutInfo = {
    scope: 'total',
    timeout: 1,
    total: 1,
    completed: 0,
    pending: [0],
    queued: [],
  };

  it('passes `instanceof` across two copies of the module (an app loading both the ESM and the CJS build)', () => {
    let Other: typeof AsCompletedTimeoutError | undefined;
    jest.isolateModules(() => {
      Other = (require('../src/AsCompletedTimeoutError') as { AsCompletedTimeoutError: typeof AsCompletedTimeoutError })
        .AsCompletedTimeoutError;
    });
    expect(Other).not.toBe(AsCompletedTimeoutError);
    expect(new Other!(someInfo) instanceof AsCompletedTimeoutError).toBe(true);
    expect(new AsCompletedTimeoutError(someInfo) instanceof Other!).toBe(true);
    // Look-alikes and other errors do not pass.
    expect(
      Object.assign(new Error('x'), { name: 'AsCompletedTimeoutError', info: someInfo }) instanceof
        AsCompletedTimeoutError,
    ).toBe(false);
    for (const other of [null, undefined, 'AsCompletedTimeoutError', 42]) {
      expect((other as unknown) instanceof AsCompletedTimeoutError).toBe(false);
    }
  });

  it('keeps the ordinary `instanceof` for a subclass', () => {
    class Retryable extends AsCompletedTimeoutError {}
    expect(new Retryable(someInfo)).toBeInstanceOf(AsCompletedTimeoutError);
    expect(new Retryable(someInfo)).toBeInstanceOf(Retryable);
    expect(new AsCompletedTimeoutError(someInfo) instanceof Retryable).toBe(false);
  });
});

describe('asCompletedWithTimeout', () => {
  describe('total deadline', () => {
    it('emits what finished in time, then errors with AsCompletedTimeoutError', async () => {
      const started = Date.now();
      const slow = probe(300, 'slow');
      const rec = await run(asCompletedWithTimeout([delay(5, 'a'), delay(300, 'b'), slow, delay(25, 'd')], 60));
      const elapsed = Date.now() - started;
      expect(rec.values).toEqual(['a', 'd']);
      expect(rec.completed).toBe(false);
      expect(infoOf(rec.error)).toEqual({
        scope: 'total',
        timeout: 60,
        total: 4,
        completed: 2,
        pending: [1, 2],
        queued: [],
      });
      expect((rec.error as Error).name).toBe('AsCompletedTimeoutError');
      expect((rec.error as Error).message).toBe('2 (of 4) inputs unfinished after 60 ms');
      expect(elapsed).toBeGreaterThanOrEqual(58);
      expect(elapsed).toBeLessThan(290);
      // The running factory is aborted with the timeout error itself.
      expect(slow.signal.aborted).toBe(true);
      expect(slow.signal.reason).toBe(rec.error);
    });

    it('accepts the same as { total }', async () => {
      const rec = await run(asCompletedWithTimeout([delay(5, 'a'), delay(300, 'b')], { total: 50 }));
      expect(rec.values).toEqual(['a']);
      expect(infoOf(rec.error)).toMatchObject({ scope: 'total', timeout: 50, pending: [1] });
    });

    it("errors in emit: 'tagged' too, after the tagged results", async () => {
      const rec = await run(asCompletedWithTimeout([delay(300, 'b'), delay(5, 'a')], { total: 50, emit: 'tagged' }));
      expect(rec.values).toEqual([
        { value: 'a', index: 1, input: expect.any(Promise), completed: 1, total: 2, batch: 0 },
      ]);
      expect(infoOf(rec.error)).toEqual({
        scope: 'total',
        timeout: 50,
        total: 2,
        completed: 1,
        pending: [0],
        queued: [],
      });
    });

    it('lists queued inputs apart from pending ones and never starts them', async () => {
      const a = probe(5, 'a');
      const b = probe(300, 'b');
      const c = probe(300, 'c');
      const d = probe(5, 'd');
      const rec = await run(asCompletedWithTimeout([a, b, c, d], { total: 50, concurrency: 2 }));
      // a finishes at 5 ms and frees a slot for c; d waits behind b and c.
      expect(rec.values).toEqual(['a']);
      expect(infoOf(rec.error)).toEqual({
        scope: 'total',
        timeout: 50,
        total: 4,
        completed: 1,
        pending: [1, 2],
        queued: [3],
      });
      expect(d.calls).toBe(0);
      expect([b.signal.aborted, c.signal.aborted]).toEqual([true, true]);
      expect(a.signal.aborted).toBe(false);
    });

    it("completes quietly with onTimeout: 'complete', still tearing down", async () => {
      const slow = probe(300, 'slow');
      const queued = probe(5, 'queued');
      const rec = await run(
        asCompletedWithTimeout([delay(5, 'a'), slow, queued], { total: 50, onTimeout: 'complete', concurrency: 2 }),
      );
      // `queued` got a's slot at 5 ms and finished in time.
      expect(rec).toMatchObject({ values: ['a', 'queued'], completed: true, errored: false });
      expect(slow.signal.aborted).toBe(true);
      expect(slow.signal.reason).toBeInstanceOf(AsCompletedTimeoutError);

      const never = probe(5, 'never');
      const busy = probe(300, 'busy');
      const rec2 = await run(
        asCompletedWithTimeout([busy, never], { total: 20, onTimeout: 'complete', concurrency: 1 }),
      );
      expect(rec2).toMatchObject({ values: [], completed: true });
      expect(never.calls).toBe(0);
      expect(busy.signal.reason).toBeInstanceOf(AsCompletedTimeoutError);
    });

    it("in emit: 'settled', gives every unfinished input a rejected record, in index order, then completes", async () => {
      const inputs = [probe(300, 'a'), probe(5, 'b'), probe(300, 'c'), probe(5, 'd'), probe(5, 'e')];
      const rec = await run(asCompletedWithTimeout(inputs, { total: 50, emit: 'settled', concurrency: 2 }));
      // 0 and 1 start; 1 finishes at 5 ms, 2 starts; 3 and 4 stay queued.
      expect(rec.completed).toBe(true);
      expect(rec.errored).toBe(false);
      expect(rec.values.map((r) => [r.status, r.index, r.completed, r.total])).toEqual([
        ['fulfilled', 1, 1, 5],
        ['rejected', 0, 2, 5],
        ['rejected', 2, 3, 5],
        ['rejected', 3, 4, 5],
        ['rejected', 4, 5, 5],
      ]);
      for (const r of rec.values.slice(1)) {
        expect(r.status === 'rejected' && infoOf(r.reason)).toEqual({
          scope: 'total',
          timeout: 50,
          total: 5,
          completed: 1,
          pending: [0, 2],
          queued: [3, 4],
        });
        expect(r.input).toBe(inputs[r.index]);
      }
      expect([inputs[3].calls, inputs[4].calls]).toEqual([0, 0]);
      expect(inputs[0].signal.reason).toBeInstanceOf(AsCompletedTimeoutError);
    });

    it('lets an input finishing at the deadline lose', async () => {
      const rec = await run(asCompletedWithTimeout([() => delay(30, 'on the line')], 30));
      expect(rec.values).toEqual([]);
      expect(infoOf(rec.error)).toMatchObject({ pending: [0], completed: 0 });
    });

    it("with total 0 keeps synchronous results and those delivered before the deadline's timer runs, and fails the rest", async () => {
      // `early`'s timer was set before subscribing, so before the deadline's:
      // in event order its result comes first and counts.
      const rec = await run(
        asCompletedWithTimeout<CompletionInput<string>[]>([of('sync'), delay(1, 'early'), delay(200, 'late')], 0),
      );
      expect(rec.values).toEqual(['sync', 'early']);
      expect(infoOf(rec.error)).toEqual({
        scope: 'total',
        timeout: 0,
        total: 3,
        completed: 2,
        pending: [2],
        queued: [],
      });
    });

    it('accepts a Date as the deadline', async () => {
      const rec = await run(asCompletedWithTimeout([delay(5, 'a'), delay(300, 'b')], new Date(Date.now() + 50)));
      expect(rec.values).toEqual(['a']);
      const info = infoOf(rec.error);
      expect(info).toMatchObject({ scope: 'total', pending: [1] });
      expect(info.timeout).toBeGreaterThan(0);
      expect(info.timeout).toBeLessThanOrEqual(50);
    });

    it('fires at once for a Date in the past', async () => {
      const rec = await run(asCompletedWithTimeout({ total: new Date(Date.now() - 1000) })(of([delay(100, 'a')])));
      expect(infoOf(rec.error)).toMatchObject({ timeout: 0, pending: [0] });
    });

    it('clears its timer at once when every input finishes early', async () => {
      const scheduler = spyScheduler();
      const started = Date.now();
      const rec = await run(
        asCompletedWithTimeout([delay(5, 'a'), delay(10, 'b')], { total: 5000, each: 4000, scheduler }),
      );
      expect(rec).toMatchObject({ values: ['a', 'b'], completed: true });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(scheduler.actions.length).toBeGreaterThan(0);
      expect(scheduler.armed).toBe(0);
    });

    it('completes an empty collection at once and arms no timer', () => {
      const scheduler = spyScheduler();
      const rec = record(asCompletedWithTimeout([], { total: 50, each: 10, scheduler }));
      expect(rec).toMatchObject({ values: [], completed: true });
      expect(scheduler.actions).toEqual([]);
    });

    it('leaves no timer armed after unsubscribe', async () => {
      const scheduler = spyScheduler();
      const slow = probe(200, 'slow');
      const rec = record(asCompletedWithTimeout([slow, delay(200)], { total: 100, each: 50, scheduler }));
      await sleep(5);
      expect(scheduler.armed).toBeGreaterThan(0);
      rec.subscription.unsubscribe();
      expect(scheduler.armed).toBe(0);
      expect(slow.signal.aborted).toBe(true);
    });

    it('leaves no timer armed after a fail-fast error', async () => {
      const scheduler = spyScheduler();
      const rec = await run(
        asCompletedWithTimeout([rejectAfter(5, 'no'), delay(200)], { total: 100, each: 50, scheduler }),
      );
      expect(rec.error).toBe('no');
      expect(scheduler.armed).toBe(0);
    });
  });

  describe('each (per-input limit)', () => {
    it('fails fast with scope each and the index of the input that expired', async () => {
      const late = probe(300, 'late');
      const other = probe(300, 'other');
      const rec = await run(
        asCompletedWithTimeout([delay(5, 'a'), late, probe(25, 'c'), other], { each: 60, concurrency: 3 }),
      );
      // 0, 1, 2 start at 0 ms; 3 starts when 0 finishes (5 ms) and would expire at 65 ms, after 1 at 60 ms.
      expect(rec.values).toEqual(['a', 'c']);
      expect(infoOf(rec.error)).toEqual({
        scope: 'each',
        timeout: 60,
        total: 4,
        completed: 2,
        pending: [1, 3],
        queued: [],
        index: 1,
      });
      expect(late.signal.reason).toBe(rec.error);
      expect(other.signal.aborted).toBe(true);
    });

    it('counts from when the input starts, not the time spent queued', async () => {
      // Ten inputs of 10 ms one after another: 100 ms in all, each well within its own 60 ms.
      const names = 'abcdefghij'.split('');
      const rec = await run(
        asCompletedWithTimeout(
          names.map((v) => probe(10, v)),
          { each: 60, concurrency: 1 },
        ),
      );
      expect(rec).toMatchObject({ values: names, completed: true });
    });

    it('leaves no timer armed after completing when an expiry started a queued input', async () => {
      const scheduler = spyScheduler();
      const rec = await run(
        asCompletedWithTimeout([probe(300, 'late'), probe(5, 'next')], {
          each: 30,
          concurrency: 1,
          emit: 'settled',
          scheduler,
        }),
      );
      expect(rec.values.map((r) => [r.status, r.index])).toEqual([
        ['rejected', 0],
        ['fulfilled', 1],
      ]);
      expect(rec.completed).toBe(true);
      expect(scheduler.armed).toBe(0);
    });

    it('leaves no timer armed after unsubscribing when an expiry started a queued input', async () => {
      const scheduler = spyScheduler();
      const next = probe(300, 'next');
      const rec = record(
        asCompletedWithTimeout([probe(300, 'late'), next], { each: 30, concurrency: 1, emit: 'settled', scheduler }),
      );
      // `late` expires at 30 ms and `next` starts; unsubscribe before `next` would expire (60 ms).
      await sleep(45);
      expect(next.calls).toBe(1);
      expect(next.signal.aborted).toBe(false);
      rec.subscription.unsubscribe();
      expect(scheduler.armed).toBe(0);
    });

    it('never expires a synchronous input, even with each: 0', async () => {
      const rec = await run(
        asCompletedWithTimeout<CompletionInput<string>[], 'settled'>([of('sync'), () => delay(20, 'async')], {
          each: 0,
          emit: 'settled',
        }),
      );
      expect(rec.values.map((r) => [r.index, r.status])).toEqual([
        [0, 'fulfilled'],
        [1, 'rejected'],
      ]);
    });

    it("is a rejected record in emit: 'settled'; the others go on", async () => {
      const late = probe(300, 'late');
      const rec = await run(
        asCompletedWithTimeout([late, probe(5, 'a'), probe(300, 'b')], { each: 40, emit: 'settled' }),
      );
      expect(rec.values.map((r) => [r.status, r.index])).toEqual([
        ['fulfilled', 1],
        ['rejected', 0],
        ['rejected', 2],
      ]);
      const [, first, second] = rec.values;
      expect(first.status === 'rejected' && infoOf(first.reason)).toMatchObject({
        scope: 'each',
        index: 0,
        timeout: 40,
      });
      expect(second.status === 'rejected' && infoOf(second.reason)).toMatchObject({ scope: 'each', index: 2 });
      expect(late.signal.reason).toBe(first.status === 'rejected' && first.reason);
      expect(rec.completed).toBe(true);
    });

    it('combines with total: whichever comes first', async () => {
      const rec = await run(asCompletedWithTimeout([probe(300, 'a'), probe(300, 'b')], { each: 150, total: 20 }));
      expect(infoOf(rec.error).scope).toBe('total');
      const rec2 = await run(asCompletedWithTimeout([probe(300, 'a'), probe(5, 'b')], { each: 30, total: 150 }));
      expect(rec2.values).toEqual(['b']);
      expect(infoOf(rec2.error)).toMatchObject({ scope: 'each', index: 0 });
    });
  });

  describe('pipeable form', () => {
    it('gives every batch its own deadline from its arrival', async () => {
      const source = new Subject<Array<(signal: AbortSignal) => Promise<string>>>();
      const b0 = probe(300, 'b0');
      const rec = record(source.pipe(asCompletedWithTimeout({ total: 80, onTimeout: 'complete', emit: 'tagged' })));
      source.next([probe(5, 'a0'), b0]);
      await sleep(40);
      // Arrives at ~40 ms: its deadline is ~120 ms, so a1 (done at ~60 ms) makes it, though batch 0 times out at 80 ms.
      source.next([probe(20, 'a1')]);
      source.complete();
      await rec.done;
      expect(rec.values.map(({ value, batch }) => [value, batch])).toEqual([
        ['a0', 0],
        ['a1', 1],
      ]);
      expect(rec.completed).toBe(true);
      expect(b0.signal.reason).toBeInstanceOf(AsCompletedTimeoutError);
    });

    it('errors the output with the first batch that misses its deadline', async () => {
      const other = probe(300, 'other');
      const rec = await run(of([probe(300, 'x')], [other]).pipe(asCompletedWithTimeout(20)));
      expect(infoOf(rec.error)).toMatchObject({ scope: 'total', total: 1, pending: [0] });
      expect(other.signal.aborted).toBe(true);
    });
  });

  describe('no unhandled rejections', () => {
    let watch: ReturnType<typeof watchUnhandledRejections>;
    beforeEach(() => (watch = watchUnhandledRejections()));
    afterEach(() => watch.stop());

    it('from a running promise that rejects after the deadline', async () => {
      const late = rejectAfter(30, new Error('late'));
      const rec = await run(asCompletedWithTimeout([late], 10));
      expect(rec.error).toBeInstanceOf(AsCompletedTimeoutError);
      await sleep(30);
      expect(watch.seen).toEqual([]);
    });

    it('from a queued promise that rejects after the deadline', async () => {
      const queued = rejectAfter(25, new Error('queued'));
      const rec = await run(
        asCompletedWithTimeout([delay(200), queued], { total: 10, concurrency: 1, emit: 'settled' }),
      );
      expect(rec.values.map((r) => r.status === 'rejected' && r.reason)).toEqual([
        expect.any(AsCompletedTimeoutError),
        expect.any(AsCompletedTimeoutError),
      ]);
      await sleep(30);
      queued.catch(() => {});
      expect(watch.seen).toEqual([]);
    });
  });
});

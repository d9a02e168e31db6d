import { EmptyError, Observable, of, Subject, throwError } from 'rxjs';
import { firstCompleted, type CompletionInput } from '../src/index.js';
import { delay, probe, record, rejectAfter, run, sleep, watchUnhandledRejections } from './support/async.js';

const aggregate = (error: unknown): unknown[] => {
  expect(error).toBeInstanceOf(AggregateError);
  return (error as AggregateError).errors;
};

describe('firstCompleted', () => {
  it('emits the first fulfilled result and completes', async () => {
    const rec = await run(firstCompleted([delay(60, 'slow'), delay(5, 'fast'), delay(30, 'medium')]));
    expect(rec).toMatchObject({ values: ['fast'], completed: true, errored: false });
  });

  it('skips failures', async () => {
    const rec = await run(firstCompleted([delay(30, 'ok'), rejectAfter(5, new Error('no'))]));
    expect(rec).toMatchObject({ values: ['ok'], completed: true });
  });

  it('tears down and aborts every other input once there is a winner, but not the winner', async () => {
    const winner = probe(10, 'winner');
    const loser = probe(100, 'loser');
    let teardowns = 0;
    const neverSettles = new Promise<string>(() => {});
    const observable = new Observable<string>(() => () => void teardowns++);
    const rec = await run(firstCompleted<CompletionInput<string>[]>([loser, winner, neverSettles, observable]));
    expect(rec.values).toEqual(['winner']);
    expect(loser.signal.aborted).toBe(true);
    expect(winner.signal.aborted).toBe(false);
    expect(teardowns).toBe(1);
  });

  it('never starts queued inputs once there is a winner', async () => {
    const a = probe(10, 'a');
    const b = probe(5, 'b');
    const rec = await run(firstCompleted([a, b], { concurrency: 1 }));
    expect(rec.values).toEqual(['a']);
    expect(b.calls).toBe(0);
  });

  it('moves on to queued inputs when running ones fail', async () => {
    const b = probe(5, 'b');
    const rec = await run(firstCompleted([probe(5, new Error('a'), { fail: true }), b], { concurrency: 1 }));
    expect(rec.values).toEqual(['b']);
    expect(b.calls).toBe(1);
  });

  it('takes the first synchronous input and never starts the next', () => {
    const next = probe(5, 'next');
    const rec = record(firstCompleted<CompletionInput<string>[]>([of('sync'), next]));
    expect(rec).toMatchObject({ values: ['sync'], completed: true });
    expect(next.calls).toBe(0);
  });

  it('errors with an AggregateError of the failures in index order when all fail', async () => {
    const e0 = new Error('e0');
    const e1 = new Error('e1');
    const e2 = new Error('e2');
    const rec = await run(firstCompleted([rejectAfter(30, e0), rejectAfter(5, e1), rejectAfter(15, e2)]));
    expect(rec.values).toEqual([]);
    expect(aggregate(rec.error)).toEqual([e0, e1, e2]);
    expect(aggregate(rec.error)[0]).toBe(e0);
  });

  it('counts an observable that completes empty as a failure with EmptyError', async () => {
    const rec = await run(firstCompleted([of(), throwError(() => 'x')]));
    const [empty, x] = aggregate(rec.error);
    expect(empty).toBeInstanceOf(EmptyError);
    expect(x).toBe('x');
  });

  it('errors with an AggregateError with no errors on an empty collection', () => {
    const rec = record(firstCompleted([]));
    expect(rec.errored).toBe(true);
    expect(aggregate(rec.error)).toEqual([]);
  });

  describe('predicate', () => {
    it('lets only a result that passes win, calling it with (value, index)', async () => {
      const calls: Array<[number, number]> = [];
      const rec = await run(
        firstCompleted([delay(5, 1), delay(30, 2), delay(60, 4)], {
          predicate: (value, index) => {
            calls.push([value, index]);
            return value % 2 === 0;
          },
        }),
      );
      expect(rec.values).toEqual([2]);
      expect(calls).toEqual([
        [1, 0],
        [2, 1],
      ]);
    });

    it('errors with an AggregateError of the failures when nothing passes', async () => {
      const err = new Error('failed');
      const rec = await run(
        firstCompleted([delay(5, 1), rejectAfter(10, err), delay(15, 3)], { predicate: (v) => v > 10 }),
      );
      expect(rec.values).toEqual([]);
      expect(aggregate(rec.error)).toEqual([err]);
    });

    it('errors the output with what the predicate throws and tears the rest down', async () => {
      const err = new Error('predicate');
      const other = probe(100, 0);
      const rec = await run(
        firstCompleted([delay(5, 1), other], {
          predicate: () => {
            throw err;
          },
        }),
      );
      expect(rec.error).toBe(err);
      expect(other.signal.aborted).toBe(true);
    });
  });

  describe('pipeable form', () => {
    it('emits one winner per collection and completes after the source', async () => {
      const rec = await run(of([delay(60, 'a'), delay(5, 'b')], [delay(30, 'c')]).pipe(firstCompleted()));
      expect(rec).toMatchObject({ values: ['b', 'c'], completed: true });
    });

    it('errors the output when a collection has no winner', async () => {
      const source = new Subject<CompletionInput<string>[]>();
      const rec = record(source.pipe(firstCompleted()));
      const running = probe(200, 'running');
      source.next([running]);
      source.next([rejectAfter(5, 'x')]);
      await sleep(15);
      expect(aggregate(rec.error)).toEqual(['x']);
      expect(running.signal.aborted).toBe(true);
    });

    it('keeps the other collections running when one has a winner', async () => {
      const source = new Subject<Array<(s: AbortSignal) => Promise<string>>>();
      const rec = record(source.pipe(firstCompleted()));
      const slow = probe(30, 'slow');
      source.next([slow]);
      source.next([probe(5, 'fast')]);
      source.complete();
      await rec.done;
      expect(rec.values).toEqual(['fast', 'slow']);
      expect(slow.signal.aborted).toBe(false);
    });
  });

  describe('no unhandled rejections', () => {
    let watch: ReturnType<typeof watchUnhandledRejections>;
    beforeEach(() => (watch = watchUnhandledRejections()));
    afterEach(() => watch.stop());

    it('from a losing promise that rejects after the winner', async () => {
      const loser = rejectAfter(20, new Error('loser'));
      expect((await run(firstCompleted([delay(5, 'w'), loser]))).values).toEqual(['w']);
      await sleep(25);
      expect(watch.seen).toEqual([]);
    });

    it('from a queued promise that rejects after the winner', async () => {
      const queued = rejectAfter(20, new Error('queued'));
      expect((await run(firstCompleted([delay(5, 'w'), queued], { concurrency: 1 }))).values).toEqual(['w']);
      await sleep(25);
      queued.catch(() => {});
      expect(watch.seen).toEqual([]);
    });
  });
});

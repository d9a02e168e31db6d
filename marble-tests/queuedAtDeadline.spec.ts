/**
 * An Observable collection pushes: its values wait in a queue until a slot
 * frees. At a `total` deadline those values were received (read), so in
 * `'settled'` mode each gets its `rejected` record, after the started ones in
 * index order, and every timeout error lists them in `info.queued`.
 */
import { map, NEVER, type Observable } from 'rxjs';
import { AsCompletedTimeoutError, asCompletedWithTimeout, type CompletionInput } from '../src/index';
import { createTestScheduler, recordError, type Caught } from './support/marbles';

describe('an Observable collection at a total deadline', () => {
  it("gives each value still waiting for a slot its 'rejected' record in 'settled' mode, after the started ones", () => {
    const reasons: unknown[] = [];
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a =    cold('--(x|)');
      // prettier-ignore
      const b =    cold('  ------(y|)');
      const c = cold<string>('-');
      const d = cold<string>('-');
      // prettier-ignore
      const collection = cold<Observable<string>>('(abcd)', { a, b, c, d });
      // prettier-ignore
      const collectionSubs =                 '^----!';
      // prettier-ignore
      const expected =                       '--r--(stu|)';
      const records = asCompletedWithTimeout(collection, { total: 5, concurrency: 1, emit: 'settled' }).pipe(
        map((r) => {
          if (r.status === 'rejected') reasons.push(r.reason);
          return `${r.status}:${r.index}:${String(r.total)}`;
        }),
      );
      expectObservable(records).toBe(expected, {
        r: 'fulfilled:0:undefined',
        s: 'rejected:1:undefined',
        t: 'rejected:2:undefined',
        u: 'rejected:3:undefined',
      });
      expectSubscriptions(collection.subscriptions).toBe(collectionSubs);
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expectSubscriptions(b.subscriptions).toBe('--^--!');
      expectSubscriptions(c.subscriptions).toBe([]);
      expectSubscriptions(d.subscriptions).toBe([]);
    });
    expect(reasons).toHaveLength(3);
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(AsCompletedTimeoutError);
      expect((reason as AsCompletedTimeoutError).info).toEqual({
        scope: 'total',
        timeout: 5,
        total: undefined,
        completed: 1,
        pending: [1],
        queued: [2, 3],
      });
    }
  });

  it('carries the record of the very value that waited (`input` is the element pushed)', () => {
    const inputs: unknown[] = [];
    createTestScheduler().run(({ cold, flush }) => {
      const first = cold('-');
      const second = cold('-');
      const collection = cold<CompletionInput<unknown>>('(xy)', { x: first, y: second });
      asCompletedWithTimeout(collection, { total: 3, concurrency: 1, emit: 'settled' }).subscribe((r) =>
        inputs.push(r.input),
      );
      flush();
      expect(inputs).toEqual([first, second]);
      expect(inputs[1]).toBe(second);
    });
  });

  it("lists the waiting values in `info.queued` of the error in 'value' mode", () => {
    const caught: Caught = {};
    createTestScheduler().run(({ cold, expectObservable }) => {
      const collection = cold<Observable<string>>('(abc)', { a: cold('-(x|)'), b: NEVER, c: NEVER });
      expectObservable(asCompletedWithTimeout(collection, { total: 4, concurrency: 1 }).pipe(recordError(caught))).toBe(
        '-x--#',
        { x: 'x' },
        expect.any(AsCompletedTimeoutError),
      );
    });
    expect((caught.error as AsCompletedTimeoutError).info).toEqual({
      scope: 'total',
      timeout: 4,
      total: undefined,
      completed: 1,
      pending: [1],
      queued: [2],
    });
  });
});

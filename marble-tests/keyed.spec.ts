import type { Observable, OperatorFunction } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  AsCompletedTimeoutError,
  firstCompleted,
  mergeCompletedThen,
} from '../src/index.js';
import { createTestScheduler, recordError, type Caught } from './support/marbles.js';

// Records (plain objects) and Maps as collections (SPEC §1, §3): read whole at
// subscription, `key` beside `index` on every record. The overloads for them
// come with the types work; until then the calls go through loose aliases.
/* eslint-disable @typescript-eslint/no-explicit-any -- the record overloads are not written yet */
type Loose = (...args: unknown[]) => any;
const AC = asCompleted as unknown as Loose;
const ACT = asCompletedWithTimeout as unknown as Loose;
const FC = firstCompleted as unknown as Loose;
const MCT = mergeCompletedThen as unknown as Loose;
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('keyed collections', () => {
  describe('asCompleted', () => {
    it("emits a record's inputs in completion order, each record with its key", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const user = cold('  ----u|');
        const userSubs = '   ^----!';
        const posts = cold(' -p|');
        const postsSubs = '  ^-!';
        const expected = '   --x--(y|)';

        const result: Observable<unknown> = AC({ user, posts }, { emit: 'tagged' });
        expectObservable(result).toBe(expected, {
          x: { value: 'p', index: 1, input: posts, key: 'posts', completed: 1, total: 2, batch: 0 },
          y: { value: 'u', index: 0, input: user, key: 'user', completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(user.subscriptions).toBe(userSubs);
        expectSubscriptions(posts.subscriptions).toBe(postsSubs);
      });
    });

    it("starts a Map's entries in order under concurrency; 'settled' records carry any key", () => {
      const k1 = { id: 1 };
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   --#');
        const aSubs = '    ^-!';
        const b = cold('     -b|');
        const bSubs = '    --^-!';
        const expected = ' --x-(y|)';

        const result: Observable<unknown> = AC(
          new Map<unknown, unknown>([
            [k1, a],
            [2, b],
          ]),
          { concurrency: 1, emit: 'settled' },
        );
        expectObservable(result).toBe(expected, {
          x: { status: 'rejected', reason: 'error', index: 0, input: a, key: k1, completed: 1, total: 2, batch: 0 },
          y: { status: 'fulfilled', value: 'b', index: 1, input: b, key: 2, completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('fails fast over a record: the other inputs are unsubscribed', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^--!';
        const b = cold('  ---#');
        const bSubs = '   ^--!';
        const expected = '---#';

        expectObservable(AC({ a, b }) as Observable<unknown>).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('reads the record at subscription: a change before a later subscription reaches only that one', () => {
      createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const a = cold('  -a|');
        const b = cold('  -b|');
        const record: Record<string, unknown> = { a };
        const result: Observable<unknown> = AC(record, { emit: 'tagged' });
        // The record gains `b` at frame 1: after the first subscription, before the second.
        hot('-t|').subscribe(() => (record.b = b));
        const late = '    --^';

        expectObservable(result).toBe('--(x|)', {
          x: { value: 'a', index: 0, input: a, key: 'a', completed: 1, total: 1, batch: 0 },
        });
        expectObservable(result, late).toBe('----(xy|)', {
          x: { value: 'a', index: 0, input: a, key: 'a', completed: 1, total: 2, batch: 0 },
          y: { value: 'b', index: 1, input: b, key: 'b', completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(['^-!', '--^-!']);
        expectSubscriptions(b.subscriptions).toBe('--^-!');
      });
    });

    it('the pipeable form runs records as batches side by side', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ----a|');
        const aSubs = '      ^----!';
        const b = cold('       -b|');
        const bSubs = '      --^-!';
        const source = cold('x-y|', { x: { a }, y: { b } });
        const expected = '   ----p(q|)';

        const op = AC({ emit: 'tagged' }) as OperatorFunction<unknown, unknown>;
        expectObservable(source.pipe(op)).toBe(expected, {
          p: { value: 'b', index: 0, input: b, key: 'b', completed: 1, total: 1, batch: 1 },
          q: { value: 'a', index: 0, input: a, key: 'a', completed: 1, total: 1, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('the mapper form: project gets the value and its index; records carry the value as input', () => {
      const calls: unknown[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const one = cold('  --1|');
        const oneSubs = '   ^--!';
        const two = cold('     -2|');
        const twoSubs = '   ---^-!';
        const expected = '  ---x-(y|)';

        const result: Observable<unknown> = AC(
          { first: 'one', second: 'two' },
          (item: string, index: number) => {
            calls.push([item, index]);
            return item === 'one' ? one : two;
          },
          { concurrency: 1, emit: 'tagged' },
        );
        expectObservable(result).toBe(expected, {
          x: { value: '1', index: 0, input: 'one', key: 'first', completed: 1, total: 2, batch: 0 },
          y: { value: '2', index: 1, input: 'two', key: 'second', completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(one.subscriptions).toBe(oneSubs);
        expectSubscriptions(two.subscriptions).toBe(twoSubs);
      });
      expect(calls).toEqual([
        ['one', 0],
        ['two', 1],
      ]);
    });
  });

  describe('asCompletedWithTimeout', () => {
    it("an `each` expiry carries the input's key in `info.key`", () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const quick = cold('-q|');
        const quickSubs = ' ^-!';
        const slow = cold(' --------s|');
        const slowSubs = '  ^----!';
        const expected = '  --q--#';

        const result = ACT({ quick, slow }, { each: 5 }) as Observable<unknown>;
        expectObservable(result.pipe(recordError(caught))).toBe(
          expected,
          undefined,
          expect.any(AsCompletedTimeoutError),
        );
        expectSubscriptions(quick.subscriptions).toBe(quickSubs);
        expectSubscriptions(slow.subscriptions).toBe(slowSubs);
      });
      expect(caught.error).toBeInstanceOf(AsCompletedTimeoutError);
      const error = caught.error as AsCompletedTimeoutError;
      expect(error.info).toEqual({
        scope: 'each',
        timeout: 5,
        total: 2,
        completed: 1,
        pending: [1],
        queued: [],
        index: 1,
        key: 'slow',
      });
      expect(error.message).toBe("Input 1 (of 2, key 'slow') unfinished after its limit of 5 ms");
    });

    it("the overall deadline in 'settled': each unfinished input of a Map gets its keyed record, in index order", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -------a|');
        const aSubs = '   ^---!';
        const b = cold('  -b|');
        const bSubs = '   ^-!';
        const c = cold('  ------c|');
        const cSubs = '   ^---!';
        const expected = '--x-(yz|)';

        const result = ACT(
          new Map<string, unknown>([
            ['a', a],
            ['b', b],
            ['c', c],
          ]),
          { total: 4, emit: 'settled' },
        ) as Observable<{ status: string; key: unknown; index: number }>;
        expectObservable(result).toBe(expected, {
          x: expect.objectContaining({ status: 'fulfilled', key: 'b', index: 1, completed: 1, total: 3 }),
          y: expect.objectContaining({ status: 'rejected', key: 'a', index: 0, completed: 2, total: 3 }),
          z: expect.objectContaining({ status: 'rejected', key: 'c', index: 2, completed: 3, total: 3 }),
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });
  });

  describe('firstCompleted', () => {
    it("'tagged' emits the winner's value, index, input and key, and unsubscribes the others", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const eu = cold('  -----e|');
        const euSubs = '   ^--!';
        const us = cold('  --u|');
        const usSubs = '   ^--!';
        const expected = ' ---(w|)';

        const result = FC({ eu, us }, { emit: 'tagged' }) as Observable<unknown>;
        expectObservable(result).toBe(expected, { w: { value: 'u', index: 1, input: us, key: 'us' } });
        expectSubscriptions(eu.subscriptions).toBe(euSubs);
        expectSubscriptions(us.subscriptions).toBe(usSubs);
      });
    });

    it("'tagged' over an array carries value, index and input", () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const a = cold('  --a|');
        const b = cold('  -b|');
        expectObservable(FC([a, b], { emit: 'tagged' }) as Observable<unknown>).toBe('--(w|)', {
          w: { value: 'b', index: 1, input: b },
        });
      });
    });

    it("'tagged' in the mapper form carries the item as input, and the predicate sees value and index", () => {
      const seen: unknown[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const one = cold('  -1|');
        const oneSubs = '   ^-!';
        const two = cold('  ---2|');
        const twoSubs = '   ^---!';
        const expected = '  ----(w|)';

        const result = FC(
          new Map([
            ['m1', 'one'],
            ['m2', 'two'],
          ]),
          (item: string) => (item === 'one' ? one : two),
          {
            emit: 'tagged',
            predicate: (value: string, index: number) => {
              seen.push([value, index]);
              return value === '2';
            },
          },
        ) as Observable<unknown>;
        expectObservable(result).toBe(expected, { w: { value: '2', index: 1, input: 'two', key: 'm2' } });
        expectSubscriptions(one.subscriptions).toBe(oneSubs);
        expectSubscriptions(two.subscriptions).toBe(twoSubs);
      });
      expect(seen).toEqual([
        ['1', 0],
        ['2', 1],
      ]);
    });

    it('the pipeable form: one tagged winner per record batch', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const a = cold('     --a|');
        const b = cold('      -b|');
        const source = cold('x-y|', { x: { a }, y: { b } });
        const op = FC({ emit: 'tagged' }) as OperatorFunction<unknown, unknown>;
        expectObservable(source.pipe(op)).toBe('---p(q|)', {
          p: { value: 'a', index: 0, input: a, key: 'a' },
          q: { value: 'b', index: 0, input: b, key: 'b' },
        });
      });
    });
  });

  describe('mergeCompletedThen', () => {
    it("takes a record's values as the items", () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const listA = cold('--(l|)', { l: ['a1', 'a2'] });
        const listB = cold('-(l|)', { l: ['b1'] });
        const expected = '  ---b(xy|)';
        const result = MCT(
          { first: 'A', second: 'B' },
          (item: string) => (item === 'A' ? listA : listB),
          (child: string) => cold('-c|', { c: child }),
        ) as Observable<unknown>;
        expectObservable(result).toBe(expected, { b: 'b1', x: 'a1', y: 'a2' });
      });
    });
  });
});

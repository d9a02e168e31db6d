import { map, of, take, takeUntil, type Observable } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  AsCompletedTimeoutError,
} from '../src/index.js';
import { createTestScheduler, recordError, type Caught } from './support/marbles.js';

// Collections read lazily (SPEC §1): an Observable of inputs is subscribed at
// subscription and its values wait until a slot frees; a generator is read one
// element each time an input can start. Every column is one frame.

describe('lazily read collections', () => {
  describe('an Observable of inputs', () => {
    it('starts each input when it arrives while slots are free, and completes after the collection and every input', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ---a|');
        const aSubs = '      ^---!';
        const b = cold('        -b|');
        const bSubs = '      ---^-!';
        const inputs = cold('x--y|', { x: a, y: b });
        const inputsSubs = ' ^---!';
        const expected = '   ----a(b|)';

        expectObservable(asCompleted(inputs)).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it('queues values until a slot frees (no backpressure on the collection)', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     --a|');
        const aSubs = '      ^--!';
        const b = cold('        -b|');
        const bSubs = '      ---^-!';
        const c = cold('          c|');
        const cSubs = '      -----^!';
        const inputs = cold('xyz|', { x: a, y: b, z: c });
        const inputsSubs = ' ^--!';
        const expected = '   ---a-b(c|)';

        expectObservable(asCompleted(inputs, { concurrency: 1 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it('drains gracefully when the collection ends early: inputs read run on, nothing more is read', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^-----!';
        const b = cold('       --b|');
        const bSubs = '      --^--!';
        const c = cold('         c|');
        const inputs = cold('x-y-z|', { x: a, y: b, z: c });
        const inputsSubs = ' ^--!';
        const stop = cold('  ---s');
        const expected = '   -----b(a|)';

        expectObservable(asCompleted(inputs.pipe(takeUntil(stop)))).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe([]);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it('unsubscribes the collection when an input fails fast', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ---#');
        const aSubs = '      ^--!';
        const b = cold('       -----b|');
        const bSubs = '      --^!';
        const c = cold('           c|');
        const inputs = cold('x-y---z|', { x: a, y: b, z: c });
        const inputsSubs = ' ^--!';
        const expected = '   ---#';

        expectObservable(asCompleted(inputs)).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe([]);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it('unsubscribes the collection and every running input on an early unsubscribe', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^-!';
        const inputs = cold('x----y|', { x: a, y: a });
        const inputsSubs = ' ^-!';
        const unsub = '      --!';

        expectObservable(asCompleted(inputs), unsub).toBe('');
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it("errors the output when the collection errors, in 'settled' mode too, after tearing the inputs down", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^-!';
        const inputs = cold('x-#', { x: a }, new Error('broken'));
        const inputsSubs = ' ^-!';
        const expected = '   --#';

        expectObservable(asCompleted(inputs, { emit: 'settled' })).toBe(expected, undefined, new Error('broken'));
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it("gives `total` as undefined until the collection has ended ('tagged')", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -a|');
        const aSubs = '      ^-!';
        const b = cold('       ---b|');
        const bSubs = '      --^---!';
        const inputs = cold('x-y|', { x: a, y: b });
        const inputsSubs = ' ^--!';
        const expected = '   --p---(q|)';

        const records = asCompleted(inputs, { emit: 'tagged' }).pipe(map((r) => `${r.index}:${r.total}`));
        expectObservable(records).toBe(expected, { p: '0:undefined', q: '1:2' });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it("closes the collection at an overall deadline; in 'settled' mode only the inputs read get records", () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     --a|');
        const aSubs = '      ^--!';
        const b = cold('       -------b|');
        const bSubs = '      --^-!';
        const c = cold('           c|');
        const inputs = cold('x-y---z|', { x: a, y: b, z: c });
        const inputsSubs = ' ^---!';
        const expected = '   ---p(q|)';

        const records = asCompletedWithTimeout(inputs, { total: 4, emit: 'settled' }).pipe(
          map((r) => {
            if (r.status === 'rejected') caught.error = r.reason;
            return `${r.status}${r.index}`;
          }),
        );
        expectObservable(records).toBe(expected, { p: 'fulfilled0', q: 'rejected1' });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe([]);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
      expect(caught.error).toBeInstanceOf(AsCompletedTimeoutError);
      const { info } = caught.error as AsCompletedTimeoutError;
      expect(info).toMatchObject({ scope: 'total', total: undefined, completed: 1, pending: [1], queued: [] });
    });

    it('expires inputs by their own `each` limit in recycled slots', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^--!';
        const b = cold('        -b|');
        const bSubs = '      ---^-!';
        const inputs = cold('xy|', { x: a, y: b });
        const inputsSubs = ' ^-!';
        const expected = '   ---p-(q|)';

        const records = asCompletedWithTimeout(inputs, { each: 3, concurrency: 1, emit: 'settled' }).pipe(
          map((r) => {
            if (r.status === 'rejected') caught.error = r.reason;
            return `${r.status}${r.index}`;
          }),
        );
        expectObservable(records).toBe(expected, { p: 'rejected0', q: 'fulfilled1' });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
      const { info } = caught.error as AsCompletedTimeoutError;
      // b (index 1) was received and waits for the slot: queued, never started.
      expect(info).toMatchObject({ scope: 'each', index: 0, total: undefined, pending: [0], queued: [1] });
    });

    it('unsubscribes the collection when firstCompleted has a winner', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ----a|');
        const aSubs = '      ^---!';
        const b = cold('       -b|');
        const bSubs = '      --^-!';
        const inputs = cold('x-y---z|', { x: a, y: b, z: a });
        const inputsSubs = ' ^---!';
        const expected = '   ----(b|)';

        expectObservable(firstCompleted(inputs)).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
      });
    });

    it('is a batch of the pipeable form like any collection', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('       -a|');
        const aSubs = '        ^-!';
        const b = cold('         -b|');
        const bSubs = '        --^-!';
        const inputs = cold('  x-y|', { x: a, y: b });
        const inputsSubs = '   ^--!';
        const source = cold('  s|', { s: inputs });
        const sourceSubs = '   ^!';
        const expected = '     --a-(b|)';

        expectObservable(source.pipe(asCompleted())).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('gives mergeCompletedThen its items as they arrive', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const items = cold('x-y|', { x: 1, y: 2 });
        const itemsSubs = ' ^--!';
        // Each item's list is a page at its stage 1's first frame: its child starts then.
        const expected = '  ---a-(b|)';
        const run = mergeCompletedThen(
          items,
          (n) => cold('-l|', { l: [n * 10] }),
          (child) => cold('-r|', { r: child }),
        );
        expectObservable(run).toBe(expected, { a: 10, b: 20 });
        expectSubscriptions(items.subscriptions).toBe(itemsSubs);
      });
    });
  });

  describe('a generator', () => {
    it('is read one element each time an input can start, and returned when the output ends early', () => {
      let reads = 0;
      let closed = false;
      createTestScheduler().run(({ cold, expectObservable }) => {
        function* forever(): Generator<Observable<string>> {
          try {
            for (;;) {
              reads++;
              yield cold('--x|');
            }
          } finally {
            closed = true;
          }
        }
        const expected = '---x--(x|)';

        expectObservable(asCompleted(forever(), { concurrency: 1 }).pipe(take(2))).toBe(expected);
      });
      expect(reads).toBe(2);
      expect(closed).toBe(true);
    });

    it('is not read again after it is done, and is not returned then', () => {
      const read: number[] = [];
      createTestScheduler().run(({ cold, expectObservable }) => {
        function* two(): Generator<Observable<string>> {
          read.push(0);
          yield cold('-a|');
          read.push(1);
          yield cold('--b|');
          read.push(2);
        }
        const expected = '--a--(b|)';

        expectObservable(asCompleted(two(), { concurrency: 1 })).toBe(expected);
      });
      expect(read).toEqual([0, 1, 2]);
    });

    it('errors the output when the iterator protocol is broken', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ expectObservable }) => {
        const broken = { [Symbol.iterator]: () => ({ next: () => 42 }) } as unknown as Iterable<Observable<number>>;
        expectObservable(asCompleted(broken).pipe(recordError(caught))).toBe('#', undefined, expect.any(TypeError));
      });
      expect((caught.error as Error).message).toMatch(/iterator to return a result object, got `42`/);
    });
  });

  describe('the mapper form', () => {
    it('calls project(item, index, signal) when each input starts; records carry the item as input', () => {
      const calls: Array<[string, number, boolean]> = [];
      createTestScheduler().run(({ cold, expectObservable }) => {
        const durations: Record<string, string> = { a: '---x|', b: '-y|' };
        const expected = '    ----p-(q|)';

        const run = asCompleted(
          ['a', 'b'],
          (item, index, signal) => {
            calls.push([item, index, signal.aborted]);
            return cold(durations[item], { x: 'X', y: 'Y' });
          },
          { concurrency: 1, emit: 'tagged' },
        ).pipe(map((r) => `${r.input}${r.index}=${r.value}/${r.total}`));
        expectObservable(run).toBe(expected, { p: 'a0=X/2', q: 'b1=Y/2' });
      });
      expect(calls).toEqual([
        ['a', 0, false],
        ['b', 1, false],
      ]);
    });

    it('aborts the signal of a running project on fail fast, and reads lazy items only as inputs start', () => {
      const signals: AbortSignal[] = [];
      let reads = 0;
      createTestScheduler().run(({ cold, expectObservable }) => {
        function* items() {
          for (let i = 0; ; i++) {
            reads++;
            yield i;
          }
        }
        const expected = '--#';

        const run = asCompleted(
          items(),
          (i, _index, signal) => {
            signals.push(signal);
            return i === 1 ? cold('--#', undefined, new Error('one failed')) : cold('-----x|');
          },
          { concurrency: 2 },
        );
        expectObservable(run).toBe(expected, undefined, new Error('one failed'));
      });
      expect(reads).toBe(2);
      // The input that failed finished on its own: its signal is spared.
      expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    });

    it('fails only the input whose project throws', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const run = asCompleted(
          [1, 2],
          (n) => {
            if (n === 1) throw new Error('no');
            return cold('-v|', { v: n });
          },
          { emit: 'settled' },
        ).pipe(map((r) => `${r.index}:${r.status}`));
        expectObservable(run).toBe('a-(b|)', { a: '0:rejected', b: '1:fulfilled' });
      });
    });

    it('takes a source of collections of items in the pipeable form', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('x----y|', { x: [1, 2], y: [3] });
        const sourceSubs = ' ^-----!';
        const expected = '   --(ab)-(c|)';

        expectObservable(source.pipe(asCompleted((n: number) => cold('-v|', { v: n * 10 })))).toBe(expected, {
          a: 10,
          b: 20,
          c: 30,
        });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('works for asCompletedWithTimeout (each counts from the start) and firstCompleted', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const slow = (n: number) => cold(n === 0 ? '-----v|' : '-v|', { v: n });
        const timed = asCompletedWithTimeout([0, 1], slow, { each: 3, concurrency: 1, emit: 'settled' }).pipe(
          map((r) => `${r.input}:${r.status}`),
        );
        expectObservable(timed).toBe('---a-(b|)', { a: '0:rejected', b: '1:fulfilled' });
        expectObservable(firstCompleted([0, 1], slow)).toBe('--(v|)', { v: 1 });
        expectObservable(of([0, 1]).pipe(firstCompleted(slow))).toBe('--(v|)', { v: 1 });
      });
    });
  });
});

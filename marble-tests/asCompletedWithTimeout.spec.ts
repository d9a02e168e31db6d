import { of, take, type Observable } from 'rxjs';
import { AsCompletedTimeoutError, asCompletedWithTimeout, type Settled } from '../src/index.js';
import { createTestScheduler, pendingFramesAt, recordError, recordValues, type Caught } from './support/marbles.js';

// No test passes a scheduler except where it says so: the default asyncScheduler
// runs in virtual time inside TestScheduler.run. Inputs that start late (queued,
// or in a later batch) are indented by their start frame.

/** Matches a timeout error in a marble; its identity is checked separately. */
const timeoutError = expect.any(AsCompletedTimeoutError);

/** Checks the identity of a timeout error beyond what marbles compare (the message). */
function expectTimeoutError(error: unknown, info: object, message: string): void {
  expect(error).toBeInstanceOf(AsCompletedTimeoutError);
  expect(error).toBeInstanceOf(Error);
  const timeout = error as AsCompletedTimeoutError;
  expect(timeout.name).toBe('AsCompletedTimeoutError');
  expect(timeout.message).toBe(message);
  expect(timeout.info).toEqual(info);
}

describe('asCompletedWithTimeout', () => {
  describe('total deadline', () => {
    it('emits what finished before the deadline, then errors with AsCompletedTimeoutError and tears the rest down', () => {
      const caught: Caught = {};
      let signal: AbortSignal | undefined;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  ------b|');
        const bSubs = '   ^----!';
        const c = cold('  -------c|');
        const cSubs = '   ^----!';
        const expected = '---a-#';

        const inputs = [a, (s: AbortSignal) => ((signal = s), b), c];
        const result = asCompletedWithTimeout(inputs, 5);
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, timeoutError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'total', timeout: 5, total: 3, completed: 1, pending: [1, 2], queued: [] },
        '2 (of 3) inputs unfinished after 5 ms',
      );
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBe(caught.error);
    });

    it('lets an input finishing one frame before the deadline win and one finishing in the very deadline frame lose', () => {
      const caught: Caught = {};
      const signals: AbortSignal[] = [];
      const factory = (input: Observable<string>) => (signal: AbortSignal) => (signals.push(signal), input);
      createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // The hot input's completion is scheduled before the deadline timer, so it
        // runs first in frame 5: it still loses, but it has finished, so its signal
        // is not aborted (b's, still running, is).
        const a = cold('  ---a|');
        const aSubs = '   ^---!';
        const b = cold('  ----b|');
        const bSubs = '   ^----!';
        const c = hot('   ----c|');
        const cSubs = '   ^----!';
        const expected = '----a#';

        expectObservable(asCompletedWithTimeout([a, factory(b), factory(c)], 5).pipe(recordError(caught))).toBe(
          expected,
          undefined,
          timeoutError,
        );
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'total', timeout: 5, total: 3, completed: 1, pending: [1, 2], queued: [] },
        '2 (of 3) inputs unfinished after 5 ms',
      );
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
    });

    it('clears the timer at once when every input finishes early', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  -b|');
        const bSubs = '   ^-!';
        const expected = '--b(a|)';

        expectObservable(asCompletedWithTimeout([a, b], { total: 10 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      // Virtual time stopped at the last frame anything ran: no timer was left for frame 10.
      expect(testScheduler.frame).toBe(3);
      expect(testScheduler.actions).toHaveLength(0);
    });

    it('completes at once for an empty collection and arms no timer', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ expectObservable }) => {
        expectObservable(asCompletedWithTimeout([], 10)).toBe('|');
      });
      expect(testScheduler.frame).toBe(0);
    });

    it("completes quietly at the deadline with onTimeout: 'complete'; running inputs are torn down, queued ones never start", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  --------b|');
        const bSubs = '   ^-----!';
        const c = cold('     ------c|');
        const cSubs = '   ---^--!';
        const d = cold('  -d|');
        const expected = '---a--|';

        const result = asCompletedWithTimeout([a, b, c, d], { total: 6, onTimeout: 'complete', concurrency: 2 });
        expectObservable(result).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
    });

    it("emits a rejected record per unfinished input, running or queued, in index order, then completes (emit: 'settled')", () => {
      const seen: Settled<string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --------a|');
        const aSubs = '   ^-----!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('     ------c|');
        const cSubs = '   ---^--!';
        const d = cold('  -d|');
        const expected = '---p--(qrs|)';

        const result = asCompletedWithTimeout([a, b, c, d], { total: 6, concurrency: 2, emit: 'settled' });
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          p: { status: 'fulfilled', value: 'b', index: 1, input: b, completed: 1, total: 4, batch: 0 },
          q: { status: 'rejected', reason: timeoutError, index: 0, input: a, completed: 2, total: 4, batch: 0 },
          r: { status: 'rejected', reason: timeoutError, index: 2, input: c, completed: 3, total: 4, batch: 0 },
          s: { status: 'rejected', reason: timeoutError, index: 3, input: d, completed: 4, total: 4, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
      const reasons = seen.slice(1).map((record) => (record.status === 'rejected' ? record.reason : undefined));
      for (const reason of reasons) {
        expectTimeoutError(
          reason,
          { scope: 'total', timeout: 6, total: 4, completed: 1, pending: [0, 2], queued: [3] },
          '3 (of 4) inputs unfinished after 6 ms',
        );
      }
    });

    it("emits tagged records before the deadline error (emit: 'tagged')", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -----a|');
        const aSubs = '   ^---!';
        const b = cold('  -b|');
        const bSubs = '   ^-!';
        const expected = '--x-#';

        const result = asCompletedWithTimeout([a, b], { total: 4, emit: 'tagged' });
        expectObservable(result).toBe(
          expected,
          { x: { value: 'b', index: 1, input: b, completed: 1, total: 2, batch: 0 } },
          timeoutError,
        );
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('takes a Date as the deadline', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  -----b|');
        const bSubs = '   ^---!';
        const expected = '---a#';

        // Inside run, `now()` is the virtual frame, so this date is frame 4.
        const result = asCompletedWithTimeout([a, b], { total: new Date(4) });
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, timeoutError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'total', timeout: 4, total: 2, completed: 1, pending: [1], queued: [] },
        '1 (of 2) inputs unfinished after 4 ms',
      );
    });

    it('uses the scheduler passed in the config', () => {
      const testScheduler = createTestScheduler();
      const caught: Caught = {};
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  -------b|');
        const bSubs = '   ^----!';
        const expected = '---a-#';

        const result = asCompletedWithTimeout([a, b], { total: 5, scheduler: testScheduler });
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, timeoutError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'total', timeout: 5, total: 2, completed: 1, pending: [1], queued: [] },
        '1 (of 2) inputs unfinished after 5 ms',
      );
    });
  });

  describe('each limit', () => {
    it('fails fast when one input exceeds its own limit, tearing the others down', () => {
      const caught: Caught = {};
      let signal: AbortSignal | undefined;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  ------b|');
        const bSubs = '   ^----!';
        const c = cold('  ---c|');
        const cSubs = '   ^---!';
        const d = cold('  -------d|');
        const dSubs = '   ^----!';
        const expected = '---ac#';

        const inputs = [a, (s: AbortSignal) => ((signal = s), b), c, d];
        const result = asCompletedWithTimeout(inputs, { each: 5 });
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, timeoutError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'each', timeout: 5, total: 4, completed: 2, pending: [1, 3], queued: [], index: 1 },
        'Input 1 (of 4) unfinished after its limit of 5 ms',
      );
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBe(caught.error);
    });

    it("counts from each input's start, not from when it was queued; finishing in the limit's frame loses", () => {
      const seen: Settled<string>[] = [];
      let bSignal: AbortSignal | undefined;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // b finishes in its limit's frame, before the limit's timer runs (the
        // timer was re-armed after b started): b loses, but having finished, its
        // signal is not aborted.
        const a = cold('  ---a|');
        const aSubs = '   ^---!';
        const b = cold('      ----b|');
        const bSubs = '   ----^----!';
        const c = cold('           ---c|');
        const cSubs = '   ---------^---!';
        const expected = '----p----q---(r|)';

        const bFactory = (signal: AbortSignal) => ((bSignal = signal), b);
        const result = asCompletedWithTimeout([a, bFactory, c], { each: 5, concurrency: 1, emit: 'settled' });
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          p: { status: 'fulfilled', value: 'a', index: 0, input: a, completed: 1, total: 3, batch: 0 },
          q: { status: 'rejected', reason: timeoutError, index: 1, input: bFactory, completed: 2, total: 3, batch: 0 },
          r: { status: 'fulfilled', value: 'c', index: 2, input: c, completed: 3, total: 3, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expectTimeoutError(
        (seen[1] as { reason: unknown }).reason,
        { scope: 'each', timeout: 5, total: 3, completed: 1, pending: [1], queued: [2], index: 1 },
        'Input 1 (of 3) unfinished after its limit of 5 ms',
      );
      expect(bSignal?.aborted).toBe(false);
    });

    it('combines with a total deadline: whichever comes first', () => {
      const seen: Settled<string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -a|');
        const aSubs = '   ^-!';
        const b = cold('  --------b|');
        const bSubs = '   ^-----!';
        const c = cold('    --------c|');
        const cSubs = '   --^----!';
        const expected = '--p---q(r|)';

        const result = asCompletedWithTimeout([a, b, c], { each: 6, total: 7, concurrency: 2, emit: 'settled' });
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          p: { status: 'fulfilled', value: 'a', index: 0, input: a, completed: 1, total: 3, batch: 0 },
          q: { status: 'rejected', reason: timeoutError, index: 1, input: b, completed: 2, total: 3, batch: 0 },
          r: { status: 'rejected', reason: timeoutError, index: 2, input: c, completed: 3, total: 3, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect((seen[1] as { reason: AsCompletedTimeoutError }).reason.info.scope).toBe('each');
      expect((seen[2] as { reason: AsCompletedTimeoutError }).reason.info.scope).toBe('total');
    });

    it('leaves no timer behind after completing when an expiry started a queued input', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -');
        const aSubs = '   ^---------!';
        const b = cold('            --b|');
        const bSubs = '   ----------^--!';
        const expected = '----------p--(q|)';

        const result = asCompletedWithTimeout([a, b], { each: 10, concurrency: 1, emit: 'settled' });
        expectObservable(result).toBe(expected, {
          p: { status: 'rejected', reason: timeoutError, index: 0, input: a, completed: 1, total: 2, batch: 0 },
          q: { status: 'fulfilled', value: 'b', index: 1, input: b, completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      // Nothing may run after the output completed at frame 13.
      expect(testScheduler.frame).toBe(13);
    });

    it('leaves no timer behind after an unsubscribe when an expiry started a queued input', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -');
        const aSubs = '   ^---------!';
        const b = cold('            ----b|');
        const bSubs = '   ----------^-!';
        const unsub = '   ------------!';
        const expected = '----------p';

        const result = asCompletedWithTimeout([a, b], { each: 10, concurrency: 1, emit: 'settled' });
        expectObservable(result, unsub).toBe(expected, {
          p: { status: 'rejected', reason: timeoutError, index: 0, input: a, completed: 1, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      // Nothing may run after the unsubscribe at frame 12.
      expect(testScheduler.frame).toBe(12);
    });
  });

  describe('teardown', () => {
    it('tears every input down and clears the timers on an early unsubscribe', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^---!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('     -----c|');
        const cSubs = '   ---^!';
        const unsub = '   ----!';
        const expected = '---b';

        const result = asCompletedWithTimeout([a, b, c], { total: 10, each: 8, concurrency: 2 });
        expectObservable(result, unsub).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(testScheduler.frame).toBe(4);
    });

    it('fails fast on an input error, unsubscribing the others and clearing every timer', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --#');
        const aSubs = '   ^-!';
        const b = cold('  -----b|');
        const bSubs = '   ^-!';
        const expected = '--#';

        expectObservable(asCompletedWithTimeout([a, b], { total: 10, each: 8 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(testScheduler.frame).toBe(2);
    });

    it("stops emitting deadline records when unsubscribed from inside one of them (emit: 'settled', take(2))", () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^----!';
        const b = cold('  -------b|');
        const bSubs = '   ^----!';
        const c = cold('  --------c|');
        const cSubs = '   ^----!';
        const expected = '-----(pq|)';

        const result = asCompletedWithTimeout([a, b, c], { total: 5, emit: 'settled' }).pipe(take(2));
        expectObservable(result).toBe(expected, {
          p: { status: 'rejected', reason: timeoutError, index: 0, input: a, completed: 1, total: 3, batch: 0 },
          q: { status: 'rejected', reason: timeoutError, index: 1, input: b, completed: 2, total: 3, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(testScheduler.frame).toBe(5);
    });

    it('calls no further factory when unsubscribed from inside a synchronous emission (take(1))', () => {
      const testScheduler = createTestScheduler();
      let calls = 0;
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const c = cold('  --c|');
        const expected = '(a|)';

        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        const result = asCompletedWithTimeout([factory('a'), factory('b'), c], { total: 10, each: 5 });
        expectObservable(result.pipe(take(1))).toBe(expected);
        expectSubscriptions(c.subscriptions).toBe([]);
      });
      expect(calls).toBe(1);
      expect(testScheduler.frame).toBe(0);
    });

    it('lets synchronous inputs win even against a deadline of 0', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const c = cold('  -c|');
        const cSubs = '   (^!)';
        const expected = '(ab|)';

        const result = asCompletedWithTimeout([of('a'), c, () => of('b')], { total: 0, onTimeout: 'complete' });
        expectObservable(result).toBe(expected);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });
  });

  describe('pipeable form', () => {
    it("counts each batch's deadline from that batch's arrival", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     --a|');
        const aSubs = '      ^--!';
        const b = cold('     -----b|');
        const bSubs = '      ^---!';
        const c = cold('          --c|');
        const cSubs = '      -----^--!';
        const d = cold('          ---d|');
        const dSubs = '      -----^---!';
        const source = cold('x----y----|', { x: [a, b], y: [c, d] });
        const sourceSubs = ' ^---------!';
        const expected = '   ---p----q-|';

        const result = source.pipe(asCompletedWithTimeout({ total: 4, onTimeout: 'complete', emit: 'tagged' }));
        expectObservable(result).toBe(expected, {
          p: { value: 'a', index: 0, input: a, completed: 1, total: 2, batch: 0 },
          q: { value: 'c', index: 0, input: c, completed: 1, total: 2, batch: 1 },
        });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it("emits rejected records per batch at that batch's deadline (emit: 'settled')", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^---!';
        const b = cold('        -b|');
        const bSubs = '      ---^-!';
        const source = cold('x--y|', { x: [a], y: [b] });
        const sourceSubs = ' ^---!';
        const expected = '   ----p(q|)';

        const result = source.pipe(asCompletedWithTimeout({ total: 4, emit: 'settled' }));
        expectObservable(result).toBe(expected, {
          p: { status: 'rejected', reason: timeoutError, index: 0, input: a, completed: 1, total: 1, batch: 0 },
          q: { status: 'fulfilled', value: 'b', index: 0, input: b, completed: 1, total: 1, batch: 1 },
        });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('errors the whole stream at one batch deadline, tearing the source and the other batches down', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ------a|');
        const aSubs = '      ^----!';
        const b = cold('       -b|');
        const bSubs = '      --^-!';
        const c = cold('       ----c|');
        const cSubs = '      --^--!';
        const source = cold('x-y-----|', { x: [a], y: [b, c] });
        const sourceSubs = ' ^----!';
        const expected = '   ----b#';

        const result = source.pipe(asCompletedWithTimeout(5), recordError(caught));
        expectObservable(result).toBe(expected, undefined, timeoutError);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expectTimeoutError(
        caught.error,
        { scope: 'total', timeout: 5, total: 1, completed: 0, pending: [0], queued: [] },
        '1 (of 1) inputs unfinished after 5 ms',
      );
    });

    it("clears a batch's timer as soon as that batch is done, while the source goes on", () => {
      const testScheduler = createTestScheduler();
      let probe: { frames?: number[] } = {};
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -a|');
        const aSubs = '      ^-!';
        const source = cold('x---------|', { x: [a] });
        const sourceSubs = ' ^---------!';
        const expected = '   --a-------|';

        expectObservable(source.pipe(asCompletedWithTimeout({ total: 8 }))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        probe = pendingFramesAt(testScheduler, 3);
      });
      // At frame 3 only the source's completion waits: no deadline timer for frame 8.
      expect(probe.frames).toEqual([10]);
    });
  });
});

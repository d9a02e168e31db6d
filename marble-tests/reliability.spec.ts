/**
 * Issue 9, the virtual-time cases: a `'settled'` deadline keeps every late
 * input's record and the concurrency cap while user code runs in its
 * teardown, and a `total` re-armed in steps keeps its same-frame tie with
 * `each`. Each test fails without its fix.
 */
import { map, NEVER, Observable, Subject } from 'rxjs';
import { AsCompletedTimeoutError, asCompletedWithTimeout, type CompletionInput, type Settled } from '../src/index';
import { createTestScheduler } from './support/marbles';

/** A factory for an input that never finishes; `onAbort` runs when its signal is aborted. */
const neverAnd = (onAbort: () => void) => (signal: AbortSignal) => {
  signal.addEventListener('abort', onAbort, { once: true });
  return NEVER;
};

/** An input that counts how many inputs are subscribed at once. */
function counted(live: { now: number; max: number }): Observable<never> {
  return new Observable<never>(() => {
    live.now++;
    live.max = Math.max(live.max, live.now);
    return () => live.now--;
  });
}

describe("a 'settled' total deadline whose late inputs act in their teardown (issue 9, defect 3)", () => {
  it('gives every late input its record though an abort listener completes the source', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ flush }) => {
      const source = new Subject<Array<CompletionInput<unknown>>>();
      const seen: Array<Settled<unknown>> = [];
      let completed = false;
      source.pipe(asCompletedWithTimeout({ total: 10, emit: 'settled' })).subscribe({
        next: (record) => seen.push(record as Settled<unknown>),
        complete: () => (completed = true),
      });
      source.next([neverAnd(() => source.complete()), NEVER]);
      flush();
      expect(seen.map(({ status, index }) => [status, index])).toEqual([
        ['rejected', 0],
        ['rejected', 1],
      ]);
      expect(seen.every((r) => r.status === 'rejected' && r.reason instanceof AsCompletedTimeoutError)).toBe(true);
      expect(completed).toBe(true);
    });
  });

  it('starts nothing beyond `concurrency` while a late input is still being torn down', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ flush }) => {
      const live = { now: 0, max: 0 };
      const source = new Subject<Array<CompletionInput<unknown>>>();
      let records = 0;
      source.pipe(asCompletedWithTimeout({ total: 10, emit: 'settled', concurrency: 2 })).subscribe(() => records++);
      const late = counted(live);
      // Input 0's abort listener brings a new batch; input 1 is still subscribed then.
      source.next([neverAnd(() => source.next([counted(live), counted(live)])), () => late]);
      flush();
      expect(live.max).toBeLessThanOrEqual(2);
      expect(records).toBe(4);
    });
  });
});

describe('a total above 2^31-1 ms (issue 9, defect 7)', () => {
  it('still wins its same-frame tie with `each`', () => {
    const testScheduler = createTestScheduler();
    const MAX = 2 ** 31 - 1;
    let error: unknown;
    testScheduler.run(({ cold, flush }) => {
      // Batch 1's input waits for batch 0's (concurrency 1) and starts at frame
      // 10, so its \`each\` limit falls at 10 + MAX, the frame of batch 1's
      // overall deadline, whose timer is re-armed at frame MAX (after the
      // \`each\` timer was armed).
      const batches = cold<Array<CompletionInput<unknown>>>('(xy)', { x: [cold('----------(a|)')], y: [NEVER] });
      batches.pipe(asCompletedWithTimeout({ total: MAX + 10, each: MAX, concurrency: 1 })).subscribe({
        error: (e: unknown) => (error = e),
      });
      flush();
    });
    expect(error).toBeInstanceOf(AsCompletedTimeoutError);
    expect((error as AsCompletedTimeoutError).info.scope).toBe('total');
  });
});

describe('a lazy collection whose slot is recycled while an outcome arrives (engine defect, found by the re-entrancy properties)', () => {
  it('gives the outcome that lost its tie with `each` to no one: the next input, started in the recycled slot, runs on to its own limit', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-(a|)');
      // prettier-ignore
      const b = cold('  --(b|)');
      // prettier-ignore
      const c = cold('    -');
      function* inputs(): Generator<Observable<string>> {
        yield a;
        yield b;
        yield c;
      }
      // b finishes in the frame its limit falls (3): the limit wins, b is torn
      // down, and c starts in the slot b held. b's own outcome, still being
      // delivered, must not finish c's slot.
      const records = asCompletedWithTimeout(inputs(), { total: 6, each: 2, concurrency: 1, emit: 'settled' }).pipe(
        map((r) => `${r.status}:${r.index}:${r.status === 'fulfilled' ? String(r.value) : 'timeout'}`),
      );
      // prettier-ignore
      const expected =  '-x-y-(z|)';
      expectObservable(records).toBe(expected, {
        x: 'fulfilled:0:a',
        y: 'rejected:1:timeout',
        z: 'rejected:2:timeout',
      });
      // prettier-ignore
      expectSubscriptions(a.subscriptions).toBe('^!');
      // prettier-ignore
      expectSubscriptions(b.subscriptions).toBe('-^-!');
      // prettier-ignore
      expectSubscriptions(c.subscriptions).toBe('---^-!');
    });
  });
});

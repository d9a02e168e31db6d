import { getEventListeners } from 'node:events';
import { Subject } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, firstCompleted, mergeCompletedThen } from '../src/index.js';
import { createTestScheduler, recordError, type Caught } from './support/marbles.js';

// The `signal` option (SPEC §2): aborting it tears everything down as
// unsubscribing does and errors the output with `signal.reason`.

describe('the signal option', () => {
  it('tears every input and the collection down and errors with signal.reason when aborted', () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const caught: Caught = {};
    const aborted: unknown[] = [];
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('     ------a|');
      const aSubs = '      ^--!';
      const bSubs = '      --^!';
      const factory = (signal: AbortSignal) => {
        signal.addEventListener('abort', () => aborted.push(signal.reason));
        return a;
      };
      const inputs = cold('x-y----|', { x: factory, y: factory });
      const inputsSubs = ' ^--!';
      const expected = '   ---#';

      testScheduler.schedule(() => controller.abort(reason), 3);
      const run = asCompleted(inputs, { signal: controller.signal });
      expectObservable(run.pipe(recordError(caught))).toBe(expected, undefined, reason);
      expectSubscriptions(a.subscriptions).toBe([aSubs, bSubs]);
      expectSubscriptions(inputs.subscriptions).toBe(inputsSubs);
    });
    expect(caught.error).toBe(reason);
    expect(aborted).toEqual([reason, reason]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('errors at subscription with an already aborted signal, reading and starting nothing', () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    let reads = 0;
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-a|');
      function* inputs() {
        reads++;
        yield a;
      }
      expectObservable(asCompleted(inputs(), { signal: controller.signal })).toBe(
        '#',
        undefined,
        new Error('too late'),
      );
      expectObservable(new Subject<[]>().pipe(asCompleted({ signal: controller.signal }))).toBe(
        '#',
        undefined,
        new Error('too late'),
      );
      expectSubscriptions(a.subscriptions).toBe([]);
    });
    expect(reads).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('leaves no listener behind after completion, an error or an unsubscribe, for every operator', () => {
    const controller = new AbortController();
    const { signal } = controller;
    createTestScheduler().run(({ cold, expectObservable }) => {
      const a = cold('-a|');
      const e = cold('-#');
      expectObservable(asCompleted([a], { signal })).toBe('--(a|)');
      expectObservable(asCompleted([e], { signal })).toBe('-#');
      expectObservable(asCompletedWithTimeout([a], { total: 5, signal })).toBe('--(a|)');
      expectObservable(firstCompleted([a], { signal })).toBe('--(a|)');
      // The child starts with the page at frame 1, before stage 1 completes.
      expectObservable(
        mergeCompletedThen(
          [1],
          () => cold('-l|', { l: [a] }),
          (child) => child,
          { signal },
        ),
      ).toBe('---(a|)');
      expectObservable(asCompleted([a], { signal }), '-!').toBe('');
    });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('rejects a signal that is not an AbortSignal at call time', () => {
    expect(() => asCompleted([], { signal: {} as AbortSignal })).toThrow(
      'Expected `signal` to be an AbortSignal, got an object',
    );
  });
});

import { EmptyError, of, take } from 'rxjs';
import { firstCompleted, type CompletionInput } from '../src/index.js';
import { createTestScheduler, recordError, type Caught } from './support/marbles.js';

// Inputs that start late (queued, or in a later batch) are indented by their
// start frame, so every column below is one frame of virtual time.

/** Matches an AggregateError in a marble; its errors are checked separately. */
const aggregateError = expect.any(AggregateError);

describe('firstCompleted', () => {
  describe('creation form', () => {
    it('emits the first fulfilled result, completes, and unsubscribes and aborts every other input in that frame', () => {
      const signals: Record<string, AbortSignal> = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -----a|');
        const aSubs = '   ^--!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('  ----c|');
        const cSubs = '   ^--!';
        const expected = '---(b|)';

        const inputs = [
          (signal: AbortSignal) => ((signals.a = signal), a),
          (signal: AbortSignal) => ((signals.b = signal), b),
          (signal: AbortSignal) => ((signals.c = signal), c),
        ];
        expectObservable(firstCompleted(inputs)).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(signals.a.aborted).toBe(true);
      expect(signals.b.aborted).toBe(false);
      expect(signals.c.aborted).toBe(true);
    });

    it('emits the result of a single input, then completes', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -x-a|');
        const aSubs = '   ^---!';
        const expected = '----(a|)';

        expectObservable(firstCompleted([a])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });

    it('lets the first of two same-frame finishes win, in the order the scheduler runs them', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const expected = '---(a|)';

        expectObservable(firstCompleted([a, b])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('skips failures, including an input that completes without a value', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -#');
        const aSubs = '   ^!';
        const b = cold('  --|');
        const bSubs = '   ^-!';
        const c = cold('  ---c|');
        const cSubs = '   ^---!';
        const d = cold('  -----d|');
        const dSubs = '   ^---!';
        const expected = '----(c|)';

        expectObservable(firstCompleted([a, b, c, d])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('emits the first result that passes the predicate, called with (value, index)', () => {
      const calls: Array<[string, number]> = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -----a|');
        const aSubs = '   ^---!';
        const b = cold('  -b|');
        const bSubs = '   ^-!';
        const c = cold('  ---c|');
        const cSubs = '   ^---!';
        const expected = '----(c|)';

        const predicate = (value: string, index: number) => {
          calls.push([value, index]);
          return value !== 'b';
        };
        expectObservable(firstCompleted([a, b, c], { predicate })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(calls).toEqual([
        ['b', 1],
        ['c', 2],
      ]);
    });

    it('errors with an AggregateError of the failures in index order when no input qualifies', () => {
      const errorA = new Error('a failed');
      const errorB = new Error('b failed');
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ----#', undefined, errorA);
        const aSubs = '   ^---!';
        const b = cold('  -#', undefined, errorB);
        const bSubs = '   ^!';
        const c = cold('  --c|');
        const cSubs = '   ^--!';
        const expected = '----#';

        const result = firstCompleted([a, b, c], { predicate: (value) => value !== 'c' });
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, aggregateError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(caught.error).toBeInstanceOf(AggregateError);
      const aggregate = caught.error as AggregateError;
      expect(aggregate.name).toBe('AggregateError');
      expect(aggregate.errors).toHaveLength(2);
      expect(aggregate.errors[0]).toBe(errorA);
      expect(aggregate.errors[1]).toBe(errorB);
      expect(aggregate.message).toBe('None of 3 inputs fulfilled with a value that passed the predicate (2 failed)');
    });

    it('errors with an AggregateError of every failure when all inputs fail', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ---#', undefined, 'A');
        const aSubs = '   ^--!';
        const b = cold('  --|');
        const bSubs = '   ^-!';
        const expected = '---#';

        expectObservable(firstCompleted([a, b]).pipe(recordError(caught))).toBe(expected, undefined, aggregateError);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      const aggregate = caught.error as AggregateError;
      expect(aggregate).toBeInstanceOf(AggregateError);
      expect(aggregate.errors).toHaveLength(2);
      expect(aggregate.errors[0]).toBe('A');
      expect(aggregate.errors[1]).toBeInstanceOf(EmptyError);
      expect(aggregate.message).toBe('All 2 inputs failed');
    });

    it('errors at once with an AggregateError with no errors for an empty collection', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ expectObservable }) => {
        expectObservable(firstCompleted([]).pipe(recordError(caught))).toBe('#', undefined, aggregateError);
      });
      expect(caught.error).toBeInstanceOf(AggregateError);
      expect((caught.error as AggregateError).errors).toEqual([]);
      expect((caught.error as AggregateError).message).toBe('No inputs to complete');
    });

    it('errors with what the predicate throws, unsubscribing every other input', () => {
      const boom = new Error('predicate failed');
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -a|');
        const aSubs = '   ^-!';
        const b = cold('  ---b|');
        const bSubs = '   ^-!';
        const expected = '--#';

        const predicate = () => {
          throw boom;
        };
        expectObservable(firstCompleted([a, b], { predicate }).pipe(recordError(caught))).toBe(
          expected,
          undefined,
          boom,
        );
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(caught.error).toBe(boom);
    });

    it('lets the first synchronous result win and calls no further factory', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const d = cold('  d|');
        const expected = '(b|)';

        const failing = () => {
          calls++;
          throw new Error('sync failure');
        };
        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        const inputs: CompletionInput<string>[] = [failing, factory('b'), factory('c'), d];
        expectObservable(firstCompleted(inputs)).toBe(expected);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
      expect(calls).toBe(2);
    });

    it('starts queued inputs in input order as failures free slots, and none after the winner', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --#');
        const aSubs = '   ^-!';
        const b = cold('  ---#');
        const bSubs = '   ^--!';
        const c = cold('    ---c|');
        const cSubs = '   --^---!';
        const d = cold('     ---d|');
        const dSubs = '   ---^--!';
        const e = cold('  e|');
        const expected = '------(c|)';

        expectObservable(firstCompleted([a, b, c, d, e], { concurrency: 2 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe([]);
      });
    });

    it('tears every input down on an early unsubscribe', () => {
      const signals: AbortSignal[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ----a|');
        const aSubs = '   ^-!';
        const b = cold('  ---b|');
        const bSubs = '   ^-!';
        const unsub = '   --!';
        const expected = '--';

        const inputs = [(signal: AbortSignal) => (signals.push(signal), a), b];
        expectObservable(firstCompleted(inputs), unsub).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(signals[0].aborted).toBe(true);
    });
  });

  describe('pipeable form', () => {
    it('emits a winner per batch and completes when the source and every batch have', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ---a|');
        const aSubs = '      ^-!';
        const b = cold('     -b|');
        const bSubs = '      ^-!';
        const c = cold('        --c|');
        const cSubs = '      ---^--!';
        const d = cold('        -#');
        const dSubs = '      ---^!';
        const source = cold('x--y---|', { x: [a, b], y: [c, d] });
        const sourceSubs = ' ^------!';
        const expected = '   --b---c|';

        expectObservable(source.pipe(firstCompleted())).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('errors with an AggregateError when a batch has no qualifier, tearing the source and other batches down', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^---!';
        const b = cold('       --#');
        const bSubs = '      --^-!';
        const source = cold('x-y-----|', { x: [a], y: [b] });
        const sourceSubs = ' ^---!';
        const expected = '   ----#';

        expectObservable(source.pipe(firstCompleted(), recordError(caught))).toBe(expected, undefined, aggregateError);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(caught.error).toBeInstanceOf(AggregateError);
      expect((caught.error as AggregateError).errors).toEqual(['error']);
    });

    it('calls no further factory when unsubscribed from inside a synchronous emission', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        const source = cold('(xy|)', { x: [factory('a'), factory('b')], y: [factory('c')] });
        const sourceSubs = ' (^!)';
        const expected = '   (a|)';

        expectObservable(source.pipe(firstCompleted(), take(1))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
      expect(calls).toBe(1);
    });
  });
});

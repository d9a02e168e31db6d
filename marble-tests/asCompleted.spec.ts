import { EmptyError, of, take, type Observable } from 'rxjs';
import { asCompleted, type Completion, type CompletionInput, type Settled } from '../src/index.js';
import { createTestScheduler, recordError, recordValues, type Caught } from './support/marbles.js';

// Inputs that start late (queued, or in a later batch) are indented by their
// start frame, so every column below is one frame of virtual time.

describe('asCompleted', () => {
  describe('creation form', () => {
    it('emits each result when its input finishes, in completion order, not input order', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^------!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('  ----c|');
        const cSubs = '   ^----!';
        const expected = '---b-c-(a|)';

        expectObservable(asCompleted([a, b, c])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('takes the last value of one observable input (as lastValueFrom), then completes', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -x-y-z|');
        const aSubs = '   ^-----!';
        const expected = '------(z|)';

        expectObservable(asCompleted([a])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });

    it('completes at once for an empty collection', () => {
      createTestScheduler().run(({ expectObservable }) => {
        expectObservable(asCompleted([])).toBe('|');
      });
    });

    it('emits same-frame finishes in the order the scheduler runs them', () => {
      createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // The hot input's messages are scheduled before the cold inputs are
        // subscribed, so in frame 4 its completion runs first although it is last.
        const a = cold('  ---a|');
        const aSubs = '   ^---!';
        const b = cold('  ---b|');
        const bSubs = '   ^---!';
        const c = hot('   ---c|');
        const cSubs = '   ^---!';
        const expected = '----(cab|)';

        expectObservable(asCompleted([a, b, c])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('emits synchronous inputs in input order on subscription, ahead of earlier asynchronous ones', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --------a|');
        const aSubs = '   ^--------!';
        const expected = '(bcd)----(a|)';

        const inputs = [a, of('b'), ['x', 'c'], () => of('y', 'd')];
        expectObservable(asCompleted(inputs)).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });

    it('treats the same object twice as two inputs with two results', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const expected = '---(aa|)';

        expectObservable(asCompleted([a, a])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe([aSubs, aSubs]);
      });
    });

    it('re-reads the collection, re-calls factories and re-subscribes on every subscription', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   --a|');
        const firstSub = ' ^';
        const secondSub = '---^';
        const aSubs1 = '   ^--!';
        const aSubs2 = '   ---^--!';
        const expected1 = 'f--(a|)';
        const expected2 = '---f--(a|)';

        const factory = () => {
          calls++;
          return of('f');
        };
        const result = asCompleted([a, factory]);
        expectObservable(result, firstSub).toBe(expected1);
        expectObservable(result, secondSub).toBe(expected2);
        expectSubscriptions(a.subscriptions).toBe([aSubs1, aSubs2]);
      });
      expect(calls).toBe(2);
    });

    it('reads an exhausted generator as an empty collection on the next subscription', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   --a|');
        const aSubs = '    ^--!';
        const firstSub = ' ^';
        const secondSub = '----^';
        const expected1 = '---(a|)';
        const expected2 = '----|';

        function* inputs() {
          yield a;
        }
        const result = asCompleted(inputs());
        expectObservable(result, firstSub).toBe(expected1);
        expectObservable(result, secondSub).toBe(expected2);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });

    it('errors the output when reading a generator throws, tearing down the inputs already started', () => {
      const boom = new Error('iteration failed');
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   (^!)';
        const expected = '#';

        // Read lazily: `a` starts before the generator throws on the next read.
        function* inputs() {
          yield a;
          throw boom;
        }
        expectObservable(asCompleted(inputs()).pipe(recordError(caught))).toBe(expected, undefined, boom);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
      expect(caught.error).toBe(boom);
    });

    it('errors with EmptyError when an observable input completes without a value, unsubscribing the others', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --|');
        const aSubs = '   ^-!';
        const b = cold('  -----b|');
        const bSubs = '   ^-!';
        const expected = '--#';

        expectObservable(asCompleted([a, b]).pipe(recordError(caught))).toBe(expected, undefined, new EmptyError());
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(caught.error).toBeInstanceOf(EmptyError);
    });

    it('fails fast: keeps earlier results, delivers the error and unsubscribes every other input', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^--!';
        const b = cold('  ---#');
        const bSubs = '   ^--!';
        const c = cold('  c|');
        const cSubs = '   ^!';
        const expected = '-c-#';

        expectObservable(asCompleted([a, b, c])).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('fails fast under a concurrency limit: aborts running factories and never calls queued ones', () => {
      const signals: AbortSignal[] = [];
      let queuedCalled = false;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -----a|');
        const aSubs = '   ^-!';
        const b = cold('  --#');
        const bSubs = '   ^-!';
        const c = cold('  -c|');
        const expected = '--#';

        const inputs = [
          (signal: AbortSignal) => (signals.push(signal), a),
          (signal: AbortSignal) => (signals.push(signal), b),
          () => ((queuedCalled = true), c),
        ];
        expectObservable(asCompleted(inputs, { concurrency: 2 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe([]);
      });
      expect(signals).toHaveLength(2);
      expect(signals[0].aborted).toBe(true);
      expect(queuedCalled).toBe(false);
    });

    it('treats a factory that throws as the failure of that input', () => {
      const boom = new Error('factory failed');
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ---a|');
        const aSubs = '   (^!)';
        const expected = '#';

        const inputs = [
          a,
          () => {
            throw boom;
          },
        ];
        expectObservable(asCompleted(inputs).pipe(recordError(caught))).toBe(expected, undefined, boom);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
      expect(caught.error).toBe(boom);
    });

    it('treats an element that is not an input as a TypeError failure naming its index', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ---a|');
        const aSubs = '   (^!)';
        const expected = '#';

        const inputs = [a, 42 as never];
        expectObservable(asCompleted(inputs).pipe(recordError(caught))).toBe(
          expected,
          undefined,
          expect.any(TypeError),
        );
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
      expect(caught.error).toBeInstanceOf(TypeError);
      expect((caught.error as TypeError).message).toBe(
        'Expected `inputs[1]` to be a promise, an ObservableInput or a factory function, got `42` (number)',
      );
    });

    it('starts queued inputs in input order as concurrency slots free', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ----a|');
        const aSubs = '   ^----!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('     --c|');
        const cSubs = '   ---^--!';
        const d = cold('       --d|');
        const dSubs = '   -----^--!';
        const expected = '---b-ac-(d|)';

        expectObservable(asCompleted([a, b, c, d], { concurrency: 2 })).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('runs synchronous inputs one at a time with concurrency 1, still in input order', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const c = cold('  -----c|');
        const cSubs = '   ^-----!';
        const expected = '(ab)--(c|)';

        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        expectObservable(asCompleted([factory('a'), factory('b'), c], { concurrency: 1 })).toBe(expected);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(calls).toBe(2);
    });

    it('tears every running input down and starts nothing new on an early unsubscribe', () => {
      const signals: Record<string, AbortSignal> = {};
      let queuedCalled = false;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ------a|');
        const aSubs = '   ^---!';
        const b = cold('  --b|');
        const bSubs = '   ^--!';
        const c = cold('     -----c|');
        const cSubs = '   ---^!';
        const d = cold('  d|');
        const unsub = '   ----!';
        const expected = '---b';

        const inputs = [
          (signal: AbortSignal) => ((signals.a = signal), a),
          (signal: AbortSignal) => ((signals.b = signal), b),
          (signal: AbortSignal) => ((signals.c = signal), c),
          () => ((queuedCalled = true), d),
        ];
        expectObservable(asCompleted(inputs, { concurrency: 2 }), unsub).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
      expect(signals.a.aborted).toBe(true);
      expect(signals.b.aborted).toBe(false);
      expect(signals.c.aborted).toBe(true);
      expect(queuedCalled).toBe(false);
    });

    it('calls no further factory when unsubscribed from inside a synchronous emission (take(1))', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const d = cold('  d|');
        const expected = '(a|)';

        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        const inputs: CompletionInput<string>[] = [factory('a'), factory('b'), factory('c'), d];
        expectObservable(asCompleted(inputs).pipe(take(1))).toBe(expected);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
      expect(calls).toBe(1);
    });

    it("emits exact Completion records with emit: 'tagged', the input by identity", () => {
      const seen: Completion<string>[] = [];
      const given: unknown[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ---a|');
        const aSubs = '   ^---!';
        const b = cold('  -b|');
        const bSubs = '   ^-!';
        const expected = '--x-(y|)';

        given.push(a, b);
        const result = asCompleted([a, b], { emit: 'tagged' });
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          x: { value: 'b', index: 1, input: b, completed: 1, total: 2, batch: 0 },
          y: { value: 'a', index: 0, input: a, completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(seen[0].input).toBe(given[1]);
      expect(seen[1].input).toBe(given[0]);
    });

    it("fails fast with emit: 'tagged' too", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  ---a|');
        const aSubs = '   ^-!';
        const b = cold('  b|');
        const bSubs = '   ^!';
        const c = cold('  --#');
        const cSubs = '   ^-!';
        const expected = '-x#';

        expectObservable(asCompleted([a, b, c], { emit: 'tagged' })).toBe(expected, {
          x: { value: 'b', index: 1, input: b, completed: 1, total: 3, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it("emits exactly one Settled record per input with emit: 'settled' and never errors because of an input", () => {
      const seen: Settled<string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  -------a|');
        const aSubs = '   ^-------!';
        const b = cold('  -----#');
        const bSubs = '   ^----!';
        const expected = '(cd)-b--(a|)';

        const c = of('c');
        const bad = 42 as never;
        const result = asCompleted([a, b, c, bad], { emit: 'settled' });
        // prettier-ignore
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          c: { status: 'fulfilled', value: 'c', index: 2, input: c, completed: 1, total: 4, batch: 0 },
          d: { status: 'rejected', reason: expect.any(TypeError), index: 3, input: bad, completed: 2, total: 4, batch: 0 },
          b: { status: 'rejected', reason: 'error', index: 1, input: b, completed: 3, total: 4, batch: 0 },
          a: { status: 'fulfilled', value: 'a', index: 0, input: a, completed: 4, total: 4, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      const reason = (seen[1] as { reason: unknown }).reason;
      expect(reason).toBeInstanceOf(TypeError);
      expect((reason as TypeError).message).toContain('`inputs[3]`');
    });

    it("treats a factory that returns no ObservableInput as a TypeError failure (emit: 'settled')", () => {
      const seen: Settled<string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('  --a|');
        const aSubs = '   ^--!';
        const expected = 'x--(y|)';

        const factory = () => 42 as never;
        // prettier-ignore
        expectObservable(asCompleted([a, factory], { emit: 'settled' }).pipe(recordValues(seen))).toBe(expected, {
          x: { status: 'rejected', reason: expect.any(TypeError), index: 1, input: factory, completed: 1, total: 2, batch: 0 },
          y: { status: 'fulfilled', value: 'a', index: 0, input: a, completed: 2, total: 2, batch: 0 },
        });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
      const reason = (seen[0] as { reason: TypeError }).reason;
      expect(reason.message).toBe(
        'Expected the factory at `inputs[1]` to return a promise or an ObservableInput, got `42` (number)',
      );
    });
  });

  describe('pipeable form', () => {
    it('runs each source value as a batch of its own and completes when the source and every batch have', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('      ---a|');
        const aSubs = '      -^---!';
        const b = cold('      -b|');
        const bSubs = '      -^-!';
        const c = cold('          --c|');
        const cSubs = '      -----^--!';
        const source = cold('-x---y-|', { x: [a, b], y: [c] });
        const sourceSubs = ' ^------!';
        const expected = '   ---p-q--(r|)';

        expectObservable(source.pipe(asCompleted({ emit: 'tagged' }))).toBe(expected, {
          p: { value: 'b', index: 1, input: b, completed: 1, total: 2, batch: 0 },
          q: { value: 'a', index: 0, input: a, completed: 2, total: 2, batch: 0 },
          r: { value: 'c', index: 0, input: c, completed: 1, total: 1, batch: 1 },
        });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('waits for the source to complete after every batch is done; an empty batch adds nothing', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -a|');
        const aSubs = '      ^-!';
        const source = cold('x-y----|', { x: [a], y: [] as (typeof a)[] });
        const sourceSubs = ' ^------!';
        const expected = '   --a----|';

        expectObservable(source.pipe(asCompleted())).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });

    it('shares one concurrency budget across batches, starting inputs in arrival order', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     --a|');
        const aSubs = '      ^--!';
        const b = cold('        -b|');
        const bSubs = '      ---^-!';
        const c = cold('          -c|');
        const cSubs = '      -----^-!';
        const source = cold('xy|', { x: [a, b], y: [c] });
        const sourceSubs = ' ^-!';
        const expected = '   ---a-b-(c|)';

        expectObservable(source.pipe(asCompleted({ concurrency: 1 }))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('fails fast across batches: an input error unsubscribes the source and every other batch', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^---!';
        const b = cold('       --#');
        const bSubs = '      --^-!';
        const source = cold('x-y---|', { x: [a], y: [b] });
        const sourceSubs = ' ^---!';
        const expected = '   ----#';

        expectObservable(source.pipe(asCompleted())).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('tears every batch down when the source errors', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('      -----a|');
        const aSubs = '      -^--!';
        const b = cold('      -b|');
        const bSubs = '      -^-!';
        const source = cold('-x--#', { x: [a, b] });
        const sourceSubs = ' ^---!';
        const expected = '   ---b#';

        expectObservable(source.pipe(asCompleted())).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('errors with a TypeError when a source value is not a collection', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     -----a|');
        const aSubs = '      ^--!';
        const source = cold('x--y--|', { x: [a], y: 42 as never });
        const sourceSubs = ' ^--!';
        const expected = '   ---#';

        expectObservable(source.pipe(asCompleted(), recordError(caught))).toBe(
          expected,
          undefined,
          expect.any(TypeError),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
      expect(caught.error).toBeInstanceOf(TypeError);
      expect((caught.error as TypeError).message).toBe(
        'Expected the source to emit collections of inputs, got `42` (number); to run each source value as ' +
          'one input, pass the source itself as the collection (`asCompleted(source$, options)`)',
      );
    });

    it('tears the source and every batch down on an early unsubscribe', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('     ----a|');
        const aSubs = '      ^--!';
        const b = cold('       -b|');
        const bSubs = '      --^!';
        const source = cold('x-y---|', { x: [a], y: [b] });
        const sourceSubs = ' ^--!';
        const unsub = '      ---!';
        const expected = '   ---';

        expectObservable(source.pipe(asCompleted()), unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('calls no further factory and leaves the source when unsubscribed from inside a synchronous emission', () => {
      let calls = 0;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const factory = (value: string) => () => {
          calls++;
          return of(value);
        };
        const source = cold('(xy|)', { x: [factory('a'), factory('b')], y: [factory('c')] });
        const sourceSubs = ' (^!)';
        const expected = '   (a|)';

        const result: Observable<string> = source.pipe(asCompleted(), take(1));
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
      expect(calls).toBe(1);
    });
  });
});

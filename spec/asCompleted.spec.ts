import { EmptyError, Observable, of, Subject, take } from 'rxjs';
import { asCompleted, type Completion, type CompletionInput, type Settled } from '../src/index.js';
import { delay, probe, record, rejectAfter, run, sleep, watchUnhandledRejections } from './support/async.js';

describe('asCompleted', () => {
  describe('ordering', () => {
    it('emits in completion order, not input order', async () => {
      const rec = await run(asCompleted([delay(60, 'a'), delay(5, 'b'), delay(30, 'c')]));
      expect(rec).toMatchObject({ values: ['b', 'c', 'a'], completed: true, errored: false });
    });

    it('completes at once, synchronously, on an empty collection', () => {
      const rec = record(asCompleted([]));
      expect(rec).toMatchObject({ values: [], completed: true, errored: false });
    });

    it('emits the one result of a single input', async () => {
      expect((await run(asCompleted([delay(5, 42)]))).values).toEqual([42]);
    });

    it('emits synchronous inputs during subscribe, in input order', () => {
      const rec = record(asCompleted<CompletionInput<number>[]>([of(1, 2), [3], () => of(4), () => [5, 6]]));
      // The result of an ObservableInput is its last value (as lastValueFrom).
      expect(rec).toMatchObject({ values: [2, 3, 4, 6], completed: true });
    });

    it('puts synchronous results before asynchronous ones whatever their position', async () => {
      const rec = await run(asCompleted<CompletionInput<string>[]>([delay(5, 'late'), of('now')]));
      expect(rec.values).toEqual(['now', 'late']);
    });

    it('takes the last value of an async iterable', async () => {
      async function* countdown() {
        yield 3;
        await delay(5);
        yield 2;
        yield 1;
      }
      const rec = await run(asCompleted([countdown(), delay(200, 0)]));
      expect(rec.values).toEqual([1, 0]);
    });

    it('fails an observable that completes without a value with EmptyError', async () => {
      const rec = await run(asCompleted([delay(20, 'x'), of()]));
      expect(rec.values).toEqual([]);
      expect(rec.error).toBeInstanceOf(EmptyError);
    });

    it('accepts thenables that are not promises', async () => {
      const thenable = (ms: number, value: string): PromiseLike<string> => ({
        then: (onFulfilled, onRejected) => delay(ms, value).then(onFulfilled, onRejected),
      });
      expect((await run(asCompleted([thenable(40, 'a'), thenable(5, 'b')]))).values).toEqual(['b', 'a']);
    });

    it('treats a rejecting thenable as a failure', async () => {
      const err = new Error('thenable');
      const bad: PromiseLike<never> = { then: (_ok, onRejected) => rejectAfter(5, err).then(undefined, onRejected) };
      const rec = await run(asCompleted([bad]));
      expect(rec.error).toBe(err);
    });

    it('treats a thenable whose then throws as a failure of that input', async () => {
      const err = new Error('then threw');
      const bad = {
        then() {
          throw err;
        },
      } as unknown as PromiseLike<string>;
      const rec = await run(asCompleted([bad, delay(5, 'ok')], { emit: 'settled' }));
      expect(rec.values.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([err, 'ok']);
    });

    it('fails only that input when reading its `then` throws', async () => {
      const hostile = Object.defineProperty({}, 'then', {
        get() {
          throw new Error('getter threw');
        },
      }) as PromiseLike<string>;
      const rec = await run(asCompleted([hostile, of('ok')], { emit: 'settled' }));
      expect(rec.error).toBeUndefined();
      // Both finish during subscription: in input order.
      expect(rec.values.map((r) => [r.index, r.status])).toEqual([
        [0, 'rejected'],
        [1, 'fulfilled'],
      ]);
      expect(rec.values[0]).toMatchObject({ status: 'rejected', reason: expect.any(TypeError) });
      expect(String((rec.values[0] as { reason: unknown }).reason)).toMatch(/inputs\[0\]/);
    });

    it('takes one outcome from a native promise whose own `then` calls back twice', async () => {
      const twice = Promise.resolve('p');
      const nativeThen = twice.then.bind(twice);
      Object.defineProperty(twice, 'then', {
        value: (ok: (v: string) => unknown, fail: (e: unknown) => unknown) => {
          void nativeThen(ok, fail);
          return nativeThen(ok, fail);
        },
      });
      const rec = await run(asCompleted([twice, delay(5, 'a'), delay(10, 'b')], { concurrency: 1 }));
      expect(rec.error).toBeUndefined();
      expect(rec.values).toEqual(['p', 'a', 'b']);
    });

    it('mixes promises, observables and factories', async () => {
      const inputs: CompletionInput<string>[] = [
        delay(60, 'promise'),
        () => delay(5, 'factory'),
        new Observable<string>((s) => {
          const t = setTimeout(() => (s.next('observable'), s.complete()), 30);
          return () => clearTimeout(t);
        }),
      ];
      expect((await run(asCompleted(inputs))).values).toEqual(['factory', 'observable', 'promise']);
    });
  });

  describe('collections', () => {
    it('reads a Set', async () => {
      const rec = await run(asCompleted(new Set([delay(40, 'a'), delay(5, 'b')])));
      expect(rec.values).toEqual(['b', 'a']);
    });

    it('reads a generator', async () => {
      function* inputs() {
        yield delay(40, 'a');
        yield delay(5, 'b');
      }
      expect((await run(asCompleted(inputs()))).values).toEqual(['b', 'a']);
    });

    it('gives 0 inputs for an exhausted generator on a second subscription', async () => {
      function* inputs() {
        yield () => delay(5, 'a');
      }
      const output = asCompleted(inputs());
      expect((await run(output)).values).toEqual(['a']);
      const second = record(output);
      expect(second).toMatchObject({ values: [], completed: true });
    });

    it('re-reads the collection and re-calls factories on every subscription', async () => {
      const a = probe(5, 'a');
      const inputs: CompletionInput<string>[] = [a];
      const output = asCompleted(inputs);
      expect(a.calls).toBe(0); // lazy: nothing happens before subscribe
      expect((await run(output)).values).toEqual(['a']);
      inputs.push(() => delay(10, 'b'));
      expect((await run(output)).values).toEqual(['a', 'b']);
      expect(a.calls).toBe(2);
      expect(a.signals[0]).not.toBe(a.signals[1]);
    });

    it('re-subscribes observables on every subscription, and takes a promise’s one result each time', async () => {
      let subscriptions = 0;
      const cold = new Observable<string>((s) => {
        subscriptions++;
        s.next(`run ${subscriptions}`);
        s.complete();
      });
      const promise = Promise.resolve('p');
      const output = asCompleted<CompletionInput<string>[]>([cold, promise]);
      expect((await run(output)).values).toEqual(['run 1', 'p']);
      expect((await run(output)).values).toEqual(['run 2', 'p']);
      expect(subscriptions).toBe(2);
    });

    it('keeps its own snapshot: changing the array during a run does not reach it', async () => {
      const inputs: CompletionInput<string>[] = [delay(10, 'a')];
      const rec = record(asCompleted(inputs));
      inputs.push(delay(5, 'b'));
      expect((await rec.done).values).toEqual(['a']);
    });

    it('counts the same promise twice as two inputs with two results', async () => {
      const p = delay(5, 'same');
      const rec = await run(asCompleted([p, p], { emit: 'tagged' }));
      expect(rec.values).toEqual([
        { value: 'same', index: 0, input: p, completed: 1, total: 2, batch: 0 },
        { value: 'same', index: 1, input: p, completed: 2, total: 2, batch: 0 },
      ]);
    });

    it('calls the same factory twice when it appears twice', async () => {
      const f = probe(5, 'f');
      expect((await run(asCompleted([f, f]))).values).toEqual(['f', 'f']);
      expect(f.calls).toBe(2);
    });

    it('fails through the error channel when the iterator throws', () => {
      const err = new Error('iterator');
      const broken: Iterable<Promise<number>> = {
        *[Symbol.iterator]() {
          yield delay(5, 1);
          throw err;
        },
      };
      const output = asCompleted(broken); // no throw at call time: nothing is read yet
      const rec = record(output);
      expect(rec).toMatchObject({ values: [], errored: true, error: err });
    });
  });

  describe("emit: 'tagged'", () => {
    it('tags each result with index, input identity, progress and batch', async () => {
      const slow = delay(30, 'slow');
      const fast = () => delay(5, 'fast');
      const rec = await run(asCompleted([slow, fast], { emit: 'tagged' }));
      const expected: Completion<string>[] = [
        { value: 'fast', index: 1, input: fast, completed: 1, total: 2, batch: 0 },
        { value: 'slow', index: 0, input: slow, completed: 2, total: 2, batch: 0 },
      ];
      expect(rec.values).toEqual(expected);
      expect(rec.values[0].input).toBe(fast);
      expect(rec.values[1].input).toBe(slow);
      expect(rec.completed).toBe(true);
    });

    it('fails fast with the input error, keeping earlier results', async () => {
      const err = new Error('boom');
      const rec = await run(asCompleted([delay(5, 'a'), rejectAfter(30, err), delay(60, 'c')], { emit: 'tagged' }));
      expect(rec.values.map((c) => c.value)).toEqual(['a']);
      expect(rec).toMatchObject({ errored: true, completed: false });
      expect(rec.error).toBe(err);
    });
  });

  describe("emit: 'value' fail fast", () => {
    it('errors with the first failure; earlier results were emitted', async () => {
      const err = new Error('boom');
      const rec = await run(asCompleted([delay(5, 'a'), rejectAfter(30, err), delay(60, 'c')]));
      expect(rec).toMatchObject({ values: ['a'], errored: true, completed: false });
      expect(rec.error).toBe(err);
    });

    it('tears down the other running inputs and never starts queued ones', async () => {
      const err = new Error('boom');
      const done = probe(5, 'done');
      const failing = probe(40, err, { fail: true });
      const running = probe(100, 'running');
      const queued = probe(5, 'queued');
      const rec = await run(asCompleted([done, failing, running, queued], { concurrency: 3 }));
      // `done` finishes at 5 ms and frees its slot, so `queued` starts and finishes too.
      expect(rec.values).toEqual(['done', 'queued']);
      expect(rec.error).toBe(err);
      expect(running.signal.aborted).toBe(true);
      expect(done.signal.aborted).toBe(false);

      const never = probe(5, 'never');
      const rec2 = await run(asCompleted([probe(15, err, { fail: true }), probe(100, 'x'), never], { concurrency: 2 }));
      expect(rec2.error).toBe(err);
      expect(never.calls).toBe(0);
    });

    it('errors synchronously when a synchronous input fails during subscribe', () => {
      const err = new Error('sync');
      const later = probe(5, 'later');
      const rec = record(
        asCompleted<CompletionInput<string>[]>([
          of('a'),
          () => {
            throw err;
          },
          later,
        ]),
      );
      expect(rec).toMatchObject({ values: ['a'], errored: true, error: err });
      // Input order: the failing factory ran before `later` was started.
      expect(later.calls).toBe(0);
    });
  });

  describe("emit: 'settled'", () => {
    it('emits exactly one record per input, rejected ones included, then completes', async () => {
      const err = new Error('boom');
      const a = delay(60, 'a');
      const b = rejectAfter(5, err);
      const c = () => delay(30, 'c');
      const rec = await run(asCompleted<CompletionInput<string>[], 'settled'>([a, b, c], { emit: 'settled' }));
      const expected: Settled<string>[] = [
        { status: 'rejected', reason: err, index: 1, input: b, completed: 1, total: 3, batch: 0 },
        { status: 'fulfilled', value: 'c', index: 2, input: c, completed: 2, total: 3, batch: 0 },
        { status: 'fulfilled', value: 'a', index: 0, input: a, completed: 3, total: 3, batch: 0 },
      ];
      expect(rec.values).toEqual(expected);
      expect(rec).toMatchObject({ completed: true, errored: false });
    });

    it('keeps going past failures and lets queued inputs start', async () => {
      const err = new Error('boom');
      const q = probe(5, 'queued');
      const rec = await run(asCompleted([rejectAfter(5, err), q], { emit: 'settled', concurrency: 1 }));
      expect(rec.values.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect(q.calls).toBe(1);
    });

    it('emits only rejected records when everything fails', async () => {
      const rec = await run(asCompleted([rejectAfter(30, 'x'), rejectAfter(5, 'y')], { emit: 'settled' }));
      expect(rec.values.map((r) => (r.status === 'rejected' ? [r.index, r.reason] : null))).toEqual([
        [1, 'y'],
        [0, 'x'],
      ]);
      expect(rec.completed).toBe(true);
    });
  });

  describe('concurrency', () => {
    it('with concurrency 1 runs the inputs one after another', async () => {
      const log: string[] = [];
      const inputs = ['a', 'b', 'c'].map((v) => probe(5, v, { log }));
      const rec = record(asCompleted(inputs, { concurrency: 1 }));
      expect(log).toEqual(['start a']);
      await rec.done;
      expect(log).toEqual(['start a', 'start b', 'start c']);
      expect(rec.values).toEqual(['a', 'b', 'c']);
    });

    it('only delays when results of promises passed in directly are taken (they are already running)', async () => {
      let ran = 0;
      const running = (ms: number, v: string) => new Promise<string>((resolve) => (ran++, setTimeout(resolve, ms, v)));
      const inputs = [running(30, 'slow'), running(5, 'fast')];
      expect(ran).toBe(2); // before any subscription
      const rec = await run(asCompleted(inputs, { concurrency: 1 }));
      expect(rec.values).toEqual(['slow', 'fast']);
    });

    it('accepts Infinity', async () => {
      expect((await run(asCompleted([delay(5, 1)], { concurrency: Infinity }))).values).toEqual([1]);
    });
  });

  describe('unsubscribe', () => {
    it('tears down running inputs, aborts their signals and starts nothing new', async () => {
      const alsoRunning = probe(100, 'also running');
      const running = probe(100, 'running');
      const queued = probe(5, 'queued');
      let teardowns = 0;
      const observable = new Observable<string>(() => () => {
        teardowns++;
      });
      const rec = record(
        asCompleted<CompletionInput<string>[]>([alsoRunning, running, observable, queued], { concurrency: 3 }),
      );
      await sleep(2);
      rec.subscription.unsubscribe();
      expect([alsoRunning.signal.aborted, running.signal.aborted]).toEqual([true, true]);
      expect(teardowns).toBe(1);
      await sleep(20);
      expect(queued.calls).toBe(0);
      expect(rec).toMatchObject({ values: [], completed: false, errored: false });
    });

    it('emits nothing after unsubscribe even when inputs then finish', async () => {
      const rec = record(asCompleted([delay(5, 'a'), delay(10, 'b')]));
      rec.subscription.unsubscribe();
      await sleep(20);
      expect(rec.values).toEqual([]);
    });

    it('stops at take(1) and aborts the rest', async () => {
      const a = probe(5, 'a');
      const b = probe(50, 'b');
      const rec = await run(asCompleted([a, b]).pipe(take(1)));
      expect(rec.values).toEqual(['a']);
      expect(b.signal.aborted).toBe(true);
      expect(a.signal.aborted).toBe(false);
    });
  });

  describe('no unhandled rejections', () => {
    let watch: ReturnType<typeof watchUnhandledRejections>;
    beforeEach(() => (watch = watchUnhandledRejections()));
    afterEach(() => watch.stop());

    it('from a promise that rejects after unsubscribe', async () => {
      const late = rejectAfter(10, new Error('late'));
      const rec = record(asCompleted([late, delay(5, 'x')]));
      rec.subscription.unsubscribe();
      await sleep(25);
      late.catch(() => {});
      expect(watch.seen).toEqual([]);
    });

    it('from a promise that rejects after fail fast', async () => {
      const late = rejectAfter(30, new Error('late'));
      const rec = await run(asCompleted([rejectAfter(5, new Error('first')), late]));
      expect(rec.error).toEqual(new Error('first'));
      await sleep(35);
      late.catch(() => {});
      expect(watch.seen).toEqual([]);
    });

    it('from a queued promise that rejects before it is started', async () => {
      const queued = rejectAfter(5, new Error('queued'));
      const rec = await run(asCompleted([delay(25, 'first'), queued], { concurrency: 1 }));
      // Its rejection is still the stream's error once it is taken...
      expect(rec.values).toEqual(['first']);
      expect(rec.error).toEqual(new Error('queued'));
      // ...but it must never have been an unhandled rejection in between.
      expect(watch.seen).toEqual([]);
    });

    it('from a queued promise that rejects after an early unsubscribe', async () => {
      const queued = rejectAfter(10, new Error('queued'));
      const rec = record(asCompleted([delay(30, 'first'), queued], { concurrency: 1 }));
      rec.subscription.unsubscribe();
      await sleep(20);
      queued.catch(() => {}); // keep jest's own detector out of it; the watch has seen what it saw
      expect(watch.seen).toEqual([]);
    });

    it('from a promise never started because an earlier input failed synchronously', async () => {
      const never = rejectAfter(5, new Error('never started'));
      const rec = record(
        asCompleted<CompletionInput<string>[]>([
          () => {
            throw new Error('sync');
          },
          never,
        ]),
      );
      expect(rec.error).toEqual(new Error('sync'));
      await sleep(15);
      never.catch(() => {});
      expect(watch.seen).toEqual([]);
    });
  });

  describe('pipeable form', () => {
    it('handles every source value as a batch and tags it', async () => {
      const rec = await run(
        of([delay(60, 'a0'), delay(5, 'b0')], [delay(30, 'a1')]).pipe(asCompleted({ emit: 'tagged' })),
      );
      expect(
        rec.values.map(({ value, index, batch, completed, total }) => ({ value, index, batch, completed, total })),
      ).toEqual([
        { value: 'b0', index: 1, batch: 0, completed: 1, total: 2 },
        { value: 'a1', index: 0, batch: 1, completed: 1, total: 1 },
        { value: 'a0', index: 0, batch: 0, completed: 2, total: 2 },
      ]);
      expect(rec.completed).toBe(true);
    });

    it('completes only when the source and every batch have completed', async () => {
      const source = new Subject<Promise<string>[]>();
      const rec = record(source.pipe(asCompleted()));
      source.next([delay(10, 'a')]);
      source.complete();
      expect(rec.completed).toBe(false);
      await rec.done;
      expect(rec).toMatchObject({ values: ['a'], completed: true });

      const source2 = new Subject<Promise<string>[]>();
      const rec2 = record(source2.pipe(asCompleted()));
      source2.next([delay(5, 'b')]);
      await sleep(15);
      expect(rec2).toMatchObject({ values: ['b'], completed: false });
      source2.complete();
      expect(rec2.completed).toBe(true);
    });

    it('shares one concurrency budget across batches', async () => {
      let active = 0;
      let peak = 0;
      const job = (v: string) => async () => {
        peak = Math.max(peak, ++active);
        await delay(10);
        active--;
        return v;
      };
      const rec = await run(of([job('a'), job('b')], [job('c'), job('d')]).pipe(asCompleted({ concurrency: 2 })));
      expect(peak).toBe(2);
      expect(rec.values).toEqual(['a', 'b', 'c', 'd']);
    });

    it('tears everything down on a source error', async () => {
      const err = new Error('source');
      const source = new Subject<Array<(s: AbortSignal) => Promise<string>>>();
      const running = probe(100, 'running');
      const rec = record(source.pipe(asCompleted()));
      source.next([running]);
      source.error(err);
      expect(rec.error).toBe(err);
      expect(running.signal.aborted).toBe(true);
    });

    it('re-calls factories of a batch for every subscription to the output', async () => {
      const f = probe(5, 'f');
      const output = of([f]).pipe(asCompleted());
      await run(output);
      await run(output);
      expect(f.calls).toBe(2);
    });

    it('unsubscribes from the source on unsubscribe', () => {
      const source = new Subject<Promise<number>[]>();
      const rec = record(source.pipe(asCompleted()));
      expect(source.observed).toBe(true);
      rec.subscription.unsubscribe();
      expect(source.observed).toBe(false);
    });
  });
});

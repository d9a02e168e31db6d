import { NEVER, Observable, of, take } from 'rxjs';
import {
  AsCompletedTimeoutError,
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  type CompletionFactory,
  type CompletionInput,
} from '../src/index.js';
import { abortListeners, delay, fakeFetch, probe, record, rejectAfter, run, sleep } from './support/async.js';

/** A factory that keeps its signal and never finishes, and touches nothing on it. */
function idle(): CompletionFactory<never> & { signal?: AbortSignal } {
  const factory = ((signal: AbortSignal) => {
    factory.signal = signal;
    return NEVER;
  }) as CompletionFactory<never> & { signal?: AbortSignal };
  return factory;
}

const isAbortError = (reason: unknown) => reason instanceof DOMException && reason.name === 'AbortError';

describe('AbortSignal', () => {
  describe('is aborted', () => {
    it('on unsubscribe, for every started factory', async () => {
      const a = probe(100, 'a');
      const b = probe(100, 'b');
      const rec = record(asCompleted([a, b]));
      await sleep(5);
      expect([a.signal.aborted, b.signal.aborted]).toEqual([false, false]);
      rec.subscription.unsubscribe();
      expect([a.signal.aborted, b.signal.aborted]).toEqual([true, true]);
      expect(isAbortError(a.signal.reason)).toBe(true);
    });

    it('on an unsubscribe that happens during subscribe (take(1) over a synchronous input)', () => {
      const running = idle();
      const never = idle();
      const rec = record(asCompleted<CompletionInput<string>[]>([running, of('sync'), never]).pipe(take(1)));
      expect(rec).toMatchObject({ values: ['sync'], completed: true });
      expect(running.signal!.aborted).toBe(true);
      expect(never.signal).toBeUndefined();
    });

    // SPEC §1: a factory is called with an AbortSignal. The engine (14178bc) makes none for
    // a factory whose `length` is 0 — which includes these, that do use it.
    it('for every factory, even one whose declared length is 0 (rest, default value, a wrapper)', () => {
      const got: Array<AbortSignal | undefined> = [];
      const wrap =
        <A extends unknown[], R>(fn: (...args: A) => R) =>
        (...args: A): R =>
          fn(...args);
      const fallback = new AbortController().signal;
      const factories = [
        (...args: unknown[]) => (got.push(args[0] as AbortSignal | undefined), NEVER),
        (signal: AbortSignal = fallback) => (got.push(signal === fallback ? undefined : signal), NEVER),
        wrap((signal: AbortSignal) => (got.push(signal), NEVER)),
        function (this: unknown) {
          // eslint-disable-next-line prefer-rest-params
          got.push(arguments[0] as AbortSignal | undefined);
          return NEVER;
        },
      ];
      // Declared lengths 0, 0, 0, 0: nothing in a function's `length` says it will not use a signal.
      expect(factories.map((f) => f.length)).toEqual([0, 0, 0, 0]);
      const rec = record(asCompleted(factories));
      expect(got.map((s) => s instanceof AbortSignal)).toEqual([true, true, true, true]);
      rec.subscription.unsubscribe();
      expect(got.map((s) => s?.aborted)).toEqual([true, true, true, true]);
    });

    it('on the total deadline, with the AsCompletedTimeoutError as its reason', async () => {
      const slow = probe(200, 'slow');
      const rec = await run(asCompletedWithTimeout([slow], 15));
      expect(slow.signal.aborted).toBe(true);
      expect(slow.signal.reason).toBeInstanceOf(AsCompletedTimeoutError);
      expect(slow.signal.reason).toBe(rec.error);
      expect((slow.signal.reason as AsCompletedTimeoutError).info.scope).toBe('total');
    });

    it("on the total deadline in emit: 'settled', with the record's reason", async () => {
      const slow = probe(200, 'slow');
      const rec = await run(asCompletedWithTimeout([slow], { total: 15, emit: 'settled' }));
      const [only] = rec.values;
      expect(only.status).toBe('rejected');
      expect(slow.signal.reason).toBe(only.status === 'rejected' && only.reason);
    });

    it('on an each expiry, with that input’s AsCompletedTimeoutError', async () => {
      const late = probe(300, 'late');
      const fine = probe(5, 'fine');
      const rec = await run(asCompletedWithTimeout([fine, late], { each: 40, emit: 'settled' }));
      expect(rec.values.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(late.signal.reason).toBeInstanceOf(AsCompletedTimeoutError);
      expect((late.signal.reason as AsCompletedTimeoutError).info).toMatchObject({ scope: 'each', index: 1 });
      expect(fine.signal.aborted).toBe(false);
    });

    it('on fail fast, for the other running inputs', async () => {
      const err = new Error('boom');
      const other = probe(100, 'other');
      const failing = probe(5, err, { fail: true });
      const rec = await run(asCompleted([other, failing]));
      expect(rec.error).toBe(err);
      expect(other.signal.aborted).toBe(true);
      expect(failing.signal.aborted).toBe(false); // it finished on its own (by failing)
    });

    it('on fail fast or take(1) that follow results of promises passed in directly', async () => {
      const err = new Error('boom');
      const running = probe(200, 'running');
      const rec = await run(asCompleted([delay(5, 'a'), rejectAfter(20, err), running]));
      expect(rec).toMatchObject({ values: ['a'], error: err });
      expect(running.signal.aborted).toBe(true);

      const other = probe(200, 'other');
      const rec2 = await run(asCompleted([delay(5, 'b'), other]).pipe(take(1)));
      expect(rec2.values).toEqual(['b']);
      expect(other.signal.aborted).toBe(true);
    });

    it('when firstCompleted has a winner, for the losers', async () => {
      const losers = [probe(100, 'l0'), probe(100, 'l1')];
      const winner = probe(5, 'w');
      const rec = await run(firstCompleted([losers[0], winner, losers[1]]));
      expect(rec.values).toEqual(['w']);
      expect(losers.map((l) => l.signal.aborted)).toEqual([true, true]);
      expect(winner.signal.aborted).toBe(false);
    });

    it('when an observable the factory returned is still running, after unsubscribing it first', async () => {
      const events: string[] = [];
      const factory = (signal: AbortSignal) =>
        new Observable<string>(() => {
          signal.addEventListener('abort', () => events.push('abort'), { once: true });
          return () => events.push(`unsubscribe (aborted: ${signal.aborted})`);
        });
      const rec = record(asCompleted([factory]));
      rec.subscription.unsubscribe();
      expect(events).toEqual(['unsubscribe (aborted: false)', 'abort']);
    });
  });

  describe('is not aborted', () => {
    it('for inputs that finished normally, whatever happens to the rest', async () => {
      const done = probe(5, 'done');
      const rec = record(asCompleted([done, probe(200, 'x')]));
      await sleep(15);
      rec.subscription.unsubscribe();
      expect(done.signal.aborted).toBe(false);

      const ok = probe(5, 'ok');
      await run(asCompleted([ok, probe(15, 'bad', { fail: true })]));
      expect(ok.signal.aborted).toBe(false);

      const early = probe(5, 'early');
      await run(asCompletedWithTimeout([early, probe(300, 'late')], { total: 60 }));
      expect(early.signal.aborted).toBe(false);

      const fulfilled = probe(5, 'fulfilled');
      await run(asCompleted([fulfilled]));
      expect(fulfilled.signal.aborted).toBe(false);
    });

    it('for a completed run: completion does not abort anything', async () => {
      const inputs = [probe(5, 'a'), probe(10, 'b'), probe(15, 'c', { fail: true })];
      await run(asCompleted(inputs, { emit: 'settled' }));
      expect(inputs.map((p) => p.signal.aborted)).toEqual([false, false, false]);
    });
  });

  describe('leaves no listener behind', () => {
    it('on the signals it hands to a fetch-like client, in every way a run can end', async () => {
      const seen: AbortSignal[] = [];
      const make =
        (ms: number, value: string, fail = false) =>
        (signal: AbortSignal) => {
          seen.push(signal);
          return fakeFetch(signal, ms, value, fail);
        };
      const count = () => seen.map(abortListeners);

      // Completion.
      await run(asCompleted([make(5, 'a'), make(10, 'b')]));
      // Unsubscribe.
      const rec = record(asCompleted([make(100, 'c')]));
      await sleep(5);
      expect(abortListeners(seen[2])).toBe(1); // the client's own, while running
      rec.subscription.unsubscribe();
      // Fail fast.
      await run(asCompleted([make(5, 'd', true), make(100, 'e')]));
      // Deadline and each.
      await run(asCompletedWithTimeout([make(100, 'f'), make(5, 'g')], { total: 15 }));
      await run(asCompletedWithTimeout([make(100, 'h')], { each: 10, emit: 'settled' }));
      // A winner.
      await run(firstCompleted([make(5, 'i'), make(100, 'j')]));
      // Both stages.
      await run(
        mergeCompletedThen(
          ['k'],
          (_item, _i, signal) => (seen.push(signal), fakeFetch(signal, 5, [1, 2])),
          (_c, _item, signal) => (seen.push(signal), fakeFetch(signal, 5, 'x')),
        ),
      );
      await sleep(5);
      expect(seen).toHaveLength(13);
      expect(count()).toEqual(seen.map(() => 0));
    });

    it('and adds none itself to the signals it creates', async () => {
      const a = idle();
      const b = idle();
      const rec = record(asCompletedWithTimeout([a, b], { total: 100, each: 50 }));
      expect([abortListeners(a.signal!), abortListeners(b.signal!)]).toEqual([0, 0]);
      rec.subscription.unsubscribe();
      expect([a.signal!.aborted, abortListeners(a.signal!), abortListeners(b.signal!)]).toEqual([true, 0, 0]);

      const signals: AbortSignal[] = [];
      const rec2 = record(
        mergeCompletedThen(
          ['x'],
          (_item, _i, signal) => (signals.push(signal), Promise.resolve([1])),
          (_child, _item, signal) => (signals.push(signal), new Promise<never>(() => {})),
        ),
      );
      await sleep(1);
      expect(signals.map(abortListeners)).toEqual([0, 0]);
      rec2.subscription.unsubscribe();
      expect(signals.map(abortListeners)).toEqual([0, 0]);
    });

    it('when a rejection arrives after the abort', async () => {
      let signal: AbortSignal | undefined;
      const rec = record(
        asCompleted([
          (s: AbortSignal) => {
            signal = s;
            return rejectAfter(10, new Error('after abort'));
          },
        ]),
      );
      rec.subscription.unsubscribe();
      await sleep(20);
      expect(signal!.aborted).toBe(true);
      expect(abortListeners(signal!)).toBe(0);
      expect(rec).toMatchObject({ errored: false, completed: false });
    });
  });
});

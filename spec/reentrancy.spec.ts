import { defer, Observable, of, Subject, Subscriber, take, throwError } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  type Completion,
  type CompletionInput,
  type Settled,
} from '../src/index.js';
import { delay, probe, record, run } from './support/async.js';

describe('re-entrancy', () => {
  describe('an input that finishes inside another one’s emission', () => {
    it('is emitted after it, with consistent progress, and the output completes', () => {
      const a = new Subject<string>();
      const b = new Subject<string>();
      const c = new Subject<string>();
      const seen: Array<Pick<Completion<string>, 'value' | 'index' | 'completed'>> = [];
      let completed = false;
      asCompleted([a, b, c], { emit: 'tagged' }).subscribe({
        next: ({ value, index, completed }) => {
          seen.push({ value, index, completed });
          if (value === 'a') {
            b.next('b');
            b.complete();
            c.next('c');
            c.complete();
          }
        },
        complete: () => (completed = true),
      });
      a.next('a');
      a.complete();
      expect(seen).toEqual([
        { value: 'a', index: 0, completed: 1 },
        { value: 'b', index: 1, completed: 2 },
        { value: 'c', index: 2, completed: 3 },
      ]);
      expect(completed).toBe(true);
    });

    it('starts the next queued input only after the emission that freed its slot', () => {
      const first = new Subject<number>();
      const started: number[] = [];
      const seen: string[] = [];
      const inputs = [() => (started.push(0), first), () => (started.push(1), of(1)), () => (started.push(2), of(2))];
      // The subscriber sees each result before the next input starts.
      asCompleted(inputs, { concurrency: 1 }).subscribe((v) => seen.push(`${v} (started: ${started.join()})`));
      expect(started).toEqual([0]);
      first.next(0);
      first.complete();
      expect(seen).toEqual(['0 (started: 0)', '1 (started: 0,1)', '2 (started: 0,1,2)']);
    });

    it('emits an input that another input’s factory finishes while being started', () => {
      const a = new Subject<string>();
      const values: string[] = [];
      let completed = false;
      asCompleted<CompletionInput<string>[]>([
        a,
        () => {
          a.next('a');
          a.complete();
          return of('b');
        },
      ]).subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
      expect(values).toEqual(['a', 'b']);
      expect(completed).toBe(true);
    });

    it("fails fast from inside an emission in emit: 'value'", () => {
      const a = new Subject<string>();
      const b = new Subject<string>();
      const err = new Error('b failed');
      const rec = { values: [] as string[], error: undefined as unknown };
      asCompleted([a, b]).subscribe({
        next: (v) => {
          rec.values.push(v);
          b.error(err);
        },
        error: (e) => (rec.error = e),
      });
      a.next('a');
      a.complete();
      expect(rec).toEqual({ values: ['a'], error: err });
      expect(b.observed).toBe(false);
    });
  });

  describe('a subscriber that unsubscribes from inside next', () => {
    it('gets nothing more, and the rest is torn down (asynchronous inputs)', async () => {
      const rest = probe(30, 'rest');
      const values: string[] = [];
      const subscription = asCompleted([delay(5, 'first'), rest]).subscribe((v) => {
        values.push(v);
        subscription.unsubscribe();
      });
      await delay(40);
      expect(values).toEqual(['first']);
      expect(rest.signal.aborted).toBe(true);
    });

    it('gets nothing more, and no further input starts (synchronous inputs)', () => {
      const later = probe(5, 'later');
      const values: string[] = [];
      const subscriber = new Subscriber<string>({
        next: (v) => {
          values.push(v);
          subscriber.unsubscribe();
        },
        error: () => {},
        complete: () => {},
      });
      asCompleted<CompletionInput<string>[]>([of('one'), of('two'), later]).subscribe(subscriber);
      expect(values).toEqual(['one']);
      expect(later.calls).toBe(0);
    });

    it("works the same in emit: 'settled' while timed out records are being emitted", async () => {
      const values: Array<Settled<string>> = [];
      const inputs = [probe(200, 'a'), probe(200, 'b'), probe(200, 'c')];
      const subscription = asCompletedWithTimeout(inputs, { total: 10, emit: 'settled' }).subscribe((r) => {
        values.push(r);
        subscription.unsubscribe();
      });
      await delay(25);
      expect(values.map((r) => [r.status, r.index])).toEqual([['rejected', 0]]);
      expect(inputs.map((p) => p.signal.aborted)).toEqual([true, true, true]);
    });
  });

  describe('factories that misbehave', () => {
    it('a factory that throws fails its input, synchronously', () => {
      const err = new Error('factory threw');
      const thrower = () => {
        throw err;
      };
      expect(record(asCompleted([thrower]))).toMatchObject({ errored: true, error: err });
      const settled = record(
        asCompleted<CompletionInput<number>[], 'settled'>([of(1), thrower, of(3)], { emit: 'settled' }),
      );
      expect(settled.values.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([1, err, 3]);
      expect(settled.completed).toBe(true);
    });

    it('a promise rejecting with undefined gives a record with reason undefined', async () => {
      const factory = () => Promise.reject(undefined);
      const rec = await run(asCompleted([factory, () => delay(5, 'ok')], { emit: 'settled' }));
      expect(rec.values).toEqual([
        { status: 'rejected', reason: undefined, index: 0, input: factory, completed: 1, total: 2, batch: 0 },
        { status: 'fulfilled', value: 'ok', index: 1, input: expect.any(Function), completed: 2, total: 2, batch: 0 },
      ]);
      expect('reason' in rec.values[0]).toBe(true);
    });

    it("a promise rejecting with undefined errors the stream with undefined in emit: 'value'", async () => {
      const rec = await run(asCompleted([() => Promise.reject(undefined), () => delay(20, 'late')]));
      expect(rec).toMatchObject({ values: [], errored: true, completed: false });
      expect(rec.error).toBeUndefined();
    });

    it('firstCompleted keeps an undefined reason in its AggregateError', async () => {
      const rec = await run(firstCompleted([() => Promise.reject(undefined)]));
      expect((rec.error as AggregateError).errors).toEqual([undefined]);
      expect((rec.error as AggregateError).errors).toHaveLength(1);
    });
  });

  describe('observables that error synchronously on subscribe', () => {
    const err = new Error('sync error');
    const erroring: Array<[string, () => Observable<number>]> = [
      ['throwError', () => throwError(() => err)],
      ['subscriber.error', () => new Observable<number>((s) => s.error(err))],
      [
        'a throwing subscribe function',
        () =>
          new Observable<number>(() => {
            throw err;
          }),
      ],
      [
        'defer that throws',
        () =>
          defer((): Observable<number> => {
            throw err;
          }),
      ],
    ];

    it.each(erroring)('%s: fails the stream during subscribe', (_name, make) => {
      const later = probe(5, 0);
      const rec = record(asCompleted<CompletionInput<number>[]>([of(1), make(), later]));
      expect(rec).toMatchObject({ values: [1], errored: true, error: err });
      expect(later.calls).toBe(0);
    });

    it.each(erroring)("%s: is a rejected record in emit: 'settled'", (_name, make) => {
      const rec = record(
        asCompleted<CompletionInput<number>[], 'settled'>([of(1), make(), of(3)], { emit: 'settled' }),
      );
      expect(rec.values.map((r) => [r.index, r.status])).toEqual([
        [0, 'fulfilled'],
        [1, 'rejected'],
        [2, 'fulfilled'],
      ]);
      expect(rec.completed).toBe(true);
    });

    it('a source that errors synchronously on subscribe errors the pipeable form', () => {
      const rec = record(throwError(() => err).pipe(asCompleted()));
      expect(rec).toMatchObject({ errored: true, error: err });
    });
  });

  describe('synchronous runs', () => {
    it('take(1) over synchronous factories calls no further factory', () => {
      const calls: number[] = [];
      const inputs = [0, 1, 2, 3].map((i) => () => (calls.push(i), of(i)));
      const rec = record(asCompleted(inputs).pipe(take(1)));
      expect(rec).toMatchObject({ values: [0], completed: true });
      expect(calls).toEqual([0]);

      calls.length = 0;
      record(firstCompleted(inputs));
      expect(calls).toEqual([0]);

      calls.length = 0;
      record(asCompleted(inputs, { concurrency: 1 }).pipe(take(2)));
      expect(calls).toEqual([0, 1]);
    });

    const N = 100_000;

    it(`runs ${N} synchronous inputs with concurrency 1 without overflowing the stack`, () => {
      const inputs = Array.from({ length: N }, (_, i) => () => of(i));
      let count = 0;
      let sum = 0;
      let last = -1;
      let inOrder = true;
      const rec = record(asCompleted(inputs, { concurrency: 1 }).pipe());
      // `record` keeps every value; check them without another pass over a spread.
      for (const v of rec.values) {
        if (v !== last + 1) inOrder = false;
        last = v;
        count++;
        sum += v;
      }
      expect(rec.errored).toBe(false);
      expect(rec.completed).toBe(true);
      expect({ count, sum, inOrder }).toEqual({ count: N, sum: (N * (N - 1)) / 2, inOrder: true });
    });

    it(`runs ${N} synchronous inputs with concurrency 1 in emit: 'settled' without overflowing the stack`, () => {
      const inputs = Array.from({ length: N }, (_, i) => (i % 10 === 0 ? throwError(() => i) : [i]));
      let fulfilled = 0;
      let rejected = 0;
      let lastCompleted = 0;
      let error: unknown;
      let completed = false;
      asCompleted(inputs, { concurrency: 1, emit: 'settled' }).subscribe({
        next: (r) => {
          if (r.status === 'fulfilled') fulfilled++;
          else rejected++;
          lastCompleted = r.completed;
        },
        error: (e) => (error = e),
        complete: () => (completed = true),
      });
      expect(error).toBeUndefined();
      expect({ fulfilled, rejected, lastCompleted, completed }).toEqual({
        fulfilled: N - N / 10,
        rejected: N / 10,
        lastCompleted: N,
        completed: true,
      });
    });

    it(`runs ${N} synchronous stage-2 inputs with a shared budget of 1 without overflowing the stack`, () => {
      let count = 0;
      let completed = false;
      let error: unknown;
      mergeCompletedThen(
        [N / 2, N / 2],
        (n) => of(Array.from({ length: n }, (_, i) => i)),
        (child) => of(child),
        { concurrency: 1 },
      ).subscribe({ next: () => count++, error: (e) => (error = e), complete: () => (completed = true) });
      expect(error).toBeUndefined();
      expect({ count, completed }).toEqual({ count: N, completed: true });
    });
  });
});

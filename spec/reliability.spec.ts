/**
 * Issue 9: every teardown runs to the end, deadlines follow event order, and
 * hostile or foreign inputs stay contained. One block per defect; each test
 * fails without its fix. (Virtual-time cases are in
 * `marble-tests/reliability.spec.ts`.)
 */
import { runInNewContext } from 'node:vm';
import { config, NEVER, Observable, of, Subject, throwError, UnsubscriptionError, type Subscription } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  type CompletionInput,
  type Settled,
} from '../src/index.js';
import { delay, run, spyScheduler, watchUnhandledRejections } from './support/async.js';

/** An observable input that never finishes and whose teardown throws `error`. */
const throwingTeardown = (error: Error): Observable<never> =>
  new Observable<never>(() => () => {
    throw error;
  });

/** A factory that records its signal; `listener` runs on abort. */
function factoryOf<T>(source: Observable<T>, listener?: () => void) {
  const made = {
    signal: undefined as AbortSignal | undefined,
    factory: (signal: AbortSignal) => {
      made.signal = signal;
      if (listener) signal.addEventListener('abort', listener, { once: true });
      return source;
    },
  };
  return made;
}

/** Collects what rxjs reports through `config.onUnhandledError` during `body`, after a turn. */
async function unhandledDuring(body: () => void | Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => seen.push(error);
  try {
    await body();
    await delay(5);
  } finally {
    config.onUnhandledError = previous;
  }
  return seen;
}

/** Busy-waits `ms` on the main thread: the event loop falls behind. */
function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe('reliability (issue 9)', () => {
  describe('1. a teardown that throws stops nothing else', () => {
    it('fail fast: the error is delivered, every other input torn down and aborted, the teardown error reported', async () => {
      const boom = new Error('finalizer');
      const later = factoryOf(NEVER);
      const failing = new Subject<never>();
      let error: unknown;
      const reported = await unhandledDuring(() => {
        asCompleted<CompletionInput<unknown>[]>([throwingTeardown(boom), failing, later.factory]).subscribe({
          error: (e: unknown) => (error = e),
        });
        failing.error('failed');
      });
      expect(error).toBe('failed');
      expect(later.signal?.aborted).toBe(true);
      expect(reported).toEqual([boom]);
    });

    it('firstCompleted: the winner is emitted and every loser aborted though one loser’s teardown throws', async () => {
      const boom = new Error('finalizer');
      const other = factoryOf(NEVER);
      const winner = new Subject<string>();
      const values: string[] = [];
      let completed = false;
      const reported = await unhandledDuring(() => {
        firstCompleted<CompletionInput<string>[]>([throwingTeardown(boom), winner, other.factory]).subscribe({
          next: (v) => values.push(v),
          complete: () => (completed = true),
        });
        winner.next('won');
        winner.complete();
      });
      expect(values).toEqual(['won']);
      expect(completed).toBe(true);
      expect(other.signal?.aborted).toBe(true);
      expect(reported).toEqual([boom]);
    });

    it('unsubscribe: throws an UnsubscriptionError after tearing everything down and clearing the deadline', () => {
      const boom = new Error('finalizer');
      const later = factoryOf(NEVER);
      const scheduler = spyScheduler();
      const subscription = asCompletedWithTimeout<CompletionInput<unknown>[]>([throwingTeardown(boom), later.factory], {
        total: 10_000,
        scheduler,
      }).subscribe();
      expect(scheduler.armed).toBe(1);
      let thrown: unknown;
      try {
        subscription.unsubscribe();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnsubscriptionError);
      expect((thrown as UnsubscriptionError).errors).toEqual([boom]);
      expect(later.signal?.aborted).toBe(true);
      expect(scheduler.armed).toBe(0);
    });
  });

  describe('2. deadlines follow event order in real time', () => {
    it("total: outcomes delivered while the deadline's timer waits count, however long starting took", async () => {
      const slowStart = () => {
        block(40);
        return Promise.resolve('slow');
      };
      const rec = await run(
        asCompletedWithTimeout([Promise.resolve('a'), slowStart] as CompletionInput<string>[], {
          total: 10,
          emit: 'settled',
        }),
      );
      expect(rec.values.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    });

    it('each: an outcome whose limit passed while the loop was busy still counts', async () => {
      const slowStart = () => {
        block(40);
        return Promise.resolve('slow');
      };
      const rec = await run(
        asCompletedWithTimeout<CompletionInput<string>[]>([Promise.resolve('a'), slowStart], { each: 10 }),
      );
      expect(rec.errored).toBe(false);
      expect(rec.values).toEqual(['a', 'slow']);
    });

    it('a slow consumer does not make the next result late', async () => {
      const values: string[] = [];
      let error: unknown;
      await new Promise<void>((resolve) => {
        asCompletedWithTimeout([Promise.resolve('a'), Promise.resolve('b')], 20).subscribe({
          next: (v) => {
            values.push(v);
            block(40);
          },
          error: (e: unknown) => {
            error = e;
            resolve();
          },
          complete: resolve,
        });
      });
      expect(error).toBeUndefined();
      expect(values).toEqual(['a', 'b']);
    });
  });

  describe('4. promises from another realm', () => {
    const foreign = (ms: number, reason: string): Promise<never> =>
      runInNewContext('new Promise((_, reject) => setTimeout(() => reject(reason), ms))', {
        setTimeout,
        ms,
        reason,
      }) as Promise<never>;

    it('one that rejects while queued is not reported unhandled', async () => {
      const watch = watchUnhandledRejections();
      try {
        const gate = new Subject<string>();
        const rec = asCompleted([gate, foreign(1, 'late')] as CompletionInput<string>[], {
          concurrency: 1,
          emit: 'settled',
        });
        const done = run(rec);
        await delay(10);
        gate.next('g');
        gate.complete();
        const { values } = await done;
        expect(values.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
        await delay(5);
        expect(watch.seen).toEqual([]);
      } finally {
        watch.stop();
      }
    });

    it('one left queued at fail fast is not reported unhandled', async () => {
      const watch = watchUnhandledRejections();
      try {
        const rec = await run(
          asCompleted<CompletionInput<unknown>[]>([throwError(() => 'failed'), foreign(1, 'late')], { concurrency: 1 }),
        );
        expect(rec.error).toBe('failed');
        await delay(10);
        expect(watch.seen).toEqual([]);
      } finally {
        watch.stop();
      }
    });
  });

  describe('5. a hostile element stays its own failure', () => {
    const hostile = (): unknown =>
      new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('getPrototypeOf trap');
          },
          get(_, key) {
            if (key === 'then') return (resolve: (v: string) => void) => resolve('thenable');
            throw new Error(`get trap: ${String(key)}`);
          },
        },
      );

    it("in emit: 'settled' every input still gets its record", async () => {
      const rec = await run(asCompleted([hostile(), of('ok')] as CompletionInput<unknown>[], { emit: 'settled' }));
      expect(rec.errored).toBe(false);
      expect(rec.values).toHaveLength(2);
    });

    it('started later from a promise callback, the output still finishes with no unhandled rejection', async () => {
      const watch = watchUnhandledRejections();
      try {
        const rec = await run(
          asCompleted([Promise.resolve('first'), hostile()] as CompletionInput<unknown>[], {
            concurrency: 1,
            emit: 'settled',
          }),
        );
        expect(rec.completed).toBe(true);
        expect(rec.values).toHaveLength(2);
        await delay(5);
        expect(watch.seen).toEqual([]);
      } finally {
        watch.stop();
      }
    });

    it('one whose traps all throw is a rejected record, not a crash', async () => {
      const trap = new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('trap');
          },
          get() {
            throw new Error('trap');
          },
          has() {
            throw new Error('trap');
          },
        },
      );
      const rec = await run(
        asCompleted([trap, of('ok')] as CompletionInput<unknown>[], { emit: 'settled', concurrency: 1 }),
      );
      expect(rec.completed).toBe(true);
      const [first] = rec.values as Array<Settled<unknown>>;
      expect(first.status).toBe('rejected');
    });
  });

  describe('6. an input that finished during another one’s teardown is never aborted', () => {
    const setup = () => {
      const second = new Subject<string>();
      const b = factoryOf(second);
      // Input 0's abort listener finishes input 1.
      const a = factoryOf(NEVER, () => {
        second.next('b');
        second.complete();
      });
      return { a, b };
    };

    it('on unsubscribe', () => {
      const { a, b } = setup();
      const subscription: Subscription = asCompleted([a.factory, b.factory]).subscribe();
      subscription.unsubscribe();
      expect(a.signal?.aborted).toBe(true);
      expect(b.signal?.aborted).toBe(false);
    });

    it('at fail fast', () => {
      const { a, b } = setup();
      let error: unknown;
      asCompleted<CompletionInput<unknown>[]>([a.factory, b.factory, throwError(() => 'failed')]).subscribe({
        error: (e: unknown) => (error = e),
      });
      expect(error).toBe('failed');
      expect(a.signal?.aborted).toBe(true);
      expect(b.signal?.aborted).toBe(false);
    });

    it('when firstCompleted has a winner', () => {
      const { a, b } = setup();
      const values: unknown[] = [];
      firstCompleted<CompletionInput<unknown>[]>([a.factory, b.factory, of('won')]).subscribe((v) => values.push(v));
      expect(values).toEqual(['won']);
      expect(a.signal?.aborted).toBe(true);
      expect(b.signal?.aborted).toBe(false);
    });
  });

  describe('7. smaller', () => {
    it('iterates an Array subclass instead of copying it with its species', async () => {
      let speciesReads = 0;
      class Inputs<T> extends Array<T> {
        static override get [Symbol.species]() {
          speciesReads++;
          return Array;
        }
      }
      const inputs = Inputs.from([of('a'), of('b')]);
      const rec = await run(asCompleted(inputs));
      expect(rec.values).toEqual(['a', 'b']);
      expect(speciesReads).toBe(0);
    });

    it('reads an array with its own iterator through that iterator', async () => {
      const inputs = [of('a'), of('b')];
      Object.defineProperty(inputs, Symbol.iterator, {
        value: function* () {
          yield of('c');
        },
      });
      const rec = await run(asCompleted(inputs));
      expect(rec.values).toEqual(['c']);
    });

    it('a throwing Symbol.iterator getter is a TypeError naming `inputs`', () => {
      const collection = {
        get [Symbol.iterator](): never {
          throw new Error('getter');
        },
      };
      expect(() => asCompleted(collection as never)).toThrow(TypeError);
      expect(() => asCompleted(collection as never)).toThrow(/`inputs`/);
    });

    it("stage 1's 'not iterable' message names the batch", async () => {
      const rec = await run(
        of([1], [2]).pipe(
          mergeCompletedThen(
            (item: number) => of(item === 2 ? (42 as unknown as number[]) : [item]),
            (child: number) => of(child),
            { emit: 'settled' },
          ),
        ),
      );
      const failed = (rec.values as Array<{ status: string; reason?: unknown }>).find((r) => r.status === 'rejected');
      expect(String((failed?.reason as Error).message)).toContain('`items[0]` of batch 1');
    });

    it('a `then` getter that changes between reads is read once', async () => {
      let reads = 0;
      const shifty = {
        get then() {
          return reads++ === 0 ? (resolve: (v: string) => void) => resolve('once') : undefined;
        },
      };
      const rec = await run(asCompleted([shifty as unknown as PromiseLike<string>]));
      expect(rec.values).toEqual(['once']);
    });
  });
});

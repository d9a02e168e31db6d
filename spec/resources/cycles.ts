/**
 * The resource check behind `spec/resources.spec.ts`, in a process of its own so
 * that the heap, the timers and the process-level fault hooks are its alone:
 *
 *   node --expose-gc --import tsx spec/resources/cycles.ts [cycles]
 *
 * 1. `cycles` (default 100,000) subscribe/unsubscribe cycles over every operator,
 *    with factories that listen to their signal the way `fetch` does, promises
 *    passed in directly (some already rejected, some queued behind
 *    `concurrency`), observables that never complete and synchronous inputs.
 * 2. A few hundred runs in real time that end by themselves: `each` and `total`
 *    deadlines firing, fail-fast errors, a `firstCompleted` winner.
 *
 * Prints one JSON line: abort listeners still registered, timers still active,
 * heap before/after (after `gc()`), unhandled rejections and uncaught exceptions.
 */
import { from, Observable, of } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, firstCompleted, mergeCompletedThen } from '../../src/index';

const CYCLES = Number(process.argv[2] ?? 100_000);
const WARMUP = 5_000;
const REAL_TIME_RUNS = 300;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('Run with node --expose-gc');

/* ------------------------------ fault tally ------------------------------ */

const faults: string[] = [];
let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections++;
  if (faults.length < 5) faults.push(`unhandledRejection: ${String(reason)}`);
});
process.on('uncaughtException', (error) => {
  uncaughtExceptions++;
  if (faults.length < 5) faults.push(`uncaughtException: ${String(error)}`);
});

/* -------------------- abort listeners currently registered ---------------- */

// Every 'abort' listener anyone adds to an AbortSignal, until it is removed or
// (for `{ once: true }`) has run.
let abortListeners = 0;
const registered = new WeakMap<EventTarget, Map<unknown, EventListenerOrEventListenerObject>>();
const add = EventTarget.prototype.addEventListener;
const remove = EventTarget.prototype.removeEventListener;
EventTarget.prototype.addEventListener = function (this: EventTarget, type, listener, options) {
  if (type !== 'abort' || !(this instanceof AbortSignal) || listener == null) {
    return add.call(this, type, listener, options);
  }
  let byListener = registered.get(this);
  if (byListener === undefined) registered.set(this, (byListener = new Map()));
  if (byListener.has(listener)) return;
  const once = typeof options === 'object' && options?.once === true;
  const map = byListener;
  const wrapper: EventListenerOrEventListenerObject = once
    ? function (this: unknown, event: Event) {
        map.delete(listener);
        abortListeners--;
        return typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event);
      }
    : listener;
  byListener.set(listener, wrapper);
  abortListeners++;
  return add.call(this, type, wrapper, options);
};
EventTarget.prototype.removeEventListener = function (this: EventTarget, type, listener, options) {
  const wrapper = type === 'abort' ? registered.get(this)?.get(listener) : undefined;
  if (wrapper === undefined) return remove.call(this, type, listener, options);
  registered.get(this)!.delete(listener);
  abortListeners--;
  return remove.call(this, type, wrapper, options);
};

/* --------------------------------- inputs -------------------------------- */

const noop = () => {};
/** A promise passed in directly that never settles (a fresh one: reactions on a shared one pile up, as with any promise). */
const pending = () => new Promise<never>(noop);

/** What `fetch` does with a signal: reject on abort, and let go of the listener. */
function listening(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort);
  });
}

/** Resolves soon, letting go of its listener either way. */
function quick<T>(value: T) {
  return (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort);
      queueMicrotask(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      });
    });
}

/** The same, as an observable input (torn down by unsubscribing, then aborted). */
const listening$ = (signal: AbortSignal) => from(listening(signal));

const endless = () => new Observable<never>(() => noop);

/** A rejected promise passed in directly, caught by nobody but the operator. */
const rejected = () => Promise.reject(new Error('rejected input'));

/** One subscription over each shape of input and each operator, unsubscribed at once. */
const shapes: Array<() => Observable<unknown>> = [
  () => asCompleted([listening, listening, rejected(), pending()], { concurrency: 2 }),
  () => asCompleted([endless, listening$, of(1), rejected()], { emit: 'settled' }),
  () => asCompletedWithTimeout([listening, listening, rejected()], { total: 10_000, each: 5_000, concurrency: 1 }),
  () => of([listening$, endless]).pipe(asCompletedWithTimeout({ total: 10_000, emit: 'tagged' })),
  () => firstCompleted([listening$, endless, rejected()], { concurrency: 2 }),
  () =>
    mergeCompletedThen(
      [1, 2],
      (_item, _i, signal) => listening(signal),
      (_c, _item, signal) => listening(signal),
    ),
  () =>
    mergeCompletedThen(
      [1],
      () => of([1, 2, 3]),
      (_c, _item, signal) => listening(signal),
      {
        concurrency: 1,
        emit: 'settled',
      },
    ),
  () => of([listening, listening$], [of(1), () => of(2)]).pipe(asCompleted({ concurrency: 1 })),
  () => asCompleted([() => of(1), [2], of(3)], { concurrency: 1 }),
  () => firstCompleted([() => of(1), listening]),
];

async function cycles(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    shapes[i % shapes.length]().subscribe({ error: noop }).unsubscribe();
    // Let aborted promises reject and rejections be judged now and then.
    if (i % 1000 === 999) await turn();
  }
  await turn();
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Timers and immediates still active (the libuv handles that keep a process alive). */
const activeTimers = () =>
  process.getActiveResourcesInfo().filter((name) => name === 'Timeout' || name === 'Immediate').length;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/* ---------------------------- runs that end by themselves ---------------------------- */

/** Observables that complete or error on their own in real time, within a few ms. */
const finishing: Array<() => Observable<unknown>> = [
  // `each` expiries that start queued inputs (the clock re-arms from inside its own timer).
  () =>
    asCompletedWithTimeout([listening, quick(1), listening, quick(2)], { each: 1, concurrency: 1, emit: 'settled' }),
  // A `total` deadline with running and queued inputs, in each mode.
  () => asCompletedWithTimeout([listening, quick(1), listening], { total: 1, concurrency: 2, emit: 'settled' }),
  () => asCompletedWithTimeout([listening, listening, rejected()], { total: 1, concurrency: 1 }),
  () => asCompletedWithTimeout([quick(1), listening], { total: 1, onTimeout: 'complete', emit: 'tagged' }),
  // Fail fast from a rejected promise while factories run.
  () => asCompleted([listening, rejected(), listening]),
  // A winner: the losers are aborted.
  () => firstCompleted([listening, quick('win'), listening, rejected()]),
  // Stage 2 running when stage 1 of another item fails.
  () =>
    mergeCompletedThen(
      [1, 2],
      (item, _i, signal) => (item === 1 ? quick([1, 2])(signal) : Promise.reject(new Error('stage 1'))),
      (_c, _item, signal) => listening(signal),
    ),
  // Everything finishes early: the deadline timer is cleared at once.
  () => asCompletedWithTimeout([quick(1), quick(2)], { total: 10_000, each: 10_000 }),
];

async function realTime(runs: number): Promise<{ maxTimersAfterEnd: number; unfinished: number }> {
  let maxTimersAfterEnd = 0;
  let unfinished = 0;
  for (let i = 0; i < runs; i++) {
    const ended = await new Promise<boolean>((resolve) => {
      const guard = setTimeout(() => resolve(false), 2_000);
      finishing[i % finishing.length]().subscribe({
        error: () => {
          clearTimeout(guard);
          resolve(true);
        },
        complete: () => {
          clearTimeout(guard);
          resolve(true);
        },
      });
    });
    if (!ended) unfinished++;
    maxTimersAfterEnd = Math.max(maxTimersAfterEnd, activeTimers());
  }
  return { maxTimersAfterEnd, unfinished };
}

async function main(): Promise<void> {
  const started = performance.now();
  await cycles(WARMUP);
  const heapBefore = heapUsed();
  const timersBefore = activeTimers();
  const listenersBefore = abortListeners;
  await cycles(CYCLES);
  await turn();
  const heapAfter = heapUsed();
  const timersAfter = activeTimers();
  const listenersAfter = abortListeners;
  const cyclesMs = performance.now() - started;
  const real = await realTime(REAL_TIME_RUNS);
  await turn();
  process.stdout.write(
    `${JSON.stringify({
      cycles: CYCLES,
      cyclesMs: Math.round(cyclesMs),
      heapBefore,
      heapAfter,
      heapGrowth: heapAfter - heapBefore,
      timersBefore,
      timersAfter,
      listenersBefore,
      listenersAfter,
      realTimeRuns: REAL_TIME_RUNS,
      realTimeUnfinished: real.unfinished,
      maxTimersAfterEnd: real.maxTimersAfterEnd,
      listenersAtEnd: abortListeners,
      timersAtEnd: activeTimers(),
      unhandledRejections,
      uncaughtExceptions,
      faults,
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${String(error?.stack ?? error)}\n`);
  process.exitCode = 1;
});

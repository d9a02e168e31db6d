/**
 * Real-async helpers for spec/: timed promises, a recorder for observables,
 * a fetch-like fake that honours its AbortSignal, and a watch on the real
 * process's `unhandledRejection` event.
 */
import { getEventListeners } from 'node:events';
import { runInThisContext } from 'node:vm';
import { asyncScheduler, type Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/** Resolves with `value` after `ms`. */
export function delay<T = undefined>(ms: number, value?: T): Promise<T> {
  return new Promise<T>((resolve) => setTimeout(resolve, ms, value));
}

/** Rejects with `reason` after `ms`. */
export function rejectAfter(ms: number, reason: unknown): Promise<never> {
  return new Promise<never>((_, reject) => setTimeout(reject, ms, reason));
}

/** Waits for `ms`; the name says it is the test waiting, not an input. */
export const sleep = (ms: number): Promise<void> => delay(ms);

export interface Recording<T> {
  values: T[];
  error: unknown;
  errored: boolean;
  completed: boolean;
  /** Resolves when the output completes or errors. */
  done: Promise<Recording<T>>;
  subscription: Subscription;
}

/** Subscribes and records everything; `done` settles when the output does. */
export function record<T>(source: Observable<T>): Recording<T> {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const rec = { values: [] as T[], error: undefined as unknown, errored: false, completed: false } as Recording<T>;
  rec.done = done.then(() => rec);
  rec.subscription = source.subscribe({
    next: (value) => rec.values.push(value),
    error: (error: unknown) => {
      rec.error = error;
      rec.errored = true;
      finish();
    },
    complete: () => {
      rec.completed = true;
      finish();
    },
  });
  return rec;
}

/** Subscribes and waits until the output completes or errors. */
export function run<T>(source: Observable<T>): Promise<Recording<T>> {
  return record(source).done;
}

/**
 * A stand-in for `fetch(url, { signal })`: resolves with `value` after `ms`
 * (or rejects with it when `fail` is set), rejects with `signal.reason` on
 * abort, and, like a well-behaved client, adds one `{ once: true }` abort
 * listener and always removes it.
 */
export function fakeFetch<T>(signal: AbortSignal, ms: number, value: T, fail = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      if (fail) reject(value);
      else resolve(value);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A factory built on {@link fakeFetch} that records every call and signal. */
export interface Probe<T> {
  (signal: AbortSignal): Promise<T>;
  /** Signals received, one per call. */
  signals: AbortSignal[];
  /** Number of calls. */
  readonly calls: number;
  /** The signal of the last call. */
  readonly signal: AbortSignal;
}

export function probe<T>(
  ms: number,
  value: T,
  options: { fail?: boolean; log?: string[]; name?: string } = {},
): Probe<T> {
  const signals: AbortSignal[] = [];
  const factory = ((signal: AbortSignal) => {
    signals.push(signal);
    if (options.log) options.log.push(`start ${options.name ?? String(value)}`);
    return fakeFetch(signal, ms, value, options.fail);
  }) as Probe<T>;
  factory.signals = signals;
  Object.defineProperty(factory, 'calls', { get: () => signals.length });
  Object.defineProperty(factory, 'signal', { get: () => signals[signals.length - 1] });
  return factory;
}

/** Number of `abort` listeners on a signal. */
export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/**
 * Watches the real process's `unhandledRejection` event. Inside jest the
 * global `process` is a sandbox copy whose listeners never fire, and jest
 * itself only fails a test for a rejection that is *still* unhandled when it
 * looks; plain Node (`--unhandled-rejections=throw`, the default) crashes at
 * the first one, even if a handler is attached later. So this listens on the
 * outer process and records every such event.
 */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const realProcess = runInThisContext('process') as NodeJS.Process;
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  realProcess.on('unhandledRejection', listener);
  return { seen, stop: () => realProcess.off('unhandledRejection', listener) };
}

/** An `asyncScheduler` that remembers every action it scheduled, to prove none is left armed. */
export function spyScheduler(): SchedulerLike & { actions: Subscription[]; readonly armed: number } {
  const actions: Subscription[] = [];
  return {
    actions,
    get armed() {
      // An AsyncAction is armed while `pending` (its timer is set) and not closed.
      return actions.filter((action) => !action.closed && (action as unknown as { pending: boolean }).pending).length;
    },
    now: () => asyncScheduler.now(),
    schedule<S>(this: SchedulerLike, work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S) {
      const action = asyncScheduler.schedule(work, delay, state);
      actions.push(action);
      return action;
    },
  };
}

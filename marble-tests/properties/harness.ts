/**
 * Runs the real operators over generated scenarios in virtual time and writes
 * down what happened in the same terms as the models (`model.ts`): the
 * notifications frame by frame, when each input was subscribed and
 * unsubscribed, and every leak seen at the moment the output stopped.
 *
 * Runs per property: 300, or `FC_RUNS`. The seed is fixed (`DEFAULT_SEED`) so
 * that `npm test` gives the same verdict on every machine and every run; explore
 * new scenarios with `FC_SEED=random` (and a larger `FC_RUNS`). A failure prints
 * fast-check's seed and path (in the jest output, above the counterexample);
 * replay that property with `FC_SEED=<seed> FC_PATH=<path> npx jest <file> -t '<test name>'`.
 */
import fc from 'fast-check';
import { concat, EMPTY, EmptyError, Observable, of, throwError, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  AsCompletedTimeoutError,
  asCompleted,
  asCompletedWithTimeout,
  type AsCompletedTimeoutConfig,
  type CompletionInput,
} from '../../src/index';
import {
  EMPTY_ERROR,
  errorOf,
  inputKey,
  TYPE_ERROR,
  valueOf,
  type CompletionScenario,
  type InputSpec,
  type Note,
  type SubLog,
  type TimeoutNote,
} from './model';

export const RUNS = Number(process.env.FC_RUNS ?? 300);
/** Jest's limit per property, scaled with the number of runs. */
export const TIME_LIMIT = Math.max(60_000, RUNS * 200);

/** The seed `npm test` uses; `FC_SEED=random` lets fast-check pick one per property. */
export const DEFAULT_SEED = 20261121;

/** `fc.assert` with the run count and the seed and replay knobs from the environment. */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, runs = RUNS): void {
  const seed = process.env.FC_SEED ?? String(DEFAULT_SEED);
  const path = process.env.FC_PATH;
  fc.assert(property, {
    numRuns: runs,
    ...(seed !== 'random' ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
  });
}

type Cold = (marbles: string, values?: Record<string, unknown>, error?: unknown) => Observable<unknown>;

/** Subscriptions, factory calls and signals of every input, as they happen. */
export class Probe {
  live = 0;
  maxLive = 0;
  readonly liveBy: Record<string, number> = {};
  readonly maxLiveBy: Record<string, number> = {};
  /** Input keys in the order they were subscribed. */
  readonly order: string[] = [];
  readonly subs: Record<string, SubLog> = {};
  readonly signals = new Map<string, AbortSignal>();
  readonly problems: string[] = [];

  constructor(
    readonly scheduler: TestScheduler,
    readonly cold: Cold,
  ) {}

  /** `source`, counted while subscribed; `lane` groups the counts (e.g. stage 1 / stage 2). */
  track<T>(key: string, source: Observable<T>, lane = 'all'): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.subs[key] !== undefined) this.problems.push(`${key} subscribed twice`);
      const log: SubLog = { start: this.scheduler.now(), end: -1, torn: false };
      this.subs[key] = log;
      this.order.push(key);
      this.live++;
      this.maxLive = Math.max(this.maxLive, this.live);
      this.liveBy[lane] = (this.liveBy[lane] ?? 0) + 1;
      this.maxLiveBy[lane] = Math.max(this.maxLiveBy[lane] ?? 0, this.liveBy[lane]);
      let finished = false;
      let open = true;
      // Ends the count when the input delivers its outcome (a synchronous one
      // arrives before the teardown below is even registered) or is torn down.
      const close = () => {
        if (!open) return;
        open = false;
        this.live--;
        this.liveBy[lane]--;
        log.end = this.scheduler.now();
        log.torn = !finished;
      };
      const inner = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error) => {
          finished = true;
          close();
          subscriber.error(error);
        },
        complete: () => {
          finished = true;
          close();
          subscriber.complete();
        },
      });
      return () => {
        close();
        inner.unsubscribe();
      };
    });
  }

  /** A factory around `make`: records its signal and checks it is called once. */
  factory<T>(key: string, make: (signal: AbortSignal) => Observable<T>): (signal: AbortSignal) => Observable<T> {
    return (signal) => {
      if (this.signals.has(key)) this.problems.push(`factory ${key} called twice`);
      this.signals.set(key, signal);
      return make(signal);
    };
  }

  /** The observable of a generated input: cold in virtual time, or synchronous. */
  observable(spec: InputSpec, value: unknown, error: unknown): Observable<unknown> {
    const noise = spec.noise === true && spec.kind !== 'empty';
    if (spec.sync) {
      const outcome = spec.kind === 'value' ? of(value) : spec.kind === 'error' ? throwError(() => error) : EMPTY;
      return noise ? concat(of('noise'), outcome) : outcome;
    }
    const end = spec.kind === 'value' ? 'a|' : spec.kind === 'error' ? '#' : '|';
    const marbles = !noise
      ? `${'-'.repeat(spec.duration)}(${end})`
      : spec.duration === 0
        ? `(x${end})`
        : `x${'-'.repeat(spec.duration - 1)}(${end})`;
    return this.cold(marbles, { x: 'noise', a: value }, error);
  }

  /**
   * A cold observable from (frame, notification) pairs, scheduled on
   * subscription in the order given, as `cold()` does (for sources whose
   * frames marbles cannot spell compactly).
   */
  sequence<T>(messages: ReadonlyArray<{ frame: number; value?: T; complete?: true }>): Observable<T> {
    return new Observable<T>((subscriber) => {
      for (const message of messages) {
        subscriber.add(
          this.scheduler.schedule(() => {
            if (message.complete) subscriber.complete();
            else subscriber.next(message.value as T);
          }, message.frame),
        );
      }
    });
  }

  /** A generated input as the operator receives it: tracked, and a factory if asked. */
  input(key: string, spec: InputSpec, value: unknown, error: unknown, lane?: string): CompletionInput<unknown> {
    const source = this.track(key, this.observable(spec, value, error), lane);
    return spec.factory ? this.factory(key, () => source) : source;
  }

  /**
   * Factories whose signal does not say what happened to them: aborted iff torn
   * down. An input that finished is never aborted, even when its outcome came
   * too late (in the frame of a deadline that had not fired yet) and lost.
   */
  abortMismatches(): string[] {
    const wrong: string[] = [];
    for (const [key, signal] of this.signals) {
      const log = this.subs[key];
      if (log === undefined) wrong.push(`${key}: factory called, never subscribed`);
      else if (log.torn && !signal.aborted) wrong.push(`${key}: torn down at ${log.end}, signal not aborted`);
      else if (!log.torn && signal.aborted) wrong.push(`${key}: finished at ${log.end}, yet aborted`);
    }
    return wrong;
  }
}

export interface Observed {
  notes: Note[];
  subs: Record<string, SubLog>;
  probe: Probe;
  /** Leaks and misbehaviour: inputs still subscribed or actions still scheduled once the output stopped. */
  problems: string[];
  terminated: 'complete' | 'error' | 'unsubscribed' | 'no';
  /** Inputs subscribed at each `next`, in order. */
  liveAtNext: number[];
}

/** More actions than any generated scenario needs: a timer re-arming itself forever. */
const RUNAWAY = 20_000;

/**
 * `VirtualTimeScheduler.flush` with a bound, so that a runaway timer chain
 * (an action re-arming itself in the same frame) fails the property instead
 * of hanging the test run.
 */
function flushBounded(scheduler: TestScheduler, problems: string[]): void {
  const { actions } = scheduler;
  let executed = 0;
  for (let action = actions[0]; action !== undefined; action = actions[0]) {
    if (++executed > RUNAWAY) {
      problems.push(`runaway: more than ${RUNAWAY} scheduler actions, at frame ${scheduler.frame}`);
      for (const left of [...actions]) left.unsubscribe();
      return;
    }
    actions.shift();
    scheduler.frame = action.delay;
    const error = action.execute(action.state, action.delay);
    if (error) throw error;
  }
}

/** How each test writes an error down (the models use the same shapes). */
export function normalizeError(error: unknown): unknown {
  if (error instanceof AsCompletedTimeoutError) {
    const { info } = error;
    const note: TimeoutNote = {
      name: error.name,
      scope: info.scope,
      timeout: info.timeout,
      total: info.total,
      completed: info.completed,
      pending: [...info.pending],
      queued: [...info.queued],
    };
    if (info.scope === 'each') note.index = info.index;
    return note;
  }
  if (error instanceof EmptyError) return EMPTY_ERROR;
  if (error instanceof AggregateError) return { aggregate: error.errors.map(normalizeError) };
  if (error instanceof TypeError) return TYPE_ERROR;
  return error;
}

/**
 * Subscribes at frame 0 to what `build` returns, unsubscribes at
 * `unsubscribeAt` (scheduled before subscribing, so it runs first in its
 * frame), flushes, and reports. At the moment the output completes, errors or
 * is unsubscribed, no input may still be subscribed and nothing of the
 * operator's may be left on the scheduler.
 */
export function observe(
  unsubscribeAt: number | undefined,
  build: (probe: Probe) => { source: Observable<unknown>; normalize?: (value: unknown) => unknown },
): Observed {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  let observed!: Observed;
  scheduler.run(({ cold }) => {
    const probe = new Probe(scheduler, cold);
    const notes: Note[] = [];
    const liveAtNext: number[] = [];
    const problems = probe.problems;
    let subscription: Subscription | undefined;
    let terminated: Observed['terminated'] = 'no';
    let unsubscribe: Subscription | undefined;
    const clean = (when: string) => {
      const frame = scheduler.now();
      if (probe.live !== 0) problems.push(`${when} at frame ${frame}: ${probe.live} input(s) still subscribed`);
      // Judged once the current action has returned: in run mode an
      // `asyncScheduler` action is a TestScheduler interval that re-arms itself
      // before running and is cleared right after, so it is still queued while
      // the output's last notification is delivered from inside it.
      const queued = scheduler.actions.filter((action) => action !== unsubscribe);
      scheduler.schedule(() => {
        const left = [
          ...queued.filter((action) => !action.closed),
          ...scheduler.actions.filter((action) => action !== unsubscribe && !queued.includes(action)),
        ];
        if (left.length > 0) problems.push(`${when} at frame ${frame}: ${left.length} action(s) left on the scheduler`);
      }, 0);
    };
    if (unsubscribeAt !== undefined) {
      unsubscribe = scheduler.schedule(() => {
        if (terminated !== 'no') return;
        terminated = 'unsubscribed';
        subscription!.unsubscribe();
        clean('after unsubscribe');
      }, unsubscribeAt);
    }
    const { source, normalize = (value) => value } = build(probe);
    const late = (what: string) => {
      if (terminated !== 'no') problems.push(`${what} after the output stopped (${terminated})`);
    };
    subscription = source.subscribe({
      next: (value) => {
        late('next');
        liveAtNext.push(probe.live);
        notes.push({ frame: scheduler.now(), kind: 'N', value: normalize(value) });
      },
      error: (error) => {
        late('error');
        terminated = 'error';
        notes.push({ frame: scheduler.now(), kind: 'E', error: normalizeError(error) });
        clean('after error');
      },
      complete: () => {
        late('complete');
        terminated = 'complete';
        notes.push({ frame: scheduler.now(), kind: 'C' });
        clean('after complete');
      },
    });
    observed = { notes, subs: probe.subs, probe, problems, terminated: 'no', liveAtNext };
    flushBounded(scheduler, problems);
    if (probe.live !== 0) problems.push(`after the run: ${probe.live} input(s) still subscribed`);
    if (terminated === 'no') subscription.unsubscribe();
    observed.terminated = terminated;
  });
  return observed;
}

/* ---------------------------- generators ---------------------------- */

export const kindArb = fc.constantFrom<InputSpec['kind']>('value', 'value', 'value', 'error', 'empty');

export const inputArb = (maxDuration = 12): fc.Arbitrary<InputSpec> =>
  fc.record({
    kind: kindArb,
    duration: fc.integer({ min: 0, max: maxDuration }),
    // One in eight finishes during subscription.
    sync: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    factory: fc.boolean(),
    noise: fc.boolean(),
  });

export const inputsArb = (maxLength = 40, maxDuration = 12): fc.Arbitrary<InputSpec[]> =>
  fc.array(inputArb(maxDuration), { maxLength, size: 'max' });

export const concurrencyArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 45 }),
  fc.constant(Infinity),
);

export const emitArb = fc.constantFrom<'value' | 'tagged' | 'settled'>('value', 'tagged', 'settled');

/** Often none; otherwise a frame inside the typical run. */
export const unsubscribeArb: fc.Arbitrary<number | undefined> = fc.option(fc.integer({ min: 0, max: 60 }), {
  nil: undefined,
  freq: 2,
});

/** The start order must be input order: each key's index is above the one before it. */
export function startedInOrder(order: readonly string[], rank: (key: string) => number[]): boolean {
  for (let i = 1; i < order.length; i++) {
    const a = rank(order[i - 1]);
    const b = rank(order[i]);
    const before = a[0] < b[0] || (a[0] === b[0] && (a[1] ?? 0) < (b[1] ?? 0));
    if (!before) return false;
  }
  return true;
}

/* ------------------- asCompleted / asCompletedWithTimeout ------------------- */

/**
 * Builds the real operator for a completion scenario: `asCompleted` when it
 * has no `total`/`each`, else `asCompletedWithTimeout`; the creation form, or
 * the pipeable form over a cold source of batches.
 */
export function buildCompletion(
  s: CompletionScenario,
  options: { totalAsDate?: boolean; lazy?: boolean; keyed?: 'record' | 'map' } = {},
) {
  return (probe: Probe) => {
    const inputs = s.batches.map((batch, b) =>
      batch.inputs.map((spec, i) => {
        const key = inputKey(b, i);
        return probe.input(key, spec, valueOf(key), errorOf(key));
      }),
    );
    const timed = s.total !== undefined || s.each !== undefined;
    const config = {
      concurrency: s.concurrency,
      emit: s.emit,
      ...(s.total !== undefined ? { total: options.totalAsDate ? new Date(s.total) : s.total } : {}),
      ...(s.each !== undefined ? { each: s.each } : {}),
      ...(s.onTimeout !== undefined ? { onTimeout: s.onTimeout } : {}),
    };
    const normalize = (value: unknown) => {
      if (typeof value !== 'object' || value === null || !('index' in value)) return value;
      let record = value as { index: number; batch: number; input: unknown; reason?: unknown; key?: unknown };
      if (options.keyed !== undefined) {
        // The model knows no keys: a keyed record must carry its own, then reads as the array's.
        const { key, ...rest } = record;
        record = key === keyOf(record.index) ? rest : { ...rest, key };
      }
      return {
        ...record,
        input: record.input === inputs[record.batch][record.index],
        ...('reason' in record ? { reason: normalizeError(record.reason) } : {}),
      };
    };
    let source: Observable<unknown>;
    if (s.pipeable === undefined) {
      // `timed` guarantees `total` or `each`, which the config type cannot see here.
      source = timed
        ? asCompletedWithTimeout(inputs[0], config as AsCompletedTimeoutConfig)
        : asCompleted(options.lazy ? lazily(inputs[0]) : inputs[0], config);
      if (options.keyed !== undefined) source = keyedRun(inputs[0], options.keyed, config, timed);
    } else {
      const batches = probe.sequence<Array<CompletionInput<unknown>>>([
        ...s.batches.map((batch, b) => ({ frame: batch.at, value: inputs[b] })),
        { frame: s.pipeable.completeAt, complete: true as const },
      ]);
      source = batches.pipe(timed ? asCompletedWithTimeout(config as AsCompletedTimeoutConfig) : asCompleted(config));
    }
    return { source, normalize };
  };
}

/** The key of input `index` when a scenario runs over a record or a Map. */
const keyOf = (index: number) => `k${index}`;

/**
 * The same inputs as a record (`{ k0, k1, ... }`) or a Map, in the creation
 * form (the two-argument form: a record is never read as options). The record
 * overloads come with the types work, hence the loose call.
 */
function keyedRun(
  inputs: readonly CompletionInput<unknown>[],
  kind: 'record' | 'map',
  config: object,
  timed: boolean,
): Observable<unknown> {
  const entries = inputs.map((input, i) => [keyOf(i), input] as const);
  const collection = kind === 'map' ? new Map(entries) : Object.fromEntries(entries);
  const op = (timed ? asCompletedWithTimeout : asCompleted) as unknown as (
    c: unknown,
    o: object,
  ) => Observable<unknown>;
  return op(collection, config);
}

/** The same inputs as a generator: a collection read lazily. */
function* lazily<T>(inputs: readonly T[]): Generator<T> {
  yield* inputs;
}

/** Batches for the pipeable form: arrival frames ascending, the source completing after the last. */
export const batchesArb = (maxBatches = 4, maxLength = 12) =>
  fc
    .array(fc.record({ gap: fc.integer({ min: 0, max: 8 }), inputs: inputsArb(maxLength) }), {
      maxLength: maxBatches,
    })
    .chain((batches) =>
      fc.integer({ min: 0, max: 10 }).map((tail) => {
        let at = 0;
        const placed = batches.map(({ gap, inputs }) => ({ at: (at += gap), inputs }));
        return { batches: placed, pipeable: { completeAt: at + tail } };
      }),
    );

export const timeoutArb = fc
  .record({
    total: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    each: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
    onTimeout: fc.option(fc.constantFrom<'error' | 'complete'>('error', 'complete'), { nil: undefined }),
  })
  .filter(({ total, each }) => total !== undefined || each !== undefined)
  // `onTimeout` governs `total` only; without it, it is a TypeError (SPEC §4).
  .map((timeout) => (timeout.total === undefined ? { ...timeout, onTimeout: undefined } : timeout));

/**
 * Re-entrancy properties: generated scenarios in which user code acts back on
 * the engine while it runs — an input's teardown (its finalizer), a factory's
 * abort listener and the consumer's `next` finish or fail another input,
 * complete or error the source, unsubscribe the output, or throw. No model
 * can say frame for frame what such a run emits; the properties check the
 * invariants that must hold whatever the actions do:
 *   - in `'settled'` mode, a run that completes gives exactly one record per
 *     input (every input of every batch that arrived); no mode ever gives two;
 *   - never more than `concurrency` inputs subscribed at once;
 *   - a factory's signal is aborted iff its input was torn down: an input that
 *     finished on its own is never aborted;
 *   - when the output stops, no input is still subscribed, the source is
 *     unsubscribed, and no timer of the operator fires afterwards;
 *   - every teardown ran, and every error thrown by one surfaced exactly once
 *     (an `UnsubscriptionError` from `unsubscribe()`, else
 *     `config.onUnhandledError`);
 *   - a collection given as a generator (`lazy`) is read only when an input
 *     can start (every element read before has started), is closed or ran
 *     to its end once the output stops, and in `'settled'` mode every input
 *     read gets its one record.
 *   - a collection given whole may be an array, a record or a `Map`: each
 *     record of a keyed collection carries its input's key (a record's string,
 *     the Map's own key object), and no other record has one.
 * (An abort listener does not throw here: Node reports such an error itself,
 * as an uncaught exception, whatever the package does.)
 */
import fc from 'fast-check';
import {
  config,
  Observable,
  Subject,
  Subscriber,
  UnsubscriptionError,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { asCompleted, asCompletedWithTimeout, firstCompleted, type CompletionInput } from '../../src/index';
import { check, concurrencyArb, emitArb, TIME_LIMIT } from './harness';

type ActionKind = 'finish' | 'fail' | 'completeSource' | 'errorSource' | 'unsubscribe' | 'throw';

interface ActionSpec {
  kind: ActionKind;
  /** The input acted on (`finish`/`fail`), taken modulo what exists. */
  batch: number;
  index: number;
}

interface ReInput {
  kind: 'value' | 'error' | 'empty';
  duration: number;
  sync: boolean;
  factory: boolean;
  /** Runs when the input is torn down before it finished (in its finalizer). */
  onTeardown?: ActionSpec;
  /** Runs when a factory's signal is aborted (never 'throw'). */
  onAbort?: ActionSpec;
}

interface ReScenario {
  op: 'asCompleted' | 'timeout' | 'first';
  batches: Array<{ at: number; inputs: ReInput[] }>;
  /** Pipeable form: the source completes at this frame. Undefined: creation form (one batch). */
  completeAt?: number;
  concurrency: number;
  emit: 'value' | 'tagged' | 'settled';
  total?: number;
  each?: number;
  onTimeout?: 'error' | 'complete';
  /** Acts when the consumer receives its `at`-th value (0-based). */
  onEmit: Array<ActionSpec & { at: number }>;
  /** Each collection is handed over as a generator (read lazily), not an array. */
  lazy: boolean;
  /** When not lazy: each collection as an array, a record (keys `k0`, `k1`, …) or a `Map` (object keys). */
  shape: 'array' | 'record' | 'map';
}

const actionArb = (kinds: readonly ActionKind[]): fc.Arbitrary<ActionSpec> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    batch: fc.nat({ max: 3 }),
    index: fc.nat({ max: 7 }),
  });

const ALL: readonly ActionKind[] = [
  'finish',
  'finish',
  'fail',
  'completeSource',
  'errorSource',
  'unsubscribe',
  'throw',
];
const NO_THROW = ALL.filter((kind) => kind !== 'throw');

const reInputArb: fc.Arbitrary<ReInput> = fc.record(
  {
    kind: fc.constantFrom<ReInput['kind']>('value', 'value', 'value', 'error', 'empty'),
    duration: fc.integer({ min: 0, max: 10 }),
    sync: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    factory: fc.integer({ min: 0, max: 3 }).map((n) => n !== 0),
    onTeardown: actionArb(ALL),
    onAbort: actionArb(NO_THROW),
  },
  { requiredKeys: ['kind', 'duration', 'sync', 'factory'] },
);

const scenarioArb: fc.Arbitrary<ReScenario> = fc
  .record({
    op: fc.constantFrom<ReScenario['op']>('asCompleted', 'timeout', 'timeout', 'first'),
    pipeable: fc.boolean(),
    batches: fc.array(
      fc.record({ gap: fc.integer({ min: 0, max: 6 }), inputs: fc.array(reInputArb, { maxLength: 6 }) }),
      { minLength: 1, maxLength: 3 },
    ),
    tail: fc.integer({ min: 0, max: 8 }),
    concurrency: concurrencyArb,
    emit: emitArb,
    total: fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined }),
    each: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    onTimeout: fc.option(fc.constantFrom<'error' | 'complete'>('error', 'complete'), { nil: undefined }),
    onEmit: fc.array(fc.record({ at: fc.nat({ max: 6 }), action: actionArb(ALL) }), { maxLength: 2 }),
    lazy: fc.boolean(),
    shape: fc.constantFrom<ReScenario['shape']>('array', 'array', 'record', 'map'),
  })
  .map(({ pipeable, batches, tail, op, total, each, onEmit, ...rest }) => {
    let at = 0;
    const placed = (pipeable ? batches : batches.slice(0, 1)).map(({ gap, inputs }) => ({
      at: pipeable ? (at += gap) : 0,
      inputs,
    }));
    const timed = op === 'timeout';
    const deadline = timed ? (total ?? (each === undefined ? 10 : undefined)) : undefined;
    return {
      ...rest,
      // `onTimeout` governs `total` only; without it, it is a TypeError (SPEC §4).
      onTimeout: deadline === undefined ? undefined : rest.onTimeout,
      op,
      batches: placed,
      completeAt: pipeable ? at + tail : undefined,
      total: deadline,
      each: timed ? each : undefined,
      onEmit: onEmit.map(({ at, action }) => ({ at, ...action })),
    };
  });

interface Control {
  finish(): void;
  fail(): void;
}

interface Outcome {
  problems: string[];
  terminated: 'complete' | 'error' | 'unsubscribed' | 'no';
}

function runScenario(s: ReScenario): Outcome {
  const problems: string[] = [];
  const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const previousHandler = config.onUnhandledError;
  /** Errors thrown by teardown actions, and where each surfaced. */
  const thrown: Error[] = [];
  const surfaced: unknown[] = [];
  config.onUnhandledError = (error) => surfaced.push(error);
  let terminated: Outcome['terminated'] = 'no';
  try {
    testScheduler.run(() => {
      let live = 0;
      let maxLive = 0;
      const controls = new Map<string, Control>();
      const signals = new Map<string, AbortSignal>();
      const finished = new Set<string>();
      const torn = new Set<string>();
      const subscribed = new Set<string>();
      const arrived: number[] = [];
      const records = new Map<string, number>();
      const timers: Subscription[] = [];
      let emissions = 0;
      const key = (batch: number, index: number) => `${batch}:${index}`;
      const source = new Subject<Array<CompletionInput<unknown>>>();

      // The operator's own timers, to prove none is left once the output stops.
      const scheduler: SchedulerLike = {
        now: () => testScheduler.now(),
        schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
          const action = testScheduler.schedule(
            function (this: SchedulerAction<T>, st?: T) {
              if (terminated !== 'no') problems.push(`a timer fired after the output stopped (${terminated})`);
              work.call(this, st);
            },
            delay,
            state,
          );
          timers.push(action);
          return action;
        },
      };

      /** Inside a teardown or abort listener: the engine is tearing down, and goes on after we return. */
      let inTeardown = 0;
      const stopped = (how: Outcome['terminated']) => {
        if (terminated !== 'no') return;
        terminated = how;
        const judge = () => {
          if (live !== 0) problems.push(`${how}: ${live} input(s) still subscribed`);
          if (s.completeAt !== undefined && source.observed) problems.push(`${how}: the source is still subscribed`);
        };
        // An `unsubscribe()` from inside a teardown returns at once (the output
        // is already closing, as with any rxjs Subscription): judge once the
        // engine's own teardown is over, after the current action.
        if (how === 'unsubscribed' && inTeardown > 0) testScheduler.schedule(judge, 0);
        else judge();
      };

      const output = new (class extends Subscriber<unknown> {
        protected override _next(value: unknown): void {
          if (terminated !== 'no') problems.push(`next after the output stopped (${terminated})`);
          const record = value as { batch?: number; index?: number; key?: unknown };
          if (s.emit !== 'value' && s.op !== 'first' && record.index !== undefined) {
            const b = record.batch ?? 0;
            const k = key(b, record.index);
            records.set(k, (records.get(k) ?? 0) + 1);
            // A keyed collection's records carry the key of their input; no other has one.
            const expected = s.lazy || s.shape === 'array' ? undefined : keysOf[b]?.[record.index];
            if (record.key !== expected) problems.push(`${k}: key ${String(record.key)}, expected ${String(expected)}`);
          }
          const at = emissions++;
          for (const action of s.onEmit) {
            if (action.at !== at) continue;
            try {
              act(action, 'emission');
            } catch {
              // The consumer's own error: rxjs reports it, the engine never sees it.
            }
          }
        }
        protected override _error(): void {
          stopped('error');
          this.unsubscribe();
        }
        protected override _complete(): void {
          stopped('complete');
          this.unsubscribe();
        }
      })();

      const unsubscribeOutput = () => {
        if (output.closed) return;
        try {
          output.unsubscribe();
        } catch (error) {
          if (error instanceof UnsubscriptionError) surfaced.push(...(error.errors as unknown[]));
          else throw error;
        }
        stopped('unsubscribed');
      };

      function act(action: ActionSpec, where: string): void {
        switch (action.kind) {
          case 'finish':
          case 'fail': {
            const batch = s.batches.length === 0 ? 0 : action.batch % s.batches.length;
            const size = s.batches[batch]?.inputs.length ?? 0;
            if (size === 0) return;
            const control = controls.get(key(batch, action.index % size));
            if (action.kind === 'finish') control?.finish();
            else control?.fail();
            return;
          }
          case 'completeSource':
            source.complete();
            return;
          case 'errorSource':
            source.error(new Error('source failed'));
            return;
          case 'unsubscribe':
            unsubscribeOutput();
            return;
          case 'throw': {
            const error = new Error(`thrown at ${where}`);
            // The consumer's errors are rxjs's to report, not the engine's.
            if (where === 'teardown') thrown.push(error);
            throw error;
          }
        }
      }

      const inputOf = (batch: number, index: number, spec: ReInput): CompletionInput<unknown> => {
        const k = key(batch, index);
        const observable = new Observable<unknown>((subscriber) => {
          if (subscribed.has(k)) problems.push(`${k} subscribed twice`);
          subscribed.add(k);
          live++;
          maxLive = Math.max(maxLive, live);
          if (maxLive > s.concurrency) problems.push(`${live} inputs subscribed, concurrency ${s.concurrency}`);
          let done = false;
          const end = (how: 'finish' | 'fail') => {
            if (done) return;
            done = true;
            finished.add(k);
            live--;
            const kind = how === 'fail' ? 'error' : spec.kind;
            if (kind === 'value') {
              subscriber.next(`v${k}`);
              subscriber.complete();
            } else if (kind === 'error') {
              subscriber.error(`e${k}`);
            } else {
              subscriber.complete();
            }
          };
          controls.set(k, { finish: () => end('finish'), fail: () => end('fail') });
          if (spec.sync) {
            end('finish');
            return;
          }
          const timer = testScheduler.schedule(() => end('finish'), spec.duration);
          return () => {
            timer.unsubscribe();
            if (done) return;
            done = true;
            torn.add(k);
            live--;
            if (spec.onTeardown === undefined) return;
            inTeardown++;
            try {
              act(spec.onTeardown, 'teardown');
            } finally {
              inTeardown--;
            }
          };
        });
        if (!spec.factory) return observable;
        return (signal: AbortSignal) => {
          if (signals.has(k)) problems.push(`factory ${k} called twice`);
          signals.set(k, signal);
          if (spec.onAbort) {
            const onAbort = spec.onAbort;
            signal.addEventListener(
              'abort',
              () => {
                inTeardown++;
                try {
                  act(onAbort, 'abort');
                } finally {
                  inTeardown--;
                }
              },
              { once: true },
            );
          }
          return observable;
        };
      };

      const made = s.batches.map((batch, b) => batch.inputs.map((spec, i) => inputOf(b, i, spec)));
      /** Per lazy batch: elements read, and whether the generator was closed or ran to its end. */
      const reads = s.batches.map(() => 0);
      const ended = s.batches.map(() => false);
      const entered = s.batches.map(() => false);
      function* lazily(b: number): Generator<CompletionInput<unknown>> {
        // A generator returned before its first `next()` never runs its body: nothing to close.
        entered[b] = true;
        try {
          for (let i = 0; i < made[b].length; i++) {
            for (let j = 0; j < i; j++) {
              const k = key(b, j);
              if (!signals.has(k) && !subscribed.has(k)) problems.push(`${key(b, i)} read before ${k} started`);
            }
            reads[b]++;
            yield made[b][i];
          }
        } finally {
          ended[b] = true;
        }
      }
      /** The key of each input of a keyed collection (a record's string, a Map's object). */
      const keysOf: unknown[][] = made.map((list, b) =>
        list.map((_, i) => (s.shape === 'record' ? `k${i}` : s.shape === 'map' ? { batch: b, index: i } : undefined)),
      );
      const shaped = (list: Array<CompletionInput<unknown>>, b: number): unknown =>
        s.shape === 'record'
          ? Object.fromEntries(list.map((input, i) => [keysOf[b][i], input]))
          : s.shape === 'map'
            ? new Map(list.map((input, i) => [keysOf[b][i], input]))
            : list;
      const inputs = made.map((list, b) => (s.lazy ? lazily(b) : shaped(list, b))) as Array<
        Iterable<CompletionInput<unknown>> & Array<CompletionInput<unknown>>
      >;
      const timed = { total: s.total, each: s.each, onTimeout: s.onTimeout, scheduler };
      const options = { concurrency: s.concurrency, emit: s.emit };
      let operated: Observable<unknown>;
      if (s.completeAt === undefined) {
        arrived.push(0);
        operated =
          s.op === 'first'
            ? firstCompleted(inputs[0], { concurrency: s.concurrency })
            : s.op === 'timeout'
              ? asCompletedWithTimeout(inputs[0], { ...timed, ...options } as never)
              : asCompleted(inputs[0], options);
      } else {
        s.batches.forEach(({ at }, b) =>
          testScheduler.schedule(() => {
            if (source.closed || source.isStopped || terminated !== 'no') return;
            arrived.push(b);
            source.next(inputs[b]);
          }, at),
        );
        testScheduler.schedule(() => source.complete(), s.completeAt);
        operated = source.pipe(
          s.op === 'first'
            ? firstCompleted({ concurrency: s.concurrency })
            : s.op === 'timeout'
              ? asCompletedWithTimeout({ ...timed, ...options } as never)
              : asCompleted(options),
        );
      }
      operated.subscribe(output);
      testScheduler.flush();
      if (terminated === 'no') unsubscribeOutput();
      if (live !== 0) problems.push(`after the run: ${live} input(s) still subscribed`);

      // A factory's signal is aborted iff its input was torn down.
      for (const [k, signal] of signals) {
        if (finished.has(k) && signal.aborted) problems.push(`${k} finished on its own, yet aborted`);
        if (torn.has(k) && !signal.aborted) problems.push(`${k} torn down, signal not aborted`);
        if (!subscribed.has(k) && !signal.aborted) problems.push(`${k}: factory called, never subscribed nor aborted`);
      }
      for (const k of subscribed) {
        if (!finished.has(k) && !torn.has(k)) problems.push(`${k} never finished nor torn down`);
      }
      for (const [k, count] of records) if (count > 1) problems.push(`${k} has ${count} records`);
      if (s.emit === 'settled' && s.op !== 'first' && terminated === 'complete') {
        for (const b of arrived) {
          // A lazy collection cut short (a deadline): every input read gets its record.
          const count = s.lazy ? reads[b] : s.batches[b].inputs.length;
          for (let i = 0; i < count; i++) {
            if (records.get(key(b, i)) !== 1) problems.push(`${key(b, i)} has ${records.get(key(b, i)) ?? 0} records`);
          }
        }
      }
      if (s.lazy) {
        for (const b of arrived)
          if (entered[b] && !ended[b]) problems.push(`batch ${b}: generator neither closed nor done`);
      }
    });
  } finally {
    config.onUnhandledError = previousHandler;
  }
  // Every error a teardown threw surfaced exactly once.
  for (const error of thrown) {
    const times = surfaced.filter((e) => e === error).length;
    if (times !== 1) problems.push(`"${error.message}" surfaced ${times} time(s)`);
  }
  return { problems, terminated };
}

describe('re-entrancy (properties)', () => {
  it(
    'whatever teardowns, abort listeners and the consumer do, every invariant holds',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          expect(runScenario(s).problems).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    "'settled' deadlines whose late inputs act in their teardown still give one record each",
    () => {
      const settledTimeoutArb = scenarioArb.map((s) => ({
        ...s,
        op: 'timeout' as const,
        emit: 'settled' as const,
        total: s.total ?? 6,
      }));
      check(
        fc.property(settledTimeoutArb, (s) => {
          expect(runScenario(s).problems).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );
});

import fc from 'fast-check';
import {
  batchesArb,
  buildCompletion,
  check,
  concurrencyArb,
  emitArb,
  inputsArb,
  observe,
  RUNS,
  startedInOrder,
  TIME_LIMIT,
  timeoutArb,
  unsubscribeArb,
} from './harness';
import { modelAsCompleted, type CompletionScenario } from './model';

/** One collection (creation form); `total` sometimes given as a `Date` (virtual time starts at 0). */
const creationArb = fc
  .record({
    inputs: inputsArb(),
    concurrency: concurrencyArb,
    emit: emitArb,
    timeout: timeoutArb,
    unsubscribeAt: unsubscribeArb,
    totalAsDate: fc.boolean(),
  })
  .map(({ inputs, timeout, totalAsDate, ...rest }) => ({
    scenario: { batches: [{ at: 0, inputs }], ...timeout, ...rest } as CompletionScenario,
    totalAsDate,
  }));

/** Batches from a cold source (pipeable form): each batch's `total` counts from its arrival. */
const pipeableArb = fc
  .record({
    source: batchesArb(),
    concurrency: concurrencyArb,
    emit: emitArb,
    timeout: timeoutArb,
    unsubscribeAt: unsubscribeArb,
  })
  .map(({ source, timeout, ...rest }) => ({
    scenario: { ...source, ...timeout, ...rest } as CompletionScenario,
    totalAsDate: false,
  }));

const anyArb = fc.oneof(creationArb, pipeableArb);
const rank = (key: string) => key.split(':').map(Number);

describe('asCompletedWithTimeout (properties)', () => {
  it(
    'emits what the model emits, frame for frame, and subscribes each input when the model does',
    () => {
      check(
        fc.property(creationArb, ({ scenario, totalAsDate }) => {
          const observed = observe(scenario.unsubscribeAt, buildCompletion(scenario, { totalAsDate }));
          const { limitTies, ...expected } = modelAsCompleted(scenario);
          fc.pre(limitTies.length === 0);
          expect(observed.problems).toEqual([]);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual(expected);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'a record or a Map (read whole) matches the model for the array, frame for frame, each record with its key',
    () => {
      check(
        fc.property(creationArb, fc.constantFrom<'record' | 'map'>('record', 'map'), ({ scenario }, keyed) => {
          const observed = observe(scenario.unsubscribeAt, buildCompletion(scenario, { keyed }));
          const { limitTies, ...expected } = modelAsCompleted(scenario);
          fc.pre(limitTies.length === 0);
          expect(observed.problems).toEqual([]);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual(expected);
        }),
        Math.ceil(RUNS / 3),
      );
    },
    TIME_LIMIT,
  );

  it(
    'pipeable: per-batch deadlines under one budget match the model, frame for frame',
    () => {
      check(
        fc.property(pipeableArb, ({ scenario }) => {
          const observed = observe(scenario.unsubscribeAt, buildCompletion(scenario));
          const { limitTies, ...expected } = modelAsCompleted(scenario);
          fc.pre(limitTies.length === 0);
          expect(observed.problems).toEqual([]);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual(expected);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    "emit: 'settled' yields exactly one record per input, deadline or not, then completes",
    () => {
      check(
        fc.property(inputsArb(), concurrencyArb, timeoutArb, (inputs, concurrency, timeout) => {
          const s: CompletionScenario = { batches: [{ at: 0, inputs }], concurrency, emit: 'settled', ...timeout };
          const { notes } = observe(undefined, buildCompletion(s));
          const records = notes.filter((n) => n.kind === 'N').map((n) => (n as { value: { index: number } }).value);
          expect(records.map((r) => r.index).sort((a, b) => a - b)).toEqual(inputs.map((_, i) => i));
          expect(records.map((r) => (r as unknown as { completed: number }).completed)).toEqual(
            inputs.map((_, i) => i + 1),
          );
          expect(notes.filter((n) => n.kind !== 'N')).toEqual([{ frame: notes[notes.length - 1].frame, kind: 'C' }]);
          expect(notes[notes.length - 1].kind).toBe('C');
          // Nothing is emitted at or after the `total` deadline's frame but the deadline's own records.
          if (s.total !== undefined) expect(notes[notes.length - 1].frame).toBeLessThanOrEqual(s.total);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'never has more than `concurrency` inputs subscribed, and starts queued inputs in input order',
    () => {
      check(
        fc.property(anyArb, ({ scenario, totalAsDate }) => {
          const { probe } = observe(scenario.unsubscribeAt, buildCompletion(scenario, { totalAsDate }));
          expect(probe.maxLive).toBeLessThanOrEqual(scenario.concurrency);
          expect(startedInOrder(probe.order, rank)).toBe(true);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'leaves no input subscribed and no timer scheduled after completion, error, deadline or unsubscribe',
    () => {
      check(
        fc.property(anyArb, ({ scenario, totalAsDate }) => {
          const observed = observe(scenario.unsubscribeAt, buildCompletion(scenario, { totalAsDate }));
          expect(observed.problems).toEqual([]);
          expect(observed.terminated).not.toBe('no');
          expect(observed.probe.abortMismatches()).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );
});

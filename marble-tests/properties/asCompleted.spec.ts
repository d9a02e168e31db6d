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
  unsubscribeArb,
} from './harness';
import { modelAsCompleted, type CompletionScenario } from './model';

/** One collection (creation form). */
const creationArb: fc.Arbitrary<CompletionScenario> = fc
  .record({ inputs: inputsArb(), concurrency: concurrencyArb, emit: emitArb, unsubscribeAt: unsubscribeArb })
  .map(({ inputs, ...rest }) => ({ batches: [{ at: 0, inputs }], ...rest }));

/** Batches from a cold source (pipeable form), sharing one budget. */
const pipeableArb: fc.Arbitrary<CompletionScenario> = fc
  .record({ source: batchesArb(), concurrency: concurrencyArb, emit: emitArb, unsubscribeAt: unsubscribeArb })
  .map(({ source, ...rest }) => ({ ...source, ...rest }));

const rank = (key: string) => key.split(':').map(Number);

describe('asCompleted (properties)', () => {
  it(
    'emits what the model emits, frame for frame, and subscribes each input when the model does',
    () => {
      check(
        fc.property(creationArb, (s) => {
          const observed = observe(s.unsubscribeAt, buildCompletion(s));
          expect(observed.problems).toEqual([]);
          const { notes, subs } = modelAsCompleted(s);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual({ notes, subs });
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'a record or a Map (read whole) emits what the model emits for the array, frame for frame, each record with its key',
    () => {
      check(
        fc.property(creationArb, fc.constantFrom<'record' | 'map'>('record', 'map'), (s, keyed) => {
          const observed = observe(s.unsubscribeAt, buildCompletion(s, { keyed }));
          expect(observed.problems).toEqual([]);
          const { notes, subs } = modelAsCompleted(s);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual({ notes, subs });
        }),
        Math.ceil(RUNS / 3),
      );
    },
    TIME_LIMIT,
  );

  it(
    'a generator (read lazily) emits what the model emits for the array, frame for frame; `total` only once read to the end',
    () => {
      check(
        fc.property(creationArb, (s) => {
          const observed = observe(s.unsubscribeAt, buildCompletion(s, { lazy: true }));
          expect(observed.problems).toEqual([]);
          const { notes, subs } = modelAsCompleted(s);
          const size = s.batches[0].inputs.length;
          const withoutTotal = (list: typeof notes) =>
            list.map((note) => {
              if (note.kind !== 'N' || typeof note.value !== 'object' || note.value === null) return note;
              const { total, ...rest } = note.value as { total?: number };
              // Unknown until the end is read, then the size.
              if (total !== undefined && total !== size) throw new Error(`total ${total}, expected ${size}`);
              return { ...note, value: rest };
            });
          expect({ notes: withoutTotal(observed.notes), subs: observed.subs }).toEqual({
            notes: withoutTotal(notes),
            subs,
          });
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'pipeable: batches side by side under one budget match the model, frame for frame',
    () => {
      check(
        fc.property(pipeableArb, (s) => {
          const observed = observe(s.unsubscribeAt, buildCompletion(s));
          expect(observed.problems).toEqual([]);
          const { notes, subs } = modelAsCompleted(s);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual({ notes, subs });
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    "emit: 'settled' yields exactly one record per input, then completes",
    () => {
      check(
        fc.property(inputsArb(), concurrencyArb, (inputs, concurrency) => {
          const s: CompletionScenario = { batches: [{ at: 0, inputs }], concurrency, emit: 'settled' };
          const { notes } = observe(undefined, buildCompletion(s));
          const records = notes.filter((n) => n.kind === 'N').map((n) => (n as { value: { index: number } }).value);
          expect(records.map((r) => r.index).sort((a, b) => a - b)).toEqual(inputs.map((_, i) => i));
          expect(records.map((r) => (r as unknown as { completed: number }).completed)).toEqual(
            inputs.map((_, i) => i + 1),
          );
          expect(notes.filter((n) => n.kind !== 'N')).toEqual([{ frame: notes[notes.length - 1].frame, kind: 'C' }]);
          expect(notes[notes.length - 1].kind).toBe('C');
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'never has more than `concurrency` inputs subscribed, and starts queued inputs in input order',
    () => {
      check(
        fc.property(fc.oneof(creationArb, pipeableArb), (s) => {
          const { probe } = observe(s.unsubscribeAt, buildCompletion(s));
          expect(probe.maxLive).toBeLessThanOrEqual(s.concurrency);
          expect(startedInOrder(probe.order, rank)).toBe(true);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'leaves no input subscribed and no action scheduled after completion, error or unsubscribe',
    () => {
      check(
        fc.property(fc.oneof(creationArb, pipeableArb), (s) => {
          const observed = observe(s.unsubscribeAt, buildCompletion(s));
          expect(observed.problems).toEqual([]);
          expect(observed.terminated).not.toBe('no');
          // A factory's signal is aborted exactly when its input was torn down.
          expect(observed.probe.abortMismatches()).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );
});

import fc from 'fast-check';
import { firstCompleted } from '../../src/index';
import {
  check,
  concurrencyArb,
  inputArb,
  observe,
  startedInOrder,
  TIME_LIMIT,
  unsubscribeArb,
  type Probe,
} from './harness';
import { errorOf, inputKey, modelFirstCompleted, predicateError, valueOf, type FirstScenario } from './model';

/** Inputs with a predicate verdict each (or no predicate at all). */
const scenarioArb: fc.Arbitrary<FirstScenario> = fc
  .record({
    inputs: fc.array(
      fc.record({
        input: inputArb(),
        verdict: fc.constantFrom<'yes' | 'no' | 'throw'>('yes', 'yes', 'no', 'no', 'no', 'throw'),
      }),
      { maxLength: 40, size: 'max' },
    ),
    withPredicate: fc.boolean(),
    concurrency: concurrencyArb,
    unsubscribeAt: unsubscribeArb,
  })
  .map(({ inputs, withPredicate, ...rest }) => ({
    inputs: inputs.map((i) => i.input),
    ...(withPredicate ? { predicate: inputs.map((i) => i.verdict) } : {}),
    ...rest,
  }));

function build(s: FirstScenario) {
  return (probe: Probe) => {
    const inputs = s.inputs.map((spec, i) => {
      const key = inputKey(0, i);
      return probe.input(key, spec, valueOf(key), errorOf(key));
    });
    const predicate = s.predicate;
    const options = {
      concurrency: s.concurrency,
      ...(predicate !== undefined
        ? {
            predicate: (value: unknown, index: number) => {
              if (value !== valueOf(inputKey(0, index))) throw new Error(`predicate got ${String(value)} for ${index}`);
              if (predicate[index] === 'throw') throw predicateError(index);
              return predicate[index] === 'yes';
            },
          }
        : {}),
    };
    return { source: firstCompleted(inputs, options) };
  };
}

const rank = (key: string) => key.split(':').map(Number);

describe('firstCompleted (properties)', () => {
  it(
    'emits what the model emits, frame for frame, and subscribes each input when the model does',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const observed = observe(s.unsubscribeAt, build(s));
          const { notes, subs } = modelFirstCompleted(s);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual({ notes, subs });
          expect(observed.problems).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'emits at most one value, only after every other input is torn down, and completes with it',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const { notes, liveAtNext } = observe(s.unsubscribeAt, build(s));
          const values = notes.filter((n) => n.kind === 'N');
          expect(values.length).toBeLessThanOrEqual(1);
          if (values.length === 1) expect(notes).toEqual([values[0], { frame: values[0].frame, kind: 'C' }]);
          // The losers are unsubscribed (their signals aborted) before the winner is seen.
          expect(liveAtNext.every((live) => live === 0)).toBe(true);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'never has more than `concurrency` inputs subscribed, and starts queued inputs in input order',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const { probe } = observe(s.unsubscribeAt, build(s));
          expect(probe.maxLive).toBeLessThanOrEqual(s.concurrency);
          expect(startedInOrder(probe.order, rank)).toBe(true);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'leaves no input subscribed and no action scheduled after the winner, the AggregateError or unsubscribe',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const observed = observe(s.unsubscribeAt, build(s));
          expect(observed.problems).toEqual([]);
          expect(observed.terminated).not.toBe('no');
          expect(observed.probe.abortMismatches()).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );
});

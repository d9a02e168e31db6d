import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { mergeCompletedThen } from '../../src/index';
import {
  check,
  concurrencyArb,
  emitArb,
  inputArb,
  normalizeError,
  observe,
  TIME_LIMIT,
  unsubscribeArb,
  type Probe,
} from './harness';
import {
  childKey,
  childOf,
  errorOf,
  itemKey,
  itemOf,
  modelMergeCompletedThen,
  pagePlan,
  valueOf,
  type ItemSpec,
  type ThenScenario,
} from './model';

const itemArb: fc.Arbitrary<ItemSpec> = fc.record({
  kind: fc.constantFrom<ItemSpec['kind']>('value', 'value', 'value', 'value', 'error', 'empty', 'not-iterable'),
  duration: fc.integer({ min: 0, max: 10 }),
  sync: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  children: fc.array(inputArb(10), { maxLength: 5 }),
  // One item in two gives its children as a stream of pages.
  pages: fc.option(
    fc.array(fc.record({ gap: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 0, max: 3 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    { nil: undefined },
  ),
});

/**
 * A paged stage 1 as a cold observable: its pages, then at its end a
 * completion, an error, or a page that is no list.
 */
function pagedMarbles(spec: ItemSpec, index: number): { marbles: string; values: Record<string, unknown> } {
  const plan = pagePlan(spec)!;
  const frames: string[] = Array.from({ length: plan.end + 1 }, () => '-');
  const values: Record<string, unknown> = { z: 42 };
  plan.pages.forEach((page, k) => {
    const name = String.fromCharCode(97 + k);
    values[name] = spec.children.slice(page.from, page.to).map((_, j) => childOf(index, page.from + j));
    frames[page.at] = name;
  });
  frames[plan.end] = spec.kind === 'error' ? '#' : spec.kind === 'not-iterable' ? '(z|)' : '|';
  return { marbles: frames.join(''), values };
}

const thenConcurrencyArb: fc.Arbitrary<ThenScenario['concurrency']> = fc.oneof(
  concurrencyArb,
  fc.record({ first: fc.integer({ min: 1, max: 4 }), then: fc.integer({ min: 1, max: 6 }) }, { requiredKeys: [] }),
);

const scenarioArb: fc.Arbitrary<ThenScenario> = fc.record({
  items: fc.array(itemArb, { maxLength: 20, size: 'max' }),
  concurrency: thenConcurrencyArb,
  emit: emitArb,
  unsubscribeAt: unsubscribeArb,
});

function build(s: ThenScenario) {
  return (probe: Probe) => {
    const first = (item: string, index: number, signal: AbortSignal) => {
      const spec = s.items[index];
      if (item !== itemOf(index)) probe.problems.push(`first got ${String(item)} for item ${index}`);
      const key = itemKey(index);
      if (pagePlan(spec) !== undefined) {
        const { marbles, values } = pagedMarbles(spec, index);
        const pages = probe.cold(marbles, values, errorOf(key));
        return probe.factory(key, () => probe.track(key, pages, 'first'))(signal) as Observable<Iterable<unknown>>;
      }
      const list = spec.kind === 'not-iterable' ? 42 : spec.children.map((_, j) => childOf(index, j));
      const kind = spec.kind === 'not-iterable' ? 'value' : spec.kind;
      const source = probe.observable({ ...spec, kind, factory: true }, list, errorOf(key));
      // `42` for a 'not-iterable' item: a wrong answer on purpose.
      return probe.factory(key, () => probe.track(key, source, 'first'))(signal) as Observable<Iterable<unknown>>;
    };
    const then = (child: unknown, item: unknown, signal: AbortSignal) => {
      const [i, j] = String(child).slice('child'.length).split('.').map(Number);
      if (item !== itemOf(i)) probe.problems.push(`then got item ${String(item)} for ${String(child)}`);
      const key = childKey(i, j);
      const source = probe.observable(s.items[i].children[j], valueOf(key), errorOf(key));
      return probe.factory(key, () => probe.track(key, source, 'then'))(signal);
    };
    const normalize = (value: unknown) =>
      typeof value === 'object' && value !== null && 'reason' in value
        ? { ...value, reason: normalizeError(value.reason) }
        : value;
    return {
      source: mergeCompletedThen(
        s.items.map((_, i) => itemOf(i)),
        first,
        then,
        {
          concurrency: s.concurrency,
          emit: s.emit,
        },
      ),
      normalize,
    };
  };
}

const limits = (c: ThenScenario['concurrency']) =>
  typeof c === 'number'
    ? { shared: c, first: Infinity, then: Infinity }
    : { shared: Infinity, first: c.first ?? Infinity, then: c.then ?? Infinity };

describe('mergeCompletedThen (properties)', () => {
  it(
    'emits what the model emits, frame for frame, and subscribes each request when the model does',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const observed = observe(s.unsubscribeAt, build(s));
          const { notes, subs } = modelMergeCompletedThen(s);
          expect({ notes: observed.notes, subs: observed.subs }).toEqual({ notes, subs });
          expect(observed.problems).toEqual([]);
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    "emit: 'settled' yields one record per stage-2 request and per failed item, then completes",
    () => {
      check(
        fc.property(fc.array(itemArb, { maxLength: 20, size: 'max' }), thenConcurrencyArb, (items, concurrency) => {
          const { notes } = observe(undefined, build({ items, concurrency, emit: 'settled' }));
          const records = notes
            .filter((n) => n.kind === 'N')
            .map((n) => (n as { value: Record<string, number> }).value);
          // A paged item's children all come before its stream ends, however it ends.
          const expected = items.flatMap((item, i) => [
            ...(item.kind === 'value' || (item.kind !== 'empty' && pagePlan(item) !== undefined)
              ? item.children.map((_, j) => `2:${i}.${j}`)
              : []),
            ...(item.kind === 'value' ? [] : [`1:${i}`]),
          ]);
          const seen = records.map((r) => (r.stage === 1 ? `1:${r.itemIndex}` : `2:${r.itemIndex}.${r.childIndex}`));
          expect([...seen].sort()).toEqual([...expected].sort());
          expect(records.map((r) => r.completed)).toEqual(expected.map((_, k) => k + 1));
          expect(notes.filter((n) => n.kind !== 'N')).toEqual([{ frame: notes[notes.length - 1].frame, kind: 'C' }]);
          expect(notes[notes.length - 1].kind).toBe('C');
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'keeps each stage within its budget, starts items in order and each item’s children in order',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          const { probe } = observe(s.unsubscribeAt, build(s));
          const limit = limits(s.concurrency);
          expect(probe.maxLive).toBeLessThanOrEqual(limit.shared);
          expect(probe.maxLiveBy.first ?? 0).toBeLessThanOrEqual(limit.first);
          expect(probe.maxLiveBy.then ?? 0).toBeLessThanOrEqual(limit.then);
          const items = probe.order.filter((k) => k.startsWith('1:')).map((k) => Number(k.slice(2)));
          expect(items).toEqual(items.map((_, i) => i));
          const children = new Map<number, number[]>();
          for (const key of probe.order.filter((k) => k.startsWith('2:'))) {
            const [i, j] = key.slice(2).split('.').map(Number);
            children.set(i, [...(children.get(i) ?? []), j]);
            // Stage 2 of an item starts only after its stage 1 finished, or its page came.
            const plan = pagePlan(s.items[i]);
            if (plan === undefined) expect(probe.subs[itemKey(i)].end).toBeLessThanOrEqual(probe.subs[key].start);
            else {
              const page = plan.pages.find((p) => p.from <= j && j < p.to)!;
              expect(probe.subs[itemKey(i)].start + page.at).toBeLessThanOrEqual(probe.subs[key].start);
            }
          }
          for (const list of children.values()) expect(list).toEqual(list.map((_, j) => j));
        }),
      );
    },
    TIME_LIMIT,
  );

  it(
    'leaves no request subscribed and no action scheduled after completion, error or unsubscribe',
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

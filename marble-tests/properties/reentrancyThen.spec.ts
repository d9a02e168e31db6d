/**
 * Re-entrancy properties of `mergeCompletedThen` with paged stage 1: `first`
 * gives the list itself or a stream of pages (synchronous or timed, possibly
 * a page that is no list, possibly ending in an error), and user code acts
 * back on the engine while it runs — a child's finalizer, a page stream's
 * finalizer, a `first` or `then` abort listener and the consumer's `next`
 * finish or fail a child, complete or error the items source (the pipeable
 * form's source, or the creation form's Observable of items), unsubscribe the
 * output, or throw. The invariants, whatever the actions do:
 *   - no child and no page stream is still subscribed once the output stops,
 *     and the items source is unsubscribed;
 *   - never more than the budget in use: page streams plus children within a
 *     shared `concurrency`, each stage within its own cap;
 *   - a signal (of `first` or of `then`) is aborted iff its stream was torn
 *     down before it ended on its own (a list given at once is never aborted);
 *   - at most one record per child and one `stage: 1` record per item; in
 *     `'settled'` mode a run that completes gives exactly one record per child
 *     of every list page delivered (before the first page that is no list),
 *     and a `stage: 1` record exactly for the items whose stream failed
 *     (an error, a page that is no list, or no page at all); `childIndex`
 *     counts on across pages;
 *   - every error a finalizer threw surfaced exactly once.
 */
import fc from 'fast-check';
import { config, Observable, Subject, Subscriber, UnsubscriptionError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { mergeCompletedThen } from '../../src/index';
import { check, concurrencyArb, emitArb, RUNS, TIME_LIMIT } from './harness';

type ActionKind = 'finish' | 'fail' | 'completeSource' | 'errorSource' | 'unsubscribe' | 'throw';

interface ActionSpec {
  kind: ActionKind;
  /** The child acted on (`finish`/`fail`): an item and a child of it, taken modulo what exists. */
  item: number;
  child: number;
}

interface ChildSpec {
  kind: 'value' | 'error' | 'empty';
  duration: number;
  sync: boolean;
  onTeardown?: ActionSpec;
  onAbort?: ActionSpec;
}

interface PageSpec {
  /** Frames after the previous page (0 for the first: delivered while the stream is subscribed). */
  gap: number;
  notList: boolean;
  children: ChildSpec[];
}

interface ItemSpec {
  /** `list`: `first` returns the list itself; `pages`: a stream of pages. */
  stage1: 'list' | 'pages';
  pages: PageSpec[];
  end: 'complete' | 'error';
  endGap: number;
  /** The page stream's finalizer acts (when torn down before it ended). */
  onTeardown?: ActionSpec;
  /** `first`'s signal is aborted (never 'throw'). */
  onAbort?: ActionSpec;
}

interface ThenScenario {
  /** `pipeable`: a source of item batches; `observable`: the creation form over an Observable of items; `array`: over an array. */
  form: 'pipeable' | 'observable' | 'array' | 'lazy';
  /** Items, each arriving at its frame (in `array` form all at 0). */
  items: Array<{ at: number; spec: ItemSpec }>;
  completeAt: number;
  concurrency: number | { first?: number; then?: number };
  emit: 'value' | 'tagged' | 'settled';
  onEmit: Array<ActionSpec & { at: number }>;
}

const actionArb = (kinds: readonly ActionKind[]): fc.Arbitrary<ActionSpec> =>
  fc.record({ kind: fc.constantFrom(...kinds), item: fc.nat({ max: 5 }), child: fc.nat({ max: 7 }) });

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

const childArb: fc.Arbitrary<ChildSpec> = fc.record(
  {
    kind: fc.constantFrom<ChildSpec['kind']>('value', 'value', 'value', 'error', 'empty'),
    duration: fc.integer({ min: 0, max: 8 }),
    sync: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    onTeardown: actionArb(ALL),
    onAbort: actionArb(NO_THROW),
  },
  { requiredKeys: ['kind', 'duration', 'sync'] },
);

const itemArb: fc.Arbitrary<ItemSpec> = fc.record(
  {
    stage1: fc.constantFrom<ItemSpec['stage1']>('list', 'pages', 'pages', 'pages'),
    pages: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 3 }),
        notList: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
        children: fc.array(childArb, { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
    end: fc.constantFrom<ItemSpec['end']>('complete', 'complete', 'complete', 'error'),
    endGap: fc.integer({ min: 0, max: 3 }),
    onTeardown: actionArb(ALL),
    onAbort: actionArb(NO_THROW),
  },
  { requiredKeys: ['stage1', 'pages', 'end', 'endGap'] },
);

const scenarioArb: fc.Arbitrary<ThenScenario> = fc
  .record({
    form: fc.constantFrom<ThenScenario['form']>('pipeable', 'observable', 'array', 'lazy'),
    items: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 4 }), spec: itemArb }), { maxLength: 5 }),
    tail: fc.integer({ min: 0, max: 8 }),
    concurrency: fc.oneof(
      concurrencyArb,
      fc.record({ first: fc.integer({ min: 1, max: 3 }), then: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: [] }),
    ),
    emit: emitArb,
    onEmit: fc.array(fc.record({ at: fc.nat({ max: 6 }), action: actionArb(ALL) }), { maxLength: 2 }),
  })
  .map(({ items, tail, onEmit, ...rest }) => {
    let at = 0;
    const whole = rest.form === 'array' || rest.form === 'lazy';
    const placed = items.map(({ gap, spec }) => ({ at: whole ? 0 : (at += gap), spec }));
    return {
      ...rest,
      items: placed,
      completeAt: at + tail,
      onEmit: onEmit.map(({ at, action }) => ({ at, ...action })),
    };
  });

interface Control {
  finish(): void;
  fail(): void;
}

type Terminated = 'complete' | 'error' | 'unsubscribed' | 'no';

/** The item a child belongs to and its `childIndex` (counted across pages). */
interface Child {
  item: number;
  child: number;
}

function runScenario(s: ThenScenario): string[] {
  const problems: string[] = [];
  const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const previousHandler = config.onUnhandledError;
  const thrown: Error[] = [];
  const surfaced: unknown[] = [];
  config.onUnhandledError = (error) => surfaced.push(error);
  try {
    testScheduler.run(() => {
      let terminated = 'no' as Terminated;
      const budget = typeof s.concurrency === 'number' ? s.concurrency : Infinity;
      const caps = typeof s.concurrency === 'number' ? {} : s.concurrency;
      let liveChildren = 0;
      let livePages = 0;
      const controls = new Map<string, Control>();
      const childSignals = new Map<string, AbortSignal>();
      const pageSignals = new Map<number, AbortSignal>();
      const finished = new Set<string>();
      const torn = new Set<string>();
      const subscribed = new Set<string>();
      /** Per item: the `childIndex` of every child of a list page delivered, and whether its stage 1 failed. */
      const delivered = new Map<number, number>();
      const stage1Failed = new Set<number>();
      const arrived = new Set<number>();
      const records = new Map<string, number>();
      let emissions = 0;
      const childKey = (item: number, child: number) => `${item}:${child}`;
      const pageKey = (item: number) => `page ${item}`;
      /** The children of each item, by `childIndex`. */
      const childSpecs = s.items.map(({ spec }) =>
        spec.stage1 === 'list'
          ? spec.pages.flatMap((page) => page.children)
          : spec.pages.flatMap((page) => (page.notList ? [] : page.children)),
      );

      const budgetCheck = () => {
        if (liveChildren + livePages > budget)
          problems.push(`${livePages} page stream(s) and ${liveChildren} child(ren) subscribed, budget ${budget}`);
        if (caps.first !== undefined && livePages > caps.first)
          problems.push(`${livePages} page streams subscribed, cap ${caps.first}`);
        if (caps.then !== undefined && liveChildren > caps.then)
          problems.push(`${liveChildren} children subscribed, cap ${caps.then}`);
      };

      const batches = new Subject<Array<{ item: number }>>();
      const itemSource = new Subject<{ item: number }>();
      const source = s.form === 'pipeable' ? batches : itemSource;

      let inTeardown = 0;
      const stopped = (how: Terminated) => {
        if (terminated !== 'no') return;
        terminated = how;
        const judge = () => {
          if (liveChildren !== 0) problems.push(`${how}: ${liveChildren} child(ren) still subscribed`);
          if (livePages !== 0) problems.push(`${how}: ${livePages} page stream(s) still subscribed`);
          if ((s.form === 'pipeable' || s.form === 'observable') && source.observed)
            problems.push(`${how}: the items source is still subscribed`);
        };
        if (how === 'unsubscribed' && inTeardown > 0) testScheduler.schedule(judge, 0);
        else judge();
      };

      const output = new (class extends Subscriber<unknown> {
        protected override _next(value: unknown): void {
          if (terminated !== 'no') problems.push(`next after the output stopped (${terminated})`);
          if (s.emit !== 'value') {
            const record = value as {
              stage?: number;
              itemIndex: number;
              childIndex?: number;
              batch: number;
              item: { item: number };
              child?: Child;
            };
            const i = record.item.item;
            // Pipeable: one batch per item, so `itemIndex` is 0 and `batch` names the item.
            if (
              record.itemIndex !== (s.form === 'pipeable' ? 0 : i) ||
              record.batch !== (s.form === 'pipeable' ? i : 0)
            )
              problems.push(`item ${i} as itemIndex ${record.itemIndex} of batch ${record.batch}`);
            if (record.child !== undefined && record.child.child !== record.childIndex)
              problems.push(
                `child ${childKey(record.child.item, record.child.child)} as childIndex ${record.childIndex}`,
              );
            const k = record.stage === 1 ? `stage 1 of ${i}` : childKey(i, record.child!.child);
            records.set(k, (records.get(k) ?? 0) + 1);
          }
          const at = emissions++;
          for (const action of s.onEmit) {
            if (action.at !== at) continue;
            try {
              act(action, 'emission');
            } catch {
              // The consumer's own error: rxjs reports it.
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
            if (s.items.length === 0) return;
            const item = action.item % s.items.length;
            const count = childSpecs[item].length;
            if (count === 0) return;
            const control = controls.get(childKey(item, action.child % count));
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
            if (where === 'teardown') thrown.push(error);
            throw error;
          }
        }
      }

      const inTeardownDo = (action: ActionSpec) => {
        inTeardown++;
        try {
          act(action, 'teardown');
        } finally {
          inTeardown--;
        }
      };
      const listen = (signal: AbortSignal, action: ActionSpec | undefined) => {
        if (action === undefined) return;
        signal.addEventListener(
          'abort',
          () => {
            inTeardown++;
            try {
              act(action, 'abort');
            } finally {
              inTeardown--;
            }
          },
          { once: true },
        );
      };

      const then = (child: Child, item: { item: number }, signal: AbortSignal): Observable<unknown> => {
        const k = childKey(child.item, child.child);
        if (child.item !== item.item) problems.push(`${k} given item ${item.item}`);
        if (childSignals.has(k)) problems.push(`then ${k} called twice`);
        childSignals.set(k, signal);
        const spec = childSpecs[child.item][child.child];
        listen(signal, spec.onAbort);
        return new Observable<unknown>((subscriber) => {
          if (subscribed.has(k)) problems.push(`${k} subscribed twice`);
          subscribed.add(k);
          liveChildren++;
          budgetCheck();
          let done = false;
          const end = (how: 'finish' | 'fail') => {
            if (done) return;
            done = true;
            finished.add(k);
            liveChildren--;
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
            liveChildren--;
            if (spec.onTeardown !== undefined) inTeardownDo(spec.onTeardown);
          };
        });
      };

      /** The children of a page, as the elements of its list. */
      const childrenOf = (item: number, from: number, count: number): Child[] =>
        Array.from({ length: count }, (_, j) => ({ item, child: from + j }));

      const first = (item: { item: number }, index: number, signal: AbortSignal): unknown => {
        const i = item.item;
        if (index !== (s.form === 'pipeable' ? 0 : i)) problems.push(`item ${i} given index ${index}`);
        if (pageSignals.has(i)) problems.push(`first ${i} called twice`);
        pageSignals.set(i, signal);
        const spec = s.items[i].spec;
        listen(signal, spec.onAbort);
        if (spec.stage1 === 'list') {
          delivered.set(i, childSpecs[i].length);
          return childrenOf(i, 0, childSpecs[i].length);
        }
        const k = pageKey(i);
        return new Observable<unknown>((subscriber) => {
          if (subscribed.has(k)) problems.push(`${k} subscribed twice`);
          subscribed.add(k);
          livePages++;
          budgetCheck();
          let done = false;
          let rejected = false;
          let children = 0;
          let lists = 0;
          const timers: Array<{ unsubscribe(): void }> = [];
          const page = (p: PageSpec) => {
            if (done || subscriber.closed) return;
            if (p.notList) {
              if (!rejected) stage1Failed.add(i);
              rejected = true;
              subscriber.next(42);
              return;
            }
            const list = childrenOf(i, children, p.children.length);
            if (!rejected) {
              children += p.children.length;
              lists++;
              delivered.set(i, children);
            }
            subscriber.next(list);
          };
          const finish = () => {
            if (done || subscriber.closed) return;
            done = true;
            finished.add(k);
            livePages--;
            if (spec.end === 'error') {
              if (!rejected) stage1Failed.add(i);
              subscriber.error(new Error(`pages of ${i} failed`));
            } else {
              if (!rejected && lists === 0) stage1Failed.add(i);
              subscriber.complete();
            }
          };
          let t = 0;
          for (const p of spec.pages) {
            t += p.gap;
            if (t === 0) page(p);
            else timers.push(testScheduler.schedule(() => page(p), t));
          }
          t += spec.endGap;
          if (t === 0) finish();
          else timers.push(testScheduler.schedule(finish, t));
          return () => {
            for (const timer of timers) timer.unsubscribe();
            if (done) return;
            done = true;
            torn.add(k);
            livePages--;
            if (spec.onTeardown !== undefined) inTeardownDo(spec.onTeardown);
          };
        });
      };

      const options = { concurrency: s.concurrency, emit: s.emit };
      const itemsArrived = (i: number) => {
        arrived.add(i);
        return { item: i };
      };
      let operated: Observable<unknown>;
      // A generator of items (read lazily): read only as an item can start, closed or done at the end.
      let entered = false;
      let ended = false;
      function* lazily(): Generator<{ item: number }> {
        entered = true;
        try {
          for (let i = 0; i < s.items.length; i++) yield itemsArrived(i);
        } finally {
          ended = true;
        }
      }
      if (s.form === 'lazy') {
        operated = mergeCompletedThen(lazily(), first as never, then as never, options as never);
      } else if (s.form === 'array') {
        operated = mergeCompletedThen(
          s.items.map((_, i) => itemsArrived(i)),
          first as never,
          then as never,
          options as never,
        );
      } else {
        // Pipeable: one batch per item (`itemIndex` is then 0 in each; its batch names the item).
        s.items.forEach(({ at }, i) =>
          testScheduler.schedule(() => {
            if (source.closed || source.isStopped || terminated !== 'no') return;
            if (s.form === 'pipeable') batches.next([itemsArrived(i)]);
            else itemSource.next(itemsArrived(i));
          }, at),
        );
        testScheduler.schedule(() => source.complete(), s.completeAt);
        operated =
          s.form === 'pipeable'
            ? batches.pipe(mergeCompletedThen(first as never, then as never, options as never))
            : mergeCompletedThen(itemSource, first as never, then as never, options as never);
      }
      operated.subscribe(output);
      testScheduler.flush();
      if (terminated === 'no') unsubscribeOutput();
      if (liveChildren !== 0 || livePages !== 0)
        problems.push(`after the run: ${livePages} page stream(s), ${liveChildren} child(ren) subscribed`);

      for (const [k, signal] of childSignals) {
        if (finished.has(k) && signal.aborted) problems.push(`${k} finished on its own, yet aborted`);
        if (torn.has(k) && !signal.aborted) problems.push(`${k} torn down, signal not aborted`);
        if (!subscribed.has(k) && !signal.aborted) problems.push(`${k}: then called, never subscribed nor aborted`);
      }
      for (const [i, signal] of pageSignals) {
        const k = pageKey(i);
        if (s.items[i].spec.stage1 === 'list') {
          if (signal.aborted) problems.push(`item ${i} gave its list at once, yet aborted`);
          continue;
        }
        if (finished.has(k) && signal.aborted) problems.push(`${k} ended on its own, yet aborted`);
        if (torn.has(k) && !signal.aborted) problems.push(`${k} torn down, signal not aborted`);
        if (!subscribed.has(k) && !signal.aborted) problems.push(`${k}: first called, never subscribed nor aborted`);
      }
      for (const k of subscribed) {
        if (!finished.has(k) && !torn.has(k)) problems.push(`${k} never ended nor torn down`);
      }
      if (entered && !ended) problems.push('the generator of items was neither closed nor done');
      for (const [k, count] of records) if (count > 1) problems.push(`${k} has ${count} records`);
      if (s.emit === 'settled' && terminated === 'complete') {
        for (const i of arrived) {
          if (!pageSignals.has(i)) problems.push(`item ${i} never started`);
          const count = delivered.get(i) ?? 0;
          for (let c = 0; c < count; c++) {
            const k = childKey(i, c);
            if (records.get(k) !== 1) problems.push(`${k} has ${records.get(k) ?? 0} records`);
          }
          const stage1 = records.get(`stage 1 of ${i}`) ?? 0;
          if (stage1 !== (stage1Failed.has(i) ? 1 : 0))
            problems.push(`item ${i} (${stage1Failed.has(i) ? 'failed' : 'ok'}) has ${stage1} stage-1 records`);
        }
      }
    });
  } finally {
    config.onUnhandledError = previousHandler;
  }
  for (const error of thrown) {
    const times = surfaced.filter((e) => e === error).length;
    if (times !== 1) problems.push(`"${error.message}" surfaced ${times} time(s)`);
  }
  return problems;
}

describe('re-entrancy of mergeCompletedThen with pages (properties)', () => {
  it(
    'whatever finalizers, abort listeners and the consumer do, every invariant holds',
    () => {
      check(
        fc.property(scenarioArb, (s) => {
          expect(runScenario(s)).toEqual([]);
        }),
        RUNS,
      );
    },
    TIME_LIMIT,
  );
});

/**
 * Workload 4: the two-stage fan-out. I items, each with a stage-1 call giving
 * a list of K children, each child a stage-2 call. Every call is a deferred
 * in the pool driver (resolved in rounds, seeded random order within a round).
 */
import { from, mergeMap } from 'rxjs';
import { mergeCompletedThen } from '../../src/index.js';
import { Pool } from '../drivers.js';
import { collect, type Case, type Contender, type Sample } from '../harness.js';
import { cpuNow, Sink } from '../sink.js';

type First = (item: number, index: number) => Promise<number[]>;
type Then = (child: number) => Promise<number>;
/** `shared`: one budget for both stages; `first`/`then`: a cap per stage. */
export interface Limits {
  shared: number;
  first: number;
  then: number;
}
type Start = (items: number[], first: First, then: Then, limits: Limits, sink: Sink<number>) => void;

/** The floor for unlimited concurrency: start every item, and each item's children when its list arrives. */
function bareUnlimited(items: number[], first: First, then: Then, _limits: Limits, sink: Sink<number>): void {
  let openItems = items.length;
  let openChildren = 0;
  const onError = (error: unknown) => sink.error(error);
  const onChild = (value: number) => {
    sink.next(value);
    if (--openChildren === 0 && openItems === 0) sink.complete();
  };
  const onList = (list: number[]) => {
    openItems--;
    openChildren += list.length;
    for (let j = 0; j < list.length; j++) then(list[j]).then(onChild, onError);
    if (openChildren === 0 && openItems === 0) sink.complete();
  };
  for (let i = 0; i < items.length; i++) first(items[i], i).then(onList, onError);
}

/**
 * The floor with limits: a queue of waiting children (head index), the next
 * item index, and counters; when a slot frees, waiting children go first (the
 * package's policy), then the next item.
 */
function bareLimited(items: number[], first: First, then: Then, limits: Limits, sink: Sink<number>): void {
  const queue: number[] = [];
  let head = 0;
  let nextItem = 0;
  let running = 0;
  let runningItems = 0;
  let runningChildren = 0;
  let openItems = items.length;
  let openChildren = 0;
  const onError = (error: unknown) => sink.error(error);
  const onChild = (value: number) => {
    running--;
    runningChildren--;
    sink.next(value);
    openChildren--;
    if (openChildren === 0 && openItems === 0) sink.complete();
    else fill();
  };
  const onList = (list: number[]) => {
    running--;
    runningItems--;
    openItems--;
    openChildren += list.length;
    for (let j = 0; j < list.length; j++) queue.push(list[j]);
    if (openChildren === 0 && openItems === 0) sink.complete();
    else fill();
  };
  const fill = () => {
    while (running < limits.shared) {
      if (head < queue.length && runningChildren < limits.then) {
        running++;
        runningChildren++;
        const child = queue[head++];
        if (head === queue.length) queue.length = head = 0;
        then(child).then(onChild, onError);
      } else if (nextItem < items.length && runningItems < limits.first) {
        running++;
        runningItems++;
        const index = nextItem++;
        first(items[index], index).then(onList, onError);
      } else break;
    }
  };
  fill();
}

const cap = (n: number) => (n === Infinity ? undefined : n);

export const fanOutStarters: Record<string, Start> = {
  bareUnlimited,
  bareLimited,
  mergeCompletedThen: (items, first, then, limits, sink) => {
    const concurrency =
      limits.shared !== Infinity || (limits.first === Infinity && limits.then === Infinity)
        ? limits.shared
        : { first: limits.first, then: limits.then };
    mergeCompletedThen(
      items,
      (item, index) => first(item, index),
      (child: number) => then(child),
      {
        concurrency,
      },
    ).subscribe(sink);
  },
  /** rxjs, unlimited: an inner mergeMap per item. */
  nestedMergeMap: (items, first, then, _limits, sink) => {
    from(items)
      .pipe(
        mergeMap((item, index) =>
          from(first(item, index)).pipe(mergeMap((list) => from(list).pipe(mergeMap((child) => then(child))))),
        ),
      )
      .subscribe(sink);
  },
  /** rxjs with a cap per stage: the only way mergeMap can limit both stages. */
  mergeMapPerStage: (items, first, then, limits, sink) => {
    from(items)
      .pipe(
        mergeMap((item, index) => first(item, index), cap(limits.first)),
        mergeMap((list) => list),
        mergeMap((child) => then(child), cap(limits.then)),
      )
      .subscribe(sink);
  },
};

export async function runFanOut(
  items: number,
  children: number,
  limits: Limits,
  seed: number,
  start: Start,
): Promise<Sample> {
  const pool = new Pool(seed);
  const itemList = new Array<number>(items);
  const lists = new Array<number[]>(items);
  for (let i = 0; i < items; i++) {
    itemList[i] = i;
    const list = new Array<number>(children);
    for (let j = 0; j < children; j++) list[j] = i * children + j;
    lists[i] = list;
  }
  const first: First = (_item, index) => pool.make(index, lists[index]);
  const then: Then = (child) => pool.make(items + child, child);
  const sink = new Sink<number>();
  await collect();
  const c0 = cpuNow();
  const t0 = performance.now();
  start(itemList, first, then, limits, sink);
  const work = await pool.run(sink.isDone);
  const ms = sink.endedAt - t0;
  return { ms, cpuMs: (sink.cpuEnd - c0) / 1000, work, problem: sink.problem(items * children, pool.valueHash) };
}

export function fanOutCases(items: number, children: number, limit: number, seed: number): Case[] {
  const shapes: Array<{ label: string; limits: Limits }> = [
    { label: 'unlimited', limits: { shared: Infinity, first: Infinity, then: Infinity } },
    { label: `concurrency ${limit} (shared)`, limits: { shared: limit, first: Infinity, then: Infinity } },
    { label: `{ first: ${limit}, then: ${limit} }`, limits: { shared: Infinity, first: limit, then: limit } },
  ];
  return shapes.map(({ label, limits }) => {
    const contender = (name: string, start: Start, extra: Partial<Contender> = {}): Contender => ({
      name,
      ...extra,
      run: (size) => runFanOut(Math.max(1, Math.round(size / children)), children, limits, seed, start),
    });
    const unlimited = limits.shared === Infinity && limits.first === Infinity;
    const shared = limits.shared !== Infinity;
    return {
      workload: 'w4',
      label,
      n: items * children,
      inputs: items * (children + 1),
      contenders: [
        unlimited
          ? contender('bare two-level loop', fanOutStarters.bareUnlimited, { baseline: true })
          : contender('bare two-level pump', fanOutStarters.bareLimited, { baseline: true }),
        contender('mergeCompletedThen', fanOutStarters.mergeCompletedThen),
        unlimited
          ? contender('rxjs nested mergeMap', fanOutStarters.nestedMergeMap)
          : contender('rxjs mergeMap(first, L) -> mergeMap(then, L)', fanOutStarters.mergeMapPerStage, {
              skip: shared ? 'mergeMap cannot share one budget across stages: see the per-stage row' : undefined,
            }),
      ],
    };
  });
}

/**
 * Reads each operator's options into a `Plan`. Validation happens here, at call
 * time, so bad arguments throw before anything is subscribed.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { CompletionGroup } from './completionGroup.js';
import { TimedGroup, type TimeoutPlan } from './deadlines.js';
import { FirstGroup } from './firstGroup.js';
import { ItemGroup } from './fanOut.js';
import type { Plan } from './operate.js';
import {
  assertFunction,
  assertOptions,
  describe,
  isPlainObject,
  readConcurrency,
  readDuration,
  readEmit,
} from './validate.js';

export const AS_COMPLETED_OPTIONS = ['concurrency', 'emit'] as const;
export const TIMEOUT_OPTIONS = ['total', 'each', 'onTimeout', 'scheduler', 'concurrency', 'emit'] as const;
export const FIRST_OPTIONS = ['concurrency', 'predicate'] as const;
export const THEN_OPTIONS = ['concurrency', 'emit'] as const;

export function asCompletedPlan(options: unknown): Plan {
  assertOptions(options, 'options', AS_COMPLETED_OPTIONS);
  const limit = readConcurrency(options?.concurrency);
  const emit = readEmit(options?.emit);
  return {
    limit,
    laneLimits: [Infinity],
    group: (engine, inputs, batch, [lane]) => new CompletionGroup(engine, inputs, lane, batch, emit),
  };
}

export function timeoutPlan(config: unknown): Plan {
  if (typeof config === 'number' || config instanceof Date) config = { total: config };
  if (!isPlainObject(config)) {
    throw new TypeError(
      `Expected \`timeout\` to be a number of ms or a config object ({ total?, each?, ... }), got ${describe(config)}`,
    );
  }
  assertOptions(config, 'timeout', TIMEOUT_OPTIONS);
  const { total, each, onTimeout = 'error', scheduler = asyncScheduler } = config;
  if (total === undefined && each === undefined) {
    throw new TypeError('Expected `timeout` to set `total`, `each` or both, got neither');
  }
  if (total !== undefined && !(total instanceof Date && !Number.isNaN(total.getTime()))) {
    if (total instanceof Date) throw new TypeError('Expected `total` to be a valid Date, got an invalid Date');
    readDuration(total, 'total');
  }
  if (each !== undefined) readDuration(each, 'each');
  if (onTimeout !== 'error' && onTimeout !== 'complete') {
    throw new TypeError(`Expected \`onTimeout\` to be 'error' or 'complete', got ${describe(onTimeout)}`);
  }
  if (!isScheduler(scheduler)) {
    throw new TypeError(`Expected \`scheduler\` to be a SchedulerLike (now, schedule), got ${describe(scheduler)}`);
  }
  const limit = readConcurrency(config.concurrency);
  const emit = readEmit(config.emit);
  const plan: TimeoutPlan = {
    total: total as number | Date | undefined,
    each: each as number | undefined,
    onTimeout,
    scheduler,
  };
  return {
    limit,
    laneLimits: [Infinity],
    group: (engine, inputs, batch, [lane]) => new TimedGroup(engine, inputs, lane, batch, emit, plan),
  };
}

function isScheduler(value: unknown): value is SchedulerLike {
  const candidate = value as SchedulerLike | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.now === 'function' &&
    typeof candidate.schedule === 'function'
  );
}

export function firstPlan(options: unknown): Plan {
  assertOptions(options, 'options', FIRST_OPTIONS);
  const limit = readConcurrency(options?.concurrency);
  const predicate = options?.predicate;
  if (predicate !== undefined) assertFunction(predicate, 'predicate');
  return {
    limit,
    laneLimits: [Infinity],
    group: (engine, inputs, batch, [lane]) =>
      new FirstGroup(
        engine,
        inputs,
        lane,
        batch,
        predicate as ((value: unknown, index: number) => boolean) | undefined,
      ),
  };
}

export function thenPlan(first: unknown, then: unknown, options: unknown): Plan {
  assertFunction(first, 'first');
  assertFunction(then, 'then');
  assertOptions(options, 'options', THEN_OPTIONS);
  const emit = readEmit(options?.emit);
  const concurrency = options?.concurrency;
  let limit = Infinity;
  let firstLimit = Infinity;
  let thenLimit = Infinity;
  if (isPlainObject(concurrency)) {
    assertOptions(concurrency, 'concurrency', ['first', 'then']);
    firstLimit = readConcurrency(concurrency.first, 'concurrency.first');
    thenLimit = readConcurrency(concurrency.then, 'concurrency.then');
  } else {
    limit = readConcurrency(concurrency);
  }
  return {
    limit,
    // Stage 2 is polled first: when a slot frees, finish what was begun.
    laneLimits: [thenLimit, firstLimit],
    group: (engine, items, batch, [childLane, itemLane]) =>
      new ItemGroup(
        engine,
        items,
        itemLane,
        childLane,
        batch,
        first as (item: unknown, index: number, signal: AbortSignal) => unknown,
        then as (child: unknown, item: unknown, signal: AbortSignal) => unknown,
        emit,
      ),
  };
}

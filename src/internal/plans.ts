/**
 * Reads each operator's options into a `Plan`. Validation happens here, at call
 * time, so bad arguments throw before anything is subscribed.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { CompletionGroup } from './completionGroup.js';
import { TimedGroup, type TimeoutPlan } from './deadlines.js';
import { FirstGroup } from './firstGroup.js';
import { ItemGroup } from './fanOut.js';
import type { Project } from './group.js';
import type { Plan } from './run.js';
import {
  assertFunction,
  assertOptions,
  describeValue,
  isPlainObject,
  readConcurrency,
  readDuration,
  readEmit,
  readSignal,
} from './validate.js';

export const AS_COMPLETED_OPTIONS = ['concurrency', 'emit', 'signal'] as const;
export const TIMEOUT_OPTIONS = ['total', 'each', 'onTimeout', 'scheduler', 'concurrency', 'emit', 'signal'] as const;
export const FIRST_OPTIONS = ['concurrency', 'predicate', 'emit', 'signal'] as const;
export const THEN_OPTIONS = ['concurrency', 'emit', 'signal'] as const;

/**
 * The mapper form: the collection's elements are items, and each item's input
 * is `project(item, index, signal)`, called when it starts (as a factory).
 */
export function mapped(plan: Plan, project: unknown): Plan {
  assertFunction(project, 'project');
  return {
    ...plan,
    takesItems: true,
    group: (engine, source, batch, lanes) => {
      const group = plan.group(engine, source, batch, lanes);
      group.project = project as Project;
      // Items are not inputs: nothing of theirs is running, nothing to mark handled.
      group.holdsCallerInputs = false;
      return group;
    },
  };
}

export function asCompletedPlan(options: unknown): Plan {
  assertOptions(options, 'options', AS_COMPLETED_OPTIONS);
  const budget = readConcurrency(options?.concurrency);
  const emit = readEmit(options?.emit);
  return {
    budget,
    signal: readSignal(options?.signal),
    lanes: { inputs: Infinity },
    group: (engine, source, batch, { inputs: lane }) => new CompletionGroup(engine, source, lane, batch, emit),
  };
}

export function timeoutPlan(config: unknown): Plan {
  if (typeof config === 'number' || isDate(config)) config = { total: config };
  if (!isPlainObject(config)) {
    throw new TypeError(
      `Expected \`timeout\` to be a number of ms or a config object ({ total?, each?, ... }), got ${describeValue(config)}`,
    );
  }
  assertOptions(config, 'timeout', TIMEOUT_OPTIONS);
  const { total, each, onTimeout = 'error', scheduler = asyncScheduler } = config;
  if (total === undefined && each === undefined) {
    throw new TypeError('Expected `timeout` to set `total`, `each` or both, got neither');
  }
  if (total !== undefined && !(isDate(total) && !Number.isNaN(total.getTime()))) {
    if (isDate(total)) throw new TypeError('Expected `total` to be a valid Date, got an invalid Date');
    readDuration(total, 'total');
  }
  if (each !== undefined) readDuration(each, 'each');
  if (config.onTimeout !== undefined && total === undefined) {
    throw new TypeError(
      `Expected \`onTimeout\` only with \`total\` (it governs the overall deadline), got ${describeValue(onTimeout)} with no \`total\``,
    );
  }
  if (onTimeout !== 'error' && onTimeout !== 'complete') {
    throw new TypeError(`Expected \`onTimeout\` to be 'error' or 'complete', got ${describeValue(onTimeout)}`);
  }
  if (!isScheduler(scheduler)) {
    throw new TypeError(
      `Expected \`scheduler\` to be a SchedulerLike (now, schedule), got ${describeValue(scheduler)}`,
    );
  }
  const budget = readConcurrency(config.concurrency);
  const emit = readEmit(config.emit);
  const plan: TimeoutPlan = {
    total: total as number | Date | undefined,
    each: each as number | undefined,
    onTimeout,
    scheduler,
  };
  return {
    budget,
    signal: readSignal(config.signal),
    lanes: { inputs: Infinity },
    group: (engine, source, batch, { inputs: lane }) => new TimedGroup(engine, source, lane, batch, emit, plan),
  };
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const getTime = Date.prototype.getTime;

/** A `Date` of this realm or another (a `vm` context, jest's sandbox): the built-in `getTime` accepts nothing else. */
function isDate(value: unknown): value is Date {
  if (value instanceof Date) return true;
  if (value === null || typeof value !== 'object') return false;
  try {
    getTime.call(value);
    return true;
  } catch {
    return false;
  }
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
  const budget = readConcurrency(options?.concurrency);
  const predicate = options?.predicate;
  if (predicate !== undefined) assertFunction(predicate, 'predicate');
  const emit = options?.emit;
  if (emit !== undefined && emit !== 'value' && emit !== 'tagged') {
    throw new TypeError(`Expected \`emit\` to be 'value' or 'tagged', got ${describeValue(emit)}`);
  }
  return {
    budget,
    signal: readSignal(options?.signal),
    lanes: { inputs: Infinity },
    group: (engine, source, batch, { inputs: lane }) =>
      new FirstGroup(
        engine,
        source,
        lane,
        batch,
        predicate as ((value: unknown, index: number) => boolean) | undefined,
        emit === 'tagged',
      ),
  };
}

export function thenPlan(first: unknown, then: unknown, options: unknown): Plan {
  assertFunction(first, 'first');
  assertFunction(then, 'then');
  assertOptions(options, 'options', THEN_OPTIONS);
  const emit = readEmit(options?.emit);
  const concurrency = options?.concurrency;
  let budget = Infinity;
  let stage1Cap = Infinity;
  let stage2Cap = Infinity;
  if (isPlainObject(concurrency)) {
    assertOptions(concurrency, 'concurrency', ['first', 'then']);
    stage1Cap = readConcurrency(concurrency.first, 'concurrency.first');
    stage2Cap = readConcurrency(concurrency.then, 'concurrency.then');
  } else {
    budget = readConcurrency(concurrency);
  }
  return {
    budget,
    signal: readSignal(options?.signal),
    // Stage 2 is polled first: when budget frees, finish what was begun.
    lanes: { stage2: stage2Cap, stage1: stage1Cap },
    takesItems: true,
    group: (engine, source, batch, { stage1, stage2 }) =>
      new ItemGroup(
        engine,
        source,
        stage1,
        stage2,
        batch,
        first as (item: unknown, index: number, signal: AbortSignal) => unknown,
        then as (child: unknown, item: unknown, signal: AbortSignal) => unknown,
        emit,
      ),
  };
}

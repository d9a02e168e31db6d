import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler that asserts with jest's deep equality. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/** Where `recordError` puts the error a stream delivered. */
export interface Caught {
  error?: unknown;
}

/**
 * Keeps the error the stream delivers, so its identity (`instanceof`, `name`,
 * `info`) can be checked with plain `expect` after `flush()`: marble assertions
 * compare errors by message only.
 */
export function recordError<T>(caught: Caught): MonoTypeOperatorFunction<T> {
  return tap({
    error: (error: unknown) => {
      caught.error = error;
    },
  });
}

/** Keeps every value the stream emits, to check identity (`toBe`) after `flush()`. */
export function recordValues<T>(values: T[]): MonoTypeOperatorFunction<T> {
  return tap((value: T) => {
    values.push(value);
  });
}

/**
 * At `frame`, notes the frames of every action still waiting on the scheduler
 * (timers included: inside `run`, asyncScheduler timers are scheduler actions).
 * Call inside `run`; read `.frames` after it.
 */
export function pendingFramesAt(testScheduler: TestScheduler, frame: number): { frames?: number[] } {
  const probe: { frames?: number[] } = {};
  testScheduler.schedule(() => {
    probe.frames = testScheduler.actions.map((action) => action.delay ?? NaN);
  }, frame);
  return probe;
}

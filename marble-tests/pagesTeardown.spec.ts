/**
 * A page of `mergeCompletedThen` that is no list, from a stream whose own
 * teardown throws (engine defect, found by the re-entrancy properties,
 * marble-tests/properties/reentrancyThen.spec.ts). The item must fail with the
 * `TypeError` naming the page, its stream torn down and its signal aborted, and
 * the teardown's error surface once on rxjs's unhandled-error path: not become
 * the item's failure.
 */
import { config, Observable } from 'rxjs';
import { mergeCompletedThen } from '../src/index';
import { createTestScheduler } from './support/marbles';

describe('a page that is no list, from a stream whose teardown throws (engine defect, found by the re-entrancy properties)', () => {
  let surfaced: unknown[];
  const previous = config.onUnhandledError;
  beforeEach(() => {
    surfaced = [];
    config.onUnhandledError = (error) => surfaced.push(error);
  });
  afterEach(() => {
    config.onUnhandledError = previous;
  });

  it.each([
    ['delivered while the stream is subscribed', 0],
    ['delivered later', 2],
  ])(
    '%s: the item fails with the TypeError, the stream is torn down and aborted, the teardown error surfaces once',
    (_, at) => {
      const scheduler = createTestScheduler();
      const schedule = (work: () => void, delay: number) => scheduler.schedule(work, delay);
      scheduler.run(({ flush }) => {
        const oops = new Error('teardown failed');
        let torn = 0;
        let signal: AbortSignal | undefined;
        const pages = new Observable<unknown>((subscriber) => {
          if (at === 0) subscriber.next(42);
          else schedule(() => subscriber.next(42), at);
          schedule(() => subscriber.complete(), 5);
          return () => {
            torn++;
            throw oops;
          };
        });
        let error: unknown;
        mergeCompletedThen(
          ['a'],
          (_item: string, _i, s) => {
            signal = s;
            return pages as Observable<string[]>;
          },
          (child: string) => [child],
        ).subscribe({ error: (e: unknown) => (error = e) });
        flush();
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/as page 1 of its stream/);
        expect(torn).toBe(1);
        expect(signal?.aborted).toBe(true);
        expect(surfaced).toEqual([oops]);
      });
    },
  );
});

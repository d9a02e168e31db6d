/**
 * Lazily read collections with real async iterators (SPEC §1): async
 * generators, `readline` over a file, infinite generators under a finite
 * `concurrency`. No timing assertions: the checks are on counts and order of
 * events, with waits only where an async iterator needs the event loop.
 */
import { mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { lastValueFrom, take, toArray } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, firstCompleted } from '../src/index.js';
import { delay, record, sleep } from './support/async.js';

/** An endless async source of ids that counts its reads and notes when it is closed. */
function counted() {
  const stats = { reads: 0, started: 0, pendingMax: 0, closed: false, pending: 0 };
  async function* ids(): AsyncGenerator<number> {
    try {
      for (let id = 0; ; id++) {
        stats.reads++;
        await Promise.resolve();
        yield id;
      }
    } finally {
      stats.closed = true;
    }
  }
  return { stats, ids };
}

describe('lazily read collections (real async)', () => {
  it('reads an async generator one element per input that can start, never ahead of started + 1', async () => {
    const { stats, ids } = counted();
    const seen: number[] = [];
    const jobs = (async function* () {
      for await (const id of ids()) {
        yield (signal: AbortSignal) => {
          stats.started++;
          // Reads never exceed the inputs started plus the one `next()` pending.
          expect(stats.reads).toBeLessThanOrEqual(stats.started + 1);
          return delay(id % 3, id).then((v) => (signal.aborted ? -1 : v));
        };
      }
    })();
    const values = await lastValueFrom(asCompleted(jobs, { concurrency: 4 }).pipe(take(20), toArray()));
    seen.push(...values);
    expect(seen).toHaveLength(20);
    expect(stats.reads).toBeLessThanOrEqual(stats.started + 1);
    await sleep(20);
    // Leaving early closed the generator (its `finally` ran).
    expect(stats.closed).toBe(true);
  });

  it('runs an infinite sync generator under a finite concurrency and returns it on unsubscribe', async () => {
    let reads = 0;
    let closed = false;
    function* forever() {
      try {
        for (let i = 0; ; i++) {
          reads++;
          yield () => delay(1, i);
        }
      } finally {
        closed = true;
      }
    }
    const rec = record(asCompleted(forever(), { concurrency: 3 }));
    await sleep(30);
    rec.subscription.unsubscribe();
    expect(closed).toBe(true);
    // Each read started an input at once: reads = results + the 3 running.
    expect(reads).toBe(rec.values.length + 3);
  });

  it("returns the generator on fail fast, and gives one record per input read in 'settled' mode", async () => {
    let closed = false;
    function* jobs() {
      try {
        yield () => delay(5, 'a');
        yield () => Promise.reject(new Error('b failed'));
        yield () => delay(50, 'c');
      } finally {
        closed = true;
      }
    }
    await expect(lastValueFrom(asCompleted(jobs(), { concurrency: 2 }))).rejects.toThrow('b failed');
    expect(closed).toBe(true);
    const settled = await lastValueFrom(asCompleted(jobs(), { emit: 'settled', concurrency: 1 }).pipe(toArray()));
    // With concurrency 1 the end is found only after the last record: its total is still unknown.
    expect(settled.map((r) => [r.index, r.status, r.total])).toEqual([
      [0, 'fulfilled', undefined],
      [1, 'rejected', undefined],
      [2, 'fulfilled', undefined],
    ]);
    const unlimited = await lastValueFrom(asCompleted(jobs(), { emit: 'settled' }).pipe(toArray()));
    expect(unlimited.map((r) => r.total)).toEqual([3, 3, 3]);
  });

  it('waits for a pending next() before returning an async iterator closed early', async () => {
    const events: string[] = [];
    let release!: () => void;
    const iterator: AsyncIterableIterator<() => Promise<string>> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        events.push('next');
        return new Promise((resolve) => {
          release = () => resolve({ done: false, value: () => Promise.resolve('x') });
        });
      },
      return() {
        events.push('return');
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    const rec = record(asCompleted(iterator));
    await sleep(5);
    rec.subscription.unsubscribe();
    expect(events).toEqual(['next']);
    release();
    await sleep(5);
    expect(events).toEqual(['next', 'return']);
    expect(rec.values).toEqual([]);
  });

  it('errors the output when the async iterator rejects, after tearing the running inputs down', async () => {
    const aborted: unknown[] = [];
    async function* jobs() {
      yield (signal: AbortSignal) => {
        signal.addEventListener('abort', () => aborted.push(signal.reason));
        return delay(1000, 'slow');
      };
      await sleep(5);
      throw new Error('read failed');
    }
    const rec = record(asCompleted(jobs(), { emit: 'settled' }));
    await rec.done;
    expect(rec.errored).toBe(true);
    expect((rec.error as Error).message).toBe('read failed');
    expect(aborted).toHaveLength(1);
  });

  it('reads lines from a file with readline, lazily', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-completed-'));
    try {
      const file = join(dir, 'ids.txt');
      writeFileSync(file, Array.from({ length: 50 }, (_, i) => String(i)).join('\n'));
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      const jobs = (async function* () {
        for await (const line of lines) yield () => delay(Number(line) % 4, Number(line));
      })();
      const records = await lastValueFrom(asCompleted(jobs, { concurrency: 8, emit: 'tagged' }).pipe(toArray()));
      expect(records.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(records.at(-1)!.total).toBe(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes a lazy collection when firstCompleted has a winner and at a deadline', async () => {
    const closed: string[] = [];
    function* jobs(name: string) {
      try {
        for (let i = 0; ; i++) yield () => delay(i === 2 ? 1 : 200, i);
      } finally {
        closed.push(name);
      }
    }
    await expect(lastValueFrom(firstCompleted(jobs('first'), { concurrency: 3 }))).resolves.toBe(2);
    const rec = record(asCompletedWithTimeout(jobs('deadline'), { total: 20, concurrency: 2, onTimeout: 'complete' }));
    await rec.done;
    expect(rec.completed).toBe(true);
    expect(closed).toEqual(['first', 'deadline']);
  });
});

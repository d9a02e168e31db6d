/**
 * The demo's scenarios against the demo's real HTTP server, quietly and with
 * every delay scaled down: what the demo claims on screen is checked here from
 * the returned reports and the server's own log.
 */
import { AsCompletedTimeoutError } from '../src/index';
import { getJson } from '../demo/http';
import {
  asCompletedScenario,
  concurrencyScenario,
  deadlineScenario,
  errorsScenario,
  fanOutScenario,
  firstMirrorScenario,
  ORDER_SLACK,
  streamingScenario,
  type ScenarioReport,
} from '../demo/scenarios';
import { startServer, type DemoServer, type RequestRecord } from '../demo/server';

// Delays scaled down so the file takes a few seconds. Server and client share
// one event loop, so a stall longer than the gap between two delays can turn a
// race around: where the outcome depends on a race, the gap is kept at 75 ms
// or more (the mirrors race is short, so it runs at full scale).
const quick = { scale: 0.3 };
const racing = { scale: 0.5 };
const fullScale = { scale: 1 };

/** Sockets, servers and timers open right now, by kind. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const NETWORK = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];

let baseline: Record<string, number>;
let server: DemoServer;

beforeAll(async () => {
  baseline = resources();
  server = await startServer();
  // Loads fetch's lazy internals before anything is timed.
  await getJson(`${server.url}/slow?tag=warm-up`);
});

afterAll(async () => {
  await server.close();
});

function expectChecksHold(report: ScenarioReport): void {
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
}

const byTag = (records: readonly RequestRecord[], tag: string) => records.find((r) => r.tag === tag);

describe('demo server', () => {
  it('answers after the asked delay, with the asked status, and lists children', async () => {
    const mark = server.log.mark();
    const list = await getJson<string[]>(`${server.url}/items/alpha/children?n=2&ms=30`);
    expect(list).toEqual(['alpha-1', 'alpha-2']);
    await expect(getJson(`${server.url}/status/503?ms=10`)).rejects.toThrow('HTTP 503 Service Unavailable');
    const [first] = server.log.since(mark);
    expect(first!.outcome).toBe('answered');
    expect(first!.end! - first!.start).toBeGreaterThanOrEqual(25);
  });

  it('records a request the client aborts as aborted', async () => {
    const mark = server.log.mark();
    const controller = new AbortController();
    const request = fetch(`${server.url}/slow?ms=2000&tag=cut`, { signal: controller.signal });
    // Aborts once the server has the request, not before it got there.
    while (server.log.since(mark).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(request).rejects.toThrow();
    expect(await server.log.idle(1000)).toBe(true);
    expect(server.log.since(mark)).toMatchObject([{ tag: 'cut', outcome: 'aborted' }]);
  });
});

describe('demo scenarios', () => {
  it('as-completed: emits in completion order, not request order', async () => {
    const report = await asCompletedScenario(server, racing);
    // The order the server answered in (the delays, unless the machine is very busy).
    const answeredAt = report.order.map((i) => byTag(report.requests, report.tags[i]!)!.end!);
    for (let k = 1; k < answeredAt.length; k++) {
      expect(answeredAt[k]! + ORDER_SLACK).toBeGreaterThanOrEqual(answeredAt[k - 1]!);
    }
    expect(report.expected).toEqual([3, 1, 5, 4, 0, 2]);
    expect(report.order).not.toEqual([0, 1, 2, 3, 4, 5]);
    expect(report.requests.every((r) => r.outcome === 'answered')).toBe(true);
    expectChecksHold(report);
  });

  it('deadline: partial results, then the unfinished ones, which the server saw aborted', async () => {
    const report = await deadlineScenario(server, racing);
    expect(report.finished).toEqual([0, 2, 4]);
    expect(report.error).toBeInstanceOf(AsCompletedTimeoutError);
    expect(report.error!.info).toMatchObject({ scope: 'total', total: 6, completed: 3 });
    expect(report.pending).toEqual([1, 3, 5]);
    expect(report.queued).toEqual([]);
    expect(report.abortedOnServer).toEqual(['us-east', 'sa-east', 'us-west']);
    for (const tag of report.abortedOnServer) {
      const record = byTag(report.requests, tag)!;
      expect(record.outcome).toBe('aborted');
      // Cut at the deadline, long before the delay it asked for.
      expect(record.end! - record.start).toBeLessThan(record.delay);
    }
    // It stopped at the deadline instead of waiting for the slowest request.
    expect(report.elapsed).toBeGreaterThanOrEqual(report.limit - 1);
    expect(report.elapsed).toBeLessThan(Math.max(...report.requests.map((r) => r.delay)));
    expectChecksHold(report);
  });

  it('first-mirror: the failing fastest mirror is skipped, the first good one wins, the server saw the rest aborted', async () => {
    const report = await firstMirrorScenario(server, fullScale);
    expect(report.failed).toEqual(['mirror-us']);
    expect(report.winner).toBe('mirror-asia');
    expect(byTag(report.requests, 'mirror-us')).toMatchObject({ outcome: 'answered', status: 503 });
    expect(byTag(report.requests, 'mirror-asia')).toMatchObject({ outcome: 'answered', status: 200 });
    expect([...report.abortedOnServer].sort()).toEqual(['mirror-eu', 'mirror-local']);
    expectChecksHold(report);
  });

  it('errors: settled mode yields one record per request and a tally by reason', async () => {
    const report = await errorsScenario(server, quick);
    expect(report.streamError).toBeUndefined();
    expect(report.records).toBe(8);
    expect([...report.fulfilled].sort()).toEqual(['feed', 'friends', 'profile', 'settings']);
    expect([...report.rejected].sort()).toEqual(['ads', 'avatar', 'legacy', 'notices']);
    expect(report.reasons).toMatchObject({
      'HTTP 404 Not Found': 1,
      'HTTP 500 Internal Server Error': 1,
      'HTTP 503 Service Unavailable': 1,
    });
    expect(Object.keys(report.reasons).filter((r) => r.startsWith('network error:'))).toHaveLength(1);
    expectChecksHold(report);
  });

  it('concurrency: the server never has more than 3 requests in flight, and does reach 3', async () => {
    const report = await concurrencyScenario(server, quick);
    expect(report.peak).toBe(3);
    // The same from the records' own timestamps, independent of the live counter.
    const events = report.requests.flatMap((r) => [
      { t: r.start, d: 1 },
      { t: r.end!, d: -1 },
    ]);
    events.sort((a, b) => a.t - b.t || a.d - b.d);
    let open = 0;
    let most = 0;
    for (const e of events) most = Math.max(most, (open += e.d));
    expect(most).toBe(3);
    expect(report.requests).toHaveLength(10);
    expect([...report.order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expectChecksHold(report);
  });

  it('fan-out: mergeCompletedThen loads the same children in clearly less time than gather-then-fan-out', async () => {
    const report = await fanOutScenario(server, quick);
    expect([...report.merged].sort()).toEqual([...report.gathered].sort());
    expect(report.merged).toHaveLength(7);
    // By design of the delays: 1200 + 900 against max(1200 + 100, 150 + 900, 500 + 450).
    expect(report.mergeMs).toBeLessThan(report.gatherMs * 0.85);
    // The same lists as a paged listing: the same children, and alpha's first
    // child asked for before alpha's last page was in.
    expect([...report.paged].sort()).toEqual([...report.gathered].sort());
    const alphaPages = report.requests.filter((r) => r.tag.startsWith('page alpha '));
    expect(alphaPages.map((r) => r.path)).toEqual([
      expect.stringContaining('per=1&page=0'),
      expect.stringContaining('per=1&page=1'),
    ]);
    const alpha1 = report.requests.filter((r) => r.tag === 'alpha-1');
    expect(alpha1).toHaveLength(3);
    expect(alpha1[2].start).toBeLessThan(alphaPages[1].end!);
    expectChecksHold(report);
  });
});

describe('demo streaming', () => {
  it("streaming: for await reads the source at the loop's pace (backpressure), then drains", async () => {
    const report = await streamingScenario(server, quick);
    // Reads and results interleave: 3 reads fill the limit, then each read comes
    // as the loop takes a result (the freed unit of `concurrency`), until the
    // drain after the 6th result; then the 3 outstanding results, then the end.
    const code = { read: 'R', result: 'X', drain: 'D', start: '' } as const;
    const flow = report.events.map((e) => code[e.kind]).join('');
    expect(flow).toBe(`RRR${'RX'.repeat(6)}D${'X'.repeat(3)}D`);
    // At every read, at most 3 jobs outstanding (read, not yet taken, less the one being taken then).
    expect(report.mostAhead).toBe(3);
    // Every start follows its own read, in order; every result is of a job read.
    const reads = report.events.filter((e) => e.kind === 'read').map((e) => e.index);
    const starts = report.events.filter((e) => e.kind === 'start').map((e) => e.index);
    expect(starts).toEqual(reads);
    expect(reads).toEqual(reads.map((_, i) => i));
    for (const [k, e] of report.events.entries()) {
      if (e.kind === 'start')
        expect(report.events.slice(0, k)).toContainEqual(expect.objectContaining({ kind: 'read', index: e.index }));
    }
    const results = report.events.filter((e) => e.kind === 'result').map((e) => e.index);
    expect([...results].sort((a, b) => a - b)).toEqual(reads);
    // The loop's pace: from the 4th read on, reads are at least one loop body apart.
    const readTimes = report.events.filter((e) => e.kind === 'read').map((e) => e.at);
    for (let k = 4; k < readTimes.length; k++) {
      expect(readTimes[k]! - readTimes[k - 1]!).toBeGreaterThanOrEqual(report.loopMs - 2);
    }
    expect(report.read).toBe(9);
    expect(report.taken).toBe(9);
    expect(report.closed).toBe(true);
    expect(report.requests).toHaveLength(report.read);
    expect(report.requests.every((r) => r.outcome === 'answered')).toBe(true);
    expectChecksHold(report);
  });
});

describe('demo teardown', () => {
  it('closes the server and leaves no socket, server or timer behind', async () => {
    await server.close();
    expect(server.log.inFlight).toBe(0);
    // The client's keep-alive sockets close a moment after the server drops them.
    const settled = () => NETWORK.every((kind) => (resources()[kind] ?? 0) <= (baseline[kind] ?? 0));
    for (let i = 0; i < 100 && !settled(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const now = resources();
    expect(NETWORK.filter((kind) => (now[kind] ?? 0) > (baseline[kind] ?? 0))).toEqual([]);
  });
});

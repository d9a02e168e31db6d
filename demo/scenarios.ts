/**
 * The demo's scenarios. Each one sends real requests to the demo server through
 * the package, prints what happens as it happens (through `config.print`), draws
 * the server's view as a timeline, and returns what it saw, so the tests can run
 * the same code quietly with shorter delays and check the outcome.
 */
import { forkJoin, mergeMap, type Observable } from 'rxjs';
import { fromFetch } from 'rxjs/fetch';
import {
  asCompleted,
  asCompletedWithTimeout,
  AsCompletedTimeoutError,
  firstCompleted,
  mergeCompletedThen,
} from '../src/index.js';
import { getJson, readJson, reasonOf } from './http.js';
import { now, type DemoServer, type RequestRecord } from './server.js';
import { renderTimeline, type TimelineOptions, type TimelineRow } from './timeline.js';

export interface ScenarioConfig {
  /** Multiplies every delay and limit: 1 for the demo, smaller in tests. Default 1. */
  scale?: number;
  /** Where the lines go; default nowhere. */
  print?: (line: string) => void;
  /** Columns of the timeline bars; default 60. */
  width?: number;
}

/** A claim the scenario makes about what happened, checked against the server's log. */
export interface Check {
  ok: boolean;
  text: string;
}

export interface ScenarioReport {
  /** ms from the first request to the end of the scenario's stream. */
  elapsed: number;
  /** What the server saw during the scenario. */
  requests: RequestRecord[];
  checks: Check[];
}

/** One request of a scenario: a name, the delay the server is asked for, and how it should fail, if at all. */
interface Call {
  name: string;
  ms: number;
  status?: number;
  reset?: boolean;
}

/** State shared by one scenario run: its clock, its window of the server log, its output. */
class Run {
  readonly t0 = now();
  readonly mark: number;
  readonly checks: Check[] = [];
  readonly scale: number;
  private readonly out: (line: string) => void;

  constructor(
    readonly server: DemoServer,
    readonly config: ScenarioConfig,
  ) {
    this.mark = server.log.mark();
    this.scale = config.scale ?? 1;
    this.out = config.print ?? (() => undefined);
  }

  ms(base: number): number {
    return Math.round(base * this.scale);
  }

  elapsed(from = this.t0): number {
    return now() - from;
  }

  print(line = ''): void {
    this.out(line);
  }

  url(path: string, params: Record<string, string | number>): string {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return `${this.server.url}${path}?${query}`;
  }

  /** The URL of a call: `/slow`, `/status/<code>` or `/reset`, with the scaled delay. */
  callUrl(call: Call): string {
    const path = call.reset ? '/reset' : call.status ? `/status/${call.status}` : '/slow';
    return this.url(path, { ms: this.ms(call.ms), tag: call.name });
  }

  requests(): RequestRecord[] {
    return this.server.log.since(this.mark);
  }

  record(tag: string): RequestRecord | undefined {
    return this.requests().find((r) => r.tag === tag);
  }

  /** Waits for the server to have seen every request end, aborts included. */
  async settle(): Promise<void> {
    if (!(await this.server.log.idle(2000))) this.check(false, 'the server saw every request end within 2 s');
  }

  check(ok: boolean, text: string): void {
    this.checks.push({ ok, text });
    this.print(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`);
  }

  /** Draws the server's view of `records` with times relative to `t0`. */
  timeline(
    records: readonly RequestRecord[],
    label: (r: RequestRecord) => string,
    options: TimelineOptions = {},
    t0 = this.t0,
  ): void {
    const rows = records.map((r) => toRow(r, label(r), t0));
    this.print();
    for (const line of renderTimeline(rows, { width: this.config.width, ...options })) this.print(line);
    this.print();
  }

  report(elapsed: number): ScenarioReport {
    return { elapsed, requests: this.requests(), checks: this.checks };
  }
}

function toRow(r: RequestRecord, label: string, t0: number): TimelineRow {
  const end = r.end === undefined ? undefined : r.end - t0;
  const at = end === undefined ? '' : ` at ${Math.round(end)} ms`;
  const base = { label, start: r.start - t0, end };
  switch (r.outcome) {
    case 'answered': {
      const ok = r.status !== undefined && r.status < 300;
      return { ...base, outcome: ok ? 'ok' : 'failed', note: `${r.status}${at}` };
    }
    case 'dropped':
      return { ...base, outcome: 'failed', note: `connection dropped${at}` };
    case 'aborted':
      return { ...base, outcome: 'aborted', note: `asked ${r.delay} ms, aborted${at}` };
    default:
      return { ...base, outcome: 'open', note: 'still open' };
  }
}

const stamp = (t: number) => `+${String(Math.round(t)).padStart(5)} ms`;
const ms = (t: number) => `${Math.round(t)} ms`;

/** Subscribes and resolves when the stream ends: with its error, or `undefined` when it completed. */
function drain<T>(source: Observable<T>, next: (value: T) => void): Promise<unknown> {
  return new Promise((resolve) => {
    source.subscribe({ next, error: resolve, complete: () => resolve(undefined) });
  });
}

/** Records in the order of `calls` (the server may receive simultaneous requests in any order). */
const inCallOrder = (records: readonly RequestRecord[], calls: readonly Call[]) => {
  const at = (r: RequestRecord) => calls.findIndex((c) => c.name === r.tag);
  return [...records].sort((a, b) => at(a) - at(b));
};

const sameOrder = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/* ------------------------------------------------------------------ 1 */

export interface AsCompletedReport extends ScenarioReport {
  /** Input indices in the order their results were emitted. */
  order: number[];
  /** Input indices sorted by the delay they asked for: the order they should finish in. */
  expected: number[];
  /** Input indices in the order the server answered them. */
  answered: number[];
  /** Each input's tag in the server log, by index. */
  tags: string[];
}

/**
 * Two answers sent within this many ms of each other may be read by the client
 * in either order (they sit on different sockets), so they do not count as
 * out of order.
 */
export const ORDER_SLACK = 5;

const REPORTS: Call[] = [
  { name: 'users', ms: 900 },
  { name: 'orders', ms: 350 },
  { name: 'invoices', ms: 1200 },
  { name: 'stock', ms: 100 },
  { name: 'prices', ms: 650 },
  { name: 'reviews', ms: 500 },
];

/** N requests with different delays: results come out in completion order, with `[k/N]` progress. */
export async function asCompletedScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<AsCompletedReport> {
  const run = new Run(server, config);
  const calls = REPORTS;
  run.print(`  ${calls.length} GETs start together, each asking the server for a different delay.`);
  run.print(`  asCompleted(requests, { emit: 'tagged' }) -- each line is printed as its response arrives:`);
  run.print();

  const requests = calls.map((call) => (signal: AbortSignal) => getJson<{ tag: string }>(run.callUrl(call), signal));
  const order: number[] = [];
  const error = await drain(asCompleted(requests, { emit: 'tagged' }), ({ index, completed, total, value }) => {
    order.push(index);
    const call = calls[index]!;
    run.print(
      `  [${completed}/${total}] ${stamp(run.elapsed())}  #${index} ${value.tag.padEnd(9)} (server delay ${run.ms(call.ms)} ms)`,
    );
  });
  const elapsed = run.elapsed();
  if (error !== undefined) throw error;
  await run.settle();

  const expected = calls.map((_, i) => i).sort((a, b) => calls[a]!.ms - calls[b]!.ms);
  const answeredAt = (i: number) => run.record(calls[i]!.name)?.end ?? Infinity;
  const answered = calls.map((_, i) => i).sort((a, b) => answeredAt(a) - answeredAt(b));
  run.timeline(inCallOrder(run.requests(), calls), (r) => `#${calls.findIndex((c) => c.name === r.tag)} ${r.tag}`);
  run.print(`  request order:    ${calls.map((_, i) => `#${i}`).join(' ')}`);
  run.print(`  completion order: ${order.map((i) => `#${i}`).join(' ')}`);
  // Judged against when the server really answered, not against the delays
  // asked for: a busy machine may let a request reach the server late.
  const late = order.findIndex((i, k) => k > 0 && answeredAt(order[k - 1]!) > answeredAt(i) + ORDER_SLACK);
  run.check(late < 0, 'results came in the order the server answered them');
  run.check(
    !sameOrder(
      order,
      calls.map((_, i) => i),
    ),
    'which is not the order the requests were made',
  );
  return { ...run.report(elapsed), order, expected, answered, tags: calls.map((c) => c.name) };
}

/* ------------------------------------------------------------------ 2 */

export interface DeadlineReport extends ScenarioReport {
  limit: number;
  /** Indices whose results arrived before the deadline, in arrival order. */
  finished: number[];
  /** `info.pending` and `info.queued` of the timeout error. */
  pending: number[];
  queued: number[];
  error: AsCompletedTimeoutError | undefined;
  /** Tags of the requests the server saw the client abort. */
  abortedOnServer: string[];
}

const REGIONS: Call[] = [
  { name: 'eu-west', ms: 200 },
  { name: 'us-east', ms: 1500 },
  { name: 'ap-south', ms: 400 },
  { name: 'sa-east', ms: 2500 },
  { name: 'eu-north', ms: 700 },
  { name: 'us-west', ms: 1800 },
];
const DEADLINE = 1000;

/** A total deadline: partial results, then what did not finish, and the server confirming those were aborted. */
export async function deadlineScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<DeadlineReport> {
  const run = new Run(server, config);
  const calls = REGIONS;
  const limit = run.ms(DEADLINE);
  run.print(`  ${calls.length} regions asked at once; whatever has not answered after ${limit} ms is given up on.`);
  run.print(`  asCompletedWithTimeout(requests, { total: ${limit}, emit: 'tagged' }):`);
  run.print();

  const requests = calls.map((call) => (signal: AbortSignal) => getJson<{ tag: string }>(run.callUrl(call), signal));
  const finished: number[] = [];
  const error = await drain(
    asCompletedWithTimeout(requests, { total: limit, emit: 'tagged' }),
    ({ index, completed, total, value }) => {
      finished.push(index);
      run.print(`  [${completed}/${total}] ${stamp(run.elapsed())}  #${index} ${value.tag}`);
    },
  );
  const elapsed = run.elapsed();
  if (!(error instanceof AsCompletedTimeoutError) && error !== undefined) throw error;
  const timeout = error instanceof AsCompletedTimeoutError ? error : undefined;
  const pending = [...(timeout?.info.pending ?? [])];
  const queued = [...(timeout?.info.queued ?? [])];
  const name = (i: number) => `#${i} ${calls[i]!.name}`;

  run.print(
    `  ${stamp(elapsed)}  ${timeout ? `${timeout.name}: ${timeout.message}` : 'completed before the deadline'}`,
  );
  if (timeout) {
    run.print(`  did not finish: ${[...pending, ...queued].map(name).join(', ') || 'none'}`);
    run.print(`    (info.pending [${pending.join(', ')}], info.queued [${queued.join(', ')}])`);
  }
  await run.settle();

  const aborted = pending.map((i) => run.record(calls[i]!.name)).filter((r) => r?.outcome === 'aborted');
  run.print(
    `  server: ${aborted.map((r) => `${r!.tag} aborted at ${ms(r!.end! - run.t0)}`).join(', ') || 'no request aborted'}`,
  );
  run.timeline(inCallOrder(run.requests(), calls), (r) => name(calls.findIndex((c) => c.name === r.tag)), {
    marks: [{ at: limit, label: 'deadline' }],
  });

  const expectedLate = calls.map((c, i) => (c.ms > DEADLINE ? i : -1)).filter((i) => i >= 0);
  run.check(timeout !== undefined, `the stream errored with AsCompletedTimeoutError after ${ms(elapsed)}`);
  run.check(
    sameOrder(
      [...pending].sort((a, b) => a - b),
      expectedLate,
    ) && queued.length === 0,
    `info names the ${expectedLate.length} slow requests as unfinished`,
  );
  run.check(
    aborted.length === pending.length && pending.length > 0,
    `the server saw all ${pending.length} of them aborted, none answered`,
  );
  return {
    ...run.report(elapsed),
    limit,
    finished,
    pending,
    queued,
    error: timeout,
    abortedOnServer: aborted.map((r) => r!.tag),
  };
}

/* ------------------------------------------------------------------ 3 */

export interface FirstMirrorReport extends ScenarioReport {
  winner: string | undefined;
  /** Mirrors that failed before the winner answered (skipped). */
  failed: string[];
  /** Tags of the requests the server saw the client abort. */
  abortedOnServer: string[];
  /** Mirrors that were still running when the winner answered. */
  slower: string[];
}

const MIRRORS: Call[] = [
  { name: 'mirror-eu', ms: 800 },
  { name: 'mirror-us', ms: 100, status: 503 },
  { name: 'mirror-asia', ms: 300 },
  { name: 'mirror-local', ms: 1100 },
];

/** `firstCompleted` over mirrors: the fastest fails, the first good answer wins, the rest are aborted. */
export async function firstMirrorScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<FirstMirrorReport> {
  const run = new Run(server, config);
  const calls = MIRRORS;
  run.print(`  The same file from ${calls.length} mirrors; the fastest one is broken (503).`);
  run.print(`  firstCompleted(requests) -- failures are skipped, the first good answer wins:`);
  run.print();

  const failed: string[] = [];
  const requests = calls.map(
    (call) => (signal: AbortSignal) =>
      getJson<{ tag: string }>(run.callUrl(call), signal).catch((error: unknown) => {
        // A failure after the winner is only the abort itself: not worth a line.
        if (!signal.aborted) {
          failed.push(call.name);
          run.print(`  ${stamp(run.elapsed())}  ${call.name} failed: ${reasonOf(error)} -- skipped`);
        }
        throw error;
      }),
  );
  let winner: string | undefined;
  const error = await drain(firstCompleted(requests), (value) => {
    winner = value.tag;
    run.print(`  ${stamp(run.elapsed())}  ${value.tag} answered first -- the others are cancelled`);
  });
  const elapsed = run.elapsed();
  if (error !== undefined) throw error;
  await run.settle();

  const slower = calls.map((c) => c.name).filter((n) => n !== winner && !failed.includes(n));
  const aborted = slower.map((n) => run.record(n)).filter((r) => r?.outcome === 'aborted');
  run.print(
    `  server: ${aborted.map((r) => `${r!.tag} aborted at ${ms(r!.end! - run.t0)}`).join(', ') || 'no request aborted'}`,
  );
  run.timeline(inCallOrder(run.requests(), calls), (r) => r.tag);

  const fastest = calls.reduce((a, b) => (b.ms < a.ms ? b : a));
  const bestGood = calls.filter((c) => !c.status).reduce((a, b) => (b.ms < a.ms ? b : a));
  run.check(failed.includes(fastest.name), `${fastest.name} answered first, with an error, and was skipped`);
  run.check(winner === bestGood.name, `${bestGood.name}, the fastest good mirror, won at ${ms(elapsed)}`);
  run.check(
    aborted.length === slower.length && slower.length > 0,
    `the server saw the ${slower.length} slower mirrors aborted (${slower.join(', ')})`,
  );
  return { ...run.report(elapsed), winner, failed, slower, abortedOnServer: aborted.map((r) => r!.tag) };
}

/* ------------------------------------------------------------------ 4 */

export interface ErrorsReport extends ScenarioReport {
  /** Settled records received (one per input). */
  records: number;
  fulfilled: string[];
  rejected: string[];
  /** Failure reason -> how many. */
  reasons: Record<string, number>;
  /** Whether the stream itself errored (it must not in settled mode). */
  streamError: unknown;
}

const WIDGETS: Call[] = [
  { name: 'profile', ms: 150 },
  { name: 'avatar', ms: 250, status: 404 },
  { name: 'feed', ms: 400 },
  { name: 'ads', ms: 300, status: 500 },
  { name: 'friends', ms: 600 },
  { name: 'legacy', ms: 350, reset: true },
  { name: 'notices', ms: 500, status: 503 },
  { name: 'settings', ms: 200 },
];

/** `emit: 'settled'` over good and failing requests: one record each, and a tally. */
export async function errorsScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<ErrorsReport> {
  const run = new Run(server, config);
  const calls = WIDGETS;
  run.print(`  A dashboard loads ${calls.length} widgets; some endpoints return errors, one drops the connection.`);
  run.print(`  asCompleted(requests, { emit: 'settled' }) -- one record per request, the stream never errors:`);
  run.print();

  const requests = calls.map((call) => (signal: AbortSignal) => getJson<{ tag: string }>(run.callUrl(call), signal));
  const fulfilled: string[] = [];
  const rejected: string[] = [];
  const reasons: Record<string, number> = {};
  let records = 0;
  const streamError = await drain(asCompleted(requests, { emit: 'settled' }), (record) => {
    records++;
    const name = calls[record.index]!.name;
    const head = `  [${record.completed}/${record.total}] ${stamp(run.elapsed())}  #${record.index} ${name.padEnd(9)}`;
    if (record.status === 'fulfilled') {
      fulfilled.push(name);
      run.print(`${head} fulfilled`);
    } else {
      rejected.push(name);
      const reason = reasonOf(record.reason);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      run.print(`${head} rejected: ${reason}`);
    }
  });
  const elapsed = run.elapsed();
  await run.settle();

  run.print();
  run.print(`  tally: ${fulfilled.length} fulfilled, ${rejected.length} rejected`);
  for (const [reason, n] of Object.entries(reasons)) run.print(`    ${String(n).padStart(2)} x ${reason}`);
  run.timeline(inCallOrder(run.requests(), calls), (r) => `#${calls.findIndex((c) => c.name === r.tag)} ${r.tag}`);

  const bad = calls.filter((c) => c.status || c.reset).length;
  run.check(streamError === undefined, 'the stream completed: failures became records, not an error');
  run.check(records === calls.length, `exactly one record per request (${records} of ${calls.length})`);
  run.check(
    fulfilled.length === calls.length - bad && rejected.length === bad,
    `${calls.length - bad} fulfilled and ${bad} rejected, as the server was told`,
  );
  return { ...run.report(elapsed), records, fulfilled, rejected, reasons, streamError };
}

/* ------------------------------------------------------------------ 5 */

export interface ConcurrencyReport extends ScenarioReport {
  limit: number;
  /** The server's own highest count of requests open at once. */
  peak: number;
  order: number[];
}

const PAGES: Call[] = [300, 200, 450, 250, 350, 200, 400, 300, 250, 350].map((ms, i) => ({
  name: `page-${i + 1}`,
  ms,
}));
const LIMIT = 3;

/** 10 requests, at most 3 at a time: the server's own count never goes above 3. */
export async function concurrencyScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<ConcurrencyReport> {
  const run = new Run(server, config);
  const calls = PAGES;
  run.print(`  A crawler fetches ${calls.length} pages but must not hit the server with more than ${LIMIT} at once.`);
  run.print(`  asCompleted(requests, { concurrency: ${LIMIT}, emit: 'tagged' }) -- the next starts as a slot frees:`);
  run.print();

  const requests = calls.map((call) => (signal: AbortSignal) => getJson<{ tag: string }>(run.callUrl(call), signal));
  const order: number[] = [];
  const error = await drain(
    asCompleted(requests, { concurrency: LIMIT, emit: 'tagged' }),
    ({ index, completed, total }) => {
      order.push(index);
      run.print(
        `  [${String(completed).padStart(2)}/${total}] ${stamp(run.elapsed())}  #${index} ${calls[index]!.name}`,
      );
    },
  );
  const elapsed = run.elapsed();
  if (error !== undefined) throw error;
  await run.settle();
  const peak = server.log.peak;

  run.print();
  run.print(`  server: at most ${peak} requests in flight at once (limit ${LIMIT})`);
  run.timeline(inCallOrder(run.requests(), calls), (r) => r.tag, { inFlight: true });

  const serial = calls.reduce((sum, c) => sum + run.ms(c.ms), 0);
  run.check(peak <= LIMIT, `the server never had more than ${LIMIT} requests open (its peak: ${peak})`);
  run.check(peak === LIMIT, `and it did reach ${LIMIT}: the slots were used`);
  run.check(
    order.length === calls.length,
    `all ${calls.length} finished in ${ms(elapsed)} (one at a time: ~${serial} ms)`,
  );
  return { ...run.report(elapsed), limit: LIMIT, peak, order };
}

/* ------------------------------------------------------------------ 6 */

export interface FanOutReport extends ScenarioReport {
  /** Total ms of `forkJoin` then `mergeMap`. */
  gatherMs: number;
  /** Total ms of `mergeCompletedThen`. */
  mergeMs: number;
  /** Children loaded by each way (they must be the same set). */
  gathered: string[];
  merged: string[];
  /** Total ms of `mergeCompletedThen` over the same lists served a page (one child) at a time. */
  pagedMs: number;
  paged: string[];
}

interface Item {
  name: string;
  /** Delay of its list of children. */
  listMs: number;
  children: number;
  /** Delay of each child. */
  childMs: number;
}

// A slow list with fast children, a fast list with slow children: gathering
// waits 1200 ms for alpha's list before beta's 900 ms children can start.
const ITEMS: Item[] = [
  { name: 'alpha', listMs: 1200, children: 2, childMs: 100 },
  { name: 'beta', listMs: 150, children: 3, childMs: 900 },
  { name: 'gamma', listMs: 500, children: 2, childMs: 450 },
];

/** The same two-stage work twice: gather-then-fan-out, then `mergeCompletedThen`. */
export async function fanOutScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<FanOutReport> {
  const run = new Run(server, config);
  const items = ITEMS;
  const total = items.reduce((n, it) => n + it.children, 0);
  const listUrl = (it: Item) =>
    run.url(`/items/${it.name}/children`, { n: it.children, ms: run.ms(it.listMs), tag: `list ${it.name}` });
  const childUrl = (it: Item, id: string) => run.url(`/child/${id}`, { ms: run.ms(it.childMs), tag: id });
  run.print(`  ${items.length} items; each has a list of children (stage 1), then every child is fetched (stage 2).`);
  for (const it of items) {
    run.print(
      `    ${it.name.padEnd(6)} list ${String(run.ms(it.listMs)).padStart(5)} ms, ${it.children} children of ${run.ms(it.childMs)} ms each`,
    );
  }

  // Way 1: the usual rxjs, forkJoin over all lists, then mergeMap over all children.
  run.print();
  run.print(`  a) forkJoin(lists) then mergeMap(child) -- no child starts before the slowest list is in:`);
  const mark1 = server.log.mark();
  const t1 = now();
  const gathered: string[] = [];
  const gather$ = forkJoin(items.map((it) => fromFetch(listUrl(it), { selector: (r) => readJson<string[]>(r) }))).pipe(
    mergeMap((lists) => lists.flatMap((ids, i) => ids.map((id) => ({ it: items[i]!, id })))),
    mergeMap(({ it, id }) => fromFetch(childUrl(it, id), { selector: (r) => readJson<{ id: string }>(r) })),
  );
  const error1 = await drain(gather$, (child) => {
    gathered.push(child.id);
    run.print(`    [${gathered.length}/${total}] ${stamp(run.elapsed(t1))}  ${child.id}`);
  });
  const gatherMs = run.elapsed(t1);
  if (error1 !== undefined) throw error1;
  await run.settle();
  const records1 = server.log.since(mark1);

  // Way 2: mergeCompletedThen, each item's children start when its own list is in.
  run.print();
  run.print(`  b) mergeCompletedThen(items, list, child) -- each item's children start as soon as its list is in:`);
  const mark2 = server.log.mark();
  const t2 = now();
  const merged: string[] = [];
  const merge$ = mergeCompletedThen(
    items,
    (it, _i, signal) => getJson<string[]>(listUrl(it), signal),
    (id, it, signal) => getJson<{ id: string }>(childUrl(it, id), signal),
    { emit: 'tagged' },
  );
  const error2 = await drain(merge$, ({ value, completed }) => {
    merged.push(value.id);
    run.print(`    [${completed}/${total}] ${stamp(run.elapsed(t2))}  ${value.id}`);
  });
  const mergeMs = run.elapsed(t2);
  if (error2 !== undefined) throw error2;
  await run.settle();
  const records2 = server.log.since(mark2);

  // Way 3: the same lists as a paged listing, one child a page (each page a
  // request of its share of the list's delay): a page's child starts as it arrives.
  run.print();
  run.print(`  c) mergeCompletedThen over a paged listing -- each page's children start as that page arrives:`);
  const pageUrl = (it: Item, page: number) =>
    run.url(`/items/${it.name}/children`, {
      n: it.children,
      per: 1,
      page,
      ms: run.ms(it.listMs / it.children),
      tag: `page ${it.name} ${page}`,
    });
  async function* listing(it: Item, signal: AbortSignal): AsyncGenerator<string[]> {
    for (let page: number | null = 0; page !== null;) {
      const body: { ids: string[]; next: number | null } = await getJson(pageUrl(it, page), signal);
      yield body.ids;
      page = body.next;
    }
  }
  const mark3 = server.log.mark();
  const t3 = now();
  const paged: string[] = [];
  const paged$ = mergeCompletedThen(
    items,
    (it, _i, signal) => listing(it, signal),
    (id, it, signal) => getJson<{ id: string }>(childUrl(it, id), signal),
    { emit: 'tagged' },
  );
  const error3 = await drain(paged$, ({ value, completed }) => {
    paged.push(value.id);
    run.print(`    [${completed}/${total}] ${stamp(run.elapsed(t3))}  ${value.id}`);
  });
  const pagedMs = run.elapsed(t3);
  if (error3 !== undefined) throw error3;
  await run.settle();
  const records3 = server.log.since(mark3);

  // Each item's list, then its children: the chain from one to the other shows.
  const isList = (r: RequestRecord) => r.tag.startsWith('list ') || r.tag.startsWith('page ');
  const byItem = (records: readonly RequestRecord[]) =>
    items.flatMap((it) => [
      ...records.filter((r) => r.tag === `list ${it.name}` || r.tag.startsWith(`page ${it.name} `)),
      ...records.filter((r) => r.tag.startsWith(`${it.name}-`)),
    ]);
  const until = Math.max(gatherMs, mergeMs, pagedMs);
  run.print();
  run.print(`  a) gather then fan out: ${ms(gatherMs)}`);
  // Children indented under their list; the line marks when the slowest list was in.
  const label = (r: RequestRecord) => (isList(r) ? r.tag : `  ${r.tag}`);
  const listsIn = (records: readonly RequestRecord[], t0: number) => [
    {
      at: Math.max(...records.filter(isList).map((r) => r.end! - t0)),
      label: 'all lists in',
    },
  ];
  run.timeline(byItem(records1), label, { until, marks: listsIn(records1, t1) }, t1);
  run.print(`  b) mergeCompletedThen: ${ms(mergeMs)}`);
  run.timeline(byItem(records2), label, { until, marks: listsIn(records2, t2) }, t2);
  run.print(`  c) mergeCompletedThen over pages: ${ms(pagedMs)}`);
  run.timeline(byItem(records3), label, { until, marks: listsIn(records3, t3) }, t3);

  const saved = gatherMs - mergeMs;
  run.print(
    `  gather-then-fan-out ${ms(gatherMs)}  vs  mergeCompletedThen ${ms(mergeMs)}  (${ms(saved)} or ${Math.round((100 * saved) / gatherMs)}% less)`,
  );
  const sameSet = [...gathered].sort().join() === [...merged].sort().join() && merged.length === total;
  run.check(sameSet, `both ways loaded the same ${total} children`);
  run.check(mergeMs < gatherMs, `mergeCompletedThen finished first: ${ms(mergeMs)} < ${ms(gatherMs)}`);
  // alpha's listing is the slow one: paged, its first child starts halfway through it.
  const alphaPages = records3.filter((r) => r.tag.startsWith('page alpha '));
  const alphaFirstChild = records3.find((r) => r.tag === 'alpha-1');
  const pagedSameSet = [...paged].sort().join() === [...merged].sort().join() && paged.length === total;
  run.check(
    pagedSameSet && alphaFirstChild !== undefined && alphaFirstChild.start < Math.max(...alphaPages.map((r) => r.end!)),
    `over pages, the same ${total} children; alpha-1 started before alpha's last page was in`,
  );
  return {
    ...run.report(gatherMs + mergeMs + pagedMs),
    gatherMs,
    mergeMs,
    gathered,
    merged,
    pagedMs,
    paged,
  };
}

/* ------------------------------------------------------------------ 7 */

export interface StreamingReport extends ScenarioReport {
  /**
   * What happened, in order: a read from the source, a request started, a
   * result taken by the loop, the drain.
   */
  events: Array<{ kind: 'read' | 'start' | 'result' | 'drain'; index: number; at: number }>;
  /** The loop body's time per result (ms, scaled). */
  loopMs: number;
  /** Jobs read from the source. */
  read: number;
  /** Results the loop took. */
  taken: number;
  /**
   * Most jobs outstanding at any read, the one read included: read and not yet
   * taken by the loop (running or waiting unread), less the result being taken
   * right then (a read comes as the loop takes a result). Never above the limit.
   */
  mostAhead: number;
  /** Whether the source's `finally` ran (it was closed). */
  closed: boolean;
  peak: number;
}

/** Server delays of the jobs, in turn (ms): all shorter than the loop body. */
const JOB_MS = [150, 100, 220, 120, 180, 90, 160, 130, 200, 110];
/** The loop body's time per result (ms): slower than any request, so the loop sets the pace. */
const LOOP_MS = 300;
const STREAM_LIMIT = 3;
/** The source is asked to stop after this many results. */
const DRAIN_AFTER = 6;

/**
 * `for await` over an endless async source at concurrency 3. A job is read
 * only when a request can start, and a result waits for the loop and counts
 * against the limit until the loop takes it, so a slow loop body holds the
 * reads back (backpressure, as p-map's `pMapIterable`): reads, starts and
 * results interleave at the loop's pace. After 6 results the source is
 * drained: it stops, what was read still finishes, the loop ends.
 */
export async function streamingScenario(server: DemoServer, config: ScenarioConfig = {}): Promise<StreamingReport> {
  const run = new Run(server, config);
  const loopMs = run.ms(LOOP_MS);
  const events: StreamingReport['events'] = [];
  const log = (kind: StreamingReport['events'][number]['kind'], index: number, text: string) => {
    events.push({ kind, index, at: run.elapsed() });
    run.print(`  ${stamp(run.elapsed())}  ${text}`);
  };
  run.print(
    `  An endless queue of jobs, each one a request; at most ${STREAM_LIMIT} outstanding (running, or done and`,
  );
  run.print(`  not yet taken by the loop). The loop body takes ${loopMs} ms per result, longer than any request,`);
  run.print(`  so the loop sets the pace: a job is read only as the loop takes a result.`);
  run.print();
  run.print(`  for await (const { index } of asCompleted(jobs(), (job, i, signal) => fetchJob(job, signal),`);
  run.print(`                                             { concurrency: ${STREAM_LIMIT}, emit: 'tagged' })) {`);
  run.print(`    await handle(index); // ${loopMs} ms`);
  run.print(`  }`);
  run.print();

  let draining = false;
  let closed = false;
  let read = 0;
  let taken = 0;
  let mostAhead = 0;
  const name = (i: number) => `job-${i + 1}`;
  // An endless source, like a queue: a job is read each time `next()` is called.
  async function* jobs(): AsyncGenerator<number> {
    try {
      for (let i = 0; ; i++) {
        if (draining) return;
        read++;
        // The 4th read on comes as the loop takes a result (its body has not counted it yet).
        mostAhead = Math.max(mostAhead, read - taken - (read > STREAM_LIMIT ? 1 : 0));
        log('read', i, `read    #${i} ${name(i)}   (read ${read}, taken ${taken})`);
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  const fetchJob = (i: number, signal: AbortSignal) => {
    log('start', i, `start   #${i} ${name(i)}`);
    return getJson<{ tag: string }>(run.callUrl({ name: name(i), ms: JOB_MS[i % JOB_MS.length]! }), signal);
  };

  const output = asCompleted(jobs(), (i, _k, signal) => fetchJob(i, signal), {
    concurrency: STREAM_LIMIT,
    emit: 'tagged',
  });
  for await (const { index, completed } of output) {
    taken++;
    log('result', index, `result  #${index} ${name(index)}   [${completed}/?]  the loop body takes ${loopMs} ms`);
    if (taken === DRAIN_AFTER) {
      draining = true;
      log('drain', -1, `drain: the source is asked to stop; the ${read - taken} jobs read and not taken still finish`);
    }
    await new Promise((resolve) => setTimeout(resolve, loopMs));
  }
  const elapsed = run.elapsed();
  log('drain', -1, `the loop ended: ${taken} results of ${read} jobs read, source closed: ${closed}`);
  await run.settle();
  const peak = server.log.peak;

  const drainAt = events.find((e) => e.kind === 'drain')!.at;
  run.timeline(run.requests(), (r) => `#${Number(r.tag.slice(4)) - 1} ${r.tag}`, {
    marks: [{ at: drainAt, label: 'drain' }],
    inFlight: true,
  });

  // From the 4th read on, each read comes as the loop takes a result.
  const readTimes = events.filter((e) => e.kind === 'read').map((e) => e.at);
  const gaps = readTimes.slice(STREAM_LIMIT + 1).map((t, k) => t - readTimes[k + STREAM_LIMIT]!);
  const medianGap = gaps.length > 0 ? [...gaps].sort((a, b) => a - b)[gaps.length >> 1]! : 0;
  const slowest = run.ms(Math.max(...JOB_MS));
  run.print(`  reads from the 4th on came every ~${ms(medianGap)}: the loop's pace, though every request took`);
  run.print(`  at most ${slowest} ms on the server`);
  run.check(
    mostAhead <= STREAM_LIMIT,
    `never more than ${STREAM_LIMIT} jobs outstanding (running or waiting for the loop) at a read (most: ${mostAhead})`,
  );
  run.check(
    gaps.length > 0 && medianGap >= loopMs * 0.8 && slowest < loopMs,
    `the loop's pace held the reads back: one every ~${ms(medianGap)} though every request took under ${slowest} ms`,
  );
  run.check(peak <= STREAM_LIMIT, `the server never had more than ${STREAM_LIMIT} requests open (its peak: ${peak})`);
  const afterDrain = events.slice(events.findIndex((e) => e.kind === 'drain')).filter((e) => e.kind === 'read');
  run.check(
    afterDrain.length === 0 &&
      closed &&
      taken === read &&
      run.requests().length === read &&
      run.requests().every((r) => r.outcome === 'answered'),
    `drained: no read after the drain, all ${read} jobs read were answered and taken, the source was closed`,
  );
  return { ...run.report(elapsed), events, loopMs, read, taken, mostAhead, closed, peak };
}

/* ------------------------------------------------------------------ registry */

export interface Scenario {
  name: string;
  title: string;
  run: (server: DemoServer, config?: ScenarioConfig) => Promise<ScenarioReport>;
}

/** Every scenario, in the order `npm run demo` runs them. */
export const scenarios: readonly Scenario[] = [
  { name: 'as-completed', title: 'results in the order they finish', run: asCompletedScenario },
  { name: 'deadline', title: 'a total deadline: partial results, the rest aborted', run: deadlineScenario },
  { name: 'first-mirror', title: 'the first mirror that answers wins', run: firstMirrorScenario },
  { name: 'errors', title: 'settled mode: a tally of successes and failures', run: errorsScenario },
  { name: 'concurrency', title: '10 requests, at most 3 at a time', run: concurrencyScenario },
  { name: 'fan-out', title: 'two-stage fan-out: gather-then-fan-out vs mergeCompletedThen', run: fanOutScenario },
  { name: 'streaming', title: 'for await over an endless source: backpressure, then a drain', run: streamingScenario },
];

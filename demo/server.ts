/**
 * The demo's HTTP server: real sockets on 127.0.0.1, answers after a delay the
 * client asks for, and a log of what happened to every request, so the demo can
 * show the server's side of each cancellation instead of trusting the client's.
 *
 *   GET /slow?ms=300                 200 {"tag","ms"} after 300 ms
 *   GET /status/503?ms=100           that status after 100 ms
 *   GET /items/alpha/children?n=3    200 ["alpha-1","alpha-2","alpha-3"]
 *   GET /items/alpha/children?n=3&per=2&page=0
 *                                    200 {"ids":["alpha-1","alpha-2"],"next":1} (a paged listing; last page: next null)
 *   GET /child/alpha-1?ms=200        200 {"id":"alpha-1",...}
 *   GET /reset?ms=150                drops the connection after 150 ms
 *
 * Every endpoint takes `ms` (the delay, default 0) and `tag` (a label kept in
 * the log).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One clock for the server log and the scenarios (same process, monotonic). */
export const now = (): number => performance.now();

/**
 * - `open`: the server has not answered yet;
 * - `answered`: the server sent a response (`status` says which);
 * - `dropped`: the server closed the connection on purpose (`/reset`);
 * - `aborted`: the client went away before the answer was sent.
 */
export type RequestOutcome = 'open' | 'answered' | 'dropped' | 'aborted';

export interface RequestRecord {
  readonly id: number;
  /** Path and query, as requested. */
  readonly path: string;
  readonly tag: string;
  /** The delay the client asked for, in ms. */
  readonly delay: number;
  /** When the server received the request (`now()`). */
  readonly start: number;
  /** When the server answered, dropped it or saw the client leave. */
  end: number | undefined;
  status: number | undefined;
  outcome: RequestOutcome;
}

/** What the server saw: every request, and how many were open at once. */
export class RequestLog {
  readonly records: RequestRecord[] = [];
  /** Requests received and not yet answered, dropped or aborted. */
  inFlight = 0;
  /** The highest `inFlight` since the last `mark()`. */
  peak = 0;
  private idleWaiters: Array<() => void> = [];

  /** Starts a window: returns where its records begin and resets `peak`. */
  mark(): number {
    this.peak = this.inFlight;
    return this.records.length;
  }

  /** The records from a `mark()` on. */
  since(mark: number): RequestRecord[] {
    return this.records.slice(mark);
  }

  /**
   * Resolves `true` once no request is open, or `false` after `timeoutMs`. An
   * abort reaches the server a moment after the client gives up; this is how
   * the demo waits for the server to have seen it.
   */
  idle(timeoutMs = 2000): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** @internal */
  open(path: string, tag: string, delay: number): RequestRecord {
    const record: RequestRecord = {
      id: this.records.length,
      path,
      tag,
      delay,
      start: now(),
      end: undefined,
      status: undefined,
      outcome: 'open',
    };
    this.records.push(record);
    this.inFlight++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    return record;
  }

  /** @internal Counts the request out exactly once. */
  finish(record: RequestRecord, outcome: Exclude<RequestOutcome, 'open'>, status?: number): void {
    if (record.outcome !== 'open') return;
    record.outcome = outcome;
    record.status = status;
    record.end = now();
    this.inFlight--;
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly log: RequestLog;
  /** Stops listening and closes every connection, idle keep-alive ones included; safe to call twice. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/** Longest delay the server accepts, so a typo cannot hang the demo. */
const MAX_DELAY = 30_000;

export function startServer(options: ServerOptions = {}): Promise<DemoServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  const log = new RequestLog();
  const server = createServer((req, res) => handle(req, res, log));
  // A delayed answer must not be cut by the server's own timeouts.
  server.requestTimeout = 0;

  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      // Node says "listen EADDRINUSE: address already in use 127.0.0.1:8080"; keep the middle.
      const why = error.message.replace(/^listen /, '').replace(` ${host}:${port}`, '');
      reject(new Error(`cannot listen on ${host}:${port}: ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const { port: actual } = server.address() as AddressInfo;
      let closed: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${actual}`,
        log,
        close: () =>
          (closed ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // close() alone waits for keep-alive sockets that fetch keeps idle.
            server.closeAllConnections();
          })),
      });
    });
  });
}

function handle(req: IncomingMessage, res: ServerResponse, log: RequestLog): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const delay = Math.min(Math.max(Number(url.searchParams.get('ms')) || 0, 0), MAX_DELAY);
  const tag = url.searchParams.get('tag') ?? '';
  const record = log.open(url.pathname + url.search, tag, delay);

  const timer = setTimeout(() => respond(url, req, res, record, log), delay);
  // 'close' before an answer means the client gave up (fetch aborted: undici
  // destroys the socket). Clearing the timer leaves no handle behind.
  res.once('close', () => {
    clearTimeout(timer);
    log.finish(record, 'aborted');
  });
}

function respond(url: URL, req: IncomingMessage, res: ServerResponse, record: RequestRecord, log: RequestLog): void {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    // Counted out before the bytes leave: the client cannot start its next
    // request before this one is off the server's books.
    log.finish(record, 'answered', status);
    res.end(text);
  };

  if (req.method !== 'GET') return send(405, { error: STATUS_CODES[405] });
  const [head, arg, rest] = parts;
  if (head === 'slow' && parts.length === 1) return send(200, { tag: record.tag, ms: record.delay });
  if (head === 'status' && parts.length === 2) {
    const status = Number(arg);
    if (Number.isInteger(status) && status >= 200 && status <= 599) {
      return send(status, status < 300 ? { tag: record.tag } : { error: STATUS_CODES[status] ?? 'error' });
    }
  }
  if (head === 'items' && rest === 'children' && parts.length === 3) {
    const n = Math.min(Math.max(Number(url.searchParams.get('n')) || 0, 0), 100);
    const ids = Array.from({ length: n }, (_, k) => `${arg}-${k + 1}`);
    const per = Math.max(Number(url.searchParams.get('per')) || 0, 0);
    if (per === 0) return send(200, ids);
    const page = Math.max(Number(url.searchParams.get('page')) || 0, 0);
    return send(200, { ids: ids.slice(page * per, (page + 1) * per), next: (page + 1) * per < n ? page + 1 : null });
  }
  if (head === 'child' && parts.length === 2) return send(200, { id: arg, tag: record.tag, ms: record.delay });
  if (head === 'reset' && parts.length === 1) {
    log.finish(record, 'dropped');
    req.socket.destroy();
    return;
  }
  send(404, { error: `no endpoint ${url.pathname}` });
}

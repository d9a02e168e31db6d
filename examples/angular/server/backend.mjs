// The dashboard's backend: a small Node HTTP server on 127.0.0.1 with no
// dependencies. It answers the widget endpoints after fixed per-endpoint delays
// (one widget fails, one is very slow), serves the production build of the app,
// and keeps a log of every API request: when it came, when it was answered, or
// that the client closed it before the answer (an aborted XHR or fetch).
//
//   GET /api/widgets/:name?region=eu   a widget after WIDGET_DELAYS[name] ms; `inventory` is a 500
//   GET /api/sparklines/:n             a small tile after SPARKLINE_DELAYS[n - 1] ms (n = 1..9)
//   GET /api/items/:id                 an item after ITEM_DELAYS[id - 1] ms (id = 1..8)
//   GET /api/users/:id                 the customer after USER_DELAY ms (only CUSTOMER.id; others 404)
//   GET /api/users/:id/orders          the customer's orders after ORDERS_DELAY ms: before the user
//   GET /api/log                       the request log as JSON (for a person poking around)
//   anything else                      a file of the build, or index.html (the app's routes)
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** Delay per widget, in ms; the dashboard shows them in this order of arrival. */
export const WIDGET_DELAYS = {
  revenue: 300,
  visitors: 700,
  inventory: 1100, // answers 500
  orders: 1500,
  latency: 2500,
  forecast: 4500, // the very slow one
};
export const FAILING_WIDGET = 'inventory';
/**
 * Delays of the nine sparkline tiles (the fetch page, `concurrency: 3`), in ms: three
 * quick ones; three slow ones that start as those finish and are in flight together
 * from 400 ms until the first answers at 1500 ms (when the e2e run leaves the page);
 * three quick ones queued behind them.
 */
export const SPARKLINE_DELAYS = [200, 300, 400, 1300, 1600, 1700, 300, 300, 300];

/**
 * Delays of the eight items (the items page: the mapper form, `concurrency: 3`), in
 * ms. With three at a time, items 1-4 are in by 600 ms; then 5, 6 and 7, slow, are
 * in flight together until 1900 ms (the e2e run cancels at 4/8) while 8 waits.
 * Completion order when left to finish: 2, 1, 4, 3, 5, 6, 8, 7.
 */
export const ITEM_DELAYS = [400, 200, 600, 300, 1500, 1600, 1700, 300];
const ITEM_NAMES = ['Kettle', 'Teapot', 'Mug', 'Grinder', 'Scale', 'Dripper', 'Filter', 'Tin'];

/** The customer page's customer, and what `{ user, orders }` take: the orders answer first. */
export const CUSTOMER = { id: 42, name: 'Ada Lovelace', email: 'ada@example.com', since: 2019 };
export const USER_DELAY = 900;
export const ORDERS_DELAY = 400;
const ORDERS = [
  { id: 1001, placed: '2026-10-02', items: 3, total: 48.5 },
  { id: 1002, placed: '2026-10-19', items: 1, total: 12 },
  { id: 1003, placed: '2026-11-07', items: 5, total: 96.2 },
];

const TITLES = {
  revenue: ['Revenue', 'k€'],
  visitors: ['Visitors', 'today'],
  inventory: ['Inventory', 'SKUs'],
  orders: ['Orders', 'open'],
  latency: ['p95 latency', 'ms'],
  forecast: ['Forecast', 'k€ next month'],
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** A stable made-up number per widget and region. */
function figure(name, region) {
  let h = 7;
  for (const c of `${name}/${region}`) h = (h * 31 + c.charCodeAt(0)) % 100_003;
  return 100 + (h % 900);
}

/**
 * What the server saw of the API requests.
 * Records: `{ id, path, start, end, status, outcome: 'open' | 'answered' | 'aborted' }`,
 * times in ms on `performance.now()` (the same clock as the e2e driver in this process).
 */
export class RequestLog {
  records = [];
  inFlight = 0;
  /** The highest `inFlight` since the last `mark()`. */
  peak = 0;
  #listeners = new Set();

  /** Starts a window: returns where its records begin and resets `peak`. */
  mark() {
    this.peak = this.inFlight;
    return this.records.length;
  }

  since(mark) {
    return this.records.slice(mark);
  }

  open() {
    return this.records.filter((r) => r.outcome === 'open');
  }

  /** Calls `fn(event, record)` on 'open', 'answered' and 'aborted'; returns an unsubscribe function. */
  onChange(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Resolves once no API request is open (true) or after `timeoutMs` (false). */
  idle(timeoutMs = 5000) {
    return new Promise((resolve) => {
      if (this.inFlight === 0) return resolve(true);
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onChange(() => {
        if (this.inFlight !== 0) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  start(path) {
    const record = {
      id: this.records.length,
      path,
      start: performance.now(),
      end: undefined,
      status: undefined,
      outcome: 'open',
    };
    this.records.push(record);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    this.#emit('open', record);
    return record;
  }

  /** Counts a request out exactly once. */
  finish(record, outcome, status) {
    if (record.outcome !== 'open') return;
    Object.assign(record, { outcome, status, end: performance.now() });
    this.inFlight--;
    this.#emit(outcome, record);
  }

  #emit(event, record) {
    for (const fn of [...this.#listeners]) fn(event, record);
  }
}

/**
 * Starts the backend. `staticDir`: the build to serve (`dist/dashboard/browser`);
 * without it only `/api` answers. Resolves `{ url, log, close() }`.
 */
export function startBackend({ port = 0, host = '127.0.0.1', staticDir } = {}) {
  const log = new RequestLog();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) api(url, req, res, log);
    else if (staticDir) serveFile(url, res, staticDir);
    else send(res, 404, { error: 'no build to serve' });
  });
  server.requestTimeout = 0; // a slow answer must not be cut by the server's own timeout
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: actual } = server.address();
      let closed;
      resolve({
        url: `http://${host}:${actual}`,
        log,
        close: () =>
          (closed ??= new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}

function send(res, status, body, log, record) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  // Counted out before the bytes leave: the client cannot start its next request
  // (a freed concurrency slot) before this one is off the books.
  if (log) log.finish(record, 'answered', status);
  res.end(text);
}

function api(url, req, res, log) {
  const record = log.start(url.pathname + url.search);
  // '', 'api', kind, arg, sub: /api/users/42/orders
  const [, , kind, arg, sub, ...more] = url.pathname.split('/').map(decodeURIComponent);
  let delay = 0;
  let answer = () => send(res, 404, { error: `no endpoint ${url.pathname}` }, log, record);

  if (kind === 'widgets' && Object.hasOwn(WIDGET_DELAYS, arg)) {
    const region = url.searchParams.get('region') ?? 'all';
    delay = WIDGET_DELAYS[arg];
    answer = () =>
      arg === FAILING_WIDGET
        ? send(res, 500, { error: 'inventory service unavailable' }, log, record)
        : send(
            res,
            200,
            {
              name: arg,
              title: TITLES[arg][0],
              unit: TITLES[arg][1],
              region,
              value: figure(arg, region),
            },
            log,
            record,
          );
  } else if (kind === 'sparklines' && /^[1-9]$/.test(arg ?? '')) {
    delay = SPARKLINE_DELAYS[Number(arg) - 1];
    answer = () =>
      send(
        res,
        200,
        {
          name: `spark-${arg}`,
          title: `Sparkline ${arg}`,
          unit: 'pts',
          region: 'all',
          value: figure(arg, 'spark'),
        },
        log,
        record,
      );
  } else if (kind === 'items' && /^[1-8]$/.test(arg ?? '') && sub === undefined) {
    const id = Number(arg);
    delay = ITEM_DELAYS[id - 1];
    answer = () =>
      send(
        res,
        200,
        { id, name: ITEM_NAMES[id - 1], price: figure(arg, 'item') / 20 },
        log,
        record,
      );
  } else if (kind === 'users' && (sub === undefined || sub === 'orders') && more.length === 0) {
    delay = sub === 'orders' ? ORDERS_DELAY : USER_DELAY;
    answer = () =>
      Number(arg) !== CUSTOMER.id
        ? send(res, 404, { error: `no user ${arg}` }, log, record)
        : send(res, 200, sub === 'orders' ? ORDERS : CUSTOMER, log, record);
  } else if (kind === 'log' && arg === undefined) {
    answer = () =>
      send(
        res,
        200,
        log.records.filter((r) => r !== record),
        log,
        record,
      );
  }

  const timer = setTimeout(answer, delay);
  // 'close' before the answer: the client gave up (an aborted XHR or fetch closes
  // the connection). After the answer it is a no-op: the record is no longer open.
  res.once('close', () => {
    clearTimeout(timer);
    log.finish(record, 'aborted');
  });
  req.resume();
}

async function serveFile(url, res, root) {
  const base = path.resolve(root);
  const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  let file = path.join(base, rel);
  // Outside the build, or a route of the app (no extension): the app's index.html.
  if (!file.startsWith(base + path.sep) || !path.extname(rel)) file = path.join(base, 'index.html');
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
}

/** One log line per request that ended: `aborted  GET /api/widgets/forecast  after 912 ms`. */
export function describe(record) {
  const ms = Math.round((record.end ?? performance.now()) - record.start);
  const what = record.outcome === 'aborted' ? 'aborted ' : `${record.status}     `;
  return `${what} GET ${record.path}  after ${ms} ms${record.outcome === 'aborted' ? ' (closed by the client before the answer)' : ''}`;
}

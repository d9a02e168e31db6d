/**
 * A server-side pipeline: read ids, fetch each one with a concurrency limit and
 * a per-request timeout, and write one NDJSON line per id the moment it settles.
 *
 *   tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT ids.txt
 *   cat ids.txt | tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT --concurrency 8 --timeout 2000
 *
 * Options:
 *   --base URL          the server, http or https (required); may carry a path prefix
 *   --path TEMPLATE     appended to --base, `{id}` replaced by the URL-encoded id (default `/child/{id}`)
 *   --concurrency N     requests at once (default 4)
 *   --timeout MS        limit per request, counted from when it starts (default 5000)
 *   --help              this text
 *
 * Ids: one per line from the file (or stdin when there is none, or `-`); blank
 * lines and `#` comments are skipped. Output, one line per id in the order they
 * finish:
 *
 *   {"index":1,"id":"b","status":"fulfilled","value":{...},"ms":21}
 *   {"index":3,"id":"d","status":"rejected","error":"timed out after 2000 ms","ms":2004}
 *
 * A summary goes to stderr. Exit code: 0 when every id was fetched, 1 when some
 * failed (their lines are in the output all the same), 2 for a usage error or
 * an ids file that cannot be read. Ctrl-C cancels the requests in flight (the
 * server sees them aborted; exit code 130); the lines already written stay
 * valid NDJSON. When the reader of stdout goes away (`| head -3`), the next
 * write finds out (as with any Unix tool): the requests in flight are cancelled
 * and the CLI exits quietly with 0.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { Subscription, type Observable } from 'rxjs';
// In an application: from 'rxjs-as-completed'.
import { AsCompletedTimeoutError, asCompletedWithTimeout, type Settled } from '../../src/index.js';

export interface PipelineOptions {
  /** The server, e.g. `http://127.0.0.1:8080` or `https://example.com/api`. */
  base: string;
  /** Appended to `base`; `{id}` is replaced by the URL-encoded id. Default `/child/{id}`. */
  path?: string;
  /** Requests at once; default 4. */
  concurrency?: number;
  /** Limit per request in ms, counted from when it starts; default 5000. */
  timeout?: number;
}

/** One output line. */
export type PipelineRecord =
  | { index: number; id: string; status: 'fulfilled'; value: unknown; ms: number }
  | { index: number; id: string; status: 'rejected'; error: string; ms: number };

/** A response that came back with a status outside 200..299. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** `GET url` as JSON; `signal` cancels the request on the wire. */
async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  if (!response.ok) {
    // Read the body anyway so the keep-alive socket is free for the next request.
    await response.arrayBuffer().catch(() => undefined);
    throw new HttpStatusError(response.status);
  }
  return response.json();
}

/**
 * The core: one settled record per id, in the order they finish. Each fetch
 * is a factory, so it starts only when a slot is free, and the signal it gets
 * is aborted at its timeout or on unsubscribe.
 */
export function fetchAll(ids: readonly string[], options: PipelineOptions): Observable<Settled<unknown>> {
  const { base, path = '/child/{id}', concurrency = 4, timeout = 5000 } = options;
  // Appended, not resolved: `new URL('/child/1', 'https://host/api')` would drop `/api`.
  const prefix = base.replace(/\/+$/, '');
  const urlOf = (id: string) => `${prefix}${path.replaceAll('{id}', encodeURIComponent(id))}`;
  return asCompletedWithTimeout(
    ids.map((id) => (signal: AbortSignal) => getJson(urlOf(id), signal)),
    { each: timeout, concurrency, emit: 'settled' },
  );
}

/** A failure as one short line. */
export function describeError(reason: unknown): string {
  if (reason instanceof AsCompletedTimeoutError) return `timed out after ${reason.info.timeout} ms`;
  if (reason instanceof Error) {
    // undici reports socket trouble as TypeError('fetch failed') with the detail in `cause`.
    const cause = (reason as { cause?: unknown }).cause;
    if (reason.message === 'fetch failed' && cause instanceof Error) return `fetch failed: ${cause.message}`;
    return reason.message;
  }
  return String(reason);
}

/**
 * Fetches every id and writes each settled record to `out` as one NDJSON line
 * as soon as it arrives. Resolves with the counts when all are written, or
 * when `signal` aborts (the requests in flight are cancelled). Rejects with
 * `out`'s error if `out` fails (a closed pipe, say), after cancelling the rest.
 */
export function runPipeline(
  ids: readonly string[],
  out: Writable,
  options: PipelineOptions & { signal?: AbortSignal },
): Promise<{ fulfilled: number; rejected: number; cancelled: boolean }> {
  const started = performance.now();
  const counts = { fulfilled: 0, rejected: 0, cancelled: false };
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return resolve({ ...counts, cancelled: true });
    // Unsubscribing aborts the signals of the fetches in flight; queued ids never
    // start. The listeners go on before subscribing (a run can finish inside
    // `subscribe`) and come off however the run ends.
    const subscription = new Subscription(() => {
      signal?.removeEventListener('abort', onAbort);
      out.off('error', onOutputError);
    });
    function onAbort() {
      subscription.unsubscribe();
      resolve({ ...counts, cancelled: true });
    }
    function onOutputError(error: unknown) {
      subscription.unsubscribe();
      reject(error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    out.on('error', onOutputError);
    const run = fetchAll(ids, options).subscribe({
      next: (record) => {
        const ms = Math.round(performance.now() - started);
        const id = ids[record.index];
        const line: PipelineRecord =
          record.status === 'fulfilled'
            ? { index: record.index, id, status: 'fulfilled', value: record.value, ms }
            : { index: record.index, id, status: 'rejected', error: describeError(record.reason), ms };
        counts[record.status]++;
        out.write(`${JSON.stringify(line)}\n`);
      },
      // 'settled' never errors because of an input; this would be a bug.
      error: (error) => {
        subscription.unsubscribe();
        reject(error);
      },
      complete: () => {
        subscription.unsubscribe();
        resolve(counts);
      },
    });
    subscription.add(run);
  });
}

/** The ids of a text stream: one per line, blank lines and `#` comments skipped. */
export async function readIds(input: Readable): Promise<string[]> {
  const ids: string[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const id = line.trim();
    if (id !== '' && !id.startsWith('#')) ids.push(id);
  }
  return ids;
}

function positiveInteger(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number from 1 up, got '${text}'`);
  return n;
}

function httpBase(text: string | undefined): string {
  if (!text) throw new UsageError('--base is required');
  const protocol = URL.canParse(text) ? new URL(text).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(`--base must be an http:// or https:// URL, got '${text}'`);
  }
  return text;
}

class UsageError extends Error {}

const USAGE =
  'usage: pipeline.ts --base URL [--path /child/{id}] [--concurrency 4] [--timeout 5000] [ids.txt | -]\n' +
  '       pipeline.ts --help';

/** What `--help` prints. */
const HELP = `${USAGE}

Fetches each id from --base + --path with at most --concurrency requests at once and
a --timeout per request, and writes one NDJSON line per id as each settles.
Ids: one per line from the file, or stdin (none or '-'); blank lines and # comments skipped.
Exit code: 0 all fetched, 1 some failed, 2 usage error or unreadable ids file, 130 Ctrl-C.
`;

/** Reads the ids; an unreadable file is the user's to fix, like a bad flag. */
async function readIdsFrom(file: string | undefined): Promise<string[]> {
  if (file === undefined || file === '-') return readIds(process.stdin);
  try {
    return await readIds(createReadStream(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read the ids file '${file}' (${reason})`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let options: PipelineOptions;
  let file: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        path: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`one ids file at most, got ${positionals.length}`);
    options = {
      base: httpBase(values.base),
      path: values.path,
      concurrency: positiveInteger('--concurrency', values.concurrency, 4),
      timeout: positiveInteger('--timeout', values.timeout, 5000),
    };
    file = positionals[0];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }

  let ids: string[];
  try {
    ids = await readIdsFrom(file);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  // A closed stdout can report more than one write error; none may go unhandled.
  process.stdout.on('error', () => {});
  const started = performance.now();
  let result;
  try {
    result = await runPipeline(ids, process.stdout, { ...options, signal: interrupt.signal });
  } catch (error) {
    // The reader went away (`| head`): the requests in flight were cancelled.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { fulfilled, rejected, cancelled } = result;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const unfinished = ids.length - fulfilled - rejected;
  process.stderr.write(
    `${fulfilled} fulfilled, ${rejected} rejected${cancelled ? `, ${unfinished} cancelled` : ''} ` +
      `(${ids.length} ids, ${seconds} s)\n`,
  );
  return cancelled ? 130 : rejected > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

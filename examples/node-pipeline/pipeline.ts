/**
 * A server-side pipeline: read ids, fetch each one with a concurrency limit and
 * a per-request timeout, and write one NDJSON line per id the moment it settles.
 *
 *   tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT ids.txt
 *   cat ids.txt | tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT --concurrency 8 --timeout 2000
 *
 * Options:
 *   --base URL          the server (required)
 *   --path TEMPLATE     request path, `{id}` replaced by the URL-encoded id (default `/child/{id}`)
 *   --concurrency N     requests at once (default 4)
 *   --timeout MS        limit per request, counted from when it starts (default 5000)
 *
 * Ids: one per line from the file (or stdin when there is none, or `-`); blank
 * lines and `#` comments are skipped. Output, one line per id in the order they
 * finish:
 *
 *   {"index":1,"id":"b","status":"fulfilled","value":{...},"ms":21}
 *   {"index":3,"id":"d","status":"rejected","error":"timed out after 2000 ms","ms":2004}
 *
 * A summary goes to stderr. Exit code: 0 when every id was fetched, 1 when some
 * failed (their lines are in the output all the same), 2 for a usage error.
 * Ctrl-C cancels the requests in flight (the server sees them aborted); the
 * lines already written stay valid NDJSON.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import type { Observable } from 'rxjs';
// In an application: from 'rxjs-as-completed'.
import { AsCompletedTimeoutError, asCompletedWithTimeout, type Settled } from '../../src/index.js';

export interface PipelineOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  base: string;
  /** Request path; `{id}` is replaced by the URL-encoded id. Default `/child/{id}`. */
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
  const urlOf = (id: string) => new URL(path.replaceAll('{id}', encodeURIComponent(id)), base).href;
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
 * when `signal` aborts (the requests in flight are cancelled).
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
    const subscription = fetchAll(ids, options).subscribe({
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
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(counts);
      },
    });
    // Unsubscribing aborts the signals of the fetches in flight; queued ids never start.
    function onAbort() {
      subscription.unsubscribe();
      resolve({ ...counts, cancelled: true });
    }
    signal?.addEventListener('abort', onAbort, { once: true });
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

class UsageError extends Error {}

const USAGE = 'usage: pipeline.ts --base URL [--path /child/{id}] [--concurrency 4] [--timeout 5000] [ids.txt | -]';

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
      },
      allowPositionals: true,
    });
    if (!values.base) throw new UsageError('--base is required');
    if (positionals.length > 1) throw new UsageError(`one ids file at most, got ${positionals.length}`);
    options = {
      base: values.base,
      path: values.path,
      concurrency: positiveInteger('--concurrency', values.concurrency, 4),
      timeout: positiveInteger('--timeout', values.timeout, 5000),
    };
    file = positionals[0];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const ids = await readIds(file === undefined || file === '-' ? process.stdin : createReadStream(file));
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  const started = performance.now();
  const { fulfilled, rejected, cancelled } = await runPipeline(ids, process.stdout, {
    ...options,
    signal: interrupt.signal,
  });
  process.off('SIGINT', onSigint);
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

/**
 * A server-side pipeline: read ids as they come, fetch each one with a
 * concurrency limit and a per-request timeout, and write one NDJSON line per id
 * the moment it settles. Ids are read lazily (one when a request can start), so
 * output starts before the input ends, memory stays flat however many ids there
 * are, and an input that never ends (`tail -f ids.log | ...`) works.
 *
 *   tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT ids.txt
 *   tail -f ids.log | tsx examples/node-pipeline/pipeline.ts --base http://127.0.0.1:PORT --concurrency 8 --timeout 2000
 *
 * Options:
 *   --base URL          the server, http or https (required); may carry a path prefix
 *   --path TEMPLATE     appended to --base, `{id}` replaced by the URL-encoded id (default `/child/{id}`)
 *   --concurrency N     requests at once (default 4)
 *   --timeout MS        limit per request, counted from when it starts (default 5000)
 *   --grace MS          on SIGINT/SIGTERM, how long the requests in flight may run on (default 5000)
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
 * an ids file that cannot be read. SIGINT (Ctrl-C) or SIGTERM drains: no more
 * ids are read, the requests in flight run on for `--grace` ms and are then
 * cancelled (the server sees them aborted); a second signal cancels them at
 * once. The exit code is then 130 (SIGINT) or 143 (SIGTERM), and the lines
 * already written stay valid NDJSON. When the reader of stdout goes away
 * (`| head -3`), the next write finds out (as with any Unix tool): the requests
 * in flight are cancelled and the CLI exits quietly with 0.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { Subscription, type Observable } from 'rxjs';
// In an application: from 'rxjs-as-completed'.
import { AsCompletedTimeoutError, asCompletedWithTimeout, type LazyOrigin, type Settled } from '../../src/index.js';

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

/** The ids: an array, a generator, or an async iterable such as {@link readIds}. */
export type Ids = Iterable<string> | AsyncIterable<string>;

/**
 * The core: one settled record per id, in the order they finish. The ids are
 * read lazily: one each time a request can start (at most `concurrency` run),
 * and the mapper gets a signal that is aborted at its timeout or on
 * unsubscribe. `record.input` is the id.
 */
export function fetchAll(
  ids: Ids,
  options: PipelineOptions & { onStart?: (id: string) => void },
): Observable<Settled<unknown, LazyOrigin<string>>> {
  const { base, path = '/child/{id}', concurrency = 4, timeout = 5000, onStart } = options;
  // Appended, not resolved: `new URL('/child/1', 'https://host/api')` would drop `/api`.
  const prefix = base.replace(/\/+$/, '');
  const urlOf = (id: string) => `${prefix}${path.replaceAll('{id}', encodeURIComponent(id))}`;
  const fetchOne = (id: string, _index: number, signal: AbortSignal) => {
    onStart?.(id);
    return getJson(urlOf(id), signal);
  };
  return asCompletedWithTimeout(ids, fetchOne, { each: timeout, concurrency, emit: 'settled' });
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

/** What a run did. */
export interface PipelineResult {
  /** Ids read (each one was started: ids are read only when a request can start). */
  read: number;
  fulfilled: number;
  rejected: number;
  /** True when `signal` aborted the run: the `read - fulfilled - rejected` requests in flight were cancelled. */
  cancelled: boolean;
}

/**
 * Fetches every id and writes each settled record to `out` as one NDJSON line
 * as soon as it arrives. Resolves with the counts when the ids have ended and
 * every request has settled, or when `signal` aborts (the requests in flight
 * are cancelled). Rejects with `out`'s error if `out` fails (a closed pipe,
 * say), after cancelling the rest, and with the ids' error if reading them
 * fails. To drain (stop reading, let the requests in flight finish), end the
 * ids: {@link readIds} ends when its `stop` signal aborts.
 */
export function runPipeline(
  ids: Ids,
  out: Writable,
  options: PipelineOptions & { signal?: AbortSignal },
): Promise<PipelineResult> {
  const started = performance.now();
  const result: PipelineResult = { read: 0, fulfilled: 0, rejected: 0, cancelled: false };
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return resolve({ ...result, cancelled: true });
    // Unsubscribing aborts the signals of the fetches in flight; no more ids are
    // read. The listeners go on before subscribing (a run can finish inside
    // `subscribe`) and come off however the run ends.
    const subscription = new Subscription(() => {
      signal?.removeEventListener('abort', onAbort);
      out.off('error', onOutputError);
    });
    function onAbort() {
      subscription.unsubscribe();
      resolve({ ...result, cancelled: true });
    }
    function onOutputError(error: unknown) {
      subscription.unsubscribe();
      reject(error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    out.on('error', onOutputError);
    // The engine reads an id only to start its request: starts are the ids read.
    const onStart = () => void result.read++;
    const run = fetchAll(ids, { ...options, onStart }).subscribe({
      next: (record) => {
        const ms = Math.round(performance.now() - started);
        const id = record.input;
        const line: PipelineRecord =
          record.status === 'fulfilled'
            ? { index: record.index, id, status: 'fulfilled', value: record.value, ms }
            : { index: record.index, id, status: 'rejected', error: describeError(record.reason), ms };
        result[record.status]++;
        // process.stdout on a file or a pipe writes synchronously on Linux and macOS.
        out.write(`${JSON.stringify(line)}\n`);
      },
      // The ids could not be read; an input's failure is a record in 'settled' mode.
      error: (error) => {
        subscription.unsubscribe();
        reject(error);
      },
      complete: () => {
        subscription.unsubscribe();
        resolve(result);
      },
    });
    subscription.add(run);
  });
}

/** Reading the ids failed (after the file was opened). */
export class IdsReadError extends Error {
  override readonly name = 'IdsReadError';
  constructor(readonly reason: unknown) {
    super((reason as NodeJS.ErrnoException)?.code ?? String((reason as Error)?.message ?? reason));
  }
}

/**
 * The ids of a text stream as they arrive: one per line, blank lines and `#`
 * comments skipped. Lazy: a line is taken only when the consumer asks for the
 * next id, and readline pauses the stream while lines wait unread, so memory
 * stays flat. When `stop` aborts, the ids end: no more lines are read, the one
 * the consumer may be waiting for included (this is the graceful drain).
 */
export async function* readIds(input: Readable, stop?: AbortSignal): AsyncGenerator<string> {
  if (stop?.aborted) return;
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Closing the interface ends a pending read at once, even on a stdin that stays open.
  const close = () => lines.close();
  stop?.addEventListener('abort', close, { once: true });
  try {
    for await (const line of lines) {
      if (stop?.aborted) return;
      const id = line.trim();
      if (id !== '' && !id.startsWith('#')) yield id;
      if (stop?.aborted) return;
    }
  } catch (error) {
    throw new IdsReadError(error);
  } finally {
    stop?.removeEventListener('abort', close);
    lines.close();
  }
}

function positiveInteger(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} must be a whole number from ${min} up, got '${text}'`);
  }
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
  'usage: pipeline.ts --base URL [--path /child/{id}] [--concurrency 4] [--timeout 5000] [--grace 5000] [ids.txt | -]\n' +
  '       pipeline.ts --help';

/** What `--help` prints. */
const HELP = `${USAGE}

Fetches each id from --base + --path with at most --concurrency requests at once and
a --timeout per request, and writes one NDJSON line per id as each settles. Ids are
read as they come: one per line from the file, or stdin (none or '-'), which may
stay open; blank lines and # comments skipped.
SIGINT/SIGTERM drain: no more ids are read, the requests in flight get --grace ms to
finish, then are cancelled; a second signal cancels them at once.
Exit code: 0 all fetched, 1 some failed, 2 usage error or unreadable ids file,
130 SIGINT (Ctrl-C), 143 SIGTERM.
`;

/** Opens the ids file up front: a missing or unreadable file is the user's to fix, like a bad flag. */
async function openIds(file: string | undefined): Promise<Readable> {
  if (file === undefined || file === '-') return process.stdin;
  try {
    const handle = await open(file);
    return handle.createReadStream();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read the ids file '${file}' (${reason})`);
  }
}

const EXIT_ON: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export async function main(argv: string[]): Promise<number> {
  let options: PipelineOptions;
  let grace: number;
  let file: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        path: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        grace: { type: 'string' },
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
    grace = positiveInteger('--grace', values.grace, 5000, 0);
    file = positionals[0];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }

  let input: Readable;
  try {
    input = await openIds(file);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  // SIGINT/SIGTERM: drain (end the ids: nothing more is read), cancel what still runs after
  // the grace period; a second signal cancels at once.
  const drain = new AbortController();
  const interrupt = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => {
    if (stoppedBy !== undefined || grace === 0) interrupt.abort();
    else graceTimer = setTimeout(() => interrupt.abort(), grace);
    stoppedBy ??= name;
    drain.abort();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  // A closed stdout can report more than one write error; none may go unhandled.
  process.stdout.on('error', () => {});
  const started = performance.now();
  let result: PipelineResult;
  try {
    result = await runPipeline(readIds(input, drain.signal), process.stdout, { ...options, signal: interrupt.signal });
  } catch (error) {
    // The reader went away (`| head`): the requests in flight were cancelled.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    if (error instanceof IdsReadError) {
      process.stderr.write(`cannot read the ids file '${file ?? '-'}' (${error.message})\n`);
      return 2;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    clearTimeout(graceTimer);
    // An input that stays open (a pipe from `tail -f`) must not keep the process alive.
    input.destroy();
  }
  const { read, fulfilled, rejected, cancelled } = result;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const unfinished = read - fulfilled - rejected;
  process.stderr.write(
    `${fulfilled} fulfilled, ${rejected} rejected${cancelled ? `, ${unfinished} cancelled` : ''} ` +
      `(${read} ids${stoppedBy ? ` read before ${stoppedBy}` : ''}, ${seconds} s)\n`,
  );
  if (stoppedBy) return EXIT_ON[stoppedBy];
  return rejected > 0 ? 1 : 0;
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

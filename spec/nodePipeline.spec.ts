/**
 * End to end: examples/node-pipeline against the demo server, over real
 * sockets, as a function and as the CLI a user runs with tsx.
 */
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { now, startServer, type DemoServer } from '../demo/server.js';
import { readIds, runPipeline, type PipelineRecord } from '../examples/node-pipeline/pipeline.js';

const PIPELINE = resolve(__dirname, '../examples/node-pipeline/pipeline.ts');

/** A Writable that keeps every line written and when it was written. */
function collector() {
  const writes: { text: string; at: number }[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push({ text: chunk.toString(), at: now() });
      callback();
    },
  });
  return { out, writes, records: () => writes.map((w) => parseLine(w.text)) };
}

function parseLine(text: string): PipelineRecord {
  expect(text.endsWith('\n')).toBe(true);
  return JSON.parse(text) as PipelineRecord;
}

/** The records of an NDJSON text. */
const ndjson = (text: string): PipelineRecord[] =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as PipelineRecord);

/** Every value of an async iterable. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Waits until `ready()` holds, checking every 10 ms (up to 10 s). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
}

/** The server's log entries as `[tag, outcome]`, ordered by numeric tag. */
function byTag(entries: { tag: string; outcome: string }[]): string[][] {
  return entries.map((r) => [r.tag, r.outcome]).sort((a, b) => Number(a[0]) - Number(b[0]));
}

/** Starts the CLI under tsx, as a user would, with `stdin` as its input (left open with `open: true`). */
function startCli(args: string[], stdin = '', { open = false } = {}) {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), PIPELINE, ...args]);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, ...output }));
  });
  if (open) child.stdin.write(stdin);
  else child.stdin.end(stdin);
  return { child, exited, output };
}

describe('examples/node-pipeline', () => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('writes one NDJSON line per id as each settles, at most `concurrency` requests at once', async () => {
    // The id is the delay the server waits: with 2 slots, 10 and then 100 finish
    // before 300; 3000 outlives its 1000 ms limit.
    const { out, writes, records } = collector();
    const mark = server.log.mark();

    const counts = await runPipeline(['300', '10', '100', '3000'], out, {
      base: server.url,
      path: '/slow?ms={id}&tag={id}',
      concurrency: 2,
      timeout: 1000,
    });

    expect(counts).toEqual({ read: 4, fulfilled: 3, rejected: 1, cancelled: false });
    expect(records().map((r) => [r.id, r.index, r.status])).toEqual([
      ['10', 1, 'fulfilled'],
      ['100', 2, 'fulfilled'],
      ['300', 0, 'fulfilled'],
      ['3000', 3, 'rejected'],
    ]);
    expect(records()[0]).toMatchObject({ value: { tag: '10', ms: 10 } });
    expect(records()[3]).toMatchObject({ error: 'timed out after 1000 ms' });

    // Written as they arrive: the fast line was out before the slow request was answered.
    await server.log.idle();
    const log = server.log.since(mark);
    const slow = log.find((r) => r.tag === '300')!;
    expect(writes[0].at).toBeLessThan(slow.end!);
    expect(server.log.peak).toBeLessThanOrEqual(2);
    // The timed-out request was cancelled on the wire, not left running.
    expect(log.find((r) => r.tag === '3000')).toMatchObject({ outcome: 'aborted' });
    expect(log).toHaveLength(4);
  });

  it('reports HTTP errors as rejected lines and goes on', async () => {
    const { out, records } = collector();

    const counts = await runPipeline(['200', '503', '404'], out, { base: server.url, path: '/status/{id}?ms=5' });

    expect(counts).toEqual({ read: 3, fulfilled: 1, rejected: 2, cancelled: false });
    const byIndex = records().sort((a, b) => a.index - b.index);
    expect(byIndex).toMatchObject([
      { id: '200', status: 'fulfilled' },
      { id: '503', status: 'rejected', error: 'HTTP 503' },
      { id: '404', status: 'rejected', error: 'HTTP 404' },
    ]);
  });

  it('cancels the requests in flight and starts no more when its signal aborts', async () => {
    const { out, writes } = collector();
    const mark = server.log.mark();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);

    const counts = await runPipeline(['a', 'b', 'c', 'd'], out, {
      base: server.url,
      path: '/slow?ms=3000&tag={id}',
      concurrency: 2,
      signal: stop.signal,
    });

    // c and d were never read: ids are read only when a request can start.
    expect(counts).toEqual({ read: 2, fulfilled: 0, rejected: 0, cancelled: true });
    expect(writes).toEqual([]);
    expect(await server.log.idle()).toBe(true);
    expect(server.log.since(mark).map((r) => [r.tag, r.outcome])).toEqual([
      ['a', 'aborted'],
      ['b', 'aborted'],
    ]);
  });

  it('leaves no listener on its signal, even when the run ends inside subscribe', async () => {
    const stop = new AbortController();
    const { out } = collector();
    for (const ids of [[], ['x']]) {
      // No ids, or a base whose every URL is invalid: both finish synchronously.
      const base = ids.length === 0 ? server.url : 'http://[bad';
      await runPipeline(ids, out, { base, signal: stop.signal });
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
      expect(out.listenerCount('error')).toBe(0);
    }
  });

  it('appends the path to a base that has a path of its own', async () => {
    const { out, records } = collector();
    for (const base of [`${server.url}/status`, `${server.url}/status/`]) {
      const counts = await runPipeline(['200'], out, { base, path: '/{id}?ms=1' });
      expect(counts).toEqual({ read: 1, fulfilled: 1, rejected: 0, cancelled: false });
    }
    expect(records().map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  });

  it('rejects with the output error and cancels the requests in flight when the output fails', async () => {
    const mark = server.log.mark();
    const broken = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(broken);
      },
    });
    const run = runPipeline(['5', '3000', '3001'], out, {
      base: server.url,
      path: '/slow?ms={id}&tag={id}',
      concurrency: 2,
    });
    await expect(run).rejects.toBe(broken);
    expect(await server.log.idle()).toBe(true);
    // 3001 starts when 5 frees its slot, in the same turn as 5's line fails the output
    // (a stream reports a write error a tick later), so its request is aborted at the
    // server or, as fetch may not have sent it yet, never reaches it: timing decides.
    const seen = server.log.since(mark).map((r) => [r.tag, r.outcome]);
    expect(seen[0]).toEqual(['5', 'answered']);
    const cancelled = seen.slice(1).sort();
    expect(cancelled).toEqual(
      cancelled.length > 1
        ? [
            ['3000', 'aborted'],
            ['3001', 'aborted'],
          ]
        : [['3000', 'aborted']],
    );
  });

  it('reads one id per line, skipping blank lines and # comments', async () => {
    expect(await collect(readIds(Readable.from(['# ids\n', 'a\n\n', '  b  \r\n', 'c'])))).toEqual(['a', 'b', 'c']);
  });

  it('streams: writes lines while its input is still open, and drains when the ids end early', async () => {
    const { out, writes, records } = collector();
    const mark = server.log.mark();
    const input = new PassThrough();
    const stop = new AbortController();
    const run = runPipeline(readIds(input, stop.signal), out, {
      base: server.url,
      path: '/slow?ms={id}&tag={id}',
      concurrency: 2,
    });

    input.write('10\n');
    await until(() => writes.length === 1);
    input.write('20\n200\n');
    await until(() => writes.length === 2);
    // 200 is running and the input is still open: drain. Nothing more is read,
    // what runs finishes, then the run ends.
    await until(() => server.log.since(mark).length === 3);
    stop.abort();
    input.write('30\n');

    expect(await run).toEqual({ read: 3, fulfilled: 3, rejected: 0, cancelled: false });
    expect(records().map((r) => r.id)).toEqual(['10', '20', '200']);
    // Requests sent together reach the server in either order: compare by tag.
    expect(byTag(server.log.since(mark))).toEqual([
      ['10', 'answered'],
      ['20', 'answered'],
      ['200', 'answered'],
    ]);
    // The readline interface let go of the stream.
    expect(input.listenerCount('data')).toBe(0);
  });

  it('reads no more ids than it can start: a source that never ends is read one id per free slot', async () => {
    const { out } = collector();
    let read = 0;
    const stop = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        read++;
        yield String(i);
      }
    }
    const run = runPipeline(endless(), out, {
      base: server.url,
      path: '/slow?ms=50&tag={id}',
      concurrency: 3,
      signal: stop.signal,
    });
    await new Promise((r) => setTimeout(r, 120));
    stop.abort();
    const counts = await run;
    expect(counts.cancelled).toBe(true);
    // Two or three rounds of 50 ms, 3 at a time, and at most one id read ahead.
    expect(read).toBeLessThanOrEqual(counts.read + 1);
    expect(counts.read).toBeLessThanOrEqual(12);
    expect(await server.log.idle()).toBe(true);
  });

  it('runs as a CLI under tsx: ids from a file or stdin, NDJSON on stdout, summary on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
    try {
      const file = join(dir, 'ids.txt');
      await writeFile(file, '# delays in ms\n250\n10\n\n3000\n');
      const flags = ['--base', server.url, '--path', '/slow?ms={id}&tag={id}', '--timeout', '1000'];

      const [fromFile, fromStdin] = await Promise.all([
        startCli([...flags, file]).exited,
        startCli(flags, '250\n10\n').exited,
      ]);

      expect(ndjson(fromFile.stdout).map((r) => [r.id, r.status])).toEqual([
        ['10', 'fulfilled'],
        ['250', 'fulfilled'],
        ['3000', 'rejected'],
      ]);
      expect(fromFile.stderr).toMatch(/^2 fulfilled, 1 rejected \(3 ids, [\d.]+ s\)\n$/);
      expect(fromFile.code).toBe(1);

      expect(ndjson(fromStdin.stdout).map((r) => r.id)).toEqual(['10', '250']);
      expect(fromStdin.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('on Ctrl-C stops reading, gives the requests in flight --grace ms, then cancels them', async () => {
    const mark = server.log.mark();
    const flags = ['--base', server.url, '--path', '/slow?ms={id}&tag={id}', '--concurrency', '2', '--grace', '200'];
    const { child, exited } = startCli(flags, '10\n3000\n3001\n3002\n');

    // Once 10 has answered, 3000 and 3001 hold both slots; 3002 is not read yet.
    await until(() => server.log.since(mark).length >= 3 || child.exitCode !== null);
    child.kill('SIGINT');

    const { code, stdout, stderr } = await exited;
    expect(code).toBe(130);
    expect(ndjson(stdout).map((r) => r.id)).toEqual(['10']);
    expect(stderr).toMatch(/^1 fulfilled, 0 rejected, 2 cancelled \(3 ids read before SIGINT, [\d.]+ s\)\n$/);
    expect(await server.log.idle()).toBe(true);
    const log = server.log.since(mark);
    expect(log.map((r) => [r.tag, r.outcome])).toEqual([
      ['10', 'answered'],
      ['3000', 'aborted'],
      ['3001', 'aborted'],
    ]);
    // Cancelled at the end of the grace period, not at the signal.
    expect(log[1]!.end! - log[1]!.start).toBeGreaterThanOrEqual(150);
  }, 30_000);

  it('streams from a stdin that never ends, and drains on SIGTERM: what runs finishes, exit 143', async () => {
    const mark = server.log.mark();
    const flags = ['--base', server.url, '--path', '/slow?ms={id}&tag={id}', '--concurrency', '2'];
    const { child, exited, output } = startCli(flags, '10\n', { open: true });

    // Output while the input is still open.
    await until(() => output.stdout.includes('"id":"10"') || child.exitCode !== null);
    child.stdin.write('20\n');
    await until(() => output.stdout.includes('"id":"20"') || child.exitCode !== null);
    expect(child.exitCode).toBe(null);
    child.stdin.write('400\n401\n');
    await until(() => server.log.since(mark).length >= 4 || child.exitCode !== null);
    child.kill('SIGTERM');
    // Read no more: this id is never requested.
    child.stdin.write('5\n');

    const { code, stdout, stderr } = await exited;
    expect(code).toBe(143);
    expect(ndjson(stdout).map((r) => [r.id, r.status])).toEqual([
      ['10', 'fulfilled'],
      ['20', 'fulfilled'],
      ['400', 'fulfilled'],
      ['401', 'fulfilled'],
    ]);
    expect(stderr).toMatch(/^4 fulfilled, 0 rejected \(4 ids read before SIGTERM, [\d.]+ s\)\n$/);
    // Requests sent together reach the server in either order: compare by tag.
    expect(byTag(server.log.since(mark))).toEqual([
      ['10', 'answered'],
      ['20', 'answered'],
      ['400', 'answered'],
      ['401', 'answered'],
    ]);
  }, 30_000);

  it('cancels at once on a second signal, and ends at once on a signal with nothing in flight', async () => {
    const flags = ['--base', server.url, '--path', '/slow?ms={id}&tag={id}', '--grace', '20000'];
    // Nothing in flight: one id answered and stdin still open. Waiting for its line also
    // makes sure the CLI is past start-up (a signal before that meets Node's default
    // handler, which exits 143 silently).
    const idle = startCli(flags, '1\n', { open: true });
    await until(() => idle.output.stdout.includes('\n') || idle.child.exitCode !== null);
    const mark = server.log.mark();
    const busy = startCli(flags, '3000\n', { open: true });
    await until(() => server.log.since(mark).length >= 1 || busy.child.exitCode !== null);
    busy.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    busy.child.kill('SIGINT');
    idle.child.kill('SIGTERM');

    const [a, b] = await Promise.all([busy.exited, idle.exited]);
    expect({ code: a.code, stdout: a.stdout }).toEqual({ code: 130, stdout: '' });
    expect(a.stderr).toMatch(/^0 fulfilled, 0 rejected, 1 cancelled \(1 ids read before SIGINT, /);
    expect(await server.log.idle()).toBe(true);
    expect(server.log.since(mark).map((r) => [r.tag, r.outcome])).toEqual([['3000', 'aborted']]);
    expect(b.code).toBe(143);
    expect(ndjson(b.stdout).map((r) => [r.id, r.status])).toEqual([['1', 'fulfilled']]);
    expect(b.stderr).toMatch(/^1 fulfilled, 0 rejected \(1 ids read before SIGTERM, /);
  }, 30_000);

  it('exits with 2 and the usage on a bad flag or base, and on an ids file it cannot read', async () => {
    const [badFlag, badBase, noFile, directory, badGrace] = await Promise.all([
      startCli(['--base', server.url, '--concurrency', '0']).exited,
      startCli(['--base', 'ftp://example.com', 'ids.txt']).exited,
      startCli(['--base', server.url, join(tmpdir(), 'no-such-ids-file.txt')]).exited,
      startCli(['--base', server.url, tmpdir()]).exited,
      startCli(['--base', server.url, '--grace', 'soon']).exited,
    ]);
    expect({ code: badFlag.code, stdout: badFlag.stdout }).toEqual({ code: 2, stdout: '' });
    expect(badFlag.stderr).toMatch(/--concurrency must be a whole number from 1 up, got '0'\nusage: /);
    expect({ code: badBase.code, stdout: badBase.stdout }).toEqual({ code: 2, stdout: '' });
    expect(badBase.stderr).toMatch(/--base must be an http:\/\/ or https:\/\/ URL, got 'ftp:\/\/example.com'\nusage: /);
    expect({ code: noFile.code, stdout: noFile.stdout }).toEqual({ code: 2, stdout: '' });
    expect(noFile.stderr).toMatch(/^cannot read the ids file '.*no-such-ids-file.txt' \(ENOENT\)\n$/);
    // Opened fine, but reading fails once the run has started: the same message and code.
    expect({ code: directory.code, stdout: directory.stdout }).toEqual({ code: 2, stdout: '' });
    expect(directory.stderr).toMatch(/^cannot read the ids file '.*' \(EISDIR\)\n$/);
    expect(badGrace.code).toBe(2);
    expect(badGrace.stderr).toMatch(/--grace must be a whole number from 0 up, got 'soon'\nusage: /);
  }, 30_000);

  it('prints its help with --help and exits 0', async () => {
    const { code, stdout, stderr } = await startCli(['--help']).exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^usage: pipeline.ts --base URL/);
    expect(stdout).toMatch(/Exit code: 0 all fetched, 1 some failed, 2 usage error/);
  }, 30_000);

  it('exits quietly with 0 and cancels the requests in flight when its reader goes away', async () => {
    const mark = server.log.mark();
    const flags = ['--base', server.url, '--path', '/slow?ms={id}&tag={id}', '--concurrency', '2'];
    const { child, exited } = startCli(flags, '10\n300\n3001\n3002\n');
    // Like `| head -1`: read the first line, then close the pipe. A pipe tells
    // the writer only at its next write: when 300 answers.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();

    const { code, stderr } = await exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(await server.log.idle()).toBe(true);
    const log = server.log.since(mark);
    expect(log.slice(0, 3).map((r) => [r.tag, r.outcome])).toEqual([
      ['10', 'answered'],
      ['300', 'answered'],
      ['3001', 'aborted'],
    ]);
    // 3002 may have started in 300's slot before the failed write came back: if so, it was cancelled too.
    expect(log.slice(3).map((r) => [r.tag, r.outcome])).toEqual(log.length > 3 ? [['3002', 'aborted']] : []);
  }, 30_000);
});

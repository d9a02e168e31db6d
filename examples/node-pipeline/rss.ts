/**
 * Measures the pipeline's memory on a long input: starts the demo server, runs
 * the CLI (one Node process, no tsx wrapper) with N ids written to its stdin as
 * it takes them, and reports its peak RSS (VmHWM, Linux) and its time.
 *
 *   tsx examples/node-pipeline/rss.ts 10000 1000000      # N values; default 1e4 and 1e6
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { startServer } from '../../demo/server.js';

const PIPELINE = resolve(__dirname, 'pipeline.ts');

/** Peak resident set size of a live process, in KB (Linux). */
function peakRss(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function measure(url: string, n: number, concurrency: number) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', PIPELINE, '--base', url, '--concurrency', String(concurrency)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let lines = 0;
  let firstLineAt: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    firstLineAt ??= performance.now() - started;
    for (const byte of chunk) if (byte === 10) lines++;
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!) ?? 0)), 50);
  const exited = once(child, 'close');
  // The ids, written as the pipe takes them.
  for (let i = 0; i < n; i++) {
    if (!child.stdin.write(`${i}\n`)) await once(child.stdin, 'drain');
  }
  child.stdin.end();
  const [code] = (await exited) as [number];
  clearInterval(poll);
  return {
    n,
    code,
    lines,
    peakMB: peak / 1024,
    seconds: (performance.now() - started) / 1000,
    firstLineAt,
    stderr: stderr.trim(),
  };
}

async function main() {
  const sizes = process.argv.slice(2).map(Number);
  const server = await startServer();
  try {
    for (const n of sizes.length ? sizes : [1e4, 1e6]) {
      const r = await measure(server.url, n, 64);
      console.log(
        `N=${n}: peak RSS ${r.peakMB.toFixed(1)} MB, ${r.lines} lines, exit ${r.code}, ${r.seconds.toFixed(1)} s, ` +
          `first line after ${Math.round(r.firstLineAt ?? NaN)} ms; ${r.stderr}`,
      );
    }
  } finally {
    await server.close();
  }
}

void main();

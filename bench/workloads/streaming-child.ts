/**
 * Workload 7's heap, one measurement in a fresh process:
 *   node --expose-gc --import tsx bench/workloads/streaming-child.ts <contender> <N>
 * Prints one JSON line: the live heap (after a full GC) before the run, its
 * peak while the contender streams N ids (sampled with a full GC after
 * attaching, every N/8 results and at completion), and after completion with
 * the contender's handle kept alive. Code spaces are left out.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { macrotask } from '../drivers.js';
import { asyncIds, CountingSink, streamStarters } from './streaming.js';

const preciseGc = (globalThis as { gc?: () => void }).gc!;

/**
 * Live heap without the code spaces: code optimized during the run (more of it
 * at 1e6 than after the 1e4 warm-up) is not state the contender holds.
 */
function live(): number {
  preciseGc();
  preciseGc();
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('code')) used += space.space_used_size;
  }
  return used;
}

async function main(): Promise<void> {
  const [key, nText, limitText = '64'] = process.argv.slice(2);
  const start = streamStarters[key!];
  if (!start) throw new Error(`unknown contender ${key}`);
  const n = Number(nText);
  const limit = Number(limitText);
  // Compile the code paths first, so code and feedback are not counted.
  for (let r = 0; r < 2; r++) {
    const warm = new CountingSink();
    void start(asyncIds(1e4), limit, warm);
    await warm.finished;
  }
  await macrotask();
  const base = live();
  let peak = base;
  const sample = () => {
    peak = Math.max(peak, live());
  };
  let sink: CountingSink | undefined = new CountingSink(Math.max(1, Math.floor(n / 8)), sample);
  const t0 = performance.now();
  const handle = start(asyncIds(n), limit, sink);
  sample();
  await sink.finished;
  const ms = performance.now() - t0;
  sample();
  const problem = sink.problem(n);
  sink = undefined;
  await macrotask();
  await macrotask();
  const end = live();
  const kept = handle !== null;
  process.stdout.write(
    `${JSON.stringify({ key, n, base, peak, end, peakAbove: peak - base, retained: end - base, kept, ms, problem })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

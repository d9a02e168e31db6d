/**
 * Workload 5, one measurement in a fresh process:
 *   node --expose-gc --import tsx bench/workloads/memory-child.ts <contender> <N> <seed>
 * Prints one JSON line: the live heap (after a full GC) before the inputs exist,
 * with the inputs created, the peak while the contender runs (sampled with
 * a full GC after attaching, after the resolve loop, every N/4 results and at
 * completion), and after completion once the bench has dropped the inputs and
 * the results (the contender's subscription handle is kept alive).
 */
import { getHeapStatistics } from 'node:v8';
import { deferreds, macrotask } from '../drivers.js';
import { permutation } from '../prng.js';
import { Sink } from '../sink.js';
import { attachers, runPromises, type Attach } from './promises.js';

/**
 * A precise full GC: a bare `gc()`, which also finishes sweeping, so the used
 * heap counts live objects only. (`gc({ type: 'major' })`, which the timing
 * harness uses to keep compiled code, may leave garbage on unswept pages.)
 */
const preciseGc = (globalThis as { gc?: () => void }).gc!;

function live(): number {
  preciseGc();
  preciseGc();
  return getHeapStatistics().used_heap_size;
}

class SamplingSink extends Sink<unknown> {
  constructor(
    private readonly every: number,
    private readonly sample: () => void,
  ) {
    super();
  }
  override next(value: unknown): void {
    super.next(value);
    if (this.out.length % this.every === 0) this.sample();
  }
}

async function main(): Promise<void> {
  const [name, nText, seedText] = process.argv.slice(2);
  const attach = (attachers as Record<string, Attach>)[name];
  if (!attach) throw new Error(`unknown contender ${name}`);
  const n = Number(nText);
  const seed = Number(seedText);
  // Compile the code paths first, so code and feedback are not counted as retained.
  await runPromises(1000, seed, attach, { ordered: false });
  await runPromises(1000, seed, attach, { ordered: false });
  const perm = permutation(n, seed);
  await macrotask();
  const start = live();

  let { promises, resolvers } = deferreds(n);
  const withInputs = live();
  let peak = withInputs;
  const samples: number[] = [];
  const sample = () => {
    const h = live();
    samples.push(Math.round((h - withInputs) / 1024));
    peak = Math.max(peak, h);
  };
  let sink: SamplingSink | undefined = new SamplingSink(Math.max(1, Math.floor(n / 4)), sample);
  const t0 = performance.now();
  const handle = attach(promises, sink);
  sample();
  for (let k = 0; k < n; k++) resolvers[perm[k]](perm[k]);
  sample();
  while (!sink.done) await macrotask();
  const ms = performance.now() - t0;
  sample();
  const problem = sink.problem(n);

  sink = undefined;
  promises = resolvers = [];
  await macrotask();
  await macrotask();
  const end = live();
  const kept = handle !== undefined;
  process.stdout.write(
    `${JSON.stringify({ name, n, start, withInputs, peak, end, peakAboveInputs: peak - withInputs, retained: end - start, kept, ms, problem, samplesKB: samples })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

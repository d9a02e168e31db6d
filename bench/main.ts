/**
 * The benchmark: `npm run bench` (full, several minutes) or
 * `npm run bench -- --quick` (under a minute).
 *
 * Options: --quick, --only=w1,w2,... (w1..w8), --filter=<regex> (contender
 * names; baselines always run), --seed=N, --no-json, --node=<major> (run the
 * whole suite under that Node line, fetched by scripts/node-line.sh).
 * Prints one table per workload and the targets, and writes the whole record
 * as JSON to bench/results/ (git-ignored); `npm run bench:table` turns those
 * records into the README's table.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureAbortCost, type AbortCost } from './workloads/abort.js';
import { fanOutCases } from './workloads/fanout.js';
import { factoryCases } from './workloads/factories.js';
import { memoryTable, runMemory, type MemoryRow } from './workloads/memory.js';
import { observableCases } from './workloads/observables.js';
import { promiseCases } from './workloads/promises.js';
import { measureSizes, type SizeRow } from './workloads/size.js';
import {
  lazinessCases,
  missingStreams,
  probeStreams,
  streamingCases,
  type StreamSupport,
} from './workloads/streaming.js';
import { runStreamMemory, streamMemoryTable, type StreamMemoryRow } from './workloads/streaming-memory.js';
import { fmtBytes, fmtMs, fmtN, hasGc, runCase, table, timingTable, type Case, type Row } from './harness.js';
import { describeMachine, machine } from './machine.js';
import { SEED } from './prng.js';
import { evaluateTargets, targetsTable } from './targets.js';

const ROOT = resolve(__dirname, '..');

export interface Config {
  mode: 'quick' | 'full';
  /** Timed runs per contender, by N. */
  reps: (n: number) => number;
  warmupN: number;
  /** A run slower than this is not repeated. */
  slowMs: number;
  w1Sizes: number[];
  w2Sizes: number[];
  w3Sizes: number[];
  w4Items: number;
  w4Children: number;
  limit: number;
  mergeAllMax: number;
  mergeAllReps: number;
  raceMax: number;
  mergeMapMax: number;
  mergeMapReps: number;
  memoryN: number;
  memoryRuns: number;
  memoryMergeAllMax: number;
  /** Workload 7: timed sizes, and the sizes and runs of its heap measurement. */
  w7Sizes: number[];
  w7MemorySizes: number[];
  w7MemoryRuns: number;
  /** Workload 8: factories. */
  w8N: number;
  skipReason?: string;
}

const FULL: Config = {
  mode: 'full',
  reps: (n) => (n <= 2e4 ? 11 : n <= 2e5 ? 7 : 5),
  warmupN: 2e4,
  slowMs: 20_000,
  w1Sizes: [1e4, 1e5, 1e6],
  w2Sizes: [1e5, 1e6],
  w3Sizes: [1e5],
  w4Items: 1e4,
  w4Children: 10,
  limit: 64,
  mergeAllMax: 1e5,
  mergeAllReps: 3,
  raceMax: 2e4,
  mergeMapMax: 1e5,
  mergeMapReps: 3,
  memoryN: 1e6,
  memoryRuns: 3,
  memoryMergeAllMax: 1e5,
  w7Sizes: [1e5, 1e6],
  w7MemorySizes: [1e5, 1e6],
  w7MemoryRuns: 3,
  w8N: 1e6,
};

const QUICK: Config = {
  mode: 'quick',
  reps: (n) => (n <= 2e4 ? 5 : 3),
  warmupN: 1e4,
  slowMs: 5_000,
  w1Sizes: [1e4, 1e5],
  w2Sizes: [1e5],
  w3Sizes: [2e4],
  w4Items: 2e3,
  w4Children: 10,
  limit: 64,
  mergeAllMax: 1e4,
  mergeAllReps: 1,
  raceMax: 0,
  mergeMapMax: 2e4,
  mergeMapReps: 1,
  memoryN: 1e5,
  memoryRuns: 1,
  memoryMergeAllMax: 0,
  w7Sizes: [1e5],
  w7MemorySizes: [1e4, 1e5],
  w7MemoryRuns: 1,
  w8N: 1e5,
  skipReason: 'quick mode',
};

interface Args {
  quick: boolean;
  /** Only contenders whose name matches (baselines always run). */
  filter: RegExp | undefined;
  only: Set<string> | undefined;
  seed: number;
  json: boolean;
  /** Node major line to run under (re-executes this script with that binary). */
  node: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, filter: undefined, only: undefined, seed: SEED, json: true, node: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--node') args.node = argv[++i];
    else if (arg.startsWith('--node=')) args.node = arg.slice(7);
    else if (arg === '--no-json') args.json = false;
    else if (arg.startsWith('--only=')) args.only = new Set(arg.slice(7).split(','));
    else if (arg.startsWith('--seed=')) args.seed = Number(arg.slice(7));
    else if (arg.startsWith('--filter=')) args.filter = new RegExp(arg.slice(9));
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'npm run bench -- [--quick] [--only=w1,w2,w3,w4,w5,w6,w7,w8] [--filter=<regex on contender names>] [--seed=N] [--no-json] [--node <major>]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (args.node !== undefined && !/^\d+$/.test(args.node)) {
    throw new Error(`Expected --node to be a Node major version such as 24, got ${args.node}`);
  }
  return args;
}

/**
 * `--node 24` on another Node: fetch that line (cached) and run this very
 * script under it with the same flags, so every workload, the memory child
 * processes included (they use process.execPath), runs on it.
 */
function reexecUnder(major: string, argv: string[]): number {
  const bin = execFileSync('bash', [join(ROOT, 'scripts', 'node-line.sh'), major], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  // The flag goes along: the child sees its own major and runs (and records the flag in `command`).
  const result = spawnSync(bin, [...process.execArgv, __filename, ...argv], { stdio: 'inherit', cwd: ROOT });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export interface Results {
  startedAt: string;
  seconds: number;
  command: string;
  config: Omit<Config, 'reps'> & { repsBySize: Record<string, number> };
  seed: number;
  machine: ReturnType<typeof machine>;
  abortController: AbortCost | null;
  timings: Row[];
  memory: MemoryRow[];
  sizes: SizeRow[];
  /** Workload 7's heap per contender and N. */
  streamMemory: StreamMemoryRow[];
  /** Which streaming forms the build under test had (contenders it lacked were not run). */
  streamSupport: StreamSupport | null;
  targets: ReturnType<typeof evaluateTargets>;
}

const TITLES: Record<string, string> = {
  w1: 'Workload 1: N pending promises, unlimited, resolved in a seeded random order',
  w2: 'Workload 2: N factories returning promises, concurrency 64',
  w3: 'Workload 3: N Subjects (one value, then complete) completed in a seeded random order',
  w4: 'Workload 4: two-stage fan-out, items x children',
  w7: 'Workload 7: streaming, N ids from an async generator, concurrency 64, work that resolves at once',
  w8: 'Workload 8: the cost of laziness, N factories at concurrency 64 from a sync generator vs an array',
};

const NOTES: Record<string, string[]> = {
  w1: [
    'Clock: from attaching to the completion callback; the promises are created before it starts and resolved in one synchronous loop in permutation order.',
    'Baseline: `p.then(onValue, onError)` with two shared callbacks, pushing to an array (the floor).',
  ],
  w2: [
    'Driver: each event-loop turn resolves every running factory, in a seeded random order; contenders refill their slots in between.',
    'Baseline: a hand-written pump (counter + index, start the next on settle) that passes NO AbortSignal.',
    'The "+ AbortController each" pump creates one controller per started factory, as the package does for factories: the gap between the two pump rows is the cost of the signals.',
    'asCompleted runs twice: with factories `() => p` and with factories `(signal) => p` (declaring the signal, still ignoring it).',
  ],
  w3: ['Baseline: one plain observer object per Subject that keeps its last value and pushes it on complete.'],
  w4: [
    'Every stage-1 and stage-2 call is a deferred of the pool driver (rounds as in workload 2); per input = per call.',
    'Baseline: hand-written loops with no AbortSignal. The `first`/`then` callbacks given to mergeCompletedThen declare no signal parameter: `(item, index) => ...`, `(child) => ...`.',
    'rxjs cannot share one budget across stages; with per-stage caps it runs `mergeMap(first, 64) -> mergeMap(list => list) -> mergeMap(then, 64)`.',
  ],
  w7: [
    'Source: `async function* ids(n) { for (let i = 0; i < n; i++) yield i }`; work: `(id) => Promise.resolve(id)`; results counted and summed, not kept.',
    "Baseline: a hand-written async pool (one `next()` at a time while fewer than 64 run) that hands every call an AbortSignal (one AbortController per call, kept while it runs): the package's contract. The same pool without signals is the row below it.",
    'asCompleted runs in the mapper form, `asCompleted(ids, (id, i, signal) => work(id), { concurrency: 64 })`, read with `subscribe` and with `for await`.',
    'rxjs `from(asyncIterable)` reads ahead without backpressure: `mergeMap` buffers what it cannot start.',
  ],
  w8: [
    "Workload 2's factories and pool driver; the generator hands out the very factory objects of the array, one per `next()`, so the difference is the lazy reading itself.",
  ],
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.node !== undefined && process.versions.node.split('.')[0] !== args.node) {
    process.exitCode = reexecUnder(args.node, process.argv.slice(2));
    return;
  }
  const config = args.quick ? QUICK : FULL;
  const wanted = (w: string) => !args.only || args.only.has(w);
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out: string[] = [];
  const print = (text = '') => {
    out.push(text);
    console.log(text);
  };

  if (!hasGc) log('warning: run with --expose-gc (npm run bench does) so gc() runs between runs');
  const m = machine(ROOT);
  const major = process.versions.node.split('.')[0];
  const flags = [
    args.quick && '--quick',
    args.only && `--only=${[...args.only].join(',')}`,
    args.node && `--node ${major}`,
  ]
    .filter(Boolean)
    .join(' ');
  const command = `npm run bench${flags ? ` -- ${flags}` : ''}`;
  print(`rxjs-as-completed benchmark (${config.mode}), seed ${args.seed}`);
  print(`Machine: ${describeMachine(m)}`);
  print(`Command: ${command}`);
  print();

  const timings: Row[] = [];
  const runCases = async (key: string, cases: Case[]) => {
    if (!wanted(key)) return;
    log(`${TITLES[key]} ...`);
    const rows: Row[] = [];
    for (const c of cases) {
      if (args.filter) c.contenders = c.contenders.filter((x) => x.baseline || args.filter!.test(x.name));
      rows.push(...(await runCase(c, { reps: config.reps(c.n), warmupN: config.warmupN, slowMs: config.slowMs, log })));
    }
    annotateExtrapolations(rows);
    timings.push(...rows);
    print(`## ${TITLES[key]}`);
    print();
    print(timingTable(rows));
    for (const note of NOTES[key] ?? []) print(`- ${note}`);
    const checked = rows.filter((r) => r.sameWork !== null);
    if (checked.length > 0 && checked.every((r) => r.sameWork)) {
      print(
        "- Same work: every contender saw the same resolution order (driver hash matched the baseline's in every run).",
      );
    }
    if (rows.some((r) => r.problem)) print('- WRONG OUTPUT in at least one row: see the note column.');
    print();
  };

  let abortCost: AbortCost | null = null;
  if (wanted('w2') || wanted('w4')) abortCost = await measureAbortCost(args.quick ? 5e4 : 2e5, args.quick ? 3 : 5);

  await runCases(
    'w1',
    promiseCases(config.w1Sizes, args.seed, {
      mergeAllMax: config.mergeAllMax,
      mergeAllReps: config.mergeAllReps,
      raceMax: config.raceMax,
      skipReason: config.skipReason,
    }),
  );
  if (abortCost && wanted('w2')) {
    NOTES.w2.push(
      `One \`new AbortController()\` + \`.signal\` costs ${(abortCost.controllerAndSignalNs / 1000).toFixed(2)} µs here ` +
        `(a plain object with a Map: ${abortCost.plainObjectNs.toFixed(0)} ns).`,
    );
  }
  await runCases(
    'w2',
    factoryCases(config.w2Sizes, config.limit, args.seed, {
      mergeMapMax: config.mergeMapMax,
      mergeMapReps: config.mergeMapReps,
      skipReason: config.skipReason,
    }),
  );
  await runCases('w3', observableCases(config.w3Sizes, args.seed, config.mergeAllReps));
  TITLES.w4 = `Workload 4: two-stage fan-out, ${fmtN(config.w4Items)} items x ${config.w4Children} children`;
  await runCases('w4', fanOutCases(config.w4Items, config.w4Children, config.limit, args.seed));

  let streamSupport: StreamSupport | null = null;
  let streamMemory: StreamMemoryRow[] = [];
  if (wanted('w7')) {
    streamSupport = await probeStreams();
    const lacks = missingStreams(streamSupport);
    if (lacks.length > 0) NOTES.w7.push(`This build lacks ${lacks.join(' and ')}: those rows were not run.`);
    await runCases('w7', streamingCases(config.w7Sizes, config.limit, streamSupport));
    log('Workload 7: heap ...');
    streamMemory = await runStreamMemory(
      ROOT,
      config.w7MemorySizes,
      config.w7MemoryRuns,
      config.limit,
      streamSupport,
      log,
      args.filter,
    );
    print(`## Workload 7: heap while streaming (a child process per run, ${config.w7MemoryRuns} run(s) each)`);
    print();
    print(streamMemoryTable(streamMemory));
    print(
      '- Live heap after a full GC, sampled after attaching, every N/8 results and at completion, minus the heap before the run (after a warm-up): what the contender holds while streaming. It must not grow with N.',
    );
    print('- "retained": heap after completion with the handle kept, minus before the run.');
    print();
  }
  await runCases('w8', lazinessCases(config.w8N, config.limit, args.seed));

  let memory: MemoryRow[] = [];
  if (wanted('w5')) {
    log('Workload 5: memory ...');
    memory = await runMemory(
      ROOT,
      config.memoryN,
      config.memoryRuns,
      args.seed,
      log,
      config.memoryMergeAllMax,
      args.filter,
    );
    print(`## Workload 5: memory of workload 1 at N=${fmtN(config.memoryN)} (a child process per run)`);
    print();
    print(memoryTable(memory));
    print(
      '- Live heap after a full GC, sampled after attaching, after the resolve loop, every N/4 results and at completion.',
    );
    print(
      '- "peak above inputs": the peak minus the heap with the N pending promises created (what the contender and the output array add).',
    );
    print(
      '- "retained": heap after completion, with the inputs and results dropped by the bench and the subscription kept, minus the heap before the inputs existed.',
    );
    print();
  }

  let sizes: SizeRow[] = [];
  if (wanted('w6')) {
    log('Workload 6: size ...');
    sizes = await measureSizes(ROOT);
    print('## Workload 6: size (esbuild bundle, ESM, minified, rxjs external; gzip -9)');
    print();
    print(
      table(
        ['entry', 'exports', 'minified', 'min+gzip'],
        sizes.map((s) => [s.entry, s.exports, fmtBytes(s.minified), `${fmtBytes(s.gzipped)} (${s.gzipped} B)`]),
        'llrr',
      ),
    );
    print();
  }

  const targets = evaluateTargets(timings, memory, sizes, streamMemory);
  print('## Targets');
  print();
  print(targetsTable(targets));
  print();
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  print(`Finished in ${seconds} s.`);

  if (args.json) {
    const results: Results = {
      startedAt: new Date(started).toISOString(),
      seconds,
      command,
      config: { ...config, repsBySize: Object.fromEntries([1e4, 1e5, 1e6].map((n) => [fmtN(n), config.reps(n)])) },
      seed: args.seed,
      machine: m,
      abortController: abortCost,
      timings,
      memory,
      sizes,
      streamMemory,
      streamSupport,
      targets,
    };
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = results.startedAt.replace(/[:.]/g, '-');
    const json = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(join(dir, `${config.mode}-${stamp}.json`), json);
    writeFileSync(join(dir, `latest-${config.mode}.json`), json);
    writeFileSync(join(dir, `latest-${config.mode}.md`), `${out.join('\n')}\n`);
    // Per Node line too, for the README table (Node 24 columns, Node 20 for W2/W4). A run of some
    // workloads only (`--only=w7,w8`) is kept apart: bench:table lays it over the whole run's record.
    const part = args.only ? `-only-${[...args.only].sort().join('-')}` : '';
    writeFileSync(join(dir, `latest-${config.mode}-node${major}${part}.json`), json);
    log(
      `Wrote bench/results/${config.mode}-${stamp}.json (and latest-${config.mode}.json / .md, latest-${config.mode}-node${major}${part}.json)`,
    );
  }
}

/**
 * For a quadratic contender skipped at the largest N, estimate its time from
 * the growth between the two smaller sizes it did run at.
 */
function annotateExtrapolations(rows: Row[]): void {
  for (const row of rows) {
    if (!row.skip || !row.skip.includes('minutes')) continue;
    const ran = rows
      .filter((r) => r.contender === row.contender && r.medianMs !== null && r.n < row.n)
      .sort((a, b) => a.n - b.n);
    if (ran.length === 0) continue;
    const last = ran[ran.length - 1];
    const growth =
      ran.length >= 2
        ? Math.log(last.medianMs! / ran[ran.length - 2].medianMs!) / Math.log(last.n / ran[ran.length - 2].n)
        : 2;
    const exponent = Math.max(1, Math.min(2, growth));
    const estimate = last.medianMs! * (row.n / last.n) ** exponent;
    row.note = [row.note, `~${fmtMs(estimate)} extrapolated from N=${fmtN(last.n)} (time ~ N^${exponent.toFixed(1)})`]
      .filter(Boolean)
      .join('; ');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

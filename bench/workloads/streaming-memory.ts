/**
 * Workload 7's heap: each contender streams N ids in its own child process
 * (see streaming-child.ts), at each N, several times; medians are reported.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fmtBytes, fmtN, fmtRatio, median, table } from '../harness.js';
import { W7_CONTENDERS, type StreamSupport } from './streaming.js';

interface ChildSample {
  key: string;
  n: number;
  peakAbove: number;
  retained: number;
  ms: number;
  problem?: string;
}

export interface StreamMemoryRow {
  contender: string;
  key: string;
  n: number;
  runs: number;
  /** Peak live heap above the heap before the run (median of the runs). */
  peakAbove: number | null;
  /** Live heap after completion minus before the run, the handle kept. */
  retained: number | null;
  baseline: boolean;
  skip?: string;
  problem?: string;
}

function child(root: string, key: string, n: number, limit: number): Promise<ChildSample> {
  const script = join(root, 'bench', 'workloads', 'streaming-child.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--no-flush-bytecode', '--import', 'tsx', script, key, String(n), String(limit)],
      { cwd: root, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`streaming child ${key} failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ChildSample);
      },
    );
  });
}

export async function runStreamMemory(
  root: string,
  sizes: number[],
  runs: number,
  limit: number,
  support: StreamSupport,
  log: (line: string) => void,
  filter?: RegExp,
): Promise<StreamMemoryRow[]> {
  const rows: StreamMemoryRow[] = [];
  for (const n of sizes) {
    for (const c of W7_CONTENDERS) {
      if (filter && !c.baseline && !filter.test(c.name)) continue;
      const row: StreamMemoryRow = {
        contender: c.name,
        key: c.key,
        n,
        runs: 0,
        peakAbove: null,
        retained: null,
        baseline: c.baseline === true,
      };
      if (c.needs && !support[c.needs]) {
        rows.push({ ...row, skip: 'not in this build' });
        continue;
      }
      const samples: ChildSample[] = [];
      for (let r = 0; r < runs; r++) samples.push(await child(root, c.key, n, limit));
      row.runs = runs;
      row.peakAbove = median(samples.map((s) => s.peakAbove));
      row.retained = median(samples.map((s) => s.retained));
      row.problem = samples.find((s) => s.problem)?.problem;
      rows.push(row);
      log(`  w7 heap N=${fmtN(n)} ${c.name}: peak +${fmtBytes(row.peakAbove)}, retained ${fmtBytes(row.retained)}`);
    }
  }
  return rows;
}

export function streamMemoryTable(rows: StreamMemoryRow[]): string {
  const base = (n: number) => rows.find((r) => r.baseline && r.n === n)?.peakAbove ?? null;
  const smallest = Math.min(...rows.map((r) => r.n));
  const atSmallest = (key: string) => rows.find((r) => r.key === key && r.n === smallest)?.peakAbove ?? null;
  return table(
    [
      'N',
      'contender',
      'peak heap above start',
      'vs baseline',
      `vs its own at ${fmtN(smallest)}`,
      'retained',
      'runs',
      'note',
    ],
    rows.map((r) => {
      const b = base(r.n);
      const own = atSmallest(r.key);
      return [
        fmtN(r.n),
        r.baseline ? `${r.contender} (baseline)` : r.contender,
        r.peakAbove === null ? 'not run' : fmtBytes(r.peakAbove),
        r.peakAbove === null || !b ? '-' : fmtRatio(r.peakAbove / b),
        r.peakAbove === null || !own || r.n === smallest ? '-' : fmtRatio(r.peakAbove / own),
        r.retained === null ? '-' : fmtBytes(r.retained),
        String(r.runs),
        [r.skip, r.problem && `WRONG OUTPUT: ${r.problem}`].filter(Boolean).join('; '),
      ];
    }),
    'llrrrrrl',
  );
}

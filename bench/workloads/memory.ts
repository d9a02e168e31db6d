/**
 * Workload 5: memory of workload 1, each contender measured in its own child
 * process (see memory-child.ts), several times; the median is reported.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fmtBytes, fmtN, fmtRatio, median, table } from '../harness.js';

export interface MemorySample {
  name: string;
  n: number;
  start: number;
  withInputs: number;
  peak: number;
  end: number;
  peakAboveInputs: number;
  retained: number;
  ms: number;
  problem?: string;
}

export interface MemoryRow {
  contender: string;
  key: string;
  n: number;
  runs: number;
  inputsBytes: number | null;
  peakAboveInputs: number | null;
  peakRatio: number | null;
  retained: number | null;
  baseline: boolean;
  skip?: string;
  problem?: string;
}

export const MEMORY_CONTENDERS: Array<{ key: string; name: string; baseline?: boolean }> = [
  { key: 'bareLoop', name: 'bare .then loop', baseline: true },
  { key: 'asCompleted', name: 'asCompleted' },
  { key: 'asCompletedTagged', name: "asCompleted emit:'tagged'" },
  { key: 'mergeAll', name: 'rxjs from(ps).pipe(mergeAll())' },
];

function child(root: string, key: string, n: number, seed: number): Promise<MemorySample> {
  const script = join(root, 'bench', 'workloads', 'memory-child.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', script, key, String(n), String(seed)],
      { cwd: root, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`memory child ${key} failed: ${stderr || error.message}`));
        const line = stdout.trim().split('\n').pop()!;
        resolve(JSON.parse(line) as MemorySample);
      },
    );
  });
}

export async function runMemory(
  root: string,
  n: number,
  runs: number,
  seed: number,
  log: (line: string) => void,
  mergeAllMax: number,
  filter?: RegExp,
): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const c of MEMORY_CONTENDERS) {
    if (filter && !c.baseline && !filter.test(c.name)) continue;
    if (c.key === 'mergeAll' && n > mergeAllMax) {
      rows.push({
        contender: c.name,
        key: c.key,
        n,
        runs: 0,
        inputsBytes: null,
        peakAboveInputs: null,
        peakRatio: null,
        retained: null,
        baseline: false,
        skip: `not run at this N (quadratic: see workload 1)`,
      });
      continue;
    }
    const samples: MemorySample[] = [];
    for (let r = 0; r < runs; r++) samples.push(await child(root, c.key, n, seed));
    const row: MemoryRow = {
      contender: c.name,
      key: c.key,
      n,
      runs,
      inputsBytes: median(samples.map((s) => s.withInputs - s.start)),
      peakAboveInputs: median(samples.map((s) => s.peakAboveInputs)),
      peakRatio: null,
      retained: median(samples.map((s) => s.retained)),
      baseline: c.baseline === true,
      problem: samples.find((s) => s.problem)?.problem,
    };
    rows.push(row);
    log(`  w5 N=${n} ${c.name}: peak +${fmtBytes(row.peakAboveInputs!)}, retained ${fmtBytes(row.retained!)}`);
  }
  const base = rows.find((r) => r.baseline)?.peakAboveInputs;
  for (const row of rows) {
    if (row.peakAboveInputs !== null && base) row.peakRatio = row.peakAboveInputs / base;
  }
  return rows;
}

export function memoryTable(rows: MemoryRow[]): string {
  return table(
    ['N', 'contender', 'peak above inputs', 'per input', 'vs baseline', 'retained after completion', 'runs', 'note'],
    rows.map((r) => [
      fmtN(r.n),
      r.baseline ? `${r.contender} (baseline)` : r.contender,
      r.peakAboveInputs === null ? 'not run' : fmtBytes(r.peakAboveInputs),
      r.peakAboveInputs === null ? '-' : `${Math.round(r.peakAboveInputs / r.n)} B`,
      fmtRatio(r.peakRatio),
      r.retained === null ? '-' : `${fmtBytes(r.retained)} (${(r.retained / r.n).toFixed(2)} B/input)`,
      String(r.runs),
      [r.skip, r.problem && `WRONG OUTPUT: ${r.problem}`].filter(Boolean).join('; '),
    ]),
    'llrrrrrl',
  );
}

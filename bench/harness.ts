/**
 * Timing, repetitions, medians, ratios and the terminal table.
 *
 * Fairness rules applied to every case:
 * - each contender gets one untimed warm-up run (at a smaller N) first;
 * - every repetition runs all contenders, in an order rotated by one each time
 *   and reversed every other time, so none always runs first or last;
 * - a full GC runs (twice) before every timed run, after its inputs are created
 *   (`gc({ type: 'major' })`, which keeps compiled code: see `fullGc`);
 * - the clock runs from attaching to the inputs until the completion callback;
 * - the driver's hash of the resolution order must match across contenders.
 */
import { macrotask } from './drivers.js';

/** One timed run. */
export interface Sample {
  ms: number;
  /** Process CPU time (all threads) over the same span: robust to the machine's other load. */
  cpuMs?: number;
  /** Hash of the order the driver resolved the work in (same for every contender = same work). */
  work?: number;
  /** Set when the contender's output was wrong (count, order or values). */
  problem?: string;
}

export interface Contender {
  name: string;
  baseline?: boolean;
  /** Why it is not run at this size: printed in the table instead of a time. */
  skip?: string;
  /** At most this many timed runs (slow contenders). */
  reps?: number;
  /** N of its untimed warm-up run, when the case's default would be too slow. */
  warmupN?: number;
  /** Shown in the table's note column. */
  note?: string;
  /** Name of a second contender to compare with: its ratio goes into the note. */
  compareTo?: string;
  /** One run at size `n`: creates its inputs, then times attach..completion. */
  run(n: number): Promise<Sample>;
}

export interface Case {
  workload: string;
  /** e.g. "N=1e5" or "c=64". */
  label: string;
  n: number;
  /** Inputs per run, for the per-input time (for fan-out: every first + then call). */
  inputs: number;
  contenders: Contender[];
}

export interface Row {
  workload: string;
  label: string;
  n: number;
  inputs: number;
  contender: string;
  baseline: boolean;
  runs: number;
  samplesMs: number[];
  medianMs: number | null;
  nsPerInput: number | null;
  /** median / baseline median. */
  ratio: number | null;
  cpuMedianMs: number | null;
  /** Median CPU time / the baseline's. */
  cpuRatio: number | null;
  skip?: string;
  note?: string;
  problem?: string;
  /** False when this contender's resolution order differed from the baseline's. */
  sameWork: boolean | null;
}

export interface RunOptions {
  /** Timed runs per contender at size n. */
  reps: number;
  /** N of the untimed warm-up run. */
  warmupN: number;
  /** A contender whose run takes longer than this is not repeated. */
  slowMs: number;
  log: (line: string) => void;
}

type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;
const gcFn = (globalThis as { gc?: Gc }).gc;
export const hasGc = typeof gcFn === 'function';

/**
 * A full, synchronous major GC. Not a bare `gc()`: on V8 11 (Node 20) that is
 * a memory-reducing GC which also throws away the compiled code of every
 * function (optimized, baseline, even bytecode), so each timed run would start
 * by re-compiling and re-optimizing everything it calls, which penalizes the
 * contenders that run more code. `gc({ type: 'major' })` keeps the code.
 */
export function fullGc(): void {
  gcFn?.({ type: 'major', execution: 'sync' });
}

export async function collect(): Promise<void> {
  await macrotask();
  fullGc();
  fullGc();
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rotated by `r` and reversed on odd `r`. */
export function orderFor<T>(items: readonly T[], r: number): T[] {
  const k = r % Math.max(1, items.length);
  const rotated = [...items.slice(k), ...items.slice(0, k)];
  return r % 2 ? rotated.reverse() : rotated;
}

export async function runCase(c: Case, options: RunOptions): Promise<Row[]> {
  const active = c.contenders.filter((x) => x.skip === undefined);
  const samples = new Map<Contender, Sample[]>(active.map((x) => [x, []]));
  const problems = new Map<Contender, string>();
  const slow = new Set<Contender>();

  for (const contender of active) {
    await collect();
    const warm = await contender.run(Math.min(c.n, contender.warmupN ?? options.warmupN));
    if (warm.problem) problems.set(contender, `warm-up: ${warm.problem}`);
  }
  for (let r = 0; r < options.reps; r++) {
    for (const contender of orderFor(active, r)) {
      if (slow.has(contender) || r >= (contender.reps ?? options.reps)) continue;
      await collect();
      const sample = await contender.run(c.n);
      samples.get(contender)!.push(sample);
      if (sample.problem && !problems.has(contender)) problems.set(contender, sample.problem);
      if (sample.ms > options.slowMs) slow.add(contender);
    }
  }

  const base = active.find((x) => x.baseline);
  const baseSamples = base ? samples.get(base)! : [];
  const baseMedian = baseSamples.length ? median(baseSamples.map((s) => s.ms)) : null;
  const baseCpu = baseSamples.length ? median(baseSamples.map((s) => s.cpuMs ?? NaN)) : null;
  const baseWork = baseSamples[0]?.work;
  const rows = c.contenders.map((contender): Row => {
    const mine = samples.get(contender) ?? [];
    const ms = mine.map((s) => s.ms);
    const med = ms.length ? median(ms) : null;
    const cpu = mine.length ? median(mine.map((s) => s.cpuMs ?? NaN)) : null;
    const works = new Set(mine.map((s) => s.work));
    let note = contender.note;
    const other = contender.compareTo && c.contenders.find((x) => x.name === contender.compareTo);
    const otherMs = other ? samples.get(other)?.map((s) => s.ms) : undefined;
    if (med !== null && otherMs?.length) {
      note = [note, `${fmtRatio(med / median(otherMs))} vs ${contender.compareTo}`].filter(Boolean).join('; ');
    }
    if (slow.has(contender) && mine.length < options.reps) {
      note = [note, `${mine.length} run(s): over ${options.slowMs / 1000} s each`].filter(Boolean).join('; ');
    }
    return {
      workload: c.workload,
      label: c.label,
      n: c.n,
      inputs: c.inputs,
      contender: contender.name,
      baseline: contender.baseline === true,
      runs: mine.length,
      samplesMs: ms.map((x) => Math.round(x * 1000) / 1000),
      medianMs: med,
      nsPerInput: med === null ? null : (med * 1e6) / c.inputs,
      ratio: med === null || baseMedian === null ? null : med / baseMedian,
      cpuMedianMs: cpu,
      cpuRatio: cpu === null || baseCpu === null || !Number.isFinite(cpu / baseCpu) ? null : cpu / baseCpu,
      skip: contender.skip,
      note,
      problem: problems.get(contender),
      sameWork: mine.length === 0 || baseWork === undefined ? null : works.size === 1 && works.has(baseWork),
    };
  });
  for (const row of rows) {
    options.log(
      `  ${c.workload} ${c.label} ${row.contender}: ` +
        (row.skip
          ? `skipped (${row.skip})`
          : `${fmtMs(row.medianMs)} median of ${row.runs}${row.problem ? ` PROBLEM: ${row.problem}` : ''}`),
    );
  }
  return rows;
}

/* ---------- formatting ---------- */

export function fmtMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtNs(ns: number | null): string {
  if (ns === null) return '-';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function fmtRatio(ratio: number | null): string {
  if (ratio === null) return '-';
  return ratio >= 100 ? `${ratio.toFixed(0)}x` : ratio >= 10 ? `${ratio.toFixed(1)}x` : `${ratio.toFixed(2)}x`;
}

export function fmtN(n: number): string {
  const e = Math.log10(n);
  if (Number.isInteger(e) && n >= 1000) return `1e${e}`;
  if (n >= 1000 && n % 1000 === 0) {
    const k = Math.floor(Math.log10(n));
    const m = n / 10 ** k;
    if (Number.isInteger(m)) return `${m}e${k}`;
  }
  return String(n);
}

export function fmtBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b >= 1024 * 1024) return `${sign}${(b / 1024 / 1024).toFixed(1)} MB`;
  if (b >= 1024) return `${sign}${(b / 1024).toFixed(1)} KB`;
  return `${sign}${b} B`;
}

/** A plain-text table; `align` is 'l' or 'r' per column. */
export function table(headers: string[], rows: string[][], align: string): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** The timing table of one workload. */
export function timingTable(rows: Row[]): string {
  return table(
    ['case', 'contender', 'median', 'per input', 'vs baseline', 'cpu vs baseline', 'runs', 'note'],
    rows.map((r) => [
      r.label,
      r.baseline ? `${r.contender} (baseline)` : r.contender,
      r.skip ? 'not run' : fmtMs(r.medianMs),
      r.skip ? '-' : fmtNs(r.nsPerInput),
      r.skip ? '-' : fmtRatio(r.ratio),
      r.skip ? '-' : fmtRatio(r.cpuRatio),
      String(r.runs),
      [r.skip, r.note, r.problem && `WRONG OUTPUT: ${r.problem}`, r.sameWork === false && 'different work order']
        .filter(Boolean)
        .join('; '),
    ]),
    'llrrrrrl',
  );
}

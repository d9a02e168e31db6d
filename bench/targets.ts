/** The issue's targets, checked against the measured rows. */
import { fmtBytes, fmtN, fmtRatio, table, type Row } from './harness.js';
import type { MemoryRow } from './workloads/memory.js';
import type { SizeRow } from './workloads/size.js';
import type { StreamMemoryRow } from './workloads/streaming-memory.js';

export interface Target {
  target: string;
  measured: string;
  /** A caveat, e.g. a missed heap ratio whose two figures are both within the measurement's noise. */
  note?: string;
  /** null: not measured in this run (e.g. --quick). */
  met: boolean | null;
}

const find = (rows: Row[], workload: string, label: string, contender: string) =>
  rows.find(
    (r) => r.workload === workload && r.label === label && r.contender.startsWith(contender) && r.medianMs !== null,
  );

/** Two W7 peaks below this are equal within the measurement's noise. */
export const HEAP_NOISE_FLOOR = 256 * 1024;
const NOISE = { note: 'both peaks under the 256 KB noise floor' };

export function evaluateTargets(
  timings: Row[],
  memory: MemoryRow[],
  sizes: SizeRow[],
  streamMemory: StreamMemoryRow[] = [],
): Target[] {
  const targets: Target[] = [];
  const ratioTarget = (workload: string, label: string, contender: string, max: number, what: string) => {
    const row = find(timings, workload, label, contender);
    targets.push({
      target: `${what}: ${row?.contender ?? contender} <= ${max}x the baseline at ${label}`,
      measured: row ? `${fmtRatio(row.ratio)} (cpu ${fmtRatio(row.cpuRatio)})` : 'not measured',
      met: row ? row.ratio! <= max : null,
    });
  };

  for (const n of [1e5, 1e6]) ratioTarget('w1', `N=${fmtN(n)}`, 'asCompleted', 1.2, 'W1');
  for (const n of [1e5, 1e6]) {
    const label = `N=${fmtN(n)}`;
    const tagged = find(timings, 'w1', label, "asCompleted emit:'tagged'");
    const floor = find(timings, 'w1', label, 'bare .then loop, a closure per promise');
    const ratio = tagged && floor ? tagged.medianMs! / floor.medianMs! : null;
    const cpu =
      tagged?.cpuMedianMs != null && floor?.cpuMedianMs != null ? tagged.cpuMedianMs / floor.cpuMedianMs : null;
    targets.push({
      target: `W1: asCompleted emit:'tagged' <= 1.3x the closure-per-promise loop at ${label}`,
      measured: ratio === null ? 'not measured' : `${fmtRatio(ratio)} (cpu ${fmtRatio(cpu)})`,
      met: ratio === null ? null : ratio <= 1.3,
    });
  }
  {
    const a = find(timings, 'w1', 'N=1e5', 'asCompleted');
    const b = find(timings, 'w1', 'N=1e6', 'asCompleted');
    const fa = find(timings, 'w1', 'N=1e5', 'bare');
    const fb = find(timings, 'w1', 'N=1e6', 'bare');
    const floor = fa && fb ? `; the bare loop itself: ${(fb.nsPerInput! / fa.nsPerInput!).toFixed(2)}x` : '';
    targets.push({
      target: 'W1: linear, asCompleted per-input time at 1e6 <= 1.5x that at 1e5',
      measured:
        a && b
          ? `${(b.nsPerInput! / a.nsPerInput!).toFixed(2)}x (${b.nsPerInput!.toFixed(0)} vs ${a.nsPerInput!.toFixed(0)} ns${floor})`
          : 'not measured',
      met: a && b ? b.nsPerInput! / a.nsPerInput! <= 1.5 : null,
    });
    const m = find(timings, 'w1', 'N=1e5', 'rxjs');
    targets.push({
      target: 'W1: asCompleted >= 20x faster than mergeAll at 1e5',
      measured: a && m ? `${fmtRatio(m.medianMs! / a.medianMs!)} faster` : 'not measured',
      met: a && m ? m.medianMs! / a.medianMs! >= 20 : null,
    });
  }
  // Both factory shapes: `() => p` and `(signal) => p` (the package must build a signal for the latter).
  for (const contender of ['asCompleted({', 'asCompleted, factories taking (signal)']) {
    ratioTarget('w2', 'N=1e6', contender, 1.5, 'W2, against the pump with no signal');
  }
  for (const label of [...new Set(timings.filter((r) => r.workload === 'w3').map((r) => r.label))]) {
    ratioTarget('w3', label, 'asCompleted', 2, 'W3');
  }
  const w4Labels = [...new Set(timings.filter((r) => r.workload === 'w4').map((r) => r.label))];
  for (const label of w4Labels.length ? w4Labels : ['unlimited']) {
    ratioTarget('w4', label, 'mergeCompletedThen', 1.5, 'W4, against the two-level loop/pump with no signal');
  }

  const mem = memory.find((r) => r.key === 'asCompleted');
  targets.push({
    target: `Memory: asCompleted peak <= 1.5x the bare loop (W1${mem ? ` at ${fmtN(mem.n)}` : ''})`,
    measured:
      mem?.peakRatio != null ? `${fmtRatio(mem.peakRatio)} (+${fmtBytes(mem.peakAboveInputs!)})` : 'not measured',
    met: mem?.peakRatio != null ? mem.peakRatio <= 1.5 : null,
  });
  targets.push({
    target: 'Memory: nothing retained after completion (< 1 B per input)',
    measured:
      mem?.retained != null
        ? `${fmtBytes(mem.retained)} (${(mem.retained / mem.n).toFixed(2)} B/input)`
        : 'not measured',
    met: mem?.retained != null ? mem.retained / mem.n < 1 : null,
  });
  // Workload 7: CPU against the pool that hands every call a signal (the baseline), both ways of reading.
  const w7Labels = [...new Set(timings.filter((r) => r.workload === 'w7').map((r) => r.label))];
  for (const label of w7Labels) {
    for (const how of ['subscribe', 'for await']) {
      const row = timings.find(
        (r) =>
          r.workload === 'w7' &&
          r.label === label &&
          r.contender.startsWith('asCompleted') &&
          r.contender.endsWith(how),
      );
      const measured = row?.cpuRatio != null;
      targets.push({
        target: `W7: asCompleted mapper form (${how}) CPU <= 1.2x the async pool with signals at ${label}`,
        measured: measured ? `cpu ${fmtRatio(row.cpuRatio)} (wall ${fmtRatio(row.ratio)})` : 'not measured',
        met: measured ? row.cpuRatio! <= 1.2 : null,
      });
    }
  }
  // Peaks of a few tens of KB (64 inputs in flight) can sit in the measurement's noise (up to
  // ±200 KB between runs of the same contender on Node 20: feedback, bytecode, the microtask
  // queue); a miss with both peaks under the floor says so. A per-input leak shows as megabytes.
  const withinNoise = (...rows: Array<{ peakAbove: number | null }>) =>
    rows.every((r) => r.peakAbove! <= HEAP_NOISE_FLOOR);
  const heap = (key: string, n: number) => streamMemory.find((r) => r.key === key && r.n === n && r.peakAbove !== null);
  const heapSizes = [...new Set(streamMemory.map((r) => r.n))].sort((a, b) => a - b);
  if (heapSizes.length > 0) {
    const small = heapSizes[0]!;
    const large = heapSizes[heapSizes.length - 1]!;
    for (const key of ['asCompletedSubscribe', 'asCompletedForAwait']) {
      const a = heap(key, small);
      const b = heap(key, large);
      const pool = heap('poolWithSignals', large);
      const name = key === 'asCompletedSubscribe' ? 'subscribe' : 'for await';
      targets.push({
        target: `W7 heap: asCompleted (${name}) peak at ${fmtN(large)} <= 1.5x its peak at ${fmtN(small)}`,
        measured:
          a && b
            ? `${fmtRatio(b.peakAbove! / a.peakAbove!)} (${fmtBytes(b.peakAbove!)} vs ${fmtBytes(a.peakAbove!)})`
            : 'not measured',
        met: a && b && small !== large ? b.peakAbove! <= 1.5 * a.peakAbove! : null,
        ...(a && b && b.peakAbove! > 1.5 * a.peakAbove! && withinNoise(a, b) ? NOISE : {}),
      });
      targets.push({
        target: `W7 heap: asCompleted (${name}) peak <= 1.5x the async pool with signals at ${fmtN(large)}`,
        measured:
          b && pool
            ? `${fmtRatio(b.peakAbove! / pool.peakAbove!)} (${fmtBytes(b.peakAbove!)} vs ${fmtBytes(pool.peakAbove!)})`
            : 'not measured',
        met: b && pool ? b.peakAbove! <= 1.5 * pool.peakAbove! : null,
        ...(b && pool && b.peakAbove! > 1.5 * pool.peakAbove! && withinNoise(b, pool) ? NOISE : {}),
      });
    }
  }

  const whole = sizes.find((s) => s.entry.endsWith('index.ts'));
  targets.push({
    target: 'Size: the whole package <= 4 KB minified+gzipped',
    measured: whole ? `${fmtBytes(whole.gzipped)} (${whole.gzipped} B)` : 'not measured',
    met: whole ? whole.gzipped <= 4096 : null,
  });
  return targets;
}

export function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'measured', 'status'],
    targets.map((t) => [
      t.target,
      t.measured,
      (t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED') + (t.note ? ` (${t.note})` : ''),
    ]),
    'lrl',
  );
}

/** The issue's targets, checked against the measured rows. */
import { fmtBytes, fmtN, fmtRatio, table, type Row } from './harness.js';
import type { MemoryRow } from './workloads/memory.js';
import type { SizeRow } from './workloads/size.js';

export interface Target {
  target: string;
  measured: string;
  /** null: not measured in this run (e.g. --quick). */
  met: boolean | null;
}

const find = (rows: Row[], workload: string, label: string, contender: string) =>
  rows.find(
    (r) => r.workload === workload && r.label === label && r.contender.startsWith(contender) && r.medianMs !== null,
  );

export function evaluateTargets(timings: Row[], memory: MemoryRow[], sizes: SizeRow[]): Target[] {
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
    targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED']),
    'lrl',
  );
}

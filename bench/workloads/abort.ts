/**
 * What one AbortController costs on this Node: the package creates one per
 * started factory (every `mergeCompletedThen` call is a factory too).
 */
import { collect, median } from '../harness.js';

export interface AbortCost {
  /** `new AbortController()` then reading `.signal` (what the package does), ns each. */
  controllerAndSignalNs: number;
  /** A plain object with a Map, for scale, ns each. */
  plainObjectNs: number;
}

export async function measureAbortCost(n = 2e5, reps = 5): Promise<AbortCost> {
  const withSignal: number[] = [];
  const plain: number[] = [];
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    await collect();
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      const c = new AbortController();
      if (c.signal.aborted) sink++;
    }
    withSignal.push(((performance.now() - t) * 1e6) / n);
    await collect();
    t = performance.now();
    for (let i = 0; i < n; i++) {
      const o = { aborted: false, listeners: new Map() };
      if (o.aborted) sink++;
    }
    plain.push(((performance.now() - t) * 1e6) / n);
  }
  if (sink < 0) console.log(sink);
  return { controllerAndSignalNs: median(withSignal), plainObjectNs: median(plain) };
}

/**
 * Runs one contender of one workload, for profiling:
 *   node --expose-gc --cpu-prof --import tsx bench/profile.ts <w1|w2|w3|w4> <contender key> <N> [runs] [w4 budget]
 * (another Node line: `$(bash scripts/node-line.sh 24) --expose-gc --cpu-prof --import tsx bench/profile.ts ...`)
 * Keys: w1: bareLoop bareLoopClosure asCompleted asCompletedTagged mergeAll raceLoop;
 *       w2: barePump barePumpWithSignals asCompleted asCompletedSignal mergeMap pMapIterable;
 *       w3: bareLoop asCompleted mergeAll; w4: bareUnlimited bareLimited mergeCompletedThen nestedMergeMap
 *       mergeMapPerStage, with the budget `unlimited` (default), `shared` (64 for both stages) or
 *       `perStage` ({ first: 64, then: 64 }).
 */
import { attachers, runPromises } from './workloads/promises.js';
import { runFactories, starters } from './workloads/factories.js';
import { runSubjects, subjectAttachers } from './workloads/observables.js';
import { fanOutStarters, runFanOut, type Limits } from './workloads/fanout.js';
import type { Sample } from './harness.js';

async function main(): Promise<void> {
  const [workload, key, nText, runsText, budget = 'unlimited'] = process.argv.slice(2);
  const budgets: Record<string, Limits> = {
    unlimited: { shared: Infinity, first: Infinity, then: Infinity },
    shared: { shared: 64, first: Infinity, then: Infinity },
    perStage: { shared: Infinity, first: 64, then: 64 },
  };
  const limits = budgets[budget];
  if (!limits) throw new Error(`unknown w4 budget ${budget}`);
  const n = Number(nText);
  const runs = Number(runsText ?? 5);
  const table: Record<string, (size: number) => Promise<Sample>> = {
    w1: (size) => runPromises(size, 1, (attachers as Record<string, any>)[key], { ordered: false }),
    w2: (size) =>
      key === 'asCompletedSignal'
        ? runFactories(size, 64, 1, starters.asCompleted, true)
        : runFactories(size, 64, 1, starters[key]),
    w3: (size) => runSubjects(size, 1, subjectAttachers[key]),
    w4: (size) => runFanOut(Math.round(size / 10), 10, limits, 1, fanOutStarters[key]),
  };
  const run = table[workload];
  if (!run) throw new Error(`unknown workload ${workload}`);
  const times: string[] = [];
  const cpu: string[] = [];
  for (let r = 0; r < runs; r++) {
    const sample = await run(n);
    if (sample.problem) throw new Error(sample.problem);
    times.push(sample.ms.toFixed(1));
    cpu.push((sample.cpuMs ?? NaN).toFixed(1));
  }
  console.log(`node ${process.version}${workload === 'w4' ? `, budget ${budget}` : ''}`);
  console.log(`${workload} ${key} N=${n}: wall ${times.join(' ')} ms`);
  console.log(`${workload} ${key} N=${n}: cpu  ${cpu.join(' ')} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

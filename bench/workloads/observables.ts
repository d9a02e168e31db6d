/**
 * Workload 3: N Subjects, each emitting one value and completing, driven in a
 * seeded random order (next + complete per subject, one synchronous loop).
 */
import { from, mergeAll, Subject } from 'rxjs';
import { asCompleted } from '../../src/index.js';
import { firePermutation } from '../drivers.js';
import { collect, fmtN, type Case, type Contender, type Sample } from '../harness.js';
import { cpuNow, Sink } from '../sink.js';
import { permFor } from './promises.js';

type Attach = (subjects: Subject<number>[], sink: Sink<number>) => unknown;

/**
 * A plain observer object (methods on the prototype, no closures per input):
 * what a hand-written loop costs without the per-input closures that tsx's
 * keepNames transform would wrap in `__name(...)` calls.
 */
class LastValue {
  private last: number | undefined;
  constructor(
    private readonly sink: Sink<number>,
    private readonly counter: { left: number },
  ) {}
  next(value: number): void {
    this.last = value;
  }
  error(error: unknown): void {
    this.sink.error(error);
  }
  complete(): void {
    this.sink.next(this.last!);
    if (--this.counter.left === 0) this.sink.complete();
  }
}

export const subjectAttachers: Record<string, Attach> = {
  /** The floor: subscribe to each with a small observer that keeps its last value and pushes it on complete. */
  bareLoop: (subjects, sink) => {
    const counter = { left: subjects.length };
    for (let i = 0; i < subjects.length; i++) subjects[i].subscribe(new LastValue(sink, counter));
    return undefined;
  },
  asCompleted: (subjects, sink) => asCompleted(subjects).subscribe(sink),
  mergeAll: (subjects, sink) => from(subjects).pipe(mergeAll()).subscribe(sink),
};

export async function runSubjects(n: number, seed: number, attach: Attach): Promise<Sample> {
  const { perm, hash } = permFor(n, seed);
  let subjects = new Array<Subject<number>>(n);
  for (let i = 0; i < n; i++) subjects[i] = new Subject<number>();
  const sink = new Sink<number>();
  await collect();
  const c0 = cpuNow();
  const t0 = performance.now();
  attach(subjects, sink);
  const work = await firePermutation(
    perm,
    (i) => {
      subjects[i].next(i);
      subjects[i].complete();
    },
    sink.isDone,
  );
  const ms = sink.endedAt - t0;
  subjects = [];
  return { ms, cpuMs: (sink.cpuEnd - c0) / 1000, work, problem: sink.problem(n, hash) };
}

export function observableCases(sizes: number[], seed: number, mergeAllReps: number): Case[] {
  return sizes.map((n) => {
    const contender = (name: string, attach: Attach, extra: Partial<Contender> = {}): Contender => ({
      name,
      ...extra,
      run: (size) => runSubjects(size, seed, attach),
    });
    return {
      workload: 'w3',
      label: `N=${fmtN(n)}`,
      n,
      inputs: n,
      contenders: [
        contender('bare subscribe loop', subjectAttachers.bareLoop, { baseline: true }),
        contender('asCompleted', subjectAttachers.asCompleted),
        contender('rxjs from(subjects).pipe(mergeAll())', subjectAttachers.mergeAll, { reps: mergeAllReps }),
      ],
    };
  });
}

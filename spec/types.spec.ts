/**
 * Type-level checks. They are compile-time only: ts-jest in this repo runs with
 * `isolatedModules` (from tsconfig.json), which makes it transpile without
 * type-checking. So the test at the end type-checks this very file with the
 * TypeScript compiler (and proves, on a control snippet, that a wrong
 * expectation is reported). `npm run typecheck` checks it too.
 */
import * as path from 'node:path';
import { expectTypeOf } from 'expect-type';
import { Observable, of, type OperatorFunction } from 'rxjs';
import { typeCheck } from './support/typeCheck.js';
import {
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  type Completion,
  type CompletionInput,
  type CompletionValueOf,
  type EmitMode,
  type Emitted,
  type InputOf,
  type Settled,
  type ThenCompletion,
  type ThenEmitted,
  type ThenSettled,
} from '../src/index.js';

declare const num: Promise<number>;
declare const str$: Observable<string>;
declare const bool: () => Promise<boolean>;
declare const mode: EmitMode;

/* Compile-time only: never called, so nothing subscribes or runs. */
function typeChecks(): void {
  /* asCompleted, creation form */
  expectTypeOf(asCompleted([num])).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompleted([num], { emit: 'value' })).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompleted([num], { emit: 'tagged' })).toEqualTypeOf<Observable<Completion<number>>>();
  expectTypeOf(asCompleted([num], { emit: 'settled' })).toEqualTypeOf<Observable<Settled<number>>>();
  expectTypeOf(asCompleted([num], { concurrency: 2 })).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompleted([num, str$, bool])).toEqualTypeOf<Observable<number | string | boolean>>();
  expectTypeOf(asCompleted(new Set([str$]), { emit: 'tagged' })).toEqualTypeOf<Observable<Completion<string>>>();
  expectTypeOf(asCompleted([num], { emit: mode })).toEqualTypeOf<
    Observable<number | Completion<number> | Settled<number>>
  >();
  // A factory's parameter is an AbortSignal and its result type is inferred.
  expectTypeOf(
    asCompleted([
      (signal) => {
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return Promise.resolve({ id: 1 });
      },
    ]),
  ).toEqualTypeOf<Observable<{ id: number }>>();
  expectTypeOf(asCompleted([() => of('a', 'b'), () => [1, 2]])).toEqualTypeOf<Observable<string | number>>();
  // Records carry the input type and narrow on status.
  asCompleted([num], { emit: 'settled' }).subscribe((r) => {
    expectTypeOf(r.index).toEqualTypeOf<number>();
    expectTypeOf(r.input).toEqualTypeOf<CompletionInput<number>>();
    if (r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<number>();
    else expectTypeOf(r.reason).toEqualTypeOf<unknown>();
    // @ts-expect-error `value` exists only on fulfilled records
    void r.value;
  });

  /* asCompleted, pipeable form */
  expectTypeOf(of([num]).pipe(asCompleted())).toEqualTypeOf<Observable<number>>();
  expectTypeOf(of([num]).pipe(asCompleted({ emit: 'value' }))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(of([num]).pipe(asCompleted({ emit: 'tagged' }))).toEqualTypeOf<Observable<Completion<number>>>();
  expectTypeOf(of([num]).pipe(asCompleted({ emit: 'settled', concurrency: 3 }))).toEqualTypeOf<
    Observable<Settled<number>>
  >();
  expectTypeOf(asCompleted<Promise<number>[], 'tagged'>({ emit: 'tagged' })).toEqualTypeOf<
    OperatorFunction<Promise<number>[], Completion<number>>
  >();
  // A source of mixed collections (the element type is read from the collection type).
  expectTypeOf(of<Promise<number>[] | Observable<string>[]>([num]).pipe(asCompleted())).toEqualTypeOf<
    Observable<number | string>
  >();
  expectTypeOf(of<Set<Promise<number>>>(new Set([num])).pipe(asCompleted({ emit: 'tagged' }))).toEqualTypeOf<
    Observable<Completion<number>>
  >();

  /* asCompletedWithTimeout, both forms */
  expectTypeOf(asCompletedWithTimeout([num], 100)).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], new Date())).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], { total: 100 })).toEqualTypeOf<Observable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], { each: 5, emit: 'tagged' })).toEqualTypeOf<
    Observable<Completion<number>>
  >();
  expectTypeOf(asCompletedWithTimeout([num], { total: 5, emit: 'settled' })).toEqualTypeOf<
    Observable<Settled<number>>
  >();
  expectTypeOf(asCompletedWithTimeout([(s) => Promise.resolve(s.aborted)], 5)).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(of([num]).pipe(asCompletedWithTimeout(100))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(of([num]).pipe(asCompletedWithTimeout({ total: 100, emit: 'value' }))).toEqualTypeOf<
    Observable<number>
  >();
  expectTypeOf(of([num]).pipe(asCompletedWithTimeout({ total: 100, emit: 'tagged' }))).toEqualTypeOf<
    Observable<Completion<number>>
  >();
  expectTypeOf(
    of([num]).pipe(asCompletedWithTimeout({ each: 100, emit: 'settled', onTimeout: 'complete' })),
  ).toEqualTypeOf<Observable<Settled<number>>>();

  /* firstCompleted, both forms: always the bare value */
  expectTypeOf(firstCompleted([num, bool])).toEqualTypeOf<Observable<number | boolean>>();
  expectTypeOf(
    firstCompleted([num], {
      predicate: (value, index) => {
        expectTypeOf(value).toEqualTypeOf<number>();
        expectTypeOf(index).toEqualTypeOf<number>();
        return value > 0;
      },
    }),
  ).toEqualTypeOf<Observable<number>>();
  expectTypeOf(of([str$]).pipe(firstCompleted())).toEqualTypeOf<Observable<string>>();
  expectTypeOf(of([str$]).pipe(firstCompleted({ predicate: (v) => v.length > 0 }))).toEqualTypeOf<Observable<string>>();

  /* mergeCompletedThen, creation form: R, ThenCompletion, ThenSettled */
  const first = (item: string, index: number, signal: AbortSignal) =>
    Promise.resolve([index, item.length, +signal.aborted]);
  const then = (child: number, item: string) => of(`${item}:${child}`.length > child);
  expectTypeOf(mergeCompletedThen(['a'], first, then)).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(mergeCompletedThen(['a'], first, then, { emit: 'value' })).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(mergeCompletedThen(['a'], first, then, { emit: 'tagged' })).toEqualTypeOf<
    Observable<ThenCompletion<string, number, boolean>>
  >();
  expectTypeOf(mergeCompletedThen(['a'], first, then, { emit: 'settled', concurrency: { first: 1 } })).toEqualTypeOf<
    Observable<ThenSettled<string, number, boolean>>
  >();
  // Parameters and results are inferred from the items and the callbacks.
  expectTypeOf(
    mergeCompletedThen(
      [{ id: 1 }],
      (item, index, signal) => {
        expectTypeOf(item).toEqualTypeOf<{ id: number }>();
        expectTypeOf(index).toEqualTypeOf<number>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return Promise.resolve(['x']);
      },
      (child, item, signal) => {
        expectTypeOf(child).toEqualTypeOf<string>();
        expectTypeOf(item).toEqualTypeOf<{ id: number }>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return Promise.resolve(child.length);
      },
    ),
  ).toEqualTypeOf<Observable<number>>();
  mergeCompletedThen(['a'], first, then, { emit: 'settled' }).subscribe((r) => {
    if (r.stage === 1) {
      expectTypeOf(r.status).toEqualTypeOf<'rejected'>();
      expectTypeOf(r.item).toEqualTypeOf<string>();
      // @ts-expect-error a stage-1 record has no child
      void r.child;
    } else if (r.status === 'fulfilled') {
      expectTypeOf(r.value).toEqualTypeOf<boolean>();
      expectTypeOf(r.child).toEqualTypeOf<number>();
    }
  });

  /* mergeCompletedThen, pipeable form */
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(first, then))).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(first, then, { emit: 'value' }))).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(first, then, { emit: 'tagged' }))).toEqualTypeOf<
    Observable<ThenCompletion<string, number, boolean>>
  >();
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(first, then, { emit: 'settled' }))).toEqualTypeOf<
    Observable<ThenSettled<string, number, boolean>>
  >();

  /* The helper types */
  expectTypeOf<Emitted<number, 'value'>>().toEqualTypeOf<number>();
  expectTypeOf<Emitted<number, 'tagged'>>().toEqualTypeOf<Completion<number>>();
  expectTypeOf<Emitted<number, 'settled'>>().toEqualTypeOf<Settled<number>>();
  expectTypeOf<ThenEmitted<string, number, boolean, 'settled'>>().toEqualTypeOf<ThenSettled<string, number, boolean>>();
  expectTypeOf<CompletionValueOf<(signal: AbortSignal) => Observable<Date>>>().toEqualTypeOf<Date>();
  expectTypeOf<CompletionValueOf<Promise<'x'> | string[]>>().toEqualTypeOf<'x' | string>();
  expectTypeOf<InputOf<Set<Promise<number>>>>().toEqualTypeOf<Promise<number>>();

  /* Invalid calls */
  // @ts-expect-error a number is not an input
  asCompleted([1]);
  // @ts-expect-error a single promise is not a collection
  asCompleted(num);
  // @ts-expect-error unknown emit mode
  asCompleted([num], { emit: 'all' });
  // @ts-expect-error concurrency is a number
  asCompleted([num], { concurrency: '3' });
  // @ts-expect-error unknown option
  asCompleted([num], { concurency: 3 });
  // @ts-expect-error the creation form needs a timeout
  asCompletedWithTimeout([num]);
  // @ts-expect-error onTimeout is 'error' or 'complete'
  asCompletedWithTimeout([num], { total: 5, onTimeout: 'ignore' });
  // @ts-expect-error each is a number, not a Date
  asCompletedWithTimeout([num], { each: new Date() });
  // @ts-expect-error firstCompleted has no emit option
  firstCompleted([num], { emit: 'tagged' });
  // @ts-expect-error the predicate gets the input's value type
  firstCompleted([num], { predicate: (value: string) => value.length > 0 });
  // @ts-expect-error stage 1 must give an iterable of children
  mergeCompletedThen(['a'], () => Promise.resolve(1), then);
  // @ts-expect-error then gets the children's type
  mergeCompletedThen(
    ['a'],
    () => Promise.resolve([1]),
    (child: string) => of(child),
  );
  // @ts-expect-error concurrency caps are named first and then
  mergeCompletedThen(['a'], first, then, { concurrency: { stage1: 2 } });
  // @ts-expect-error a tagged stream is not a stream of values
  const wrong: Observable<number> = asCompleted([num], { emit: 'tagged' });
  void wrong;
}
void typeChecks;

describe('types', () => {
  it('type-check: this file has no errors, and a wrong expectation would be an error', () => {
    const self = path.resolve(__filename).replace(/\\/g, '/');
    const control = path.join(path.dirname(self), '__types_control__.ts').replace(/\\/g, '/');
    const controlLines = [
      "import { expectTypeOf } from 'expect-type';",
      "import { Observable } from 'rxjs';",
      "import { asCompleted, mergeCompletedThen, type Completion } from '../src/index.js';",
      'declare const num: Promise<number>;',
      // Each of these is wrong and must be reported, one error per line.
      "expectTypeOf(asCompleted([num], { emit: 'tagged' })).toEqualTypeOf<Observable<number>>();",
      "expectTypeOf(asCompleted([num], { emit: 'settled' })).toEqualTypeOf<Observable<Completion<number>>>();",
      'expectTypeOf(asCompleted([num])).toEqualTypeOf<Observable<string>>();',
      "expectTypeOf(mergeCompletedThen(['a'], async () => [1], async (c) => c, { emit: 'tagged' })).toEqualTypeOf<Observable<number>>();",
      '// @ts-expect-error this call is valid, so the directive itself is an error',
      'asCompleted([num]);',
    ];
    const diagnostics = typeCheck([self], { [control]: controlLines.join('\n') });
    const messages = (file: string) => diagnostics.filter((d) => d.file === file).map((d) => `${d.line}: ${d.message}`);
    expect(messages(self)).toEqual([]);
    expect(messages('(global)')).toEqual([]);
    expect(diagnostics.filter((d) => d.file === control).map((d) => d.line)).toEqual([5, 6, 7, 8, 9]);
  }, 60_000);
});

import { isObservable, Observable, of } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, firstCompleted, mergeCompletedThen } from '../src/index.js';
import { delay, record, run } from './support/async.js';

/* The operators with their types switched off: these calls are wrong on purpose. */
type Loose = (...args: unknown[]) => unknown;
const AC = asCompleted as unknown as Loose;
const ACT = asCompletedWithTimeout as unknown as Loose;
const FC = firstCompleted as unknown as Loose;
const MCT = mergeCompletedThen as unknown as Loose;

const f = () => of([1]);
const g = () => of(1);
const ok = () => delay(5, 'ok');

/**
 * - `throws`: the call itself throws, synchronously.
 * - `errors`: the call returns an Observable (or an operator, applied to `source`)
 *   that errors through the error channel; subscribing does not throw.
 * - `rejects`: an `emit: 'settled'` run gives the bad input a rejected record and
 *   every other input a fulfilled one (the bad element fails only itself).
 * - `aggregate`: `firstCompleted` skips the bad input; with no winner its
 *   TypeError is in the AggregateError.
 */
type Row =
  | { kind: 'throws'; title: string; call: () => unknown; error: ErrorConstructor; message: RegExp }
  | {
      kind: 'errors';
      title: string;
      call: () => unknown;
      source?: Observable<unknown>;
      error: ErrorConstructor;
      message: RegExp;
    }
  | { kind: 'rejects'; title: string; call: () => unknown; bad: number; error: ErrorConstructor; message: RegExp }
  | { kind: 'aggregate'; title: string; call: () => unknown; error: ErrorConstructor; message: RegExp };

const throws = (title: string, call: () => unknown, message: RegExp, error: ErrorConstructor = TypeError): Row => ({
  kind: 'throws',
  title,
  call,
  error,
  message,
});

const rows: Row[] = [
  /* asCompleted: the collection */
  throws('asCompleted(null)', () => AC(null), /`inputs`.*got null$/),
  throws('asCompleted(42)', () => AC(42), /`inputs`.*got `42` \(number\)/),
  throws('asCompleted(a string)', () => AC('abc'), /`inputs`.*a string/),
  throws(
    'asCompleted(a single Promise)',
    () => AC(Promise.resolve(1)),
    /^Expected `inputs` to be a collection of inputs, got a Promise$/,
  ),
  throws('asCompleted(a plain object with unknown keys)', () => AC({ foo: 1 }), /`inputs`.*an object/),
  /* asCompleted: options */
  throws('asCompleted(options with an unknown key)', () => AC([], { concurency: 2 }), /`concurency`/),
  throws('asCompleted(options that are a string)', () => AC([], 'fast'), /`options`/),
  throws('asCompleted concurrency 0', () => AC([], { concurrency: 0 }), /`concurrency`.*got `0` \(number\)/),
  throws('asCompleted concurrency -1', () => AC([], { concurrency: -1 }), /`concurrency`.*`-1`/),
  throws('asCompleted concurrency 1.5', () => AC([], { concurrency: 1.5 }), /`concurrency`.*`1\.5`/),
  throws('asCompleted concurrency NaN', () => AC([], { concurrency: NaN }), /`concurrency`.*`NaN`/),
  throws("asCompleted concurrency '3'", () => AC([], { concurrency: '3' }), /`concurrency`.*a string \('3'\)/),
  throws('asCompleted concurrency -Infinity', () => AC([], { concurrency: -Infinity }), /`concurrency`/),
  throws("asCompleted emit 'values'", () => AC([], { emit: 'values' }), /`emit`.*'values'/),
  throws('asCompleted() pipeable, concurrency 0', () => AC({ concurrency: 0 }), /`concurrency`/),
  throws('asCompleted() pipeable, bad emit', () => AC({ emit: true }), /`emit`/),
  /* asCompletedWithTimeout */
  throws('asCompletedWithTimeout() with nothing', () => ACT(), /`timeout`/),
  throws('asCompletedWithTimeout(inputs) without a timeout', () => ACT([]), /`timeout`/),
  throws('asCompletedWithTimeout(null, 10)', () => ACT(null, 10), /`inputs`.*null/),
  throws('asCompletedWithTimeout(a Promise, 10)', () => ACT(Promise.resolve(1), 10), /`inputs`.*a Promise/),
  throws("asCompletedWithTimeout('100')", () => ACT('100'), /`timeout`/),
  throws('total -1', () => ACT([], -1), /`total`.*`-1`/),
  throws('total NaN', () => ACT([], { total: NaN }), /`total`.*`NaN`/),
  throws('total Infinity', () => ACT([], { total: Infinity }), /`total`.*`Infinity`/),
  throws("total '10'", () => ACT([], { total: '10' }), /`total`/),
  throws('total an invalid Date', () => ACT([], new Date(Number.NaN)), /`total`.*invalid Date/),
  throws('each -5', () => ACT([], { each: -5 }), /`each`.*`-5`/),
  throws('each NaN', () => ACT([], { each: NaN }), /`each`/),
  throws('each Infinity', () => ACT([], { each: Infinity }), /`each`/),
  throws('each a Date', () => ACT([], { each: new Date() }), /`each`/),
  throws('neither total nor each', () => ACT([], { concurrency: 2 }), /`total`.*`each`/),
  throws('neither total nor each (pipeable)', () => ACT({}), /`total`.*`each`/),
  throws("onTimeout 'ignore'", () => ACT([], { total: 10, onTimeout: 'ignore' }), /`onTimeout`.*'ignore'/),
  throws(
    'onTimeout without total',
    () => ACT([], { each: 10, onTimeout: 'complete' }),
    /^Expected `onTimeout` only with `total` \(it governs the overall deadline\), got a string \('complete'\) with no `total`$/,
  ),
  throws(
    "onTimeout: 'error' without total (pipeable)",
    () => ACT({ each: 10, onTimeout: 'error' }),
    /`onTimeout`.*`total`/,
  ),
  throws('scheduler {}', () => ACT([], { total: 10, scheduler: {} }), /`scheduler`/),
  throws("scheduler 'async'", () => ACT([], { total: 10, scheduler: 'async' }), /`scheduler`/),
  throws("timeout emit 'all'", () => ACT([], { total: 10, emit: 'all' }), /`emit`/),
  throws('timeout concurrency 0', () => ACT([], { total: 10, concurrency: 0 }), /`concurrency`/),
  throws('timeout config with an unknown key', () => ACT([], { total: 10, deadline: 5 }), /`deadline`/),
  throws('timeout pipeable, each -1', () => ACT({ each: -1 }), /`each`/),
  /* firstCompleted */
  throws('firstCompleted(null)', () => FC(null), /`inputs`.*null/),
  throws('firstCompleted(7)', () => FC(7), /`inputs`.*`7`/),
  throws("firstCompleted predicate 'yes'", () => FC([], { predicate: 'yes' }), /`predicate`.*a string/),
  throws('firstCompleted() pipeable, predicate 42', () => FC({ predicate: 42 }), /`predicate`/),
  throws('firstCompleted concurrency 0', () => FC([], { concurrency: 0 }), /`concurrency`/),
  throws("firstCompleted emit 'settled'", () => FC([], { emit: 'settled' }), /`emit`.*'value' or 'tagged'.*'settled'/),
  throws('firstCompleted() pipeable, emit true', () => FC({ emit: true }), /`emit`.*`true`/),
  /* mergeCompletedThen */
  throws('mergeCompletedThen(null, first, then)', () => MCT(null, f, g), /`items`.*null/),
  throws('mergeCompletedThen(a string, first, then)', () => MCT('ab', f, g), /`items`/),
  throws('mergeCompletedThen(a Promise, first, then)', () => MCT(Promise.resolve([1]), f, g), /`items`.*a Promise/),
  throws('mergeCompletedThen first not a function', () => MCT([], 'f', g), /`first`.*a string/),
  throws('mergeCompletedThen then not a function', () => MCT([], f, null), /`then`.*null/),
  throws('mergeCompletedThen then missing', () => MCT([], f), /`then`.*undefined/),
  throws('mergeCompletedThen pipeable, then 42', () => MCT(f, 42), /`then`.*`42`/),
  throws('mergeCompletedThen concurrency -1', () => MCT([], f, g, { concurrency: -1 }), /`concurrency`/),
  throws(
    'mergeCompletedThen concurrency { first: 0 }',
    () => MCT([], f, g, { concurrency: { first: 0 } }),
    /`concurrency\.first`/,
  ),
  throws(
    'mergeCompletedThen concurrency { then: 1.5 }',
    () => MCT([], f, g, { concurrency: { then: 1.5 } }),
    /`concurrency\.then`/,
  ),
  throws(
    "mergeCompletedThen concurrency { first: '2' }",
    () => MCT([], f, g, { concurrency: { first: '2' } }),
    /`concurrency\.first`/,
  ),
  throws(
    'mergeCompletedThen concurrency with an unknown cap',
    () => MCT([], f, g, { concurrency: { both: 2 } }),
    /`both`/,
  ),
  throws("mergeCompletedThen concurrency '4'", () => MCT([], f, g, { concurrency: '4' }), /`concurrency`/),
  throws("mergeCompletedThen emit 'x'", () => MCT([], f, g, { emit: 'x' }), /`emit`/),
  throws('mergeCompletedThen options a number', () => MCT([], f, g, 3), /`options`/),

  /* A source value that is not a collection: a stream error, not a throw. */
  {
    kind: 'errors',
    title: 'asCompleted() over a source emitting 42',
    call: () => AC(),
    source: of(42),
    error: TypeError,
    message: /source.*`42` \(number\)/,
  },
  {
    kind: 'errors',
    title: 'asCompleted() over a source emitting a string',
    call: () => AC(),
    source: of('abc'),
    error: TypeError,
    message: /source.*a string/,
  },
  {
    kind: 'errors',
    title: 'asCompleted() over a source emitting a Promise',
    call: () => AC(),
    source: of(Promise.resolve(1)),
    error: TypeError,
    message: /source.*a Promise/,
  },
  {
    kind: 'errors',
    title: 'asCompletedWithTimeout(10) over a source emitting null',
    call: () => ACT(10),
    source: of(null),
    error: TypeError,
    message: /source.*null/,
  },
  {
    kind: 'errors',
    title: 'firstCompleted() over a source emitting { a: 1 } (a value that is not an input: no record)',
    call: () => FC(),
    source: of({ a: 1 }),
    error: TypeError,
    message: /source.*an object/,
  },
  {
    kind: 'errors',
    title: 'mergeCompletedThen() over a source emitting 42',
    call: () => MCT(f, g),
    source: of(42),
    error: TypeError,
    message: /source.*`42`/,
  },

  /* Bad elements: a failure of that input only, naming its index. */
  {
    kind: 'errors',
    title: 'a null element fails the stream in value mode',
    call: () => AC([ok(), null]),
    error: TypeError,
    message: /`inputs\[1\]`.*got null/,
  },
  {
    kind: 'errors',
    title: "a 42 element fails the stream in emit: 'tagged'",
    call: () => AC([42], { emit: 'tagged' }),
    error: TypeError,
    message: /`inputs\[0\]`.*`42` \(number\)/,
  },
  {
    kind: 'errors',
    title: 'a {} element fails asCompletedWithTimeout',
    call: () => ACT([ok, ok, {}], 100),
    error: TypeError,
    message: /`inputs\[2\]`.*an object/,
  },
  {
    kind: 'errors',
    title: 'a null element in batch 1 names its batch',
    call: () => AC(),
    source: of([ok], [null]),
    error: TypeError,
    message: /`inputs\[0\]` of batch 1/,
  },
  {
    kind: 'rejects',
    title: "a null element is a rejected record in emit: 'settled'",
    call: () => AC([ok, null, ok], { emit: 'settled' }),
    bad: 1,
    error: TypeError,
    message: /`inputs\[1\]`/,
  },
  {
    kind: 'rejects',
    title: "a 42 element is a rejected record in emit: 'settled'",
    call: () => AC([42, ok], { emit: 'settled' }),
    bad: 0,
    error: TypeError,
    message: /`inputs\[0\]`/,
  },
  {
    kind: 'rejects',
    title: 'a {} element is a rejected record (with a deadline)',
    call: () => ACT([ok, {}], { total: 100, emit: 'settled' }),
    bad: 1,
    error: TypeError,
    message: /`inputs\[1\]`/,
  },
  {
    kind: 'aggregate',
    title: 'a {} element is a skipped failure in firstCompleted',
    call: () => FC([{}]),
    error: TypeError,
    message: /`inputs\[0\]`/,
  },
  {
    kind: 'errors',
    title: 'a factory that throws fails with what it threw',
    call: () =>
      AC([
        ok,
        () => {
          throw new RangeError('factory blew up');
        },
      ]),
    error: RangeError,
    message: /factory blew up/,
  },
  {
    kind: 'rejects',
    title: "a factory that throws is a rejected record in emit: 'settled'",
    call: () =>
      AC(
        [
          () => {
            throw new RangeError('factory blew up');
          },
          ok,
        ],
        { emit: 'settled' },
      ),
    bad: 0,
    error: RangeError,
    message: /factory blew up/,
  },
  {
    kind: 'errors',
    title: 'a factory that returns 42',
    call: () => AC([ok, () => 42]),
    error: TypeError,
    message: /factory at `inputs\[1\]`.*`42` \(number\)/,
  },
  {
    kind: 'rejects',
    title: "a factory that returns 42 is a rejected record in emit: 'settled'",
    call: () => AC([ok, () => 42], { emit: 'settled' }),
    bad: 1,
    error: TypeError,
    message: /factory at `inputs\[1\]`/,
  },
  {
    kind: 'errors',
    title: 'a stage-1 result that is not iterable',
    call: () => MCT(['a'], () => Promise.resolve(42), g),
    error: TypeError,
    message: /`first`.*`items\[0\]`.*`42`/,
  },
  {
    kind: 'errors',
    title: 'a first that returns 42',
    call: () => MCT(['a'], () => 42, g),
    error: TypeError,
    message: /`items\[0\]`/,
  },
  {
    kind: 'errors',
    title: 'a then that returns null',
    call: () =>
      MCT(
        ['a'],
        () => of([7]),
        () => null,
      ),
    error: TypeError,
    message: /`items\[0\]`/,
  },
];

describe('bad arguments and bad elements', () => {
  it('has a row for every case', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows)('$kind: $title', async (row) => {
    const check = (error: unknown) => {
      expect(error).toBeInstanceOf(row.error);
      expect((error as Error).message).toMatch(row.message);
    };
    switch (row.kind) {
      case 'throws': {
        let thrown: unknown;
        try {
          row.call();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeDefined();
        check(thrown);
        return;
      }
      case 'errors': {
        const made = row.call();
        const output = (
          row.source ? (made as (s: Observable<unknown>) => Observable<unknown>)(row.source) : made
        ) as Observable<unknown>;
        expect(isObservable(output)).toBe(true);
        let rec!: ReturnType<typeof record>;
        expect(() => (rec = record(output))).not.toThrow();
        await rec.done;
        expect(rec.errored).toBe(true);
        check(rec.error);
        return;
      }
      case 'rejects': {
        const rec = await run(row.call() as Observable<{ status: string; index: number; reason?: unknown }>);
        expect(rec.completed).toBe(true);
        const byIndex = [...rec.values].sort((a, b) => a.index - b.index);
        expect(byIndex.map((r) => [r.index, r.status])).toEqual(
          byIndex.map((_, i) => [i, i === row.bad ? 'rejected' : 'fulfilled']),
        );
        check(byIndex[row.bad].reason);
        return;
      }
      case 'aggregate': {
        const rec = await run(row.call() as Observable<unknown>);
        expect(rec.error).toBeInstanceOf(AggregateError);
        const [only, ...rest] = (rec.error as AggregateError).errors;
        expect(rest).toEqual([]);
        check(only);
        return;
      }
    }
  });

  it('skips a bad element in firstCompleted when another input wins', async () => {
    expect((await run(FC([null, delay(5, 'ok')]) as Observable<string>)).values).toEqual(['ok']);
  });
});

import { isObservable, lastValueFrom, Observable, of, toArray } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, firstCompleted, mergeCompletedThen } from '../src/index.js';
import { delay, run } from './support/async.js';

// The lone plain-object rule (SPEC §1): a plain object passed alone is the
// operator's options when it is empty, when any key is one of its option
// names, or when any value is not an input; otherwise it is a record
// collection. The calls are loose on purpose: some are wrong, and the record
// overloads come with the types work.
type Loose = (...args: unknown[]) => unknown;
const AC = asCompleted as unknown as Loose;
const ACT = asCompletedWithTimeout as unknown as Loose;
const FC = firstCompleted as unknown as Loose;
const MCT = mergeCompletedThen as unknown as Loose;

const p = () => Promise.resolve(1);
const fn = () => of(1);
async function* gen() {
  yield p();
}

type Reading = 'options' | 'record' | RegExp;
type Case = [title: string, call: () => unknown, reading: Reading];

const cases: Case[] = [
  /* asCompleted */
  ['asCompleted({}): empty is options', () => AC({}), 'options'],
  ['asCompleted({ concurrency: 2 })', () => AC({ concurrency: 2 }), 'options'],
  ["asCompleted({ emit: 'tagged' })", () => AC({ emit: 'tagged' }), 'options'],
  ['asCompleted({ signal })', () => AC({ signal: new AbortController().signal }), 'options'],
  ['asCompleted({ concurrency: 2, a: promise }): an option name wins', () => AC({ concurrency: 2, a: p() }), /`a`/],
  [
    'asCompleted({ concurency: 4 }): a typo is an unknown option',
    () => AC({ concurency: 4 }),
    /^Expected `inputs` to be a collection of inputs or `options` an options object, got an object with `concurency` \(options are `concurrency`, `emit`, `signal`\)$/,
  ],
  [
    'asCompleted({ concurency: 4, emitt: 1 }) names every unknown key',
    () => AC({ concurency: 4, emitt: 1 }),
    /`concurency`, `emitt`/,
  ],
  ['asCompleted({ a: promise, b: promise }) is a record', () => AC({ a: p(), b: p() }), 'record'],
  [
    'asCompleted of every kind of input (factory, Observable, array, async iterable, thenable) is a record',
    () => AC({ f: fn, o: of(1), arr: [1], it: gen(), t: { then: (ok: (v: number) => void) => ok(1) } }),
    'record',
  ],
  ['asCompleted({ a: promise, b: 42 }): a number is not an input', () => AC({ a: p(), b: 42 }), /`a`, `b`/],
  ["asCompleted({ a: promise, b: 'text' }): a string is not an input", () => AC({ a: p(), b: 'text' }), /`a`, `b`/],
  ['asCompleted({ a: promise, b: {} }): a plain object is not an input', () => AC({ a: p(), b: {} }), /`a`, `b`/],
  [
    'asCompleted({ emit: promise, b: promise }): a key named emit makes it options',
    () => AC({ emit: p(), b: p() }),
    /`b`/,
  ],
  ['asCompleted({ emit: promise, b: promise }, {}) is a record', () => AC({ emit: p(), b: p() }, {}), 'record'],
  ['asCompleted({}, {}) is an empty record', () => AC({}, {}), 'record'],
  /* firstCompleted */
  ['firstCompleted({})', () => FC({}), 'options'],
  ['firstCompleted({ predicate })', () => FC({ predicate: () => true }), 'options'],
  ["firstCompleted({ emit: 'tagged' })", () => FC({ emit: 'tagged' }), 'options'],
  ['firstCompleted({ concurrency: 1 })', () => FC({ concurrency: 1 }), 'options'],
  ['firstCompleted({ signal })', () => FC({ signal: new AbortController().signal }), 'options'],
  ['firstCompleted({ a: promise }) is a record', () => FC({ a: p() }), 'record'],
  [
    'firstCompleted({ predicat: () => true }): a function value reads as a record',
    () => FC({ predicat: () => true }),
    'record',
  ],
  [
    'firstCompleted({ concurency: 1 })',
    () => FC({ concurency: 1 }),
    /`concurency`.*options are `concurrency`, `predicate`, `emit`, `signal`/,
  ],
  /* asCompletedWithTimeout: the lone argument is a number or a config */
  ['asCompletedWithTimeout({ total: 10 })', () => ACT({ total: 10 }), 'options'],
  ['asCompletedWithTimeout({ each: 10 })', () => ACT({ each: 10 }), 'options'],
  ['asCompletedWithTimeout({ total: 10, a: promise }): a config key wins', () => ACT({ total: 10, a: p() }), /`a`/],
  ['asCompletedWithTimeout({}) is a config without total or each', () => ACT({}), /`total`.*`each`/],
  ['asCompletedWithTimeout({ tota: 10 }) is a typo', () => ACT({ tota: 10 }), /Unknown option `tota` in `timeout`/],
  [
    'asCompletedWithTimeout({ a: promise }) is a record without a timeout',
    () => ACT({ a: p() }),
    /`timeout`.*undefined/,
  ],
  ['asCompletedWithTimeout({ a: promise }, 10) is a record', () => ACT({ a: p() }, 10), 'record'],
  ['asCompletedWithTimeout({ each: promise }, 10) is a record', () => ACT({ each: p() }, 10), 'record'],
  /* mergeCompletedThen: an object first, functions after */
  ['mergeCompletedThen({ a: 1 }, first, then) is a record of items', () => MCT({ a: 1 }, fn, fn), 'record'],
  ['mergeCompletedThen(first, then) is the pipeable form', () => MCT(fn, fn), 'options'],
];

describe('the lone plain-object rule', () => {
  it.each(cases)('%s', (_title, call, reading) => {
    if (reading instanceof RegExp) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(reading);
      return;
    }
    const made = call();
    if (reading === 'record') expect(isObservable(made)).toBe(true);
    else expect(typeof made === 'function' && !isObservable(made)).toBe(true);
  });

  it('runs a lone record of promises as the collection', async () => {
    const rec = await run(AC({ a: delay(10, 'a'), b: delay(1, 'b') }) as Observable<string>);
    expect(rec.values).toEqual(['b', 'a']);
  });

  it('runs a record with a key named `emit` in the two-argument form', async () => {
    const rec = await run(
      AC({ emit: Promise.resolve('e'), other: delay(5, 'o') }, { emit: 'tagged' }) as Observable<{ key: string }>,
    );
    expect(rec.values.map((r) => r.key)).toEqual(['emit', 'other']);
  });

  describe('in the pipeable form', () => {
    it('a plain-object source value whose values are all inputs is a record batch', async () => {
      const values = await lastValueFrom(
        of({ a: of(1), b: Promise.resolve(2) }).pipe(AC() as (s: Observable<unknown>) => Observable<number>, toArray()),
      );
      expect(values.sort()).toEqual([1, 2]);
    });

    it('an empty plain object is an empty batch', async () => {
      const rec = await run(
        of({}, [of(1)]).pipe(AC({ emit: 'tagged' }) as (s: Observable<unknown>) => Observable<{ batch: number }>),
      );
      expect(rec.values.map((r) => r.batch)).toEqual([1]);
      expect(rec.completed).toBe(true);
    });

    it.each([
      ['asCompleted', AC()],
      ['firstCompleted', FC()],
      ['asCompletedWithTimeout', ACT(100)],
    ])(
      '%s: a plain object holding a value that is not an input is not a collection (the hint says why)',
      async (_name, op) => {
        const rec = await run(of({ a: of(1), n: 42 }).pipe(op as (s: Observable<unknown>) => Observable<unknown>));
        expect(rec.error).toBeInstanceOf(TypeError);
        expect((rec.error as Error).message).toMatch(
          /^Expected the source to emit collections of inputs, got an object; to run each source value as one input, pass the source itself as the collection/,
        );
      },
    );

    it('the mapper form and mergeCompletedThen take any plain object as a record of items', async () => {
      const mapped = await lastValueFrom(
        of({ a: 1, b: 'two' }).pipe(
          AC((item: unknown) => of(item)) as (s: Observable<unknown>) => Observable<unknown>,
          toArray(),
        ),
      );
      expect(mapped).toEqual([1, 'two']);
      const fanned = await lastValueFrom(
        of({ a: 1 }).pipe(
          MCT(
            (item: number) => of([item, item + 1]),
            (child: number) => of(child * 10),
          ) as (s: Observable<unknown>) => Observable<unknown>,
          toArray(),
        ),
      );
      expect(fanned).toEqual([10, 20]);
    });
  });
});

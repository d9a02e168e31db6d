import { EmptyError, forkJoin, merge, mergeMap, of, take, tap, type Observable } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import { mergeCompletedThen, type ThenSettled } from '../src/index.js';
import { createTestScheduler, recordError, recordValues, type Caught } from './support/marbles.js';

// Stage-1 inputs start at frame 0; a stage-2 input (and an input of a later
// batch) is indented by the frame it starts, so every column is one frame.

/** A cold observable of the TestScheduler (its class is not public API). */
type Cold<T> = Observable<T> & Pick<ReturnType<RunHelpers['cold']>, 'subscriptions'>;

/**
 * The fan-out scenario: items a, b, c whose stage 1 takes 30, 10 and 20 frames
 * and gives 2, 3 and 1 children; each child's stage 2 has its own duration
 * (not indented here: the two compositions start them at different frames).
 * A fresh set of cold observables per call, so each run has its own subscriptions.
 */
function fanOutScenario({ cold }: RunHelpers) {
  const stage1: Record<string, Cold<string[]>> = {
    a: cold('------------------------------(l|)', { l: ['d', 'e'] }),
    b: cold('----------(m|)', { m: ['f', 'g', 'h'] }),
    c: cold('--------------------(n|)', { n: ['i'] }),
  };

  const stage2: Record<string, Cold<string>> = {
    d: cold('---(D|)'),
    e: cold('------(E|)'),
    f: cold('------------(F|)'),
    g: cold('----------------(G|)'),
    h: cold('------------------------(H|)'),
    i: cold('-----(I|)'),
  };

  const first = (item: string) => stage1[item];
  const then = (child: string) => stage2[child];
  return { stage1, stage2, first, then };
}

/** What the types rightly reject (a string is not a list), to test the runtime's own check. */
function notAList(value: unknown): Observable<string[]> {
  return value as Observable<string[]>;
}

/** Notes the frame at which a stream completes. */
function endFrame<T>(testScheduler: TestScheduler, ended: Record<string, number>, name: string) {
  return tap<T>({ complete: () => (ended[name] = testScheduler.now()) });
}

describe('mergeCompletedThen', () => {
  describe('creation form', () => {
    it("starts an item's stage 2 the moment its stage 1 finishes, and ends earlier than forkJoin-then-mergeMap", () => {
      const testScheduler = createTestScheduler();
      const ended: Record<string, number> = {};
      testScheduler.run((helpers) => {
        const { expectObservable, expectSubscriptions } = helpers;
        const items = ['a', 'b', 'c'];

        const fan = fanOutScenario(helpers);
        const fanOut = mergeCompletedThen(items, fan.first, fan.then).pipe(endFrame(testScheduler, ended, 'fanOut'));

        const gather = fanOutScenario(helpers);
        const gatherThenFanOut = forkJoin(items.map(gather.first)).pipe(
          mergeMap((lists) => merge(...lists.flatMap((children) => children.map(gather.then)))),
          endFrame(testScheduler, ended, 'gather'),
        );

        // b's children start at frame 10, c's at 20, a's at 30: while a's stage 1
        // still runs. forkJoin starts every child at frame 30.
        const a1Subs = '        ^-----------------------------!';
        const b1Subs = '        ^---------!';
        const c1Subs = '        ^-------------------!';
        const fanOutSubs = {
          d: '                  ------------------------------^--!',
          e: '                  ------------------------------^-----!',
          f: '                  ----------^-----------!',
          g: '                  ----------^---------------!',
          h: '                  ----------^-----------------------!',
          i: '                  --------------------^----!',
        };
        const fanOutExpected = '----------------------F--IG------DH-(E|)';
        const gatherSubs = {
          d: '                  ------------------------------^--!',
          e: '                  ------------------------------^-----!',
          f: '                  ------------------------------^-----------!',
          g: '                  ------------------------------^---------------!',
          h: '                  ------------------------------^-----------------------!',
          i: '                  ------------------------------^----!',
        };
        const gatherExpected = '---------------------------------D-IE-----F---G-------(H|)';

        expectObservable(fanOut).toBe(fanOutExpected);
        expectObservable(gatherThenFanOut).toBe(gatherExpected);
        for (const run of [fan, gather]) {
          expectSubscriptions(run.stage1.a.subscriptions).toBe(a1Subs);
          expectSubscriptions(run.stage1.b.subscriptions).toBe(b1Subs);
          expectSubscriptions(run.stage1.c.subscriptions).toBe(c1Subs);
        }
        for (const child of ['d', 'e', 'f', 'g', 'h', 'i'] as const) {
          expectSubscriptions(fan.stage2[child].subscriptions).toBe(fanOutSubs[child]);
          expectSubscriptions(gather.stage2[child].subscriptions).toBe(gatherSubs[child]);
        }
      });
      expect(ended).toEqual({ fanOut: 36, gather: 54 });
    });

    it('shares a number concurrency between both stages, giving a freed slot to stage 2 first', () => {
      // a's children d and e take the slots freed at 10 and 20 while c's stage 1
      // waits until frame 30.
      testStageScheduling(2, {
        a1: '      ^---------!',
        b1: '      ^------------------------!',
        c1: '      ------------------------------^----!',
        d: '       ----------^---------!',
        e: '       --------------------^---------!',
        f: '       -------------------------^------!',
        g: '       -----------------------------------^----!',
        expected: '--------------------D---------E-F-------(G|)',
      });
    });

    it('caps each stage on its own with { first, then }', () => {
      // Stage 1 runs one item at a time beside stage 2, which runs one child at a time.
      // prettier-ignore
      testStageScheduling({ first: 1, then: 1 }, {
        a1: '      ^---------!',
        b1: '      ----------^------------------------!',
        c1: '      -----------------------------------^----!',
        d: '       ----------^---------!',
        e: '       --------------------^---------!',
        f: '       -----------------------------------^------!',
        g: '       ------------------------------------------^----!',
        expected: '--------------------D---------E-----------F----(G|)',
      });
    });

    it("emits exact tagged records { value, item, itemIndex, child, childIndex, completed, batch } (emit: 'tagged')", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' ---(l|)', { l: ['c', 'd'] });
        const a1Subs = '  ^--!';
        const b1 = cold(' -(m|)', { m: ['e'] });
        const b1Subs = '  ^!';
        const c = cold('     ----(C|)');
        const cSubs = '   ---^---!';
        const d = cold('     --(D|)');
        const dSubs = '   ---^-!';
        const e = cold('   -(E|)');
        const eSubs = '   -^!';
        const expected = '--x--y-(z|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d, e };
        const first = (item: string) => stage1[item];
        const then = (child: string) => stage2[child];
        const result = mergeCompletedThen(['a', 'b'], first, then, { emit: 'tagged' });
        expectObservable(result).toBe(expected, {
          x: { value: 'E', item: 'b', itemIndex: 1, child: 'e', childIndex: 0, completed: 1, batch: 0 },
          y: { value: 'D', item: 'a', itemIndex: 0, child: 'd', childIndex: 1, completed: 2, batch: 0 },
          z: { value: 'C', item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 3, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe(eSubs);
      });
    });

    it("emits a stage-1 rejected record per failed item and a record per child (emit: 'settled')", () => {
      const boom = new Error('stage 1 of b failed');
      const seen: ThenSettled<string, string, string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' --(l|)', { l: ['d', 'e'] });
        const a1Subs = '  ^-!';
        const b1 = cold(' ---#', undefined, boom);
        const b1Subs = '  ^--!';
        const c1 = cold(' ----(n|)', { n: 42 });
        const c1Subs = '  ^---!';
        const d = cold('    ---(D|)');
        const dSubs = '   --^--!';
        const e = cold('    ----#');
        const eSubs = '   --^---!';
        const expected = '---pqr(s|)';

        const stage1: Record<string, Cold<unknown>> = { a: a1, b: b1, c: c1 };
        const stage2: Record<string, Cold<string>> = { d, e };
        const first = (item: string) => stage1[item] as Observable<string[]>;
        const then = (child: string) => stage2[child];
        const result = mergeCompletedThen(['a', 'b', 'c'], first, then, { emit: 'settled' });
        // prettier-ignore
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          p: { status: 'rejected', reason: boom, stage: 1, item: 'b', itemIndex: 1, completed: 1, batch: 0 },
          q: { status: 'rejected', reason: expect.any(TypeError), stage: 1, item: 'c', itemIndex: 2, completed: 2, batch: 0 },
          r: { status: 'fulfilled', value: 'D', stage: 2, item: 'a', itemIndex: 0, child: 'd', childIndex: 0, completed: 3, batch: 0 },
          s: { status: 'rejected', reason: 'error', stage: 2, item: 'a', itemIndex: 0, child: 'e', childIndex: 1, completed: 4, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c1.subscriptions).toBe(c1Subs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe(eSubs);
      });
      expect((seen[0] as { reason: unknown }).reason).toBe(boom);
      const reason = (seen[1] as { reason: unknown }).reason;
      expect(reason).toBeInstanceOf(TypeError);
      expect((reason as TypeError).message).toBe(
        'Expected `first` to give a list of children for `items[2]`, got `42` (number) as page 1 of its stream',
      );
    });

    it('fails fast on a stage-2 error: tears down running stage-1 and stage-2 work', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -(l|)', { l: ['c', 'd'] });
        const a1Subs = '  ^!';
        const b1 = cold(' ------(m|)', { m: ['e'] });
        const b1Subs = '  ^--!';
        const c = cold('   --#');
        const cSubs = '   -^-!';
        const d = cold('   ----(D|)');
        const dSubs = '   -^-!';
        const e = cold('  --(E|)');
        const expected = '---#';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d, e };
        const first = (item: string) => stage1[item];
        const then = (child: string) => stage2[child];
        const result = mergeCompletedThen(['a', 'b'], first, then);
        expectObservable(result).toBe(expected);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe([]);
      });
    });

    it('fails the item with a TypeError when its stage-1 result is not iterable', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' --(n|)', { n: 42 });
        const a1Subs = '  ^-!';
        const b1 = cold(' -----(m|)', { m: ['c'] });
        const b1Subs = '  ^-!';
        const c = cold('  -(C|)');
        const expected = '--#';

        const stage1: Record<string, Cold<unknown>> = { a: a1, b: b1 };
        const first = (item: string) => stage1[item] as Observable<string[]>;
        const result = mergeCompletedThen(['a', 'b'], first, () => c);
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, expect.any(TypeError));
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe([]);
      });
      expect(caught.error).toBeInstanceOf(TypeError);
      expect((caught.error as TypeError).message).toBe(
        'Expected `first` to give a list of children for `items[0]`, got `42` (number) as page 1 of its stream',
      );
    });

    it('calls first with (item, index, signal) and then with (child, item, signal), and aborts them on unsubscribe', () => {
      const firstCalls: Array<[string, number, AbortSignal]> = [];
      const thenCalls: Array<[string, string, AbortSignal]> = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -(l|)', { l: ['c'] });
        const a1Subs = '  ^!';
        const b1 = cold(' -------(m|)', { m: ['d'] });
        const b1Subs = '  ^---!';
        const c = cold('   -----(C|)');
        const cSubs = '   -^--!';
        const unsub = '   ----!';
        const expected = '----';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const result = mergeCompletedThen(
          ['a', 'b'],
          (item, index, signal) => (firstCalls.push([item, index, signal]), stage1[item]),
          (child: string, item, signal) => (thenCalls.push([child, item, signal]), c),
        );
        expectObservable(result, unsub).toBe(expected);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(firstCalls.map(([item, index]) => [item, index])).toEqual([
        ['a', 0],
        ['b', 1],
      ]);
      expect(thenCalls.map(([child, item]) => [child, item])).toEqual([['c', 'a']]);
      expect(firstCalls[0][2].aborted).toBe(false);
      expect(firstCalls[1][2].aborted).toBe(true);
      expect(thenCalls[0][2].aborted).toBe(true);
    });

    it('completes at once for no items, and an item with no children adds nothing', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' --(l|)', { l: [] as string[] });
        const a1Subs = '  ^-!';
        const expected = '--|';

        const first = () => a1;
        const then = () => of('x');
        expectObservable(mergeCompletedThen([], first, then)).toBe('|');
        expectObservable(mergeCompletedThen(['a'], first, then)).toBe(expected);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
      });
    });

    it('calls no further first or then when unsubscribed from inside a synchronous emission (take(1))', () => {
      let firstCalls = 0;
      let thenCalls = 0;
      createTestScheduler().run(({ expectObservable }) => {
        const result = mergeCompletedThen(
          ['a', 'b'],
          (item) => (firstCalls++, of([`${item}1`, `${item}2`])),
          (child) => (thenCalls++, of(child.toUpperCase())),
        );
        expectObservable(result.pipe(take(1))).toBe('(x|)', { x: 'A1' });
      });
      expect(firstCalls).toBe(1);
      expect(thenCalls).toBe(1);
    });
  });

  describe('pages: first gives a stream of lists', () => {
    it("starts each page's children as the page arrives, childIndex counting on across pages (emit: 'tagged')", () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p---q---|', { p: ['c', 'd'], q: ['e'] });
        const a1Subs = '  ^--------!';
        const c = cold('   --(C|)');
        const cSubs = '   -^-!';
        const d = cold('   ------(D|)');
        const dSubs = '   -^-----!';
        const e = cold('       -(E|)');
        const eSubs = '   -----^!';
        // C and E are out before stage 1 has even finished; the output ends with it.
        const expected = '---x--yz-|';

        const stage2: Record<string, Cold<string>> = { c, d, e };
        const result = mergeCompletedThen(
          ['a'],
          () => a1,
          (child: string) => stage2[child],
          { emit: 'tagged' },
        );
        expectObservable(result).toBe(expected, {
          x: { value: 'C', item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 1, batch: 0 },
          y: { value: 'E', item: 'a', itemIndex: 0, child: 'e', childIndex: 2, completed: 2, batch: 0 },
          z: { value: 'D', item: 'a', itemIndex: 0, child: 'd', childIndex: 1, completed: 3, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe(eSubs);
      });
    });

    it('holds the stage-1 slot while paging, and gives every freed slot to waiting children first (shared budget)', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // a pages [c, d] at 1 and [e] at 7 and ends at 10; b gives [f] at 2;
        // x waits for a slot until no child is waiting (10), then gives [g].
        const a1 = cold(' -p-----q--|', { p: ['c', 'd'], q: ['e'] });
        const a1Subs = '  ^---------!';
        const b1 = cold(' --(m|)', { m: ['f'] });
        const b1Subs = '  ^-!';
        const x1 = cold('           -(n|)', { n: ['g'] });
        const x1Subs = '  ----------^!';
        const c = cold('    --(C|)');
        const cSubs = '   --^-!';
        const d = cold('      --(D|)');
        const dSubs = '   ----^-!';
        const f = cold('        --(F|)');
        const fSubs = '   ------^-!';
        const e = cold('          ---(E|)');
        const eSubs = '   --------^--!';
        const g = cold('             -(G|)');
        const gSubs = '   -----------^!';
        const expected = '----C-D-F--E(G|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1, x: x1 };
        const stage2: Record<string, Cold<string>> = { c, d, e, f, g };
        const result = mergeCompletedThen(
          ['a', 'b', 'x'],
          (item) => stage1[item],
          (child: string) => stage2[child],
          { concurrency: 2 },
        );
        expectObservable(result).toBe(expected);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(x1.subscriptions).toBe(x1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe(eSubs);
        expectSubscriptions(f.subscriptions).toBe(fSubs);
        expectSubscriptions(g.subscriptions).toBe(gSubs);
      });
    });

    it('holds a stage-1 slot of { first } until the page stream completes, while its children already run', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p---|', { p: ['c'] });
        const a1Subs = '  ^----!';
        const b1 = cold('      -(m|)', { m: ['d'] });
        const b1Subs = '  -----^!';
        const c = cold('   -(C|)');
        const cSubs = '   -^!';
        const d = cold('        -(D|)');
        const dSubs = '   ------^!';
        const expected = '--C----(D|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d };
        const result = mergeCompletedThen(
          ['a', 'b'],
          (item) => stage1[item],
          (child: string) => stage2[child],
          { concurrency: { first: 1 } },
        );
        expectObservable(result).toBe(expected);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('adds nothing for an empty page, and counts childIndex on past it', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p-q-r-|', { p: [] as string[], q: ['c'], r: [] as string[] });
        const a1Subs = '  ^------!';
        const c = cold('     -(C|)');
        const cSubs = '   ---^!';
        const expected = '----x--|';

        const result = mergeCompletedThen(
          ['a'],
          () => a1,
          () => c,
          { emit: 'tagged' },
        );
        expectObservable(result).toBe(expected, {
          x: { value: 'C', item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 1, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it("lets the children of earlier pages run on when stage 1 fails after them, with the item's stage-1 record (emit: 'settled')", () => {
      const boom = new Error('page 2 failed');
      const signals: AbortSignal[] = [];
      const seen: ThenSettled<string, string, string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p--#', { p: ['c', 'd'] }, boom);
        const a1Subs = '  ^---!';
        const c = cold('   --(C|)');
        const cSubs = '   -^-!';
        const d = cold('   -----(D|)');
        const dSubs = '   -^----!';
        const expected = '---xy-(z|)';

        const stage2: Record<string, Cold<string>> = { c, d };
        const result = mergeCompletedThen(
          ['a'],
          () => a1,
          (child: string, _item, signal) => (signals.push(signal), stage2[child]),
          { emit: 'settled' },
        );
        // prettier-ignore
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          x: { status: 'fulfilled', value: 'C', stage: 2, item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 1, batch: 0 },
          y: { status: 'rejected', reason: boom, stage: 1, item: 'a', itemIndex: 0, completed: 2, batch: 0 },
          z: { status: 'fulfilled', value: 'D', stage: 2, item: 'a', itemIndex: 0, child: 'd', childIndex: 1, completed: 3, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
      expect((seen[1] as { reason: unknown }).reason).toBe(boom);
      expect(signals.map((s) => s.aborted)).toEqual([false, false]);
    });

    it('fails fast when stage 1 fails after pages: every child and every other item torn down and aborted', () => {
      const boom = new Error('page 2 failed');
      const caught: Caught = {};
      const signals: Record<string, AbortSignal> = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p--#', { p: ['c', 'd'] }, boom);
        const a1Subs = '  ^---!';
        const b1 = cold(' -q------|', { q: ['e'] });
        const b1Subs = '  ^---!';
        const c = cold('   --(C|)');
        const cSubs = '   -^-!';
        const d = cold('   -----(D|)');
        const dSubs = '   -^--!';
        const e = cold('   ------(E|)');
        const eSubs = '   -^--!';
        const expected = '---C#';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d, e };
        const result = mergeCompletedThen(
          ['a', 'b'],
          (item, _i, signal) => ((signals[item] = signal), stage1[item]),
          (child: string, _item, signal) => ((signals[child] = signal), stage2[child]),
        );
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, boom);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectSubscriptions(e.subscriptions).toBe(eSubs);
      });
      expect(caught.error).toBe(boom);
      // a failed and c finished on their own: never aborted.
      const aborted = Object.fromEntries(Object.entries(signals).map(([key, s]) => [key, s.aborted]));
      expect(aborted).toEqual({ a: false, b: true, c: false, d: true, e: true });
    });

    it('tears a paging stage 1 and its children down on unsubscribe, aborting their signals', () => {
      const signals: Record<string, AbortSignal> = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p-------q|', { p: ['c'], q: ['d'] });
        const a1Subs = '  ^---!';
        const c = cold('   ------(C|)');
        const cSubs = '   -^--!';
        const d = cold('  -(D|)');
        const unsub = '   ----!';

        const stage2: Record<string, Cold<string>> = { c, d };
        const result = mergeCompletedThen(
          ['a'],
          (item, _i, signal) => ((signals[item] = signal), a1),
          (child: string, _item, signal) => ((signals[child] = signal), stage2[child]),
        );
        expectObservable(result, unsub).toBe('');
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe([]);
      });
      expect(Object.keys(signals)).toEqual(['a', 'c']);
      expect(signals.a.aborted).toBe(true);
      expect(signals.c.aborted).toBe(true);
    });

    it("fails an item whose page stream completes without any list with rxjs's EmptyError (emit: 'settled')", () => {
      const seen: ThenSettled<string, string, string>[] = [];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold<string[]>(' ---|');
        const a1Subs = '  ^--!';
        const b1 = cold(' -(m|)', { m: ['c'] });
        const c = cold('   -(C|)');
        const expected = '--x(y|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const result = mergeCompletedThen(
          ['a', 'b'],
          (item) => stage1[item],
          () => c,
          { emit: 'settled' },
        );
        // prettier-ignore
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          x: { status: 'fulfilled', value: 'C', stage: 2, item: 'b', itemIndex: 1, child: 'c', childIndex: 0, completed: 1, batch: 0 },
          y: { status: 'rejected', reason: expect.any(EmptyError), stage: 1, item: 'a', itemIndex: 0, completed: 2, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
      });
      expect((seen[1] as { reason: unknown }).reason).toBeInstanceOf(EmptyError);
    });

    it("fails an item with a TypeError for a page that is a string, tearing its stage 1 down while earlier children run on (emit: 'settled')", () => {
      const seen: ThenSettled<string, string, string>[] = [];
      let firstSignal: AbortSignal | undefined;
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p-q----|', { p: ['c'], q: 'oops' as unknown as string[] });
        const a1Subs = '  ^--!';
        const c = cold('   ----(C|)');
        const cSubs = '   -^---!';
        const expected = '---x-(y|)';

        const result = mergeCompletedThen(
          ['a'],
          (_item, _i, signal) => ((firstSignal = signal), a1),
          () => c,
          { emit: 'settled' },
        );
        // prettier-ignore
        expectObservable(result.pipe(recordValues(seen))).toBe(expected, {
          x: { status: 'rejected', reason: expect.any(TypeError), stage: 1, item: 'a', itemIndex: 0, completed: 1, batch: 0 },
          y: { status: 'fulfilled', value: 'C', stage: 2, item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 2, batch: 0 },
        });
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      const reason = (seen[0] as { reason: unknown }).reason as TypeError;
      expect(reason).toBeInstanceOf(TypeError);
      expect(reason.message).toBe(
        "Expected `first` to give a list of children for `items[0]`, got a string ('oops') as page 2 of its stream",
      );
      // Its pages were no longer wanted: torn down like an expired input, its signal aborted with the reason.
      expect(firstSignal?.aborted).toBe(true);
      expect(firstSignal?.reason).toBe(reason);
    });

    it('fails fast on a page that is no list: the output errors and the children of earlier pages are torn down', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold(' -p-q----|', { p: ['c'], q: 42 as unknown as string[] });
        const a1Subs = '  ^--!';
        const c = cold('   ----(C|)');
        const cSubs = '   -^-!';
        const expected = '---#';

        const result = mergeCompletedThen(
          ['a'],
          () => a1,
          () => c,
        );
        expectObservable(result.pipe(recordError(caught))).toBe(expected, undefined, expect.any(TypeError));
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
      expect(caught.error).toBeInstanceOf(TypeError);
      expect((caught.error as TypeError).message).toBe(
        'Expected `first` to give a list of children for `items[0]`, got `42` (number) as page 2 of its stream',
      );
    });

    it('takes the list itself, read whole, and fails an item whose first returns a string', () => {
      const caught: Caught = {};
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const c = cold('  -(C|)');
        const cSubs = '   ^!';
        const d = cold('  --(D|)');
        const dSubs = '   ^-!';
        const stage2: Record<string, Cold<string>> = { c, d };
        // A list of two children (here a Set), not two pages.
        expectObservable(
          mergeCompletedThen(
            ['a'],
            () => new Set(['c', 'd']),
            (child: string) => stage2[child],
          ),
        ).toBe('-C(D|)');
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
        expectObservable(
          mergeCompletedThen(
            ['a'],
            () => notAList('cd'),
            (child: string) => stage2[child],
          ).pipe(recordError(caught)),
        ).toBe('#', undefined, expect.any(TypeError));
      });
      expect((caught.error as TypeError).message).toBe(
        "Expected `first` to return a list of children, a promise of one or a stream of lists for `items[0]`, got a string ('cd')",
      );
    });
  });

  describe('pipeable form', () => {
    it('runs each source value as a batch and completes when the source and every batch have', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold('    -(l|)', { l: ['c'] });
        const a1Subs = '     ^!';
        const b1 = cold('       -(m|)', { m: ['d'] });
        const b1Subs = '     ---^!';
        const c = cold('      --(C|)');
        const cSubs = '      -^-!';
        const d = cold('         -(D|)');
        const dSubs = '      ----^!';
        const source = cold('x--y|', { x: ['a'], y: ['b'] });
        const sourceSubs = ' ^---!';
        const expected = '   ---x-(y|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d };
        const first = (item: string) => stage1[item];
        const then = (child: string) => stage2[child];
        const result = source.pipe(mergeCompletedThen(first, then, { emit: 'tagged' }));
        expectObservable(result).toBe(expected, {
          x: { value: 'C', item: 'a', itemIndex: 0, child: 'c', childIndex: 0, completed: 1, batch: 0 },
          y: { value: 'D', item: 'b', itemIndex: 0, child: 'd', childIndex: 0, completed: 1, batch: 1 },
        });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('shares one budget across batches, stage 2 of an earlier batch before stage 1 of a later one', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold('    --(l|)', { l: ['c'] });
        const a1Subs = '     ^-!';
        const b1 = cold('         -(m|)', { m: ['d'] });
        const b1Subs = '     -----^!';
        const c = cold('       ---(C|)');
        const cSubs = '      --^--!';
        const d = cold('           -(D|)');
        const dSubs = '      ------^!';
        const source = cold('xy|', { x: ['a'], y: ['b'] });
        const sourceSubs = ' ^-!';
        const expected = '   -----C-(D|)';

        const stage1: Record<string, Cold<string[]>> = { a: a1, b: b1 };
        const stage2: Record<string, Cold<string>> = { c, d };
        const first = (item: string) => stage1[item];
        const then = (child: string) => stage2[child];
        const result = source.pipe(mergeCompletedThen(first, then, { concurrency: 1 }));
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(b1.subscriptions).toBe(b1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe(dSubs);
      });
    });

    it('tears every batch down when the source errors', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const a1 = cold('    -(l|)', { l: ['c'] });
        const a1Subs = '     ^!';
        const c = cold('      ----(C|)');
        const cSubs = '      -^-!';
        const source = cold('x--#', { x: ['a'] });
        const sourceSubs = ' ^--!';
        const expected = '   ---#';

        const first = () => a1;
        const then = () => c;
        expectObservable(source.pipe(mergeCompletedThen(first, then))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(a1.subscriptions).toBe(a1Subs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });
  });
});

/**
 * Items a, b, c (stage 1: 10, 25, 5 frames) give children [d, e], [f], [g]
 * (stage 2: 10, 10, 7, 5 frames); the subscription frames show which stage got
 * each freed slot.
 */
function testStageScheduling(
  concurrency: number | { first: number; then: number },
  marbles: Record<'expected' | 'a1' | 'b1' | 'c1' | 'd' | 'e' | 'f' | 'g', string>,
): void {
  createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const stage1: Record<string, Cold<string[]>> = {
      a: cold('----------(l|)', { l: ['d', 'e'] }),
      b: cold('-------------------------(m|)', { m: ['f'] }),
      c: cold('-----(n|)', { n: ['g'] }),
    };

    const stage2: Record<string, Cold<string>> = {
      d: cold('----------(D|)'),
      e: cold('----------(E|)'),
      f: cold('-------(F|)'),
      g: cold('-----(G|)'),
    };

    const first = (item: string) => stage1[item];
    const then = (child: string) => stage2[child];
    const result = mergeCompletedThen(['a', 'b', 'c'], first, then, { concurrency });
    expectObservable(result).toBe(marbles.expected);
    expectSubscriptions(stage1.a.subscriptions).toBe(marbles.a1);
    expectSubscriptions(stage1.b.subscriptions).toBe(marbles.b1);
    expectSubscriptions(stage1.c.subscriptions).toBe(marbles.c1);
    expectSubscriptions(stage2.d.subscriptions).toBe(marbles.d);
    expectSubscriptions(stage2.e.subscriptions).toBe(marbles.e);
    expectSubscriptions(stage2.f.subscriptions).toBe(marbles.f);
    expectSubscriptions(stage2.g.subscriptions).toBe(marbles.g);
  });
}

/**
 * Type-level checks: the result types users get from idiomatic code (issue 11).
 * They are compile-time only: ts-jest in this repo runs with `isolatedModules`
 * (from tsconfig.json), which makes it transpile without type-checking. So the
 * test at the end type-checks this very file with the TypeScript compiler (and
 * proves, on a control snippet, that a wrong expectation is reported).
 * `npm run typecheck` checks it too.
 *
 * Every `@ts-expect-error` below is a call the runtime rejects (or that would
 * silently do the wrong thing); the directive fails the check if the call
 * ever compiles.
 */
import * as path from 'node:path';
import { expectTypeOf } from 'expect-type';
import { map, Observable, of, type OperatorFunction } from 'rxjs';
import { typeCheck } from './support/typeCheck.js';
import {
  asCompleted,
  asCompletedWithTimeout,
  firstCompleted,
  mergeCompletedThen,
  type AsCompletedOptions,
  type AsCompletedTimeoutConfig,
  type CollectionValueOf,
  type Completion,
  type CompletionFactory,
  type CompletionInput,
  type CompletionObservable,
  type CompletionOperator,
  type CompletionValueOf,
  type EmitMode,
  type Emitted,
  type EmittedFrom,
  type FirstCompletion,
  type InputOf,
  type KeyedOrigin,
  type LazyOrigin,
  type Settled,
  type SizedOrigin,
  type ThenCompletion,
  type ThenEmitted,
  type ThenSettled,
} from '../src/index.js';

interface User {
  id: number;
  name: string;
}
interface Order {
  total: number;
}
interface Item {
  id: number;
  title: string;
}
/** The shape of Angular's `HttpClient.get` (cold, typed by the caller). */
interface HttpLike {
  get<T>(url: string): Observable<T>;
}

declare const num: Promise<number>;
declare const str$: Observable<string>;
declare const bool: () => Promise<boolean>;
declare const mode: EmitMode;
declare const ids: number[];
declare const http: HttpLike;
declare function getUser(): Promise<User>;
declare const lines: AsyncIterable<string>;
declare function fetchUser(id: number, signal: AbortSignal): Promise<User>;
declare function getOrders(): Promise<Order[]>;
declare function isUser(value: unknown): value is User;
declare function fetchJson(url: string, signal: AbortSignal): Promise<unknown>;
declare const batches$: Observable<Promise<User>[]>;
declare const pairs$: Observable<readonly [Promise<User>, Observable<Item>]>;
declare const maybe: Promise<User | null>[];
declare const stopSignal: AbortSignal;
declare function idPagesOf(): Observable<number[]>;

/** A record from an array or a Set: any position, the collection's size known. */
type InArray<T, I = Promise<T>> = Completion<T, SizedOrigin<I>>;
type SettledInArray<T, I = Promise<T>> = Settled<T, SizedOrigin<I>>;

/* Compile-time only: never called, so nothing subscribes or runs. */
function resultTypes(): void {
  /* Issue 11, finding 1: idiomatic inputs are never `any` */
  expectTypeOf(asCompleted([getUser().then((u) => u.name)])).toEqualTypeOf<CompletionObservable<string>>();
  expectTypeOf(
    asCompleted(
      ids.map(
        (id) => (signal: AbortSignal) => fetch(`/users/${id}`, { signal }).then((r) => r.json() as Promise<User>),
      ),
    ),
  ).toEqualTypeOf<CompletionObservable<User>>();
  // The factory's parameter is typed from the collection, even through `.map`.
  expectTypeOf(
    asCompleted(ids.map((id) => (signal) => fetchJson(`/users/${id}`, signal).then((json) => json as User))),
  ).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(
    asCompleted([(signal) => getUser().then((u) => u.id + Number(signal.aborted)), async () => 'x']),
  ).toEqualTypeOf<CompletionObservable<number | string>>();
  expectTypeOf(firstCompleted([getUser().then((u) => u.name)])).toEqualTypeOf<CompletionObservable<string>>();
  expectTypeOf(asCompletedWithTimeout([getUser().then((u) => u.id)], 100)).toEqualTypeOf<
    CompletionObservable<number>
  >();
  expectTypeOf(of([getUser().then((u) => u.name)]).pipe(asCompleted())).toEqualTypeOf<Observable<string>>();
  // Mixed promises, observables and factories: the union of their results.
  expectTypeOf(asCompleted([num, str$, bool])).toEqualTypeOf<CompletionObservable<number | string | boolean>>();
  expectTypeOf(asCompleted([() => of('a', 'b'), () => [1, 2]])).toEqualTypeOf<CompletionObservable<string | number>>();
  // Angular HttpClient: cold Observables typed by the caller.
  expectTypeOf(asCompleted(ids.map((id) => http.get<Item>(`/api/items/${id}`)))).toEqualTypeOf<
    CompletionObservable<Item>
  >();
  // An input typed `any` (Response.json()) gives `any`, as in rxjs.
  expectTypeOf(asCompleted([fetch('/x').then((r) => r.json())])).toEqualTypeOf<CompletionObservable<any>>();
  // A collection typed `any[]` gives `unknown`, not `any`.
  expectTypeOf(asCompleted([] as any[])).toEqualTypeOf<CompletionObservable<unknown>>();
  // An array is an input too: its last value.
  expectTypeOf(asCompleted([[1, 2, 3]])).toEqualTypeOf<CompletionObservable<number>>();

  /* Collections: readonly arrays, Sets, generators, other iterables */
  const readonlyInputs: readonly Promise<User>[] = [getUser()];
  expectTypeOf(asCompleted(readonlyInputs)).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(readonlyInputs, { emit: 'tagged' })).toEqualTypeOf<CompletionObservable<InArray<User>>>();
  expectTypeOf(asCompleted(new Set([str$]), { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<InArray<string, Observable<string>>>
  >();
  const readonlySet: ReadonlySet<Promise<number>> = new Set([num]);
  expectTypeOf(asCompleted(readonlySet, { emit: 'settled' })).toEqualTypeOf<
    CompletionObservable<SettledInArray<number>>
  >();
  function* users() {
    yield getUser();
    yield getUser();
  }
  // Read lazily: `total` is unknown until the end.
  expectTypeOf(asCompleted(users())).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(users(), { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<Completion<User, LazyOrigin<Promise<User>>>>
  >();
  asCompleted(users(), { emit: 'tagged' }).subscribe((r) => expectTypeOf(r.total).toEqualTypeOf<number | undefined>());
  /* Lazy collections: async iterables and Observables of inputs */
  async function* userJobs() {
    yield await Promise.resolve((signal: AbortSignal) => fetchUser(1, signal));
  }
  expectTypeOf(asCompleted(userJobs())).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(userJobs(), { emit: 'settled' })).toEqualTypeOf<
    CompletionObservable<Settled<User, LazyOrigin<(signal: AbortSignal) => Promise<User>>>>
  >();
  const jobs$ = new Observable<Promise<User>>();
  expectTypeOf(asCompleted(jobs$, { concurrency: 8 })).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(jobs$, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<Completion<User, LazyOrigin<Promise<User>>>>
  >();
  asCompleted(jobs$, { emit: 'tagged' }).subscribe((r) => expectTypeOf(r.total).toEqualTypeOf<number | undefined>());
  expectTypeOf(firstCompleted(jobs$)).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompletedWithTimeout(userJobs(), { each: 1000 })).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(of(jobs$).pipe(asCompleted())).toEqualTypeOf<Observable<User>>();
  const iterable: Iterable<Observable<Order>> = [of({ total: 1 })];
  expectTypeOf(asCompleted(iterable)).toEqualTypeOf<CompletionObservable<Order>>();

  /* The mapper form: project(item, index, signal), records carry the item as `input` */
  expectTypeOf(asCompleted(ids, (id, _i, signal) => fetchUser(id, signal))).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(ids, (id, _i, signal) => fetchUser(id, signal), { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<Completion<User, SizedOrigin<number>>>
  >();
  asCompleted(users(), (p) => p.then((u) => u.name), { emit: 'settled' }).subscribe((r) => {
    expectTypeOf(r.input).toEqualTypeOf<Promise<User>>();
    expectTypeOf(r.total).toEqualTypeOf<number | undefined>();
    if (r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<string>();
  });
  asCompleted(ids, (id, index, signal) => {
    expectTypeOf(id).toEqualTypeOf<number>();
    expectTypeOf(index).toEqualTypeOf<number>();
    expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    return of(id);
  });
  // Items may be strings (they are items, not inputs).
  expectTypeOf(asCompleted(['a', 'b'], (text) => of(text.length))).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(
    asCompleted(new Observable<number>(), (id) => fetchUser(id, new AbortController().signal)),
  ).toEqualTypeOf<CompletionObservable<User>>();
  const idPages$ = new Observable<number[]>();
  expectTypeOf(idPages$.pipe(asCompleted((id, _i, signal) => fetchUser(id, signal)))).toEqualTypeOf<Observable<User>>();
  expectTypeOf(of([1]).pipe(asCompleted((id: number) => of(String(id)), { emit: 'tagged' }))).toEqualTypeOf<
    Observable<Completion<string, LazyOrigin<number>>>
  >();

  expectTypeOf(asCompletedWithTimeout(ids, (id, _i, signal) => fetchUser(id, signal), 1000)).toEqualTypeOf<
    CompletionObservable<User>
  >();
  expectTypeOf(
    asCompletedWithTimeout(ids, (id, _i, signal) => fetchUser(id, signal), { each: 100, emit: 'settled' }),
  ).toEqualTypeOf<CompletionObservable<Settled<User, SizedOrigin<number>>>>();
  expectTypeOf(idPages$.pipe(asCompletedWithTimeout((id, _i, signal) => fetchUser(id, signal), 1000))).toEqualTypeOf<
    Observable<User>
  >();
  expectTypeOf(firstCompleted(ids, (id, _i, signal) => fetchUser(id, signal))).toEqualTypeOf<
    CompletionObservable<User>
  >();
  expectTypeOf(firstCompleted(ids, (id) => of<User | Order>({ total: id }), { predicate: isUser })).toEqualTypeOf<
    CompletionObservable<User>
  >();
  expectTypeOf(idPages$.pipe(firstCompleted((id, _i, signal) => fetchUser(id, signal)))).toEqualTypeOf<
    Observable<User>
  >();

  /* The signal option, on every operator */
  const stop = new AbortController().signal;
  expectTypeOf(asCompleted([num], { signal: stop })).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], { total: 5, signal: stop })).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(firstCompleted([num], { signal: stop })).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(
    mergeCompletedThen(
      [1],
      () => of([2]),
      (c) => of(c),
      { signal: stop },
    ),
  ).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(batches$.pipe(asCompleted({ signal: stop }))).toEqualTypeOf<Observable<User>>();
  // @ts-expect-error the signal is an AbortSignal
  asCompleted([num], { signal: 'stop' });

  /* emit: records and their fields */
  expectTypeOf(asCompleted([num])).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompleted([num], { emit: 'value' })).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompleted([num], { emit: 'tagged' })).toEqualTypeOf<CompletionObservable<InArray<number>>>();
  expectTypeOf(asCompleted([num], { emit: 'settled' })).toEqualTypeOf<CompletionObservable<SettledInArray<number>>>();
  expectTypeOf(asCompleted([num], { concurrency: 2 })).toEqualTypeOf<CompletionObservable<number>>();
  // Records fit the default `Completion<T>` / `Settled<T>` that users annotate with.
  expectTypeOf(asCompleted([num], { emit: 'tagged' })).toMatchTypeOf<Observable<Completion<number>>>();
  expectTypeOf(asCompleted([num], { emit: 'settled' })).toMatchTypeOf<Observable<Settled<number>>>();
  asCompleted([num, str$], { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.value).toEqualTypeOf<number | string>();
    expectTypeOf(r.index).toEqualTypeOf<number>();
    expectTypeOf(r.input).toEqualTypeOf<Promise<number> | Observable<string>>();
    expectTypeOf(r.completed).toEqualTypeOf<number>();
    expectTypeOf(r.total).toEqualTypeOf<number>();
    expectTypeOf(r.batch).toEqualTypeOf<number>();
  });
  asCompleted([num], { emit: 'settled' }).subscribe((r) => {
    expectTypeOf(r.input).toEqualTypeOf<Promise<number>>();
    if (r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<number>();
    else expectTypeOf(r.reason).toEqualTypeOf<unknown>();
    // @ts-expect-error `value` exists only on fulfilled records
    void r.value;
  });
  // A wide mode gives the union of the three shapes.
  expectTypeOf(asCompleted([num], { emit: mode })).toEqualTypeOf<
    CompletionObservable<number | InArray<number> | SettledInArray<number>>
  >();
}

function tuples(): void {
  const both = [getUser(), getOrders()] as const;
  // A tuple discriminates by `index`, in 'tagged' and 'settled'.
  expectTypeOf(asCompleted(both, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<
      Completion<User, SizedOrigin<Promise<User>, 0>> | Completion<Order[], SizedOrigin<Promise<Order[]>, 1>>
    >
  >();
  asCompleted([getUser(), getOrders()] as const, { emit: 'tagged' }).subscribe((r) => {
    if (r.index === 0) {
      expectTypeOf(r.value).toEqualTypeOf<User>();
      expectTypeOf(r.input).toEqualTypeOf<Promise<User>>();
    } else {
      expectTypeOf(r.value).toEqualTypeOf<Order[]>();
    }
  });
  asCompleted(both, { emit: 'settled' }).subscribe((r) => {
    if (r.index === 1 && r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<Order[]>();
    if (r.status === 'rejected') expectTypeOf(r.index).toEqualTypeOf<0 | 1>();
  });
  // A declared tuple type, with an Observable and a factory.
  const declared: [Observable<Item>, (signal: AbortSignal) => Promise<boolean>] = [http.get<Item>('/i'), bool];
  asCompleted(declared, { emit: 'tagged' }).subscribe((r) => {
    switch (r.index) {
      case 0:
        expectTypeOf(r.value).toEqualTypeOf<Item>();
        break;
      case 1:
        expectTypeOf(r.value).toEqualTypeOf<boolean>();
        expectTypeOf(r.total).toEqualTypeOf<number>();
    }
  });
  // Factories in an `as const` tuple still get their AbortSignal parameter typed.
  asCompleted([(signal) => fetchJson('/a', signal).then((j) => j as User), () => of(1)] as const, {
    emit: 'tagged',
  }).subscribe((r) => {
    if (r.index === 1) expectTypeOf(r.value).toEqualTypeOf<number>();
    else expectTypeOf(r.value).toEqualTypeOf<User>();
  });
  // An empty collection emits nothing.
  expectTypeOf(asCompleted([] as const, { emit: 'tagged' })).toEqualTypeOf<CompletionObservable<never>>();
  // 'value' over a tuple: the union of the results.
  expectTypeOf(asCompleted(both)).toEqualTypeOf<CompletionObservable<User | Order[]>>();
  // A plain array literal stays an array: `index` is a number and does not narrow.
  asCompleted([getUser(), getOrders()], { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.index).toEqualTypeOf<number>();
    expectTypeOf(r.value).toEqualTypeOf<User | Order[]>();
  });
  // Tuples through the pipeable form and asCompletedWithTimeout.
  pairs$.pipe(asCompletedWithTimeout({ total: 100, emit: 'settled' })).subscribe((r) => {
    if (r.index === 1 && r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<Item>();
  });
  expectTypeOf(firstCompleted(both)).toEqualTypeOf<CompletionObservable<User | Order[]>>();
}

function optionsInVariables(): void {
  const tagged = { concurrency: 4, emit: 'tagged' } as const;
  expectTypeOf(asCompleted([num], tagged)).toEqualTypeOf<CompletionObservable<InArray<number>>>();
  const settled = { concurrency: 4, emit: 'settled' } satisfies AsCompletedOptions;
  expectTypeOf(asCompleted([num], settled)).toEqualTypeOf<CompletionObservable<SettledInArray<number>>>();
  const typedMode: AsCompletedOptions<'tagged'> = { emit: 'tagged' };
  expectTypeOf(asCompleted([num], typedMode)).toEqualTypeOf<CompletionObservable<InArray<number>>>();
  // Typed with the wide `AsCompletedOptions`, the mode is unknown until run time: a union.
  const wide: AsCompletedOptions = { emit: 'tagged' };
  expectTypeOf(asCompleted([num], wide)).toEqualTypeOf<
    CompletionObservable<number | InArray<number> | SettledInArray<number>>
  >();
  // Without `as const` or `satisfies`, `emit` widens to `string`: the call is rejected.
  const widened = { concurrency: 4, emit: 'tagged' };
  // @ts-expect-error Type 'string' is not assignable to type 'EmitMode | undefined'
  asCompleted([num], widened);
  // Options without `emit` need nothing special.
  const limit = { concurrency: 4 };
  expectTypeOf(asCompleted([num], limit)).toEqualTypeOf<CompletionObservable<number>>();
  // Timeout configs too.
  const deadline = { total: 1000, emit: 'tagged' } as const;
  expectTypeOf(asCompletedWithTimeout([num], deadline)).toEqualTypeOf<CompletionObservable<InArray<number>>>();
  const perInput = { each: 50, concurrency: 8, emit: 'settled' } satisfies AsCompletedTimeoutConfig;
  expectTypeOf(asCompletedWithTimeout([num], perInput)).toEqualTypeOf<CompletionObservable<SettledInArray<number>>>();
  const firstTaggedOptions = { emit: 'tagged', concurrency: 2 } as const;
  expectTypeOf(firstCompleted([num], firstTaggedOptions)).toEqualTypeOf<
    CompletionObservable<FirstCompletion<number, SizedOrigin<Promise<number>>>>
  >();
  const fanOutOptions = { concurrency: { first: 2, then: 8 }, emit: 'tagged' } as const;
  expectTypeOf(
    mergeCompletedThen(
      ['a'],
      (a) => [a.length],
      (n) => of(n > 0),
      fanOutOptions,
    ),
  ).toEqualTypeOf<CompletionObservable<ThenCompletion<string, number, boolean>>>();
  // A variable typed with the wide config union is accepted (its mode is open until run time).
  const anyConfig: AsCompletedTimeoutConfig = { each: 5 };
  expectTypeOf(asCompletedWithTimeout([num], anyConfig)).toEqualTypeOf<
    CompletionObservable<number | InArray<number> | SettledInArray<number>>
  >();
  // Optional keys of another operator's options are let through (they may be absent).
  const shared: { concurrency: number; total?: number } = { concurrency: 2 };
  expectTypeOf(asCompleted([num], shared)).toEqualTypeOf<CompletionObservable<number>>();
  // Unknown keys are rejected in variables too, where TypeScript can see them.
  const typo = { concurency: 4 };
  // @ts-expect-error Types of property 'concurency' are incompatible: 'number' is not assignable to 'never'
  asCompleted([num], typo);
  const timeoutTypo = { total: 100, eech: 5 } as const;
  // @ts-expect-error an unknown key in a timeout config held in a variable
  asCompletedWithTimeout([num], timeoutTypo);
  const fanOutTypo = { emit: 'tagged', concurrent: 2 } as const;
  mergeCompletedThen(
    ['a'],
    (a) => [a],
    (c) => of(c),
    // @ts-expect-error an unknown key in mergeCompletedThen's options held in a variable
    fanOutTypo,
  );
  const typedConfig: AsCompletedTimeoutConfig<'settled'> = { total: 5, emit: 'settled' };
  expectTypeOf(of([num]).pipe(asCompletedWithTimeout(typedConfig))).toEqualTypeOf<Observable<SettledInArray<number>>>();
}

function pipeable(): void {
  expectTypeOf(batches$.pipe(asCompleted())).toEqualTypeOf<Observable<User>>();
  expectTypeOf(batches$.pipe(asCompleted({ emit: 'value' }))).toEqualTypeOf<Observable<User>>();
  expectTypeOf(batches$.pipe(asCompleted({ emit: 'tagged' }))).toEqualTypeOf<Observable<InArray<User>>>();
  expectTypeOf(batches$.pipe(asCompleted({ emit: 'settled', concurrency: 3 }))).toEqualTypeOf<
    Observable<SettledInArray<User>>
  >();
  // An operator made before it meets its source keeps the source's types.
  const loadTagged = asCompleted({ concurrency: 4, emit: 'tagged' });
  expectTypeOf(batches$.pipe(loadTagged)).toEqualTypeOf<Observable<InArray<User>>>();
  expectTypeOf(of([str$]).pipe(loadTagged)).toEqualTypeOf<Observable<InArray<string, Observable<string>>>>();
  // ... and fits an explicitly typed OperatorFunction.
  const op: OperatorFunction<Promise<number>[], Completion<number>> = asCompleted({ emit: 'tagged' });
  expectTypeOf(of([num]).pipe(op)).toEqualTypeOf<Observable<Completion<number>>>();
  // Angular: ids, then every item, tagged, as one pipe.
  expectTypeOf(
    http.get<number[]>('/api/ids').pipe(
      map((list) => list.map((id) => http.get<Item>(`/api/items/${id}`))),
      asCompleted({ concurrency: 4, emit: 'tagged' }),
      map(({ value, completed, total }) => ({ item: value, done: completed, total })),
    ),
  ).toEqualTypeOf<Observable<{ item: Item; done: number; total: number }>>();
  // Factories built in `map`, with inline `.then` chains.
  expectTypeOf(
    of(ids).pipe(
      map((list) => list.map((id) => (signal: AbortSignal) => fetchJson(`/u/${id}`, signal).then((j) => j as User))),
      asCompleted({ concurrency: 2 }),
    ),
  ).toEqualTypeOf<Observable<User>>();
  // A source of mixed collections (the element type is read from the collection type).
  expectTypeOf(of<Promise<number>[] | Observable<string>[]>([num]).pipe(asCompleted())).toEqualTypeOf<
    Observable<number | string>
  >();
  expectTypeOf(of(new Set([num])).pipe(asCompleted({ emit: 'tagged' }))).toEqualTypeOf<Observable<InArray<number>>>();

  /* asCompletedWithTimeout, pipeable */
  expectTypeOf(batches$.pipe(asCompletedWithTimeout(100))).toEqualTypeOf<Observable<User>>();
  expectTypeOf(batches$.pipe(asCompletedWithTimeout({ total: 100, emit: 'value' }))).toEqualTypeOf<Observable<User>>();
  expectTypeOf(batches$.pipe(asCompletedWithTimeout({ total: 100, emit: 'tagged' }))).toEqualTypeOf<
    Observable<InArray<User>>
  >();
  const within = asCompletedWithTimeout({ each: 100, emit: 'settled' });
  expectTypeOf(batches$.pipe(within)).toEqualTypeOf<Observable<SettledInArray<User>>>();
}

function withTimeout(): void {
  expectTypeOf(asCompletedWithTimeout([num], 100)).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], new Date())).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], { total: 100 })).toEqualTypeOf<CompletionObservable<number>>();
  expectTypeOf(asCompletedWithTimeout([num], { each: 5, emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<InArray<number>>
  >();
  expectTypeOf(asCompletedWithTimeout([num], { total: 5, emit: 'settled' })).toEqualTypeOf<
    CompletionObservable<SettledInArray<number>>
  >();
  expectTypeOf(
    asCompletedWithTimeout([num], { total: new Date(), each: 5, onTimeout: 'complete', emit: 'tagged' }),
  ).toEqualTypeOf<CompletionObservable<InArray<number>>>();
  expectTypeOf(asCompletedWithTimeout([(s) => Promise.resolve(s.aborted)], 5)).toEqualTypeOf<
    CompletionObservable<boolean>
  >();
  // Angular: a deadline over HttpClient requests, settled.
  asCompletedWithTimeout(
    ids.map((id) => http.get<Item>(`/api/items/${id}`)),
    { total: 500, concurrency: 4, emit: 'settled' },
  ).subscribe((r) => {
    if (r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<Item>();
    expectTypeOf(r.input).toEqualTypeOf<Observable<Item>>();
  });
  expectTypeOf(
    asCompletedWithTimeout(
      ids.map((id) => (signal: AbortSignal) => fetchJson(`/u/${id}`, signal).then((j) => j as User)),
      { each: 5000, concurrency: 4 },
    ),
  ).toEqualTypeOf<CompletionObservable<User>>();
}

function first(): void {
  expectTypeOf(firstCompleted([num, bool])).toEqualTypeOf<CompletionObservable<number | boolean>>();
  expectTypeOf(
    firstCompleted(['a', 'b'].map((m) => (signal: AbortSignal) => fetchJson(m, signal).then((j) => j as Item))),
  ).toEqualTypeOf<CompletionObservable<Item>>();
  expectTypeOf(
    firstCompleted([num], {
      predicate: (value, index) => {
        expectTypeOf(value).toEqualTypeOf<number>();
        expectTypeOf(index).toEqualTypeOf<number>();
        return value > 0;
      },
    }),
  ).toEqualTypeOf<CompletionObservable<number>>();
  // A type-guard predicate narrows the result.
  expectTypeOf(firstCompleted([getUser(), getOrders()], { predicate: isUser })).toEqualTypeOf<
    CompletionObservable<User>
  >();
  expectTypeOf(
    firstCompleted([getUser(), getOrders()], { predicate: (v): v is Order[] => Array.isArray(v) }),
  ).toEqualTypeOf<CompletionObservable<Order[]>>();
  expectTypeOf(firstCompleted(maybe, { predicate: (v): v is User => v !== null, concurrency: 2 })).toEqualTypeOf<
    CompletionObservable<User>
  >();
  // A boolean predicate keeps the full type.
  expectTypeOf(firstCompleted([getUser(), getOrders()], { predicate: (_v, i) => i > 0 })).toEqualTypeOf<
    CompletionObservable<User | Order[]>
  >();
  // Pipeable, with and without a predicate, inline and made beforehand.
  expectTypeOf(of([str$]).pipe(firstCompleted())).toEqualTypeOf<Observable<string>>();
  expectTypeOf(of([str$]).pipe(firstCompleted({ predicate: (v) => v.length > 0 }))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(of([getUser(), getOrders()]).pipe(firstCompleted({ predicate: isUser }))).toEqualTypeOf<
    Observable<User>
  >();
  const anyMirror = firstCompleted({ concurrency: 2 });
  expectTypeOf(of([http.get<Item>('/a'), http.get<Item>('/b')]).pipe(anyMirror)).toEqualTypeOf<Observable<Item>>();
}

function fanOut(): void {
  const firstStage = (item: string, index: number, signal: AbortSignal) =>
    Promise.resolve([index, item.length, +signal.aborted]);
  const thenStage = (child: number, item: string) => of(`${item}:${child}`.length > child);
  expectTypeOf(mergeCompletedThen(['a'], firstStage, thenStage)).toEqualTypeOf<CompletionObservable<boolean>>();
  expectTypeOf(mergeCompletedThen(['a'], firstStage, thenStage, { emit: 'value' })).toEqualTypeOf<
    CompletionObservable<boolean>
  >();
  expectTypeOf(mergeCompletedThen(['a'], firstStage, thenStage, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<ThenCompletion<string, number, boolean>>
  >();
  expectTypeOf(
    mergeCompletedThen(['a'], firstStage, thenStage, { emit: 'settled', concurrency: { first: 1 } }),
  ).toEqualTypeOf<CompletionObservable<ThenSettled<string, number, boolean>>>();
  // Differently typed stages, inferred from the items and the callbacks.
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
  ).toEqualTypeOf<CompletionObservable<number>>();
  // Inline `.then` chains in both stages.
  expectTypeOf(
    mergeCompletedThen(
      ['ann', 'bob'],
      (user, _i, signal) => fetchJson(`/users/${user}/orders`, signal).then((j) => j as number[]),
      (orderId, _user, signal) => fetchJson(`/orders/${orderId}`, signal).then((j) => j as Order),
      { concurrency: 8, emit: 'tagged' },
    ),
  ).toEqualTypeOf<CompletionObservable<ThenCompletion<string, number, Order>>>();
  // Angular: HttpClient in both stages, from a readonly list.
  const categories: readonly string[] = ['a'];
  expectTypeOf(
    mergeCompletedThen(
      categories,
      (category) => http.get<number[]>(`/api/categories/${category}/ids`),
      (id) => http.get<Item>(`/api/items/${id}`),
      { concurrency: { first: 2, then: 4 }, emit: 'tagged' },
    ),
  ).toEqualTypeOf<CompletionObservable<ThenCompletion<string, number, Item>>>();
  // Items from a Set; stage 1 gives a Set of children.
  expectTypeOf(
    mergeCompletedThen(
      new Set([1, 2]),
      (n) => Promise.resolve(new Set([String(n)])),
      (s) => of(s.length),
    ),
  ).toEqualTypeOf<CompletionObservable<number>>();
  mergeCompletedThen(['a'], firstStage, thenStage, { emit: 'settled' }).subscribe((r) => {
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

  /* Pipeable */
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(firstStage, thenStage))).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(firstStage, thenStage, { emit: 'tagged' }))).toEqualTypeOf<
    Observable<ThenCompletion<string, number, boolean>>
  >();
  expectTypeOf(of(['a']).pipe(mergeCompletedThen(firstStage, thenStage, { emit: 'settled' }))).toEqualTypeOf<
    Observable<ThenSettled<string, number, boolean>>
  >();
  // Untyped callbacks take their item type from the source.
  expectTypeOf(
    of(['a']).pipe(
      mergeCompletedThen(
        (category) => http.get<number[]>(`/c/${category}`),
        (id) => http.get<Item>(`/i/${id}`),
      ),
    ),
  ).toEqualTypeOf<Observable<Item>>();
  // Made beforehand, with typed callbacks.
  const details = mergeCompletedThen(
    (user: string) => http.get<number[]>(`/users/${user}/orders`),
    (id: number) => http.get<Order>(`/orders/${id}`),
  );
  expectTypeOf(of(['ann']).pipe(details)).toEqualTypeOf<Observable<Order>>();
}

function records(): void {
  const user = getUser();
  const orders = getOrders();
  // A record (an object literal) discriminates by `key`, in 'tagged' and 'settled'.
  expectTypeOf(asCompleted({ user, orders }, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<
      | Completion<User, KeyedOrigin<Promise<User>, 'user'>>
      | Completion<Order[], KeyedOrigin<Promise<Order[]>, 'orders'>>
    >
  >();
  asCompleted({ user: getUser(), orders: getOrders() }, { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.total).toEqualTypeOf<number>();
    expectTypeOf(r.index).toEqualTypeOf<number>();
    if (r.key === 'user') expectTypeOf(r.value).toEqualTypeOf<User>();
    else expectTypeOf(r.value).toEqualTypeOf<Order[]>();
  });
  asCompleted({ user, orders }, { emit: 'settled' }).subscribe((r) => {
    if (r.status === 'rejected') expectTypeOf(r.key).toEqualTypeOf<'user' | 'orders'>();
    else if (r.key === 'orders') expectTypeOf(r.value).toEqualTypeOf<Order[]>();
    else expectTypeOf(r.value).toEqualTypeOf<User>();
  });
  // 'value': the union of the values.
  expectTypeOf(asCompleted({ user, orders })).toEqualTypeOf<CompletionObservable<User | Order[]>>();
  // Angular: the forkJoin({ ... }) shape, HttpClient Observables and a factory.
  asCompleted(
    { profile: http.get<User>('/api/me'), items: http.get<Item[]>('/api/items'), ping: () => of(true) },
    { concurrency: 2, emit: 'tagged' },
  ).subscribe((r) => {
    switch (r.key) {
      case 'profile':
        expectTypeOf(r.value).toEqualTypeOf<User>();
        expectTypeOf(r.input).toEqualTypeOf<Observable<User>>();
        break;
      case 'items':
        expectTypeOf(r.value).toEqualTypeOf<Item[]>();
        break;
      case 'ping':
        expectTypeOf(r.value).toEqualTypeOf<boolean>();
    }
  });
  // Factories in a record get their AbortSignal typed, and `.then` chains keep their result.
  expectTypeOf(
    asCompleted({
      name: (signal: AbortSignal) => fetchUser(1, signal).then((u) => u.name),
      count: (signal) => fetchJson('/count', signal).then((j) => j as number),
    }),
  ).toEqualTypeOf<CompletionObservable<string | number>>();
  // A type alias is a record; so is a Record<string, ...> (key: string).
  type Dashboard = { user: Promise<User>; orders: Observable<Order[]> };
  const dashboard: Dashboard = { user, orders: of([]) };
  asCompleted(dashboard, { emit: 'tagged' }).subscribe((r) => {
    if (r.key === 'orders') expectTypeOf(r.value).toEqualTypeOf<Order[]>();
  });
  const byName: Record<string, Promise<User>> = { ann: user };
  expectTypeOf(asCompleted(byName, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<Completion<User, KeyedOrigin<Promise<User>, string>>>
  >();
  // Records through asCompletedWithTimeout, firstCompleted and the pipeable form.
  asCompletedWithTimeout({ user, orders }, { total: 500, emit: 'settled' }).subscribe((r) => {
    if (r.key === 'user' && r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<User>();
  });
  expectTypeOf(firstCompleted({ user, orders })).toEqualTypeOf<CompletionObservable<User | Order[]>>();
  of({ user, orders })
    .pipe(asCompleted({ emit: 'tagged' }))
    .subscribe((r) => {
      if (r.key === 'user') expectTypeOf(r.value).toEqualTypeOf<User>();
    });
  // A record with an option's name as a key goes in the two-argument form.
  expectTypeOf(asCompleted({ emit: user, signal: orders }, {})).toEqualTypeOf<CompletionObservable<User | Order[]>>();
  // A lone object is the pipeable form's options when it is empty or has an option key.
  expectTypeOf(asCompleted({})).toEqualTypeOf<CompletionOperator<'value'>>();
  expectTypeOf(asCompleted({ concurrency: 4 })).toEqualTypeOf<CompletionOperator<'value'>>();
  expectTypeOf(asCompleted({ signal: new AbortController().signal, emit: 'settled' })).toEqualTypeOf<
    CompletionOperator<'settled'>
  >();
}

function maps(): void {
  const byId = new Map<number, Promise<User>>([[1, getUser()]]);
  // A Map gives `key: K` and the result of its values (no per-key types in TypeScript).
  expectTypeOf(asCompleted(byId)).toEqualTypeOf<CompletionObservable<User>>();
  expectTypeOf(asCompleted(byId, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<Completion<User, KeyedOrigin<Promise<User>, number>>>
  >();
  asCompleted(byId, { emit: 'settled' }).subscribe((r) => {
    expectTypeOf(r.key).toEqualTypeOf<number>();
    expectTypeOf(r.total).toEqualTypeOf<number>();
    if (r.status === 'fulfilled') expectTypeOf(r.value).toEqualTypeOf<User>();
  });
  const mixed = new Map<string, Promise<User> | Observable<Item>>();
  expectTypeOf(asCompletedWithTimeout(mixed, 100)).toEqualTypeOf<CompletionObservable<User | Item>>();
  expectTypeOf(firstCompleted(mixed, { predicate: isUser })).toEqualTypeOf<CompletionObservable<User>>();
  // `map.values()` is a lazy iterable: no key, `total` unknown until the end.
  asCompleted(byId.values(), { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.total).toEqualTypeOf<number | undefined>();
    expectTypeOf(r).not.toHaveProperty('key');
  });
  // A ReadonlyMap of factories.
  const jobs: ReadonlyMap<string, CompletionFactory<Item>> = new Map();
  expectTypeOf(of(jobs).pipe(asCompleted({ emit: 'tagged' }))).toEqualTypeOf<
    Observable<Completion<Item, KeyedOrigin<CompletionFactory<Item>, string>>>
  >();
}

function keyedMapper(): void {
  // The mapper form over a record: the item is the value, `input` the item, `key` typed.
  asCompleted({ ann: 1, bob: 2 }, (id, _i, signal) => fetchUser(id, signal), { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.value).toEqualTypeOf<User>();
    expectTypeOf(r.input).toEqualTypeOf<number>();
    expectTypeOf(r.key).toEqualTypeOf<'ann' | 'bob'>();
    expectTypeOf(r.total).toEqualTypeOf<number>();
  });
  // ... and over a Map: the item is the Map's value, `key` its key.
  const urls = new Map<number, string>([[1, '/a']]);
  expectTypeOf(asCompleted(urls, (url, _i, signal) => fetchJson(url, signal), { emit: 'settled' })).toEqualTypeOf<
    CompletionObservable<Settled<unknown, KeyedOrigin<string, number>>>
  >();
  expectTypeOf(asCompletedWithTimeout(urls, (url) => http.get<Item>(url), { each: 100 })).toEqualTypeOf<
    CompletionObservable<Item>
  >();
  expectTypeOf(firstCompleted(urls, (url) => http.get<Item>(url), { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<FirstCompletion<Item, KeyedOrigin<string, number>>>
  >();
}

function firstTagged(): void {
  // emit: 'tagged' says which input won: { value, index, input, key? }.
  expectTypeOf(firstCompleted([num], { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<FirstCompletion<number, SizedOrigin<Promise<number>>>>
  >();
  firstCompleted([num, str$], { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.value).toEqualTypeOf<number | string>();
    expectTypeOf(r.index).toEqualTypeOf<number>();
    expectTypeOf(r.input).toEqualTypeOf<Promise<number> | Observable<string>>();
    expectTypeOf(r).not.toHaveProperty('total');
  });
  // A tuple narrows by index; a record by key.
  firstCompleted([getUser(), getOrders()] as const, { emit: 'tagged' }).subscribe((r) => {
    if (r.index === 0) expectTypeOf(r.value).toEqualTypeOf<User>();
    else expectTypeOf(r.value).toEqualTypeOf<Order[]>();
  });
  firstCompleted({ primary: http.get<Item>('/a'), mirror: http.get<Item>('/b') }, { emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.key).toEqualTypeOf<'primary' | 'mirror'>();
    expectTypeOf(r.value).toEqualTypeOf<Item>();
  });
  // A type guard narrows `value` in both modes; in a tuple only the positions it can come from remain.
  expectTypeOf(firstCompleted([getUser(), getOrders()] as const, { predicate: isUser })).toEqualTypeOf<
    CompletionObservable<User>
  >();
  expectTypeOf(firstCompleted([getUser(), getOrders()] as const, { predicate: isUser, emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<FirstCompletion<User, SizedOrigin<Promise<User>, 0>>>
  >();
  firstCompleted(maybe, { predicate: (v): v is User => v !== null, emit: 'tagged' }).subscribe((r) => {
    expectTypeOf(r.value).toEqualTypeOf<User>();
  });
  // Pipeable: made beforehand, and with a predicate typed from the source.
  const winner = firstCompleted({ emit: 'tagged' });
  expectTypeOf(batches$.pipe(winner)).toEqualTypeOf<Observable<FirstCompletion<User, SizedOrigin<Promise<User>>>>>();
  expectTypeOf(
    of([getUser(), getOrders()]).pipe(
      firstCompleted({
        predicate: (v) => {
          expectTypeOf(v).toEqualTypeOf<User | Order[]>();
          return isUser(v);
        },
        emit: 'tagged',
      }),
    ),
    // TypeScript (5.5+) infers `v is User` from the body: a guard, so it narrows.
  ).toEqualTypeOf<Observable<FirstCompletion<User, SizedOrigin<Promise<User> | Promise<Order[]>>>>>();
  expectTypeOf(
    idPagesOf().pipe(firstCompleted((id: number) => fetchUser(id, stopSignal), { emit: 'tagged' })),
  ).toEqualTypeOf<Observable<FirstCompletion<User, LazyOrigin<number>>>>();
}

function pages(): void {
  // Stage 1 may return the list itself, a promise of it, or a stream of pages; `U` is inferred in each case.
  expectTypeOf(
    mergeCompletedThen(
      ['a'],
      (item) => [item.length, item.length * 2],
      (n) => of(n > 1),
    ),
  ).toEqualTypeOf<CompletionObservable<boolean>>();
  expectTypeOf(
    mergeCompletedThen(
      ['a'],
      (item) => new Set([item]),
      (s) => of(s.toUpperCase()),
    ),
  ).toEqualTypeOf<CompletionObservable<string>>();
  // Pages as an Observable (a paginated listing), typed stages in 'tagged'.
  expectTypeOf(
    mergeCompletedThen(
      ['shelf-1'],
      (shelf) => http.get<number[]>(`/api/shelves/${shelf}?page=1`),
      (id) => http.get<Item>(`/api/items/${id}`),
      { emit: 'tagged' },
    ),
  ).toEqualTypeOf<CompletionObservable<ThenCompletion<string, number, Item>>>();
  expectTypeOf(
    mergeCompletedThen(
      [1, 2],
      (page) => of([`${page}-a`], [`${page}-b`]),
      (name, page) => Promise.resolve({ name, page }),
      { emit: 'settled' },
    ),
  ).toEqualTypeOf<CompletionObservable<ThenSettled<number, string, { name: string; page: number }>>>();
  // Pages from an async generator, dates as children.
  async function* months(year: number) {
    yield await Promise.resolve([new Date(year, 0), new Date(year, 1)]);
  }
  expectTypeOf(
    mergeCompletedThen(
      [2024],
      (year) => months(year),
      (month) => of(month.getMonth()),
    ),
  ).toEqualTypeOf<CompletionObservable<number>>();
  // Pipeable, pages too.
  expectTypeOf(
    of(['a']).pipe(
      mergeCompletedThen(
        (item: string) => of([item], [item + item]),
        (child) => of(child.length),
      ),
    ),
  ).toEqualTypeOf<Observable<number>>();
}

async function forAwait(): Promise<void> {
  // `for await` types each record exactly.
  for await (const user of asCompleted([getUser()])) expectTypeOf(user).toEqualTypeOf<User>();
  for await (const r of asCompleted([getUser(), getOrders()] as const, { emit: 'tagged' })) {
    if (r.index === 0) expectTypeOf(r.value).toEqualTypeOf<User>();
    else expectTypeOf(r.value).toEqualTypeOf<Order[]>();
  }
  for await (const r of asCompleted({ user: getUser(), orders: getOrders() }, { emit: 'settled' })) {
    if (r.status === 'fulfilled' && r.key === 'user') expectTypeOf(r.value).toEqualTypeOf<User>();
  }
  async function* idsFrom() {
    yield await Promise.resolve(1);
  }
  for await (const r of asCompleted(idsFrom(), (id, _i, signal) => fetchUser(id, signal), {
    concurrency: 8,
    emit: 'settled',
  })) {
    expectTypeOf(r.total).toEqualTypeOf<number | undefined>();
    expectTypeOf(r.input).toEqualTypeOf<number>();
  }
  for await (const r of asCompletedWithTimeout(ids, (id) => http.get<Item>(`/i/${id}`), { total: 100, emit: 'tagged' }))
    expectTypeOf(r.total).toEqualTypeOf<number>();
  for await (const winner of firstCompleted([str$, num])) expectTypeOf(winner).toEqualTypeOf<string | number>();
  for await (const r of mergeCompletedThen(
    ['a'],
    (a) => [a],
    (c) => of(c.length),
    { emit: 'tagged' },
  ))
    expectTypeOf(r.value).toEqualTypeOf<number>();
}

function helperTypes(): void {
  expectTypeOf<Emitted<number, 'value'>>().toEqualTypeOf<number>();
  expectTypeOf<Emitted<number, 'tagged'>>().toEqualTypeOf<Completion<number>>();
  expectTypeOf<Emitted<number, 'settled'>>().toEqualTypeOf<Settled<number>>();
  expectTypeOf<EmittedFrom<Promise<number>[], 'tagged'>>().toEqualTypeOf<InArray<number>>();
  expectTypeOf<EmittedFrom<[Promise<number>], 'value'>>().toEqualTypeOf<number>();
  expectTypeOf<ThenEmitted<string, number, boolean, 'settled'>>().toEqualTypeOf<ThenSettled<string, number, boolean>>();
  expectTypeOf<CompletionValueOf<(signal: AbortSignal) => Observable<Date>>>().toEqualTypeOf<Date>();
  expectTypeOf<CompletionValueOf<Promise<'x'> | string[]>>().toEqualTypeOf<'x' | string>();
  expectTypeOf<CompletionValueOf<CompletionFactory<Item>>>().toEqualTypeOf<Item>();
  expectTypeOf<InputOf<Set<Promise<number>>>>().toEqualTypeOf<Promise<number>>();
  expectTypeOf<CollectionValueOf<readonly [Promise<number>, Observable<string>]>>().toEqualTypeOf<number | string>();
  expectTypeOf<Completion<number>['input']>().toEqualTypeOf<CompletionInput<number>>();
}

function rejections(): void {
  // @ts-expect-error a string is iterable but is text, not a collection
  asCompleted('abc');
  // @ts-expect-error a single promise is not a collection
  asCompleted(num);
  // @ts-expect-error a record with a then() method is a thenable (one promise), not a collection
  asCompleted({ then: (_signal: AbortSignal) => num, other: num });
  // @ts-expect-error the same in the two-argument form
  asCompleted({ then: (_signal: AbortSignal) => num }, {});
  // A `then` key that is not a method is an ordinary record key.
  expectTypeOf(asCompleted({ then: num, other: num }, { emit: 'tagged' })).toEqualTypeOf<
    CompletionObservable<
      | Completion<number, KeyedOrigin<Promise<number>, 'then'>>
      | Completion<number, KeyedOrigin<Promise<number>, 'other'>>
    >
  >();
  interface Pair {
    user: Promise<User>;
  }
  const pair: Pair = { user: getUser() };
  // @ts-expect-error an interface has no index signature: type the record with a type alias
  asCompleted(pair);
  // @ts-expect-error a record's values must be inputs
  asCompleted({ user: getUser(), retries: 3 }, {});
  // @ts-expect-error a Map's values must be inputs
  asCompleted(new Map([['a', 'text']]));
  // @ts-expect-error a lone object with a misspelt option is neither options nor a record
  asCompleted({ concurency: 4 });
  // @ts-expect-error ... in the timeout operator too
  asCompletedWithTimeout({ totl: 100 });
  // @ts-expect-error `{ predicate }` is always firstCompleted's options: a predicate is a function
  firstCompleted({ predicate: getUser() });
  // @ts-expect-error an Observable of numbers is not a collection of inputs
  asCompleted(of(1, 2));
  // @ts-expect-error nor is an async iterable of strings
  asCompleted(lines);
  // @ts-expect-error a number is not an input
  asCompleted([1]);
  // @ts-expect-error a string is not an input (it would give its last character)
  asCompleted(['/api/a', '/api/b']);
  // @ts-expect-error a factory must return a promise or an ObservableInput
  asCompleted([() => 42]);
  // @ts-expect-error a source of strings is not a source of collections
  of('abc').pipe(asCompleted());
  // @ts-expect-error nor is a source of arrays of strings
  of(['a']).pipe(asCompleted({ emit: 'tagged' }));
  // @ts-expect-error unknown emit mode
  asCompleted([num], { emit: 'all' });
  // @ts-expect-error concurrency is a number
  asCompleted([num], { concurrency: '3' });
  // @ts-expect-error unknown option (a typo)
  asCompleted([num], { concurency: 3 });
  // @ts-expect-error unknown option in the pipeable form
  of([num]).pipe(asCompleted({ signl: 3 }));
  // @ts-expect-error the creation form needs a timeout
  asCompletedWithTimeout([num]);
  // @ts-expect-error a timeout config needs `total`, `each` or both
  asCompletedWithTimeout([num], {});
  // @ts-expect-error a timeout config needs `total`, `each` or both
  asCompletedWithTimeout([num], { concurrency: 2, emit: 'tagged' });
  // @ts-expect-error `onTimeout` governs `total` only
  asCompletedWithTimeout([num], { each: 5, onTimeout: 'complete' });
  // @ts-expect-error onTimeout is 'error' or 'complete'
  asCompletedWithTimeout([num], { total: 5, onTimeout: 'ignore' });
  // @ts-expect-error each is a number, not a Date
  asCompletedWithTimeout([num], { each: new Date() });
  // @ts-expect-error unknown option (a typo)
  asCompletedWithTimeout([num], { totl: 5 });
  // @ts-expect-error a string is not a collection
  asCompletedWithTimeout('abc', 5);
  // @ts-expect-error firstCompleted skips failures: no 'settled' mode
  firstCompleted([num], { emit: 'settled' });
  // @ts-expect-error the predicate gets the input's value type
  firstCompleted([num], { predicate: (value: string) => value.length > 0 });
  const children = (item: string) => of([item.length]);
  const echo = (child: number) => of(child);
  // @ts-expect-error items are not a string
  mergeCompletedThen('ab', children, echo);
  // @ts-expect-error stage 1 must give an iterable of children
  mergeCompletedThen(['a'], () => Promise.resolve(1), echo);
  // @ts-expect-error pages must be lists too
  mergeCompletedThen(['a'], () => of(1, 2), echo);
  // @ts-expect-error unknown option (a typo)
  mergeCompletedThen(['a'], children, echo, { emitt: 'tagged' });
  // @ts-expect-error stage 1 must not give a string (text, not children)
  mergeCompletedThen(['a'], (item: string) => Promise.resolve(item), echo);
  // @ts-expect-error then gets the children's type
  mergeCompletedThen(['a'], children, (child: string) => of(child));
  // @ts-expect-error a source of strings is not a source of item collections
  of('ab').pipe(mergeCompletedThen(children, echo));
  // @ts-expect-error concurrency caps are named first and then
  mergeCompletedThen(['a'], children, echo, { concurrency: { stage1: 2 } });
  // @ts-expect-error a tagged stream is not a stream of values
  const wrong: Observable<number> = asCompleted([num], { emit: 'tagged' });
  void wrong;
}
void [
  resultTypes,
  tuples,
  optionsInVariables,
  pipeable,
  withTimeout,
  first,
  fanOut,
  records,
  maps,
  keyedMapper,
  firstTagged,
  pages,
  forAwait,
  helperTypes,
  rejections,
];

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
      'expectTypeOf(asCompleted([num.then((n) => String(n))])).toEqualTypeOf<Observable<any>>();',
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

  it('type-check: what the runtime rejects fails with a message that names the mistake', () => {
    const self = path.resolve(__filename).replace(/\\/g, '/');
    const file = path.join(path.dirname(self), '__types_messages__.ts').replace(/\\/g, '/');
    const cases: [string, string][] = [
      [
        "asCompleted('abc');",
        "Argument of type 'string' is not assignable to parameter of type 'CompletionCollection'",
      ],
      [
        'asCompletedWithTimeout(xs, {});',
        "Argument of type '{}' is not assignable to parameter of type 'number | Date |",
      ],
      [
        "asCompletedWithTimeout(xs, { each: 5, onTimeout: 'complete' });",
        "Property 'total' is missing in type '{ each: number; onTimeout: \"complete\"; }'",
      ],
      ['asCompleted(xs, typo);', "Types of property 'concurency' are incompatible"],
      [
        "firstCompleted(xs, { emit: 'settled' });",
        `Type '"settled"' is not assignable to type 'FirstEmitMode | undefined'`,
      ],
      ['asCompleted(pair);', "Index signature for type 'string' is missing in type 'Pair'"],
      ['asCompleted({ a: 1 });', "Type 'number' is not assignable to type 'CollectionElement'"],
    ];
    const head = [
      "import { asCompleted, asCompletedWithTimeout, firstCompleted } from '../src/index.js';",
      'declare const xs: Promise<number>[];',
      'const typo = { concurency: 4 };',
      'interface Pair { a: Promise<number> }',
      'declare const pair: Pair;',
    ];
    const diagnostics = typeCheck([], { [file]: [...head, ...cases.map(([code]) => code)].join('\n') });
    const byLine = (line: number) =>
      diagnostics
        .filter((d) => d.file === file && d.line === line)
        .map((d) => d.message)
        .join('\n');
    cases.forEach(([code, message], i) => {
      expect({ code, message: byLine(head.length + i + 1) }).toEqual({
        code,
        message: expect.stringContaining(message),
      });
    });
    expect(diagnostics.filter((d) => d.file === file && d.line <= head.length)).toEqual([]);
  }, 60_000);
});

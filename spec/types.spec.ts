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
  type CompletionValueOf,
  type EmitMode,
  type Emitted,
  type EmittedFrom,
  type InputOf,
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
void [resultTypes, tuples, optionsInVariables, pipeable, withTimeout, first, fanOut, helperTypes, rejections];

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
});

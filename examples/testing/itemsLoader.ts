/**
 * A service to test: plain TypeScript, the HTTP client passed in. The marble
 * test (marble-tests/recipe.spec.ts) hands it cold observables instead of HTTP.
 */
import { map, type Observable } from 'rxjs';
// In an application: from 'rxjs-as-completed'.
import { asCompleted, asCompletedWithTimeout, mergeCompletedThen } from '../../src/index.js';

export interface Item {
  id: number;
  name: string;
}

/**
 * All the loader needs from an HTTP client: a cold GET that sends on subscribe
 * and cancels on unsubscribe. Angular's `HttpClient` fits as it is.
 */
export interface HttpLike {
  get<T>(url: string): Observable<T>;
}

export class ItemsLoader {
  constructor(
    private readonly http: HttpLike,
    /** Requests at once. */
    private readonly concurrency = 2,
  ) {}

  /** Every item as it arrives, with `done/total` progress. */
  loadAll(ids: readonly number[]): Observable<{ item: Item; done: number; total: number }> {
    return asCompleted(
      ids.map((id) => this.http.get<Item>(`/items/${id}`)),
      { concurrency: this.concurrency, emit: 'tagged' },
    ).pipe(map(({ value, completed, total }) => ({ item: value, done: completed, total })));
  }

  /** The items that arrive within `deadlineMs`; then it completes and cancels the rest. */
  loadWithin(ids: readonly number[], deadlineMs: number): Observable<Item> {
    return asCompletedWithTimeout(
      ids.map((id) => this.http.get<Item>(`/items/${id}`)),
      { total: deadlineMs, onTimeout: 'complete', concurrency: this.concurrency },
    );
  }

  /** Each category's items, requested as soon as that category's list of ids is in. */
  loadCategories(categories: readonly string[]): Observable<{ category: string; item: Item }> {
    return mergeCompletedThen(
      categories,
      (category) => this.http.get<number[]>(`/categories/${category}`),
      (id: number) => this.http.get<Item>(`/items/${id}`),
      { concurrency: this.concurrency, emit: 'tagged' },
    ).pipe(map(({ item: category, value }) => ({ category, item: value })));
  }
}

// The recipe service of the README (tagged, fail fast; a deadline; the two-stage load), tested
// with HttpTestingController. Not used by the dashboard's pages: the size check shows
// mergeCompletedThen staying out of the app's bundle.
import { HttpClient } from '@angular/common/http';
import { inject, Injectable, InjectionToken } from '@angular/core';
import { map, type Observable } from 'rxjs';
import {
  asCompleted,
  asCompletedWithTimeout,
  mergeCompletedThen,
  type Settled,
} from 'rxjs-as-completed';

export interface Item {
  id: number;
  name: string;
}

/** One loaded item and how far the whole load has got. */
export interface ItemProgress {
  item: Item;
  /** Position of the item's id in the list the server sent. */
  index: number;
  /** Items loaded so far, this one included. */
  done: number;
  /** Items to load. */
  total: number;
}

/** An item found through a category (the two-stage load). */
export interface CategoryItem {
  category: string;
  item: Item;
  /** Items emitted so far, over all categories. */
  done: number;
}

/** Where the API lives; `/api` unless provided. */
export const ITEMS_API = new InjectionToken<string>('ITEMS_API', { factory: () => '/api' });

/**
 * Loads items with `rxjs-as-completed`: every item is emitted the moment its
 * own request answers, not when the slowest one does.
 *
 * `HttpClient` observables are cold: the request is sent on subscribe and
 * cancelled on unsubscribe, so they go in as inputs directly. Unsubscribing
 * (a component destroyed, `takeUntilDestroyed`, `switchMap` to a new query)
 * cancels every request still in flight, and queued ones are never sent.
 */
@Injectable({ providedIn: 'root' })
export class ItemsService {
  private readonly http = inject(HttpClient);
  private readonly api = inject(ITEMS_API);

  /**
   * `GET /ids`, then `GET /items/:id` for each id, at most `concurrency` at a
   * time, each item emitted as it arrives with `done/total` progress.
   */
  loadItems(concurrency = 4): Observable<ItemProgress> {
    return this.http.get<number[]>(`${this.api}/ids`).pipe(
      map((ids) => ids.map((id) => this.getItem(id))),
      asCompleted({ concurrency, emit: 'tagged' }),
      map(({ value, index, completed, total }) => ({ item: value, index, done: completed, total })),
    );
  }

  /**
   * The items of `ids` that arrive within `deadlineMs`, as `Settled` records:
   * one `fulfilled` record per item in time (or `rejected` with the HTTP error),
   * then at the deadline one `rejected` record per item that did not make it
   * (reason: `AsCompletedTimeoutError`). The late requests are cancelled.
   */
  loadItemsWithin(
    ids: readonly number[],
    deadlineMs: number,
    concurrency = 4,
  ): Observable<Settled<Item>> {
    return asCompletedWithTimeout(
      ids.map((id) => this.getItem(id)),
      { total: deadlineMs, concurrency, emit: 'settled' },
    );
  }

  /**
   * Two stages: `GET /categories/:name/ids` for each category, and the items of
   * a category are requested the moment *that* category's list is in, while
   * the other lists may still be loading.
   */
  loadCategories(
    categories: readonly string[],
    concurrency = { first: 2, then: 4 },
  ): Observable<CategoryItem> {
    return mergeCompletedThen(
      categories,
      (category) =>
        this.http.get<number[]>(`${this.api}/categories/${encodeURIComponent(category)}/ids`),
      (id: number) => this.getItem(id),
      { concurrency, emit: 'tagged' },
    ).pipe(
      map(({ item: category, value, completed }) => ({ category, item: value, done: completed })),
    );
  }

  private getItem(id: number): Observable<Item> {
    return this.http.get<Item>(`${this.api}/items/${id}`);
  }
}

import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { asCompleted } from 'rxjs-as-completed';
import { API_BASE } from '../widgets/widget';
import { CATALOG_CONCURRENCY, type Item, type Order, type User } from './shop';

/**
 * The shop's loads, in the package's two newest forms. Both use `emit: 'tagged'`:
 * fail fast (one failed request errors the stream and cancels the others), each
 * result with its identity and `completed/total`.
 */
@Injectable({ providedIn: 'root' })
export class ShopService {
  private readonly http = inject(HttpClient);
  private readonly api = inject(API_BASE);

  /**
   * The mapper form, p-map's and `mergeMap`'s shape: `project(id)` is called when
   * the id's turn comes (at most `concurrency` requests in flight), and each item
   * is emitted as it arrives. Records carry the id as `input`.
   *
   * The project's third argument is the input's `AbortSignal`; `HttpClient` takes
   * none, and needs none: its observables are cancelled by unsubscribing, which
   * `asCompleted` does the moment a result is no longer wanted (unsubscribe, fail
   * fast). A `fetch`-based project would pass it on: `(id, _i, signal) => fetch(url, { signal })`.
   */
  items(ids: readonly number[], concurrency = CATALOG_CONCURRENCY) {
    return asCompleted(ids, (id) => this.http.get<Item>(`${this.api}/items/${id}`), {
      concurrency,
      emit: 'tagged',
    });
  }

  /**
   * A record collection where `forkJoin({ user, orders })` would wait for both:
   * each part is emitted the moment it arrives, with its `key`, so the page
   * renders the orders while the user is still loading (or the other way round).
   * The records are typed per key: `if (r.key === 'user')` narrows `r.value` to
   * `User`, and `Order[]` otherwise.
   */
  customer(id: number) {
    return asCompleted(
      {
        user: this.http.get<User>(`${this.api}/users/${id}`),
        orders: this.http.get<Order[]>(`${this.api}/users/${id}/orders`),
      },
      { emit: 'tagged' },
    );
  }
}

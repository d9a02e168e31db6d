import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import { asCompleted, asCompletedWithTimeout, type Settled } from 'rxjs-as-completed';
import { API_BASE, type Widget } from './widget';

/**
 * Loads dashboard widgets with `rxjs-as-completed`, one `Settled` record per
 * widget the moment its own request settles.
 *
 * `emit: 'settled'` is what a dashboard wants: a widget that fails becomes a
 * `rejected` record (its card shows the error) and the others keep coming. With
 * `'tagged'` or `'value'` one 500 would error the whole stream and cancel the rest.
 *
 * `HttpClient` observables are cold (the request is sent on subscribe, cancelled
 * on unsubscribe), so they go in as they are: `concurrency` limits the requests
 * really in flight, and unsubscribing cancels every one still running.
 */
@Injectable({ providedIn: 'root' })
export class WidgetsService {
  private readonly http = inject(HttpClient);
  private readonly api = inject(API_BASE);

  /** `GET /api/widgets/:name`, cold. */
  widget(name: string, region = 'all'): Observable<Widget> {
    return this.http.get<Widget>(`${this.api}/widgets/${encodeURIComponent(name)}`, {
      params: { region },
    });
  }

  /** Every widget at once; a record per widget as it settles. */
  loadAll(names: readonly string[], region = 'all'): Observable<Settled<Widget>> {
    return asCompleted(
      names.map((name) => this.widget(name, region)),
      { emit: 'settled' },
    );
  }

  /** As `loadAll`, at most `concurrency` requests at a time. */
  loadSome(
    names: readonly string[],
    region: string,
    concurrency: number,
  ): Observable<Settled<Widget>> {
    return asCompleted(
      names.map((name) => this.widget(name, region)),
      { concurrency, emit: 'settled' },
    );
  }

  /**
   * What arrives within `ms`: a record per widget in time, then at the deadline a
   * `rejected` record (reason: `AsCompletedTimeoutError`) for each late one,
   * whose request is cancelled.
   */
  loadWithin(names: readonly string[], ms: number): Observable<Settled<Widget>> {
    return asCompletedWithTimeout(
      names.map((name) => this.widget(name)),
      { total: ms, emit: 'settled' },
    );
  }
}

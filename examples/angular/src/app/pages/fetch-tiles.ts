import { Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { asCompleted } from 'rxjs-as-completed';
import { BoardView } from '../widgets/board';
import { API_BASE, emptyBoard, toBoard, type Widget } from '../widgets/widget';

export const TILES = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const TILE_CONCURRENCY = 3;

/** `GET url` as JSON with `fetch`; `signal` cancels the request on the wire. */
async function getJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Plain `fetch`, no HttpClient, in the mapper form: `project(n, index, signal)` is
 * called only when one of the 3 slots frees, and its `AbortSignal`, handed to
 * `fetch`, is aborted when the page goes (`toSignal` unsubscribes when the
 * component is destroyed), which cancels the request on the wire.
 */
@Component({
  selector: 'app-fetch-tiles',
  imports: [BoardView],
  template: `
    <h2>
      Sparklines <small>fetch, asCompleted(tiles, project) · concurrency: {{ concurrency }}</small>
    </h2>
    <app-board [board]="board()" />
  `,
})
export class FetchTilesPage {
  readonly concurrency = TILE_CONCURRENCY;
  private readonly api = inject(API_BASE);

  readonly board = toSignal(
    asCompleted(
      TILES,
      (n, _index, signal) => getJson<Widget>(`${this.api}/sparklines/${n}`, signal),
      { concurrency: TILE_CONCURRENCY, emit: 'settled' },
    ).pipe(toBoard(TILES)),
    { initialValue: emptyBoard(TILES) },
  );
}

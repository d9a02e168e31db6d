import { HttpErrorResponse } from '@angular/common/http';
import { InjectionToken } from '@angular/core';
import { scan, startWith, type OperatorFunction } from 'rxjs';
import { AsCompletedTimeoutError, type CompletionOrigin, type Settled } from 'rxjs-as-completed';

/** What `GET /api/widgets/:name` answers. */
export interface Widget {
  name: string;
  title: string;
  value: number;
  unit: string;
  region: string;
}

/** The dashboard's widgets (the backend answers them at different speeds; `inventory` fails). */
export const DASHBOARD_WIDGETS = [
  'revenue',
  'visitors',
  'inventory',
  'orders',
  'latency',
  'forecast',
] as const;

/** Where the API lives; `/api` unless provided. */
export const API_BASE = new InjectionToken<string>('API_BASE', { factory: () => '/api' });

/** One widget on the page: what came back for it, and when (1 = first to arrive). */
export interface Card {
  name: string;
  arrived: number;
  widget?: Widget;
  /** Why it has no data: `HTTP 500`, `timed out`, ... */
  error?: string;
  timedOut: boolean;
}

/** A board being filled in: the cards in order of arrival, the names still waiting, `completed/total`. */
export interface Board {
  cards: Card[];
  waiting: string[];
  completed: number;
  total: number;
  done: boolean;
}

export function emptyBoard(names: readonly string[]): Board {
  return {
    cards: [],
    waiting: [...names],
    completed: 0,
    total: names.length,
    done: names.length === 0,
  };
}

/** A short reason for a failed widget. */
export function reasonOf(error: unknown): string {
  if (error instanceof AsCompletedTimeoutError) return 'timed out';
  if (error instanceof HttpErrorResponse)
    return error.status ? `HTTP ${error.status}` : 'network error';
  return error instanceof Error ? error.message : String(error);
}

/** A `'settled'` record of a widget, from any collection (an array of requests, the mapper form). */
export type WidgetRecord = Settled<Widget, CompletionOrigin>;

/**
 * Folds `'settled'` records into a board (with `scan`, so every emission is the
 * whole board so far), starting from the empty board. `names[record.index]` is the
 * widget a record belongs to; "done" is `completed === total`.
 */
export function toBoard(names: readonly string[]): OperatorFunction<WidgetRecord, Board> {
  return (records) =>
    records.pipe(
      scan((board: Board, r: WidgetRecord): Board => {
        const name = names[r.index];
        const card: Card =
          r.status === 'fulfilled'
            ? { name, arrived: r.completed, widget: r.value, timedOut: false }
            : {
                name,
                arrived: r.completed,
                error: reasonOf(r.reason),
                timedOut: r.reason instanceof AsCompletedTimeoutError,
              };
        const total = r.total ?? board.total;
        return {
          cards: [...board.cards, card],
          waiting: board.waiting.filter((n) => n !== name),
          completed: r.completed,
          total,
          done: r.completed === total,
        };
      }, emptyBoard(names)),
      startWith(emptyBoard(names)),
    );
}

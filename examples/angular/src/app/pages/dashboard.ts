import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { BoardView } from '../widgets/board';
import { DASHBOARD_WIDGETS, emptyBoard, toBoard } from '../widgets/widget';
import { WidgetsService } from '../widgets/widgets.service';

/**
 * Every widget requested at once; each card appears the moment its request
 * settles, failures included, with `k/N` progress. Leaving the page destroys the
 * component: `takeUntilDestroyed` unsubscribes, which cancels the requests still
 * in flight.
 */
@Component({
  selector: 'app-dashboard',
  imports: [BoardView],
  template: `
    <h2>Dashboard <small>asCompleted · emit: 'settled'</small></h2>
    <app-board [board]="board()" />
  `,
})
export class DashboardPage {
  readonly board = signal(emptyBoard(DASHBOARD_WIDGETS));

  constructor() {
    inject(WidgetsService)
      .loadAll(DASHBOARD_WIDGETS)
      .pipe(toBoard(DASHBOARD_WIDGETS), takeUntilDestroyed())
      .subscribe((board) => this.board.set(board));
  }
}

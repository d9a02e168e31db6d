import { AsyncPipe } from '@angular/common';
import { Component, inject, InjectionToken } from '@angular/core';
import { BoardView } from '../widgets/board';
import { DASHBOARD_WIDGETS, toBoard } from '../widgets/widget';
import { WidgetsService } from '../widgets/widgets.service';

/** The deadline of the deadline page, in ms. */
export const DEADLINE_MS = new InjectionToken<number>('DEADLINE_MS', { factory: () => 2000 });

/**
 * The same widgets under a 2 s deadline (`asCompletedWithTimeout`, 'settled'):
 * the widgets in time stay on the page, the late ones get a "timed out" card and
 * their requests are cancelled. The `async` pipe subscribes and, when the page
 * goes, unsubscribes.
 */
@Component({
  selector: 'app-deadline',
  imports: [AsyncPipe, BoardView],
  template: `
    <h2>
      Deadline <small>asCompletedWithTimeout · total: {{ deadline }} ms</small>
    </h2>
    @if (board$ | async; as board) {
      <app-board [board]="board" />
      @if (board.done) {
        <p class="summary">
          {{ inTime(board) }} of {{ board.total }} in time; timed out:
          <span class="timed-out-names">{{ timedOut(board).join(', ') || 'none' }}</span>
        </p>
      }
    }
  `,
})
export class DeadlinePage {
  readonly deadline = inject(DEADLINE_MS);
  readonly board$ = inject(WidgetsService)
    .loadWithin(DASHBOARD_WIDGETS, this.deadline)
    .pipe(toBoard(DASHBOARD_WIDGETS));

  inTime = (board: { cards: { timedOut: boolean }[] }) =>
    board.cards.filter((c) => !c.timedOut).length;
  timedOut = (board: { cards: { name: string; timedOut: boolean }[] }) =>
    board.cards.filter((c) => c.timedOut).map((c) => c.name);
}

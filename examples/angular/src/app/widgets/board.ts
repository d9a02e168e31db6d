import { Component, input } from '@angular/core';
import type { Board } from './widget';

/** Renders a board: `k/N` progress, a card per widget in order of arrival, the ones still waiting. */
@Component({
  selector: 'app-board',
  template: `
    @let b = board();
    <p class="progress" [class.done]="b.done">
      <progress [value]="b.completed" [max]="b.total"></progress>
      <span class="count">{{ b.completed }}/{{ b.total }}</span>
    </p>
    <ol class="cards">
      @for (card of b.cards; track card.name) {
        <li
          class="card"
          [class.failed]="!card.widget"
          [class.timed-out]="card.timedOut"
          [attr.data-name]="card.name"
          [attr.data-region]="card.widget?.region"
        >
          <span class="arrived">#{{ card.arrived }}</span>
          @if (card.widget; as w) {
            <h3>{{ w.title }}</h3>
            <p class="value">
              {{ w.value }} <small>{{ w.unit }}</small>
            </p>
          } @else {
            <h3>{{ card.name }}</h3>
            <p class="error">{{ card.error }}</p>
          }
        </li>
      }
      @for (name of b.waiting; track name) {
        <li class="card waiting" [attr.data-waiting]="name">
          <h3>{{ name }}</h3>
          <p class="spinner">loading…</p>
        </li>
      }
    </ol>
  `,
})
export class BoardView {
  readonly board = input.required<Board>();
}

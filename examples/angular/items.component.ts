import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ItemsService, type Item } from './items.service';

/**
 * Shows the items as they arrive, with `done/total` progress. Destroying the
 * component unsubscribes (`takeUntilDestroyed`), which cancels the requests
 * still in flight.
 */
@Component({
  selector: 'app-items',
  template: `
    <p class="progress">{{ done() }}/{{ total() ?? '?' }}</p>
    <ul>
      @for (item of items(); track item.id) {
        <li>{{ item.name }}</li>
      }
    </ul>
  `,
})
export class ItemsComponent {
  readonly items = signal<Item[]>([]);
  readonly done = signal(0);
  readonly total = signal<number | null>(null);

  constructor() {
    inject(ItemsService)
      .loadItems(4)
      .pipe(takeUntilDestroyed())
      .subscribe(({ item, done, total }) => {
        this.items.update((items) => [...items, item]);
        this.done.set(done);
        this.total.set(total);
      });
  }
}

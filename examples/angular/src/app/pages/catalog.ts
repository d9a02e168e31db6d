import { CurrencyPipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CATALOG_CONCURRENCY, CATALOG_IDS, type Item } from '../shop/shop';
import { ShopService } from '../shop/shop.service';
import { reasonOf } from '../widgets/widget';

/** An item on the page, and when it arrived (1 = first). */
interface Tile {
  id: number;
  item: Item;
  arrived: number;
}

/**
 * The mapper form: `asCompleted(ids, (id) => http.get(...), { concurrency: 3,
 * emit: 'tagged' })`. Each item is shown as it arrives; a record's `input` is its
 * id. Cancel unsubscribes: the requests in flight are cancelled and the queued ids
 * are never requested (as leaving the page does, through `takeUntilDestroyed`).
 */
@Component({
  selector: 'app-catalog',
  imports: [CurrencyPipe],
  template: `
    <h2>
      Catalog
      <small>asCompleted(ids, project) · concurrency: {{ concurrency }} · emit: 'tagged'</small>
    </h2>
    <p class="progress" [class.done]="state() === 'done'">
      <progress [value]="completed()" [max]="ids.length"></progress>
      <span class="count">{{ completed() }}/{{ ids.length }}</span>
      <button id="cancel" type="button" (click)="cancel()" [disabled]="state() !== 'loading'">
        Cancel
      </button>
      <span class="state">{{ state() }}</span>
    </p>
    @if (error(); as e) {
      <p class="load-error">{{ e }}</p>
    }
    <ol class="cards">
      @for (t of tiles(); track t.id) {
        <li class="card" [attr.data-name]="t.id">
          <span class="arrived">#{{ t.arrived }}</span>
          <h3>
            {{ t.item.name }} <small>id {{ t.id }}</small>
          </h3>
          <p class="value">{{ t.item.price | currency: 'EUR' }}</p>
        </li>
      }
      @for (id of waiting(); track id) {
        <li class="card waiting" [attr.data-waiting]="id">
          <h3>id {{ id }}</h3>
          <p class="spinner">{{ state() === 'loading' ? 'loading…' : state() }}</p>
        </li>
      }
    </ol>
  `,
})
export class CatalogPage {
  readonly ids = CATALOG_IDS;
  readonly concurrency = CATALOG_CONCURRENCY;
  readonly tiles = signal<Tile[]>([]);
  readonly state = signal<'loading' | 'done' | 'cancelled' | 'failed'>('loading');
  readonly error = signal<string | undefined>(undefined);
  readonly completed = computed(() => this.tiles().length);
  readonly waiting = computed(() => {
    const arrived = new Set(this.tiles().map((t) => t.id));
    return this.ids.filter((id) => !arrived.has(id));
  });

  private readonly load = inject(ShopService)
    .items(CATALOG_IDS)
    .pipe(takeUntilDestroyed())
    .subscribe({
      next: ({ input: id, value: item, completed }) =>
        this.tiles.update((tiles) => [...tiles, { id, item, arrived: completed }]),
      complete: () => this.state.set('done'),
      error: (error: unknown) => {
        this.state.set('failed');
        this.error.set(reasonOf(error));
      },
    });

  /** Unsubscribing cancels the requests in flight; the ids still queued are never requested. */
  cancel(): void {
    this.load.unsubscribe();
    if (this.state() === 'loading') this.state.set('cancelled');
  }
}

import { Component, computed, inject } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { BoardView } from '../widgets/board';
import { emptyBoard, toBoard } from '../widgets/widget';
import { WidgetsService } from '../widgets/widgets.service';

export const REGIONS = ['eu', 'us', 'apac'] as const;
export const REGION_WIDGETS = ['revenue', 'visitors', 'orders', 'latency'] as const;
/** Requests in flight at most, per region load. */
export const REGION_CONCURRENCY = 2;

/**
 * `rxResource` whose params are the region in the URL (`?region=eu`): a new
 * region re-runs the stream, and the resource unsubscribes from the old one,
 * which cancels its requests in flight and never sends its queued ones.
 *
 * The stream emits the whole board each time (`scan` in `toBoard`): the
 * resource's `status()` is `'resolved'` from the first emission, so "done" is
 * `completed === total`, not the status.
 */
@Component({
  selector: 'app-regions',
  imports: [BoardView, RouterLink],
  template: `
    <h2>
      Regions <small>rxResource · concurrency: {{ concurrency }}</small>
    </h2>
    <nav class="regions">
      @for (r of regions; track r) {
        <a
          [routerLink]="[]"
          [queryParams]="{ region: r }"
          queryParamsHandling="merge"
          [class.active]="r === region()"
          [id]="'region-' + r"
          >{{ r }}</a
        >
      }
    </nav>
    <p class="region">
      region: <b>{{ region() }}</b> · resource status: {{ widgets.status() }} · load:
      {{ board().done ? 'done' : 'loading' }}
    </p>
    <app-board [board]="board()" />
  `,
})
export class RegionsPage {
  private readonly service = inject(WidgetsService);
  readonly regions = REGIONS;
  readonly concurrency = REGION_CONCURRENCY;
  readonly region = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(map((p) => p.get('region') ?? 'eu')),
    {
      initialValue: 'eu',
    },
  );

  readonly widgets = rxResource({
    params: () => ({ region: this.region() }),
    stream: ({ params }) =>
      this.service
        .loadSome(REGION_WIDGETS, params.region, REGION_CONCURRENCY)
        .pipe(toBoard(REGION_WIDGETS)),
  });
  readonly board = computed(() => this.widgets.value() ?? emptyBoard(REGION_WIDGETS));
}

import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Subscription } from 'rxjs';
import { AsCompletedTimeoutError, type Settled } from 'rxjs-as-completed';
import { ItemsService, type CategoryItem, type Item, type ItemProgress } from './items.service';

const item = (id: number): Item => ({ id, name: `item ${id}` });

describe('ItemsService', () => {
  let service: ItemsService;
  let httpTesting: HttpTestingController;
  /** Item requests sent and not yet answered, by id (`match` hands each request out once). */
  let open: Map<number, TestRequest>;

  /** Picks up the item requests sent since the last call. */
  function collect(): void {
    for (const req of httpTesting.match((r) => r.url.startsWith('/api/items/'))) {
      open.set(Number(req.request.url.split('/').pop()), req);
    }
  }
  /** Answers item `id` and picks up the requests that answer let start. */
  function respond(id: number): void {
    const req = open.get(id)!;
    open.delete(id);
    req.flush(item(id));
    collect();
  }
  const openIds = () => [...open.keys()].sort((a, b) => a - b);

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    service = TestBed.inject(ItemsService);
    httpTesting = TestBed.inject(HttpTestingController);
    open = new Map();
  });

  afterEach(() => {
    vi.useRealTimers();
    // Every request was answered or checked as cancelled.
    httpTesting.verify();
  });

  describe('loadItems', () => {
    it('emits the items in the order they answer, with progress, two requests at a time', () => {
      const seen: ItemProgress[] = [];
      let completed = false;
      service
        .loadItems(2)
        .subscribe({ next: (p) => seen.push(p), complete: () => (completed = true) });

      httpTesting.expectOne('/api/ids').flush([1, 2, 3, 4]);
      collect();
      expect(openIds()).toEqual([1, 2]);

      respond(2); // a slot frees: 3 starts
      expect(openIds()).toEqual([1, 3]);
      respond(3); // 4 starts
      expect(openIds()).toEqual([1, 4]);
      respond(1);
      respond(4);

      expect(seen).toEqual([
        { item: item(2), index: 1, done: 1, total: 4 },
        { item: item(3), index: 2, done: 2, total: 4 },
        { item: item(1), index: 0, done: 3, total: 4 },
        { item: item(4), index: 3, done: 4, total: 4 },
      ]);
      expect(completed).toBe(true);
    });

    it('unsubscribing cancels the requests in flight and never sends the queued ones', () => {
      const seen: number[] = [];
      const sub = service.loadItems(2).subscribe((p) => seen.push(p.item.id));
      httpTesting.expectOne('/api/ids').flush([1, 2, 3, 4]);
      collect();
      respond(1);
      const inFlight = [...open.values()];
      expect(openIds()).toEqual([2, 3]);

      sub.unsubscribe();

      expect(seen).toEqual([1]);
      expect(inFlight.map((r) => r.cancelled)).toEqual([true, true]);
      httpTesting.expectNone('/api/items/4');
    });

    it('fails fast on an HTTP error and cancels the other requests', () => {
      const seen: number[] = [];
      let error: unknown;
      service
        .loadItems()
        .subscribe({ next: (p) => seen.push(p.item.id), error: (e) => (error = e) });
      httpTesting.expectOne('/api/ids').flush([1, 2, 3]);
      collect();
      respond(1);
      const [two, three] = [open.get(2)!, open.get(3)!];

      two.flush('boom', { status: 500, statusText: 'Server Error' });

      expect(seen).toEqual([1]);
      expect(error).toBeInstanceOf(HttpErrorResponse);
      expect((error as HttpErrorResponse).status).toBe(500);
      expect(three.cancelled).toBe(true);
    });
  });

  describe('loadItemsWithin', () => {
    it('reports what missed the deadline and cancels those requests', () => {
      vi.useFakeTimers();
      const seen: Settled<Item>[] = [];
      let completed = false;
      service
        .loadItemsWithin([1, 2, 3, 4], 1000, 2)
        .subscribe({ next: (r) => seen.push(r), complete: () => (completed = true) });
      collect();
      expect(openIds()).toEqual([1, 2]);
      respond(2); // 3 starts
      const late = [open.get(1)!, open.get(3)!];

      vi.advanceTimersByTime(999);
      expect(seen.map((r) => r.status)).toEqual(['fulfilled']);
      expect(late.some((r) => r.cancelled)).toBe(false);

      vi.advanceTimersByTime(1);

      // One record per input: the one in time, then the rest in index order.
      expect(seen.map((r) => [r.index, r.status])).toEqual([
        [1, 'fulfilled'],
        [0, 'rejected'],
        [2, 'rejected'],
        [3, 'rejected'],
      ]);
      expect(seen[0]).toMatchObject({
        status: 'fulfilled',
        value: item(2),
        completed: 1,
        total: 4,
      });
      const reason = (seen[1] as Extract<Settled<Item>, { status: 'rejected' }>).reason;
      expect(reason).toBeInstanceOf(AsCompletedTimeoutError);
      expect((reason as AsCompletedTimeoutError).info).toMatchObject({
        scope: 'total',
        timeout: 1000,
        completed: 1,
        pending: [0, 2],
        queued: [3],
      });
      expect(completed).toBe(true);
      expect(late.map((r) => r.cancelled)).toEqual([true, true]);
      httpTesting.expectNone('/api/items/4');
    });

    it('clears the deadline when everything answers in time', () => {
      vi.useFakeTimers();
      const seen: number[] = [];
      let completed = false;
      service.loadItemsWithin([1, 2], 1000).subscribe({
        next: (r) => seen.push(r.index),
        complete: () => (completed = true),
      });
      collect();
      respond(2);
      respond(1);
      expect(seen).toEqual([1, 0]);
      expect(completed).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('loadCategories', () => {
    it("requests a category's items as soon as that category's list is in", () => {
      const seen: CategoryItem[] = [];
      let completed = false;
      service
        .loadCategories(['books', 'games'])
        .subscribe({ next: (r) => seen.push(r), complete: () => (completed = true) });
      const books = httpTesting.expectOne('/api/categories/books/ids');
      const games = httpTesting.expectOne('/api/categories/games/ids');

      games.flush([3]);
      // Item 3 is on its way while the books list is still loading.
      collect();
      expect(openIds()).toEqual([3]);
      expect(books.cancelled).toBe(false);
      respond(3);
      expect(seen).toEqual([{ category: 'games', item: item(3), done: 1 }]);

      books.flush([1, 2]);
      collect();
      respond(2);
      respond(1);

      expect(seen.map((r) => [r.category, r.item.id, r.done])).toEqual([
        ['games', 3, 1],
        ['books', 2, 2],
        ['books', 1, 3],
      ]);
      expect(completed).toBe(true);
    });

    it('unsubscribing cancels both stages', () => {
      const sub: Subscription = service.loadCategories(['books', 'games']).subscribe();
      const books = httpTesting.expectOne('/api/categories/books/ids');
      httpTesting.expectOne('/api/categories/games/ids').flush([3]);
      collect();
      const three = open.get(3)!;

      sub.unsubscribe();

      expect(books.cancelled).toBe(true);
      expect(three.cancelled).toBe(true);
    });
  });
});

import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ObservedValueOf } from 'rxjs';
import type { Item } from './shop';
import { ShopService } from './shop.service';
import { item, orders, user } from './testing';

/** A record of `customer()`: `{ key: 'user', value: User, ... } | { key: 'orders', value: Order[], ... }`. */
type CustomerPart = ObservedValueOf<ReturnType<ShopService['customer']>>;

describe('ShopService', () => {
  let service: ShopService;
  let httpTesting: HttpTestingController;

  /** The item requests sent since the last call, by id. */
  function sentItems(): Map<number, TestRequest> {
    return new Map(
      httpTesting
        .match((r) => r.url.startsWith('/api/items/'))
        .map((r) => [Number(r.request.url.split('/').pop()), r]),
    );
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    service = TestBed.inject(ShopService);
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  describe('items (the mapper form)', () => {
    it('requests 3 ids at a time, the next as a slot frees; each record carries its id as `input`', () => {
      const seen: [number, number, Item, number, number][] = [];
      let completed = false;
      service.items([1, 2, 3, 4, 5]).subscribe({
        next: (r) => seen.push([r.input, r.index, r.value, r.completed, r.total]),
        complete: () => (completed = true),
      });
      let req = sentItems();
      expect([...req.keys()]).toEqual([1, 2, 3]);

      req.get(2)!.flush(item(2));
      const [one, three] = [req.get(1)!, req.get(3)!];
      req = sentItems();
      expect([...req.keys()]).toEqual([4]);
      req.get(4)!.flush(item(4));
      req = sentItems();
      expect([...req.keys()]).toEqual([5]);
      three.flush(item(3));
      req.get(5)!.flush(item(5));
      expect(sentItems().size).toBe(0);
      one.flush(item(1));

      expect(seen).toEqual([
        [2, 1, item(2), 1, 5],
        [4, 3, item(4), 2, 5],
        [3, 2, item(3), 3, 5],
        [5, 4, item(5), 4, 5],
        [1, 0, item(1), 5, 5],
      ]);
      expect(completed).toBe(true);
    });

    it('fails fast: a 404 errors the stream, the requests in flight are cancelled, the queued never sent', () => {
      const values: number[] = [];
      let error: unknown;
      service
        .items([1, 2, 3, 4, 5])
        .subscribe({ next: (r) => values.push(r.input), error: (e) => (error = e) });
      const req = sentItems();
      req.get(1)!.flush(item(1));
      const next = sentItems();
      expect([...next.keys()]).toEqual([4]);

      req.get(3)!.flush('no such item', { status: 404, statusText: 'Not Found' });

      expect(values).toEqual([1]);
      expect(error).toBeInstanceOf(HttpErrorResponse);
      expect((error as HttpErrorResponse).status).toBe(404);
      expect([req.get(2)!.cancelled, next.get(4)!.cancelled]).toEqual([true, true]);
      expect(sentItems().size).toBe(0); // 5 never requested
    });

    it('unsubscribing cancels the requests in flight and never sends the queued ones', () => {
      const sub = service.items([1, 2, 3, 4, 5]).subscribe();
      const req = sentItems();
      req.get(2)!.flush(item(2));
      const next = sentItems();

      sub.unsubscribe();

      // Only requests never flushed: `cancelled` is true after a flush too.
      expect([req.get(1)!.cancelled, req.get(3)!.cancelled, next.get(4)!.cancelled]).toEqual([
        true,
        true,
        true,
      ]);
      expect(sentItems().size).toBe(0);
    });
  });

  describe('customer (a record collection)', () => {
    const brief = (r: CustomerPart) => [r.key, r.index, r.completed, r.total];

    it('emits each part with its key the moment it arrives (forkJoin would wait for both)', () => {
      const parts: CustomerPart[] = [];
      let completed = false;
      service
        .customer(42)
        .subscribe({ next: (r) => parts.push(r), complete: () => (completed = true) });
      const u = httpTesting.expectOne('/api/users/42');
      const o = httpTesting.expectOne('/api/users/42/orders');

      o.flush(orders());
      expect(parts.map(brief)).toEqual([['orders', 1, 1, 2]]);
      expect(parts[0].value).toEqual(orders());
      expect(completed).toBe(false);

      u.flush(user());
      expect(parts.map(brief)).toEqual([
        ['orders', 1, 1, 2],
        ['user', 0, 2, 2],
      ]);
      expect(parts[1].value).toEqual(user());
      // `r.key` narrows `r.value`: `User` for 'user', `Order[]` for 'orders' (this compiles).
      expect(
        parts.map((r) => (r.key === 'user' ? r.value.name : `${r.value.length} orders`)),
      ).toEqual(['2 orders', 'Ada']);
      expect(completed).toBe(true);
    });

    it('unsubscribing cancels the part still loading', () => {
      const keys: string[] = [];
      const sub = service.customer(42).subscribe((r) => keys.push(r.key));
      const u = httpTesting.expectOne('/api/users/42');
      httpTesting.expectOne('/api/users/42/orders').flush(orders());

      sub.unsubscribe();

      expect(keys).toEqual(['orders']);
      expect(u.cancelled).toBe(true);
    });

    it('fails fast: a part that fails errors the stream and cancels the other request', () => {
      const keys: string[] = [];
      let error: unknown;
      service.customer(7).subscribe({ next: (r) => keys.push(r.key), error: (e) => (error = e) });
      const orders = httpTesting.expectOne('/api/users/7/orders');

      httpTesting
        .expectOne('/api/users/7')
        .flush({ error: 'no user 7' }, { status: 404, statusText: 'Not Found' });

      expect(keys).toEqual([]);
      expect((error as HttpErrorResponse).status).toBe(404);
      expect(orders.cancelled).toBe(true);
    });
  });
});

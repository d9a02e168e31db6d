import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AsCompletedTimeoutError, type Settled } from 'rxjs-as-completed';
import { widget } from './testing';
import type { Widget } from './widget';
import { WidgetsService } from './widgets.service';

describe('WidgetsService', () => {
  let service: WidgetsService;
  let httpTesting: HttpTestingController;

  /** The widget requests sent and not yet handed out, by name. */
  function sent(): Map<string, TestRequest> {
    return new Map(
      httpTesting
        .match((r) => r.url.startsWith('/api/widgets/'))
        .map((r) => [r.request.url.split('/').pop()!, r]),
    );
  }
  const brief = (r: Settled<Widget>) => [r.index, r.status, r.completed, r.total];

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    service = TestBed.inject(WidgetsService);
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    vi.useRealTimers();
    httpTesting.verify();
  });

  it("loadAll: a record per widget as it settles; a 500 is a 'rejected' record, the rest keep coming", () => {
    const seen: Settled<Widget>[] = [];
    let completed = false;
    service
      .loadAll(['a', 'b', 'c'])
      .subscribe({ next: (r) => seen.push(r), complete: () => (completed = true) });
    const req = sent();
    expect([...req.keys()]).toEqual(['a', 'b', 'c']);

    req.get('c')!.flush(widget('c'));
    req.get('a')!.flush('down', { status: 500, statusText: 'Server Error' });
    req.get('b')!.flush(widget('b'));

    expect(seen.map(brief)).toEqual([
      [2, 'fulfilled', 1, 3],
      [0, 'rejected', 2, 3],
      [1, 'fulfilled', 3, 3],
    ]);
    const failed = seen[1] as Extract<Settled<Widget>, { status: 'rejected' }>;
    expect(failed.reason).toBeInstanceOf(HttpErrorResponse);
    expect((failed.reason as HttpErrorResponse).status).toBe(500);
    expect(completed).toBe(true);
  });

  it('loadAll: unsubscribing cancels the requests still in flight', () => {
    const sub = service.loadAll(['a', 'b', 'c']).subscribe();
    const req = sent();
    req.get('a')!.flush(widget('a'));

    sub.unsubscribe();

    // Only requests never flushed: `cancelled` is true after a flush too.
    expect([req.get('b')!.cancelled, req.get('c')!.cancelled]).toEqual([true, true]);
  });

  it('loadSome: at most `concurrency` requests in flight, the next sent as a slot frees', () => {
    const seen: number[] = [];
    service.loadSome(['a', 'b', 'c', 'd'], 'eu', 2).subscribe((r) => seen.push(r.index));
    let req = sent();
    expect([...req.keys()]).toEqual(['a', 'b']);
    expect(req.get('a')!.request.params.get('region')).toBe('eu');

    req.get('b')!.flush(widget('b'));
    const a = req.get('a')!;
    req = sent();
    expect([...req.keys()]).toEqual(['c']);
    req.get('c')!.flush(widget('c'));
    req = sent();
    expect([...req.keys()]).toEqual(['d']);
    req.get('d')!.flush(widget('d'));
    a.flush(widget('a'));

    expect(seen).toEqual([1, 2, 3, 0]);
  });

  it('loadWithin: the widgets in time, then a timed-out record per late one, whose request is cancelled', () => {
    vi.useFakeTimers();
    const seen: Settled<Widget>[] = [];
    let completed = false;
    service
      .loadWithin(['a', 'b', 'c'], 2000)
      .subscribe({ next: (r) => seen.push(r), complete: () => (completed = true) });
    const req = sent();
    req.get('b')!.flush(widget('b'));

    vi.advanceTimersByTime(1999);
    expect(seen.map(brief)).toEqual([[1, 'fulfilled', 1, 3]]);
    expect(req.get('a')!.cancelled).toBe(false);

    vi.advanceTimersByTime(1);

    expect(seen.map(brief)).toEqual([
      [1, 'fulfilled', 1, 3],
      [0, 'rejected', 2, 3],
      [2, 'rejected', 3, 3],
    ]);
    const late = seen[1] as Extract<Settled<Widget>, { status: 'rejected' }>;
    expect(late.reason).toBeInstanceOf(AsCompletedTimeoutError);
    expect((late.reason as AsCompletedTimeoutError).info).toMatchObject({
      scope: 'total',
      timeout: 2000,
      pending: [0, 2],
    });
    expect(completed).toBe(true);
    expect([req.get('a')!.cancelled, req.get('c')!.cancelled]).toEqual([true, true]);
  });
});

import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { readBoard, widget } from '../widgets/testing';
import { DeadlinePage, DEADLINE_MS } from './deadline';

describe('DeadlinePage', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: DEADLINE_MS, useValue: 50 },
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  it('keeps what arrived in time, shows the late widgets as timed out and cancels their requests', async () => {
    const fixture = TestBed.createComponent(DeadlinePage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    const req = (name: string) => httpTesting.expectOne(`/api/widgets/${name}?region=all`);
    const [revenue, inventory, orders, forecast] = [
      'revenue',
      'inventory',
      'orders',
      'forecast',
    ].map(req);
    const [visitors, latency] = ['visitors', 'latency'].map(req);
    revenue.flush(widget('revenue'));
    inventory.flush('down', { status: 500, statusText: 'Server Error' });
    visitors.flush(widget('visitors'));

    await new Promise((resolve) => setTimeout(resolve, 100)); // past the 50 ms deadline
    await fixture.whenStable();

    expect(readBoard(el)).toEqual({
      progress: '6/6',
      cards: [
        'revenue',
        'inventory:HTTP 500',
        'visitors',
        'orders:timed out',
        'latency:timed out',
        'forecast:timed out',
      ],
      waiting: [],
    });
    expect(el.querySelector('.summary')?.textContent).toMatch(
      /3 of 6 in time; timed out:\s*orders, latency, forecast/,
    );
    expect([orders, latency, forecast].map((r) => r.cancelled)).toEqual([true, true, true]);
  });

  it('the async pipe unsubscribes when the page goes, cancelling the requests', async () => {
    const fixture = TestBed.createComponent(DeadlinePage);
    await fixture.whenStable();
    const reqs = httpTesting.match((r) => r.url.startsWith('/api/widgets/'));
    expect(reqs).toHaveLength(6);

    fixture.destroy();

    expect(reqs.every((r) => r.cancelled)).toBe(true);
  });
});

import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { readBoard, widget } from '../widgets/testing';
import { DASHBOARD_WIDGETS } from '../widgets/widget';
import { DashboardPage } from './dashboard';

describe('DashboardPage', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  function requests(): Record<string, TestRequest> {
    return Object.fromEntries(
      DASHBOARD_WIDGETS.map((n) => [n, httpTesting.expectOne(`/api/widgets/${n}?region=all`)]),
    );
  }

  it('renders each widget as it arrives, with k/N progress; a failing widget does not blank the page', async () => {
    const fixture = TestBed.createComponent(DashboardPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    expect(readBoard(el)).toEqual({ progress: '0/6', cards: [], waiting: [...DASHBOARD_WIDGETS] });
    const req = requests();

    req['visitors'].flush(widget('visitors'));
    await fixture.whenStable();
    expect(readBoard(el).progress).toBe('1/6');
    expect(readBoard(el).cards).toEqual(['visitors']);

    req['inventory'].flush('down', { status: 500, statusText: 'Server Error' });
    req['revenue'].flush(widget('revenue'));
    await fixture.whenStable();
    expect(readBoard(el)).toEqual({
      progress: '3/6',
      cards: ['visitors', 'inventory:HTTP 500', 'revenue'],
      waiting: ['orders', 'latency', 'forecast'],
    });

    for (const name of ['forecast', 'orders', 'latency']) req[name].flush(widget(name));
    await fixture.whenStable();
    expect(readBoard(el)).toEqual({
      progress: '6/6',
      cards: ['visitors', 'inventory:HTTP 500', 'revenue', 'forecast', 'orders', 'latency'],
      waiting: [],
    });
  });

  it('cancels the requests in flight when destroyed', async () => {
    const fixture = TestBed.createComponent(DashboardPage);
    await fixture.whenStable();
    const req = requests();
    req['revenue'].flush(widget('revenue'));
    req['visitors'].flush(widget('visitors'));

    fixture.destroy();

    // Only the requests never flushed: `cancelled` is true after a flush too.
    expect(['inventory', 'orders', 'latency', 'forecast'].map((n) => req[n].cancelled)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});

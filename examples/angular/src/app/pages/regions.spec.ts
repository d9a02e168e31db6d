import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { readBoard, widget } from '../widgets/testing';
import { RegionsPage } from './regions';

describe('RegionsPage (rxResource)', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'regions', component: RegionsPage }]),
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  /** The widget requests sent since the last call, as `name@region`. */
  function sent(): Map<string, TestRequest> {
    return new Map(
      httpTesting
        .match((r) => r.url.startsWith('/api/widgets/'))
        .map((r) => [`${r.request.url.split('/').pop()}@${r.request.params.get('region')}`, r]),
    );
  }

  it('a new region re-runs the load and cancels the old one; two requests at a time', async () => {
    const harness = await RouterTestingHarness.create();
    const page = await harness.navigateByUrl('/regions?region=eu', RegionsPage);
    await harness.fixture.whenStable();
    const el: HTMLElement = harness.routeNativeElement!;

    const eu = sent();
    expect([...eu.keys()]).toEqual(['revenue@eu', 'visitors@eu']);
    eu.get('revenue@eu')!.flush(widget('revenue', 'eu'));
    const euNext = sent();
    expect([...euNext.keys()]).toEqual(['orders@eu']); // a slot freed
    await harness.fixture.whenStable();
    expect(readBoard(el).progress).toBe('1/4');
    expect(page.widgets.status()).toBe('resolved'); // from the first emission: "done" is completed === total

    await harness.navigateByUrl('/regions?region=us', RegionsPage);
    await harness.fixture.whenStable();

    // The eu requests in flight were cancelled, the queued eu one never sent.
    expect([eu.get('visitors@eu')!.cancelled, euNext.get('orders@eu')!.cancelled]).toEqual([
      true,
      true,
    ]);
    const us = sent();
    expect([...us.keys()]).toEqual(['revenue@us', 'visitors@us']);
    expect(page.region()).toBe('us');

    for (const name of ['visitors', 'revenue']) us.get(`${name}@us`)!.flush(widget(name, 'us'));
    const rest = sent();
    expect([...rest.keys()]).toEqual(['orders@us', 'latency@us']);
    rest.get('latency@us')!.flush(widget('latency', 'us'));
    rest.get('orders@us')!.flush(widget('orders', 'us'));
    await harness.fixture.whenStable();

    expect(readBoard(el)).toEqual({
      progress: '4/4',
      cards: ['visitors', 'revenue', 'latency', 'orders'],
      waiting: [],
    });
    expect(page.board().done).toBe(true);
  });
});

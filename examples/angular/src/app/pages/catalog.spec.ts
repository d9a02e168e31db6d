import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { item } from '../shop/testing';
import { readBoard } from '../widgets/testing';
import { CatalogPage } from './catalog';

describe('CatalogPage (the mapper form)', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  /** The item requests sent since the last call, by id. */
  function sent(): Map<number, TestRequest> {
    return new Map(
      httpTesting
        .match((r) => r.url.startsWith('/api/items/'))
        .map((r) => [Number(r.request.url.split('/').pop()), r]),
    );
  }
  const state = (el: HTMLElement) => el.querySelector('.state')?.textContent?.trim();

  it('shows each item as it arrives, three requests at a time', async () => {
    const fixture = TestBed.createComponent(CatalogPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    expect(readBoard(el)).toEqual({
      progress: '0/8',
      cards: [],
      waiting: ['1', '2', '3', '4', '5', '6', '7', '8'],
    });
    const req = sent();
    expect([...req.keys()]).toEqual([1, 2, 3]);

    req.get(2)!.flush(item(2));
    await fixture.whenStable();
    expect(readBoard(el).progress).toBe('1/8');
    expect(readBoard(el).cards).toEqual(['2']);
    expect(el.querySelector('.card[data-name="2"]')?.textContent).toContain('item 2');
    for (const [id, r] of sent()) req.set(id, r);
    expect([...req.keys()]).toEqual([1, 2, 3, 4]);

    for (const id of [4, 1, 3]) req.get(id)!.flush(item(id));
    for (let round = 0; round < 3; round++) for (const [id, r] of sent()) r.flush(item(id));
    await fixture.whenStable();
    expect(readBoard(el)).toEqual({
      progress: '8/8',
      cards: ['2', '4', '1', '3', '5', '6', '7', '8'],
      waiting: [],
    });
    expect(state(el)).toBe('done');
    expect(el.querySelector<HTMLButtonElement>('#cancel')!.disabled).toBe(true);
  });

  it('Cancel: the requests in flight are cancelled, the queued ids never requested', async () => {
    const fixture = TestBed.createComponent(CatalogPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    const req = sent();
    req.get(1)!.flush(item(1));
    const four = sent().get(4)!;
    await fixture.whenStable();

    el.querySelector<HTMLButtonElement>('#cancel')!.click();
    await fixture.whenStable();

    expect([req.get(2)!.cancelled, req.get(3)!.cancelled, four.cancelled]).toEqual([
      true,
      true,
      true,
    ]);
    expect(sent().size).toBe(0);
    expect(state(el)).toBe('cancelled');
    expect(readBoard(el).cards).toEqual(['1']);
    expect(el.querySelector('.card[data-waiting="5"] .spinner')?.textContent?.trim()).toBe(
      'cancelled',
    );
  });

  it('a failed item fails the load (tagged: fail fast) and says why', async () => {
    const fixture = TestBed.createComponent(CatalogPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    const req = sent();

    req.get(3)!.flush('gone', { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();

    expect([req.get(1)!.cancelled, req.get(2)!.cancelled]).toEqual([true, true]);
    expect(sent().size).toBe(0);
    expect(state(el)).toBe('failed');
    expect(el.querySelector('.load-error')?.textContent?.trim()).toBe('HTTP 404');
  });

  it('cancels the requests in flight when destroyed', async () => {
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    const req = sent();

    fixture.destroy();

    expect([...req.values()].map((r) => r.cancelled)).toEqual([true, true, true]);
    expect(sent().size).toBe(0);
  });
});

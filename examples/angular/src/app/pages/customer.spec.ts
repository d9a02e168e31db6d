import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { orders, user } from '../shop/testing';
import { CustomerPage } from './customer';

describe('CustomerPage (a record collection)', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  /** Each part as `key:#arrived` or `key:loading…`, and the progress text. */
  function read(el: HTMLElement) {
    return {
      progress: el.querySelector('.progress .count')?.textContent?.trim(),
      parts: [...el.querySelectorAll<HTMLElement>('.part')].map(
        (p) =>
          `${p.dataset['key']}:${p.dataset['arrived'] ? `#${p.dataset['arrived']}` : p.querySelector('.spinner')?.textContent?.trim()}`,
      ),
    };
  }

  it('renders each part the moment it arrives', async () => {
    const fixture = TestBed.createComponent(CustomerPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    expect(read(el)).toEqual({ progress: '0/2', parts: ['user:loading…', 'orders:loading…'] });
    const u = httpTesting.expectOne('/api/users/42');

    httpTesting.expectOne('/api/users/42/orders').flush(orders());
    await fixture.whenStable();
    expect(read(el)).toEqual({ progress: '1/2', parts: ['user:loading…', 'orders:#1'] });
    expect(
      [...el.querySelectorAll<HTMLElement>('tr[data-order]')].map((r) => r.dataset['order']),
    ).toEqual(['1001', '1002']);

    u.flush(user());
    await fixture.whenStable();
    expect(read(el)).toEqual({ progress: '2/2', parts: ['user:#2', 'orders:#1'] });
    expect(el.querySelector('.part[data-key="user"] .name')?.textContent?.trim()).toBe('Ada');
  });

  it('a part that fails cancels the other and the page says why', async () => {
    const fixture = TestBed.createComponent(CustomerPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    const o = httpTesting.expectOne('/api/users/42/orders');

    httpTesting
      .expectOne('/api/users/42')
      .flush({ error: 'down' }, { status: 503, statusText: 'Unavailable' });
    await fixture.whenStable();

    expect(o.cancelled).toBe(true);
    expect(el.querySelector('.load-error')?.textContent?.trim()).toBe('HTTP 503');
    expect(read(el)).toEqual({ progress: '0/2', parts: ['user:not loaded', 'orders:not loaded'] });
  });

  it('cancels the part still loading when destroyed', async () => {
    const fixture = TestBed.createComponent(CustomerPage);
    await fixture.whenStable();
    const u = httpTesting.expectOne('/api/users/42');
    httpTesting.expectOne('/api/users/42/orders').flush(orders());

    fixture.destroy();

    expect(u.cancelled).toBe(true);
  });
});

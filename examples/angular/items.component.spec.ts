import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ItemsComponent } from './items.component';

describe('ItemsComponent', () => {
  let httpTesting: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => httpTesting.verify());

  it('renders each item as it arrives, with progress', async () => {
    const fixture = TestBed.createComponent(ItemsComponent);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    expect(el.querySelector('.progress')?.textContent).toBe('0/?');

    httpTesting.expectOne('/api/ids').flush([1, 2, 3]);
    httpTesting.expectOne('/api/items/2').flush({ id: 2, name: 'two' });
    await fixture.whenStable();

    expect(el.querySelector('.progress')?.textContent).toBe('1/3');
    expect([...el.querySelectorAll('li')].map((li) => li.textContent?.trim())).toEqual(['two']);

    httpTesting.expectOne('/api/items/3').flush({ id: 3, name: 'three' });
    httpTesting.expectOne('/api/items/1').flush({ id: 1, name: 'one' });
    await fixture.whenStable();

    expect(el.querySelector('.progress')?.textContent).toBe('3/3');
    expect([...el.querySelectorAll('li')].map((li) => li.textContent?.trim())).toEqual(['two', 'three', 'one']);
  });

  it('cancels the requests in flight when destroyed', async () => {
    const fixture = TestBed.createComponent(ItemsComponent);
    await fixture.whenStable();
    httpTesting.expectOne('/api/ids').flush([1, 2]);
    const [one, two] = [httpTesting.expectOne('/api/items/1'), httpTesting.expectOne('/api/items/2')];

    fixture.destroy();

    expect([one.cancelled, two.cancelled]).toEqual([true, true]);
  });
});

import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { appConfig, HTTP_BACKEND } from './app.config';
import { routes } from './app.routes';

describe('App', () => {
  it('links every page and says which HttpClient backend is in use', async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter(routes), { provide: HTTP_BACKEND, useValue: 'fetch' }],
    });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect([...el.querySelectorAll('nav.pages a')].map((a) => a.getAttribute('href'))).toEqual([
      '/dashboard',
      '/deadline',
      '/regions',
      '/fetch',
      '/catalog',
      '/customer',
      '/about',
    ]);
    expect(el.querySelector('.backend')?.textContent).toBe('HttpClient: fetch');
  });

  it('uses withFetch() when the page is opened with ?http=fetch', () => {
    const backendOf = (search: string) =>
      appConfig(search).providers.find(
        (p): p is { provide: unknown; useValue: string } =>
          (p as { provide?: unknown }).provide === HTTP_BACKEND,
      )?.useValue;
    expect(backendOf('')).toBe('xhr');
    expect(backendOf('?http=fetch')).toBe('fetch');
  });
});

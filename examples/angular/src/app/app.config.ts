import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  ApplicationConfig,
  InjectionToken,
  provideBrowserGlobalErrorListeners,
} from '@angular/core';
import { provideRouter } from '@angular/router';

import { routes } from './app.routes';

/**
 * Which `HttpClient` backend this page load uses: `XMLHttpRequest` (the default),
 * or `fetch` when the page is opened with `?http=fetch`, i.e.
 * `provideHttpClient(withFetch())`. The e2e test runs every page with both, on one
 * build; an app picks one and writes it without the switch.
 */
export const HTTP_BACKEND = new InjectionToken<'xhr' | 'fetch'>('HTTP_BACKEND');

export function appConfig(search = globalThis.location?.search ?? ''): ApplicationConfig {
  const backend = new URLSearchParams(search).get('http') === 'fetch' ? 'fetch' : 'xhr';
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideRouter(routes),
      backend === 'fetch' ? provideHttpClient(withFetch()) : provideHttpClient(),
      { provide: HTTP_BACKEND, useValue: backend },
    ],
  };
}

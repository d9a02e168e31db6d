// Size variants (see size-check.mjs): the same minimal app — a standalone root
// component, zoneless, HttpClient and the router as the dashboard has them — with
// and without the package's exports. The bytes a variant adds over `base` are
// what those exports cost an app.
import { HttpClient, provideHttpClient } from '@angular/common/http';
import { Component, provideBrowserGlobalErrorListeners, type Injector } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideRouter, RouterOutlet } from '@angular/router';
import type { Observable } from 'rxjs';

@Component({ selector: 'app-root', imports: [RouterOutlet], template: '<router-outlet />' })
class Shell {}

/** Boots the shell and hands `use` three cold requests, as the dashboard makes them. */
export function boot(use: (requests: Observable<unknown>[], injector: Injector) => void): void {
  bootstrapApplication(Shell, {
    providers: [provideBrowserGlobalErrorListeners(), provideRouter([]), provideHttpClient()],
  }).then(
    (ref) => {
      const http = ref.injector.get(HttpClient);
      use(
        ['a', 'b', 'c'].map((n) => http.get(`/api/widgets/${n}`)),
        ref.injector,
      );
    },
    (err: unknown) => console.error(err),
  );
}

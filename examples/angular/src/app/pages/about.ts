import { Component } from '@angular/core';

/** A page that loads nothing: where the e2e test navigates to, mid-load, to see the requests cancelled. */
@Component({
  selector: 'app-about',
  template: `
    <h2>About</h2>
    <p class="about">
      Each page loads its widgets with <code>rxjs-as-completed</code>: every card appears the moment
      its own request settles. Leave a page while it loads and its requests are cancelled (the
      backend logs them as aborted).
    </p>
  `,
})
export class AboutPage {}

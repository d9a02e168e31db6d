import { Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { HTTP_BACKEND } from './app.config';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <header>
      <h1>rxjs-as-completed <small>Angular dashboard</small></h1>
      <nav class="pages">
        <a routerLink="/dashboard" routerLinkActive="active" id="nav-dashboard">Dashboard</a>
        <a routerLink="/deadline" routerLinkActive="active" id="nav-deadline">Deadline</a>
        <a routerLink="/regions" routerLinkActive="active" id="nav-regions">Regions</a>
        <a routerLink="/fetch" routerLinkActive="active" id="nav-fetch">Fetch</a>
        <a routerLink="/catalog" routerLinkActive="active" id="nav-catalog">Catalog</a>
        <a routerLink="/customer" routerLinkActive="active" id="nav-customer">Customer</a>
        <a routerLink="/about" routerLinkActive="active" id="nav-about">About</a>
      </nav>
      <span class="backend">HttpClient: {{ backend }}</span>
    </header>
    <main><router-outlet /></main>
  `,
  styleUrl: './app.css',
})
export class App {
  protected readonly backend = inject(HTTP_BACKEND, { optional: true }) ?? 'xhr';
}

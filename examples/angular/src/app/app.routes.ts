import { Routes } from '@angular/router';
import { AboutPage } from './pages/about';
import { CatalogPage } from './pages/catalog';
import { CustomerPage } from './pages/customer';
import { DashboardPage } from './pages/dashboard';
import { DeadlinePage } from './pages/deadline';
import { FetchTilesPage } from './pages/fetch-tiles';
import { RegionsPage } from './pages/regions';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
  { path: 'dashboard', component: DashboardPage, title: 'Dashboard' },
  { path: 'deadline', component: DeadlinePage, title: 'Deadline' },
  { path: 'regions', component: RegionsPage, title: 'Regions' },
  { path: 'fetch', component: FetchTilesPage, title: 'Sparklines (fetch)' },
  { path: 'catalog', component: CatalogPage, title: 'Catalog (mapper form)' },
  { path: 'customer', component: CustomerPage, title: 'Customer (a record)' },
  { path: 'about', component: AboutPage, title: 'About' },
];

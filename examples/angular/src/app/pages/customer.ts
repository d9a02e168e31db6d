import { CurrencyPipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CUSTOMER_ID, type Order, type User } from '../shop/shop';
import { ShopService } from '../shop/shop.service';
import { reasonOf } from '../widgets/widget';

/**
 * A record collection in place of `forkJoin({ user, orders })`: forkJoin would
 * show nothing until both answered; here each part is rendered the moment it
 * arrives (`r.key` says which, and narrows `r.value`). `emit: 'tagged'` fails
 * fast: if one part fails, the other's request is cancelled and the page says why.
 */
@Component({
  selector: 'app-customer',
  imports: [CurrencyPipe],
  template: `
    <h2>
      Customer {{ id }}
      <small>asCompleted({{ '{' }} user, orders {{ '}' }}) · emit: 'tagged'</small>
    </h2>
    <p class="progress" [class.done]="completed() === 2">
      <progress [value]="completed()" max="2"></progress>
      <span class="count">{{ completed() }}/2</span>
    </p>
    @if (error(); as e) {
      <p class="load-error">{{ e }}</p>
    }
    <div class="parts">
      <section
        class="part"
        [class.waiting]="!user()"
        data-key="user"
        [attr.data-arrived]="arrived()['user']"
      >
        <h3>
          User
          @if (arrived()['user']; as n) {
            <span class="arrived">#{{ n }}</span>
          }
        </h3>
        @if (user(); as u) {
          <p class="name">{{ u.name }}</p>
          <p>{{ u.email }} · customer since {{ u.since }}</p>
        } @else {
          <p class="spinner">{{ error() ? 'not loaded' : 'loading…' }}</p>
        }
      </section>
      <section
        class="part"
        [class.waiting]="!orders()"
        data-key="orders"
        [attr.data-arrived]="arrived()['orders']"
      >
        <h3>
          Orders
          @if (arrived()['orders']; as n) {
            <span class="arrived">#{{ n }}</span>
          }
        </h3>
        @if (orders(); as list) {
          <table class="orders">
            @for (o of list; track o.id) {
              <tr [attr.data-order]="o.id">
                <td>#{{ o.id }}</td>
                <td>{{ o.placed }}</td>
                <td>{{ o.items }} {{ o.items === 1 ? 'item' : 'items' }}</td>
                <td class="total">{{ o.total | currency: 'EUR' }}</td>
              </tr>
            }
          </table>
        } @else {
          <p class="spinner">{{ error() ? 'not loaded' : 'loading…' }}</p>
        }
      </section>
    </div>
  `,
})
export class CustomerPage {
  readonly id = CUSTOMER_ID;
  readonly user = signal<User | undefined>(undefined);
  readonly orders = signal<Order[] | undefined>(undefined);
  /** Which part arrived when (1 = first), by key. */
  readonly arrived = signal<Partial<Record<'user' | 'orders', number>>>({});
  readonly completed = signal(0);
  readonly error = signal<string | undefined>(undefined);

  constructor() {
    inject(ShopService)
      .customer(CUSTOMER_ID)
      .pipe(takeUntilDestroyed())
      .subscribe({
        next: (r) => {
          if (r.key === 'user') this.user.set(r.value);
          else this.orders.set(r.value);
          this.arrived.update((a) => ({ ...a, [r.key]: r.completed }));
          this.completed.set(r.completed);
        },
        error: (error: unknown) => this.error.set(reasonOf(error)),
      });
  }
}

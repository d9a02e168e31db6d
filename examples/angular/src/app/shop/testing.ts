// Test helpers for the shop specs: what the backend answers.
import type { Item, Order, User } from './shop';

export const item = (id: number): Item => ({ id, name: `item ${id}`, price: id * 10 });
export const user = (id = 42): User => ({ id, name: 'Ada', email: 'ada@example.com', since: 2019 });
export const orders = (): Order[] => [
  { id: 1001, placed: '2026-10-02', items: 3, total: 48.5 },
  { id: 1002, placed: '2026-10-19', items: 1, total: 12 },
];

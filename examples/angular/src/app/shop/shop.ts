// What the shop endpoints of the backend answer (server/backend.mjs).

/** `GET /api/items/:id` */
export interface Item {
  id: number;
  name: string;
  price: number;
}

/** `GET /api/users/:id` */
export interface User {
  id: number;
  name: string;
  email: string;
  since: number;
}

/** An element of `GET /api/users/:id/orders` */
export interface Order {
  id: number;
  placed: string;
  items: number;
  total: number;
}

/** The catalog page's items, and how many requests it keeps in flight. */
export const CATALOG_IDS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const CATALOG_CONCURRENCY = 3;

/** The customer page's customer. */
export const CUSTOMER_ID = 42;

/** The demo's client side: `fetch` with a non-2xx status turned into an error. */
import { STATUS_CODES } from 'node:http';

/** A response that came back with a status outside 200..299. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd());
  }
}

/** The body as JSON, or an `HttpError` for a non-2xx status. */
export async function readJson<T>(response: Response): Promise<T> {
  if (!response.ok) {
    // Read the body anyway, so the keep-alive socket is free for the next request.
    await response.arrayBuffer().catch(() => undefined);
    throw new HttpError(response.status, response.url);
  }
  return (await response.json()) as T;
}

/** `GET url` as JSON; `signal` cancels the request on the wire. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return readJson<T>(await fetch(url, { signal }));
}

/** A short human reason for a failure: `HTTP 503 Service Unavailable`, `network error: other side closed`. */
export function reasonOf(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  // Duck-typed, not `instanceof Error`: fetch's errors come from Node's own realm,
  // which is not the test sandbox's.
  if (isError(error)) {
    // undici reports socket trouble as TypeError('fetch failed') with the detail in `cause`.
    if (error.name === 'TypeError' && error.message === 'fetch failed' && isError(error.cause)) {
      return `network error: ${error.cause.message}`;
    }
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

function isError(value: unknown): value is Error & { cause?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && 'name' in value;
}

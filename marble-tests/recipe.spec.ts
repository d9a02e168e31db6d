/**
 * Recipe: marble-testing your own service that uses rxjs-as-completed.
 *
 * Cold observables stand in for HTTP: each one is a request that answers after
 * so many frames, and its `subscriptions` log says when the request was sent
 * (`^`) and when it ended or was cancelled (`!`). Inside `TestScheduler.run`
 * the deadlines of `asCompletedWithTimeout` run in virtual time, with no
 * scheduler to pass.
 */
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ItemsLoader, type HttpLike, type Item } from '../examples/testing/itemsLoader.js';

const item = (id: number): Item => ({ id, name: `item ${id}` });

/** An `HttpLike` that answers each URL with the cold observable given for it. */
function fakeHttp(responses: Record<string, Observable<unknown>>): HttpLike {
  return {
    get: <T>(url: string) => {
      if (!(url in responses)) throw new Error(`unexpected GET ${url}`);
      return responses[url] as Observable<T>;
    },
  };
}

describe('ItemsLoader (marble recipe)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits the items in the order they answer, two requests at a time', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const req = {
        1: cold('-----a|', { a: item(1) }),
        2: cold('-b|',     { b: item(2) }),
        3: cold('--c|',    { c: item(3) }),
      };
      const loader = new ItemsLoader(fakeHttp({ '/items/1': req[1], '/items/2': req[2], '/items/3': req[3] }));

      expectObservable(loader.loadAll([1, 2, 3])).toBe('--b--c(a|)', {
        b: { item: item(2), done: 1, total: 3 },
        c: { item: item(3), done: 2, total: 3 },
        a: { item: item(1), done: 3, total: 3 },
      });
      // Request 3 waits for a free slot: it is sent when 2 has answered.
      expectSubscriptions(req[1].subscriptions).toBe('^-----!');
      expectSubscriptions(req[2].subscriptions).toBe('^-!');
      expectSubscriptions(req[3].subscriptions).toBe('--^--!');
    });
  });

  it('cancels the requests in flight when the caller unsubscribes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const req = {
        1: cold('-----a|', { a: item(1) }),
        2: cold('-b|',     { b: item(2) }),
        3: cold('-----c|', { c: item(3) }),
      };
      const loader = new ItemsLoader(fakeHttp({ '/items/1': req[1], '/items/2': req[2], '/items/3': req[3] }));

      expectObservable(loader.loadAll([1, 2, 3]), '^--!').toBe('--b', {
        b: { item: item(2), done: 1, total: 3 },
      });
      expectSubscriptions(req[1].subscriptions).toBe('^--!');
      expectSubscriptions(req[2].subscriptions).toBe('^-!');
      expectSubscriptions(req[3].subscriptions).toBe('--^!');
    });
  });

  it('fails fast on a failed request: the others are cancelled, the queued never sent', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const notFound = new Error('HTTP 404');
      // prettier-ignore
      const req = {
        1: cold('-----a|', { a: item(1) }),
        2: cold('-#',      undefined, notFound),
        3: cold('--c|',    { c: item(3) }),
      };
      const loader = new ItemsLoader(fakeHttp({ '/items/1': req[1], '/items/2': req[2], '/items/3': req[3] }));

      expectObservable(loader.loadAll([1, 2, 3])).toBe('-#', undefined, notFound);
      expectSubscriptions(req[1].subscriptions).toBe('^!');
      expectSubscriptions(req[2].subscriptions).toBe('^!');
      expectSubscriptions(req[3].subscriptions).toBe([]);
    });
  });

  it('completes at the deadline with what arrived, cancelling the late requests', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const req = {
        1: cold('-------a|', { a: item(1) }),
        2: cold('-b|',       { b: item(2) }),
        3: cold('---c|',     { c: item(3) }),
      };
      const loader = new ItemsLoader(fakeHttp({ '/items/1': req[1], '/items/2': req[2], '/items/3': req[3] }));

      // A deadline of 4 frames (virtual ms): 3 would answer at frame 6, 1 at frame 8.
      expectObservable(loader.loadWithin([1, 2, 3], 4)).toBe('--b-|', { b: item(2) });
      expectSubscriptions(req[1].subscriptions).toBe('^---!');
      expectSubscriptions(req[2].subscriptions).toBe('^-!');
      expectSubscriptions(req[3].subscriptions).toBe('--^-!');
    });
  });

  it("requests a category's items as soon as that category's list is in", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const books = cold('-----x|', { x: [1] });
      // prettier-ignore
      const games = cold('-y|',     { y: [3] });
      // prettier-ignore
      const req = {
        1: cold('-a|',  { a: item(1) }),
        3: cold('--c|', { c: item(3) }),
      };
      const loader = new ItemsLoader(
        fakeHttp({ '/categories/books': books, '/categories/games': games, '/items/1': req[1], '/items/3': req[3] }),
      );

      // Item 1 is requested with the books list at frame 5, once item 3's slot frees.
      expectObservable(loader.loadCategories(['books', 'games'])).toBe('-----c-(a|)', {
        c: { category: 'games', item: item(3) },
        a: { category: 'books', item: item(1) },
      });
      expectSubscriptions(books.subscriptions).toBe('^-----!');
      expectSubscriptions(games.subscriptions).toBe('^-!');
      // Item 3 is requested at frame 2, while the books list is still loading.
      expectSubscriptions(req[3].subscriptions).toBe('--^--!');
      expectSubscriptions(req[1].subscriptions).toBe('-----^-!');
    });
  });
});

import { TestBed } from '@angular/core/testing';
import { readBoard, widget } from '../widgets/testing';
import { FetchTilesPage, TILE_CONCURRENCY } from './fetch-tiles';

interface Call {
  url: string;
  signal: AbortSignal;
  answer(body: unknown, status?: number): void;
}

describe('FetchTilesPage (fetch factories)', () => {
  let calls: Call[];

  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(
        (url: string, init: RequestInit) =>
          new Promise((resolve) =>
            calls.push({
              url,
              signal: init.signal!,
              answer: (body, status = 200) =>
                resolve({ ok: status < 300, status, json: async () => body }),
            }),
          ),
      ),
    );
  });

  afterEach(() => vi.unstubAllGlobals());

  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it('starts at most 3 requests, the next one as a slot frees, and renders each as it arrives', async () => {
    const fixture = TestBed.createComponent(FetchTilesPage);
    const el: HTMLElement = fixture.nativeElement;
    await fixture.whenStable();
    expect(calls.map((c) => c.url)).toEqual([
      '/api/sparklines/1',
      '/api/sparklines/2',
      '/api/sparklines/3',
    ]);

    calls[1].answer(widget('spark-2'));
    await settle();
    expect(calls).toHaveLength(TILE_CONCURRENCY + 1);
    expect(calls[3].url).toBe('/api/sparklines/4');
    calls[3].answer({}, 503);
    await settle();
    await fixture.whenStable();

    expect(readBoard(el).progress).toBe('2/9');
    expect(readBoard(el).cards).toEqual(['2', '4:HTTP 503']);
  });

  it('aborts the running requests when destroyed and never starts the queued ones', async () => {
    const fixture = TestBed.createComponent(FetchTilesPage);
    await fixture.whenStable();
    calls[0].answer(widget('spark-1'));
    await settle();
    expect(calls).toHaveLength(4);

    fixture.destroy();

    expect(calls.map((c) => c.signal.aborted)).toEqual([false, true, true, true]);
    expect(calls).toHaveLength(4);
  });
});

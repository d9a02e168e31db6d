#!/usr/bin/env node
// End to end in a real browser: the production build of the dashboard and its
// backend (server/backend.mjs) in this process, headless Chromium driven by
// puppeteer-core. The backend's log is the witness: which requests it answered,
// which the browser closed before the answer (aborted), how many were open at once.
//
//   node e2e/e2e.mjs [--update-screenshots]
//
// Needs `ng build` first, and a Chromium: $CHROMIUM_PATH, or what the repo's
// scripts/ensure-chromium.sh prints (it installs Debian's chromium when absent).
// Screenshots go to e2e-output/ (not committed); --update-screenshots also copies
// them to screenshots/, which the README shows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import {
  CUSTOMER,
  describe as describeRecord,
  FAILING_WIDGET,
  ITEM_DELAYS,
  startBackend,
  WIDGET_DELAYS,
} from '../server/backend.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(appDir, '../..');
const outDir = path.join(appDir, 'e2e-output');
const shotsDir = path.join(appDir, 'screenshots');
const updateShots = process.argv.includes('--update-screenshots');

const DASHBOARD = Object.keys(WIDGET_DELAYS); // the app's DASHBOARD_WIDGETS, same order
const REGION_WIDGETS = ['revenue', 'visitors', 'orders', 'latency'];
const REGION_CONCURRENCY = 2;
const TILE_CONCURRENCY = 3;
const CATALOG_IDS = ITEM_DELAYS.map((_, i) => String(i + 1)); // the app's CATALOG_IDS
const CATALOG_CONCURRENCY = 3;
const TIMEOUT = 30_000; // generous: the machine may be busy

const chromium =
  process.env.CHROMIUM_PATH ||
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-chromium.sh')], {
    encoding: 'utf8',
  }).trim();

const backend = await startBackend({ staticDir: path.join(appDir, 'dist/dashboard/browser') });
const { log } = backend;
/** Every request the browser closed before the answer, with the scenario that was running. */
const abortLog = [];
let scenario = '';
log.onChange((event, record) => {
  if (event === 'aborted') abortLog.push(`[${scenario}] ${describeRecord(record)}`);
});

const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-e2e-chromium-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  userDataDir,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
await mkdir(outDir, { recursive: true });

// Installed before the app loads: records every distinct progress text, the
// order in which cards appear (`name@region`; a failed card: `name`) and the
// order in which the customer page's parts arrive (their keys), from the first
// render on, across the app's own navigations.
const recorder = () => {
  const seen = { progress: [], cards: [], parts: [] };
  window.__e2e = seen;
  const look = () => {
    const text = document.querySelector('.progress .count')?.textContent?.trim();
    if (text && text !== seen.progress.at(-1)) seen.progress.push(text);
    for (const el of document.querySelectorAll('.card[data-name]')) {
      const key = el.dataset.region ? `${el.dataset.name}@${el.dataset.region}` : el.dataset.name;
      if (!seen.cards.includes(key)) seen.cards.push(key);
    }
    for (const el of document.querySelectorAll('.part[data-arrived]'))
      if (!seen.parts.includes(el.dataset.key)) seen.parts.push(el.dataset.key);
  };
  new MutationObserver(look).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
  });
};

const errors = [];
let passed = 0;

async function newPage() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 470 });
  await page.evaluateOnNewDocument(recorder);
  page.on('pageerror', (error) => errors.push(`${scenario}: ${error.message}`));
  return page;
}

const widgetName = (record) =>
  decodeURIComponent(new URL(record.path, 'http://x').pathname.split('/').pop());
const api = (records, prefix) => records.filter((r) => r.path.startsWith(prefix));
const byEnd = (records) => [...records].sort((a, b) => a.end - b.end);
const progressSteps = (n) => Array.from({ length: n + 1 }, (_, k) => `${k}/${n}`);
const waitForCount = (page, text) =>
  page.waitForFunction(
    (t) => document.querySelector('.progress .count')?.textContent?.trim() === t,
    { timeout: TIMEOUT },
    text,
  );
const domCards = (page) =>
  page.$$eval('.card[data-name]', (els) => els.map((el) => el.dataset.name));
const waitForState = (page, text) =>
  page.waitForFunction(
    (t) => document.querySelector('.state')?.textContent?.trim() === t,
    { timeout: TIMEOUT },
    text,
  );
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The key of the customer record's part a request loads: `user` or `orders`. */
const partKey = (record) => (record.path.endsWith('/orders') ? 'orders' : 'user');

/** The most requests open at once, from the server's own start/end times. */
function maxOverlap(records) {
  const events = records.flatMap((r) => [
    [r.start, 1],
    [r.end ?? Infinity, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a start at the same instant
  let open = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (open += d));
  return max;
}

async function shot(page, name) {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (updateShots) await copyFile(file, path.join(shotsDir, `${name}.png`));
}

async function step(name, fn) {
  scenario = name;
  const started = performance.now();
  await fn();
  // Every request of the step is over (answered or aborted) before the next one starts.
  assert.ok(await log.idle(TIMEOUT), `${name}: requests still open on the backend`);
  passed++;
  console.log(`  ok  ${name}  (${Math.round(performance.now() - started)} ms)`);
}

/**
 * What the page had received when it stopped listening, against what the backend
 * saw. "In flight" is taken from the page's side: a request it sent and whose
 * answer it never rendered. The backend must have seen exactly those closed by the
 * browser before their answer, bar any whose answer was already on the wire when
 * the page let go (the backend counts it answered: said, and allowed; the
 * callers also require their slow requests, far from an answer, to be aborted).
 */
function checkAborts(records, received, label) {
  const notReceived = records.filter((r) => !received.has(r.id));
  const aborted = records.filter((r) => r.outcome === 'aborted');
  const raced = notReceived.filter((r) => r.outcome === 'answered');
  for (const r of raced)
    console.log(`      (${label}: answered as the page let go, never rendered: ${r.path})`);
  assert.ok(aborted.length > 0, `${label}: nothing was aborted`);
  assert.ok(
    aborted.every((r) => !received.has(r.id)),
    `${label}: a request whose answer the page had was aborted`,
  );
  assert.deepEqual(
    aborted.map((r) => r.id),
    notReceived.filter((r) => !raced.includes(r)).map((r) => r.id),
    `${label}: the aborted requests are exactly the ones in flight`,
  );
  return aborted;
}

/** The backend's records whose widget the page rendered (`cards` from the recorder), by id. */
function receivedIds(records, cards) {
  return new Set(
    records
      .filter((r) => {
        const name = widgetName(r);
        const region = new URL(r.path, 'http://x').searchParams.get('region');
        return cards.some((key) => {
          const [n, reg] = key.split('@');
          return n === name && (!region || !reg || reg === region);
        });
      })
      .map((r) => r.id),
  );
}

/**
 * Opens `route`, waits for progress `at`, then leaves for /about. Once the page
 * is on /about nothing more may be sent, nothing may stay open, and the backend
 * must have seen exactly the requests in flight aborted. `received(records,
 * seen)` picks the records whose answer the page rendered (`seen`: the recorder's).
 */
async function leaveMidLoad(
  page,
  route,
  at,
  prefix,
  received = (records, seen) => receivedIds(records, seen.cards),
) {
  const mark = log.mark();
  await page.goto(`${backend.url}${route}`);
  await waitForCount(page, at);
  await Promise.all([
    page.waitForSelector('.about', { timeout: TIMEOUT }),
    page.click('#nav-about'),
  ]);
  const sentBeforeLeaving = log.since(mark).length;
  assert.ok(await log.idle(TIMEOUT), 'requests still open after leaving');
  await sleep(800); // a queued request would start by now
  const all = log.since(mark);
  assert.equal(all.length, sentBeforeLeaving, 'a request was sent after the page was left');
  const records = api(all, prefix);
  const seen = await page.evaluate(() => window.__e2e);
  const aborted = checkAborts(records, received(records, seen), 'leaving');
  return { records, aborted };
}

try {
  const page = await newPage();
  for (const mode of ['xhr', 'fetch']) {
    console.log(
      `HttpClient over ${mode === 'xhr' ? 'XMLHttpRequest (provideHttpClient())' : 'fetch (provideHttpClient(withFetch()))'}:`,
    );
    const q = `?http=${mode}`;
    const label = mode === 'xhr' ? 'xhr' : 'withFetch';

    await step(`${label}: dashboard, completion order and progress`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/dashboard${q}`);
      await waitForCount(page, '3/6');
      if (mode === 'xhr') await shot(page, 'dashboard-mid-load');
      await waitForCount(page, '6/6');
      if (mode === 'xhr') await shot(page, 'dashboard-final');
      const records = api(log.since(mark), '/api/widgets/');
      assert.equal(records.length, 6);
      assert.deepEqual(
        records.map((r) => [widgetName(r), r.status]).sort(),
        DASHBOARD.map((n) => [n, n === FAILING_WIDGET ? 500 : 200]).sort(),
      );
      const { progress, cards } = await page.evaluate(() => window.__e2e);
      assert.deepEqual(progress, progressSteps(6), 'progress steps through 0/6 … 6/6');
      const answerOrder = byEnd(records).map(widgetName);
      assert.deepEqual(
        cards.map((k) => k.split('@')[0]),
        answerOrder,
        'cards appear in the order the backend answered',
      );
      assert.deepEqual(await domCards(page), answerOrder);
      const failed = await page.$eval(`.card[data-name="${FAILING_WIDGET}"]`, (el) => [
        el.className,
        el.textContent,
      ]);
      assert.match(failed[0], /failed/);
      assert.match(failed[1], /HTTP 500/);
      assert.equal(
        await page.$$eval('.card.failed', (els) => els.length),
        1,
        'one failed widget, the others shown',
      );
    });

    await step(`${label}: leaving the dashboard mid-load`, async () => {
      const { aborted } = await leaveMidLoad(page, `/dashboard${q}`, '2/6', '/api/widgets/');
      const names = aborted.map(widgetName);
      assert.ok(
        names.includes('forecast') && names.includes('latency'),
        'the slow widgets were aborted',
      );
    });

    await step(`${label}: deadline keeps partial results`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/deadline${q}`);
      await page.waitForSelector('.summary', { timeout: TIMEOUT });
      if (mode === 'xhr') await shot(page, 'deadline');
      const cards = await page.$$eval('.card[data-name]', (els) =>
        els.map((el) => [
          el.dataset.name,
          el.classList.contains('timed-out')
            ? 'timed out'
            : el.classList.contains('failed')
              ? 'failed'
              : 'ok',
        ]),
      );
      assert.deepEqual(cards, [
        ['revenue', 'ok'],
        ['visitors', 'ok'],
        ['inventory', 'failed'],
        ['orders', 'ok'],
        ['latency', 'timed out'],
        ['forecast', 'timed out'],
      ]);
      assert.match(
        await page.$eval('.summary', (el) => el.textContent),
        /4 of 6 in time; timed out:\s*latency, forecast/,
      );
      await log.idle(TIMEOUT);
      const records = api(log.since(mark), '/api/widgets/');
      assert.deepEqual(
        records
          .filter((r) => r.outcome === 'aborted')
          .map(widgetName)
          .sort(),
        ['forecast', 'latency'],
        'the backend saw the late requests aborted',
      );
    });

    await step(`${label}: rxResource, a new region cancels the old load`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/regions${q}&region=eu`);
      await waitForCount(page, `2/${REGION_WIDGETS.length}`);
      await page.click('#region-us');
      await page.waitForFunction(() => document.querySelector('.region b')?.textContent === 'us', {
        timeout: TIMEOUT,
      });
      if (mode === 'xhr') await shot(page, 'regions-switched');
      await waitForCount(page, `${REGION_WIDGETS.length}/${REGION_WIDGETS.length}`);
      assert.ok(await log.idle(TIMEOUT));
      const records = api(log.since(mark), '/api/widgets/');
      const eu = records.filter((r) => r.path.includes('region=eu'));
      const us = records.filter((r) => r.path.includes('region=us'));
      const { cards } = await page.evaluate(() => window.__e2e);
      const aborted = checkAborts(eu, receivedIds(eu, cards), 'region switch');
      assert.ok(aborted.map(widgetName).includes('latency'), 'the slowest eu request was aborted');
      assert.ok(
        eu.length < REGION_WIDGETS.length || aborted.length > 0,
        'the old load was cut short',
      );
      assert.deepEqual(
        us.map((r) => [widgetName(r), r.outcome]).sort(),
        REGION_WIDGETS.map((n) => [n, 'answered']).sort(),
      );
      assert.ok(maxOverlap(eu) <= REGION_CONCURRENCY, `eu: ${maxOverlap(eu)} in flight at once`);
      assert.ok(maxOverlap(us) <= REGION_CONCURRENCY, `us: ${maxOverlap(us)} in flight at once`);
      assert.deepEqual(await domCards(page), byEnd(us).map(widgetName));
    });

    await step(`${label}: catalog, the mapper form: 3 at a time, completion order`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/catalog${q}`);
      await waitForCount(page, `4/${CATALOG_IDS.length}`);
      if (mode === 'xhr') await shot(page, 'catalog-mid-load');
      await waitForState(page, 'done');
      const records = api(log.since(mark), '/api/items/');
      assert.deepEqual(
        records.map((r) => [widgetName(r), r.status]).sort(),
        CATALOG_IDS.map((id) => [id, 200]),
      );
      assert.ok(
        log.peak <= CATALOG_CONCURRENCY,
        `the backend saw ${log.peak} requests in flight at once`,
      );
      assert.equal(maxOverlap(records), CATALOG_CONCURRENCY, 'three at a time, never more');
      const { progress, cards } = await page.evaluate(() => window.__e2e);
      assert.deepEqual(progress, progressSteps(CATALOG_IDS.length));
      const answerOrder = byEnd(records).map(widgetName);
      assert.deepEqual(cards, answerOrder, 'items appear in the order the backend answered');
      assert.deepEqual(await domCards(page), answerOrder);
    });

    await step(`${label}: catalog, Cancel aborts the requests in flight`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/catalog${q}`);
      await waitForCount(page, `4/${CATALOG_IDS.length}`);
      await page.click('#cancel');
      await waitForState(page, 'cancelled');
      const sentAtCancel = log.since(mark).length;
      assert.ok(await log.idle(TIMEOUT), 'requests still open after Cancel');
      await sleep(800); // a queued request would start by now
      const all = log.since(mark);
      assert.equal(all.length, sentAtCancel, 'a request was sent after Cancel');
      const records = api(all, '/api/items/');
      const { cards } = await page.evaluate(() => window.__e2e);
      const aborted = checkAborts(records, receivedIds(records, cards), 'cancel');
      assert.deepEqual(
        aborted.map(widgetName).sort(),
        ['5', '6', '7'],
        'the three slow items in flight were aborted',
      );
      assert.ok(!records.some((r) => widgetName(r) === '8'), 'the queued id 8 was never requested');
      assert.equal(
        await page.$eval('.card[data-waiting="8"] .spinner', (el) => el.textContent.trim()),
        'cancelled',
      );
    });

    await step(`${label}: customer, each part of the record as it arrives`, async () => {
      const mark = log.mark();
      await page.goto(`${backend.url}/customer${q}`);
      await waitForCount(page, '1/2');
      if (mode === 'xhr') await shot(page, 'customer-mid-load');
      await waitForCount(page, '2/2');
      const records = api(log.since(mark), '/api/users/');
      assert.deepEqual(records.map((r) => [r.path, r.status]).sort(), [
        [`/api/users/${CUSTOMER.id}`, 200],
        [`/api/users/${CUSTOMER.id}/orders`, 200],
      ]);
      const { progress, parts } = await page.evaluate(() => window.__e2e);
      assert.deepEqual(progress, progressSteps(2));
      assert.deepEqual(parts, byEnd(records).map(partKey), 'parts appear in the order answered');
      assert.deepEqual(parts, ['orders', 'user'], 'the orders (faster) before the user');
      assert.equal(
        await page.$eval('.part[data-key="user"] .name', (el) => el.textContent.trim()),
        CUSTOMER.name,
      );
      assert.equal(await page.$$eval('tr[data-order]', (els) => els.length), 3);
    });

    await step(`${label}: leaving the customer page before the user arrives`, async () => {
      const { records, aborted } = await leaveMidLoad(
        page,
        `/customer${q}`,
        '1/2',
        '/api/users/',
        (rs, seen) => new Set(rs.filter((r) => seen.parts.includes(partKey(r))).map((r) => r.id)),
      );
      assert.deepEqual(
        aborted.map((r) => r.path),
        [`/api/users/${CUSTOMER.id}`],
        'the user request was aborted',
      );
      assert.deepEqual(records.filter((r) => r.outcome === 'answered').map(partKey), ['orders']);
    });
  }

  console.log('fetch factories (no HttpClient):');
  await step('fetch: concurrency 3, completion order', async () => {
    const mark = log.mark();
    await page.goto(`${backend.url}/fetch`);
    await waitForCount(page, '9/9');
    await shot(page, 'fetch-concurrency');
    const records = api(log.since(mark), '/api/sparklines/');
    assert.equal(records.length, 9);
    assert.ok(records.every((r) => r.outcome === 'answered'));
    assert.ok(
      log.peak <= TILE_CONCURRENCY,
      `the backend saw ${log.peak} requests in flight at once`,
    );
    assert.equal(maxOverlap(records), TILE_CONCURRENCY, 'three at a time, never more');
    assert.deepEqual(await domCards(page), byEnd(records).map(widgetName));
  });
  await step('fetch: leaving mid-load aborts the running, never sends the queued', async () => {
    const { records, aborted } = await leaveMidLoad(page, '/fetch', '3/9', '/api/sparklines/');
    assert.ok(records.length < 9, 'the queued requests were never sent');
    assert.deepEqual(
      aborted.map(widgetName).sort(),
      ['4', '5', '6'],
      'the three slow tiles in flight were aborted',
    );
  });

  assert.deepEqual(errors, [], 'uncaught errors in the page');
} catch (error) {
  console.error(`\nFAILED in "${scenario}":`, error);
  process.exitCode = 1;
} finally {
  console.log('\nBackend: requests the browser closed before the answer');
  for (const line of abortLog) console.log(`  ${line}`);
  await browser.close().catch(() => {});
  await backend.close();
  await rm(userDataDir, { recursive: true, force: true });
}
if (!process.exitCode)
  console.log(
    `\ne2e: ${passed} scenarios passed; screenshots in ${path.relative(process.cwd(), outDir) || '.'}`,
  );

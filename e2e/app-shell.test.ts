/**
 * The app shell in Chromium against a real `flowtrace serve`: the trace list's filters and the
 * app's one time range live in the URL (a reload, Back and Forward restore them, typing does not
 * fill the history), the range carries across pages through the nav, in-page links and the `g`
 * shortcuts, and `?` lists the shortcuts. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, type SentTrace } from '../test/support/otel';
import { recordGenAiTurn, recordPlainTrace } from '../test/support/otel-genai';
import { launchBrowser, openWatchedPage, spanRow, traceRow, UI_TIMEOUT_MS, waitOrExplain, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;

/** Two GenAI turns of one service, one recent and one three hours old; a plain trace of another. */
const sent: Record<'recent' | 'old' | 'plain', SentTrace> = {} as never;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const now = Date.now();
  sent.recent = recordGenAiTurn({ serviceName: 'shell-shop', model: 'gpt-4o-mini', agentName: 'clerk', startMs: now - 60_000 });
  sent.old = recordGenAiTurn({ serviceName: 'shell-shop', model: 'gpt-4o-mini', agentName: 'clerk', startMs: now - 3 * 3_600_000 });
  sent.plain = recordPlainTrace('shell-frontend');
  await exportSpans(server.otlpHttp, 'protobuf', [...sent.recent.spans, ...sent.old.spans, ...sent.plain.spans]);
  ui = await openWatchedPage(browser, `${server.api.replace(/\/$/, '')}/#/`, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const hash = (page: Page) => new URL(page.url()).hash;
/** This file is type-checked without DOM types. */
type BrowserGlobals = { history: { length: number } };
const historyLength = (page: Page) => page.evaluate(() => (globalThis as unknown as BrowserGlobals).history.length);

function shownIds(page: Page): Promise<string[]> {
  return page.getByTestId('trace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id') ?? ''));
}

/** Waits until exactly these traces are listed (any order). */
async function expectRows(page: Page, expected: SentTrace[]): Promise<void> {
  const want = expected.map((t) => t.traceId).sort();
  for (const deadline = Date.now() + UI_TIMEOUT_MS; ; ) {
    const got = (await shownIds(page)).sort();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (Date.now() > deadline) assert.deepEqual(got, want, `rows on screen at ${hash(page)}`);
    await page.waitForTimeout(50);
  }
}

async function waitForHash(page: Page, expected: string): Promise<void> {
  await page.waitForURL((url) => url.hash === expected).catch(() => assert.equal(hash(page), expected));
}

test('filters and the range go into the URL; a reload, Back and Forward restore them; typing adds no history', async () => {
  const { page } = ui;
  await expectRows(page, [sent.recent, sent.old, sent.plain]);
  await page.getByTestId('filter-service').selectOption('shell-shop');
  await waitForHash(page, '#/?service=shell-shop');
  await expectRows(page, [sent.recent, sent.old]);

  // Typed text waits for a pause, then replaces the history entry: Back does not replay keystrokes.
  const entries = await historyLength(page);
  await page.getByTestId('filter-min-tokens').pressSequentially('1000', { delay: 300 });
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000');
  assert.equal(await historyLength(page), entries, 'typing replaced the entry');
  await expectRows(page, [sent.recent, sent.old]);

  await page.getByTestId('time-range').selectOption('1h');
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000&range=1h');
  await expectRows(page, [sent.recent]);

  await page.reload();
  await expectRows(page, [sent.recent]);
  assert.equal(await page.getByTestId('filter-service').inputValue(), 'shell-shop');
  assert.equal(await page.getByTestId('filter-min-tokens').inputValue(), '1000');
  assert.equal(await page.getByTestId('time-range').inputValue(), '1h');

  await page.goBack();
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000');
  await expectRows(page, [sent.recent, sent.old]);
  assert.equal(await page.getByTestId('time-range').inputValue(), 'all');
  await page.goForward();
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000&range=1h');
  await expectRows(page, [sent.recent]);
});

test('a custom range is two bounds in the URL and survives a reload', async () => {
  const { page } = ui;
  const local = (ms: number) => {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  };
  const until = local(Date.now() - 2 * 3_600_000);
  await page.getByTestId('time-range').selectOption('custom');
  await page.getByTestId('time-range-to').fill(until);
  await page.waitForURL((url) => url.hash.includes(`to=${encodeURIComponent(until)}`));
  await expectRows(page, [sent.old]);
  await page.reload();
  await expectRows(page, [sent.old]);
  assert.equal(await page.getByTestId('time-range').inputValue(), 'custom');
  assert.equal(await page.getByTestId('time-range-to').inputValue(), until);
  await page.getByTestId('time-range-from').fill(local(Date.now() - 1_000 * 3_600_000));
  await page.getByTestId('time-range-to').fill(local(Date.now() - 999 * 3_600_000));
  assert.match((await page.getByTestId('no-match').textContent()) ?? '', /match these filters in this time range/);
  await page.getByTestId('time-range').selectOption('1h');
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000&range=1h');
  await expectRows(page, [sent.recent]);
});

test('the range carries to other pages through the nav, in-page links and g shortcuts; Traces returns to the filters', async () => {
  const { page } = ui;
  await page.getByTestId('nav-dashboard').click();
  await waitForHash(page, '#/dashboard?range=1h');
  await waitOrExplain(ui, page.getByTestId('latency-table'), 'the dashboard under the carried range');
  assert.equal(await page.getByTestId('time-range').inputValue(), '1h');

  // A page without time keeps the range for the next: here through a link built without it.
  await page.getByTestId('nav-traces').click();
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000&range=1h');
  await traceRow(page, sent.recent.traceId).locator('a').first().click();
  await waitForHash(page, `#/traces/${sent.recent.traceId}?range=1h`);
  await page.getByTestId('trace-view').waitFor();
  assert.equal(await page.getByTestId('nav-logs').getAttribute('href'), '#/logs?range=1h');

  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await waitForHash(page, '#/logs?range=1h');
  await page.getByTestId('logs-view').waitFor();
  await page.keyboard.press('g');
  await page.keyboard.press('d');
  await waitForHash(page, '#/dashboard?range=1h');
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await waitForHash(page, '#/?service=shell-shop&minTokens=1000&range=1h');
  await expectRows(page, [sent.recent]);
});

test('? lists the shortcuts, Escape closes the list; / focuses the filter box, where g d is just typed', async () => {
  const { page } = ui;
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  const overlay = page.getByTestId('shortcuts-overlay');
  await overlay.waitFor();
  const text = (await overlay.textContent()) ?? '';
  for (const keys of ['g t', 'g s', 'g d', 'g c', 'g f', 'g l', 'g m', '/', '?']) assert.ok(text.includes(keys), `lists ${keys}`);
  await page.keyboard.press('Escape');
  await overlay.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('filter-min-tokens').inputValue(), '1000', 'Escape only closed the list');

  await page.keyboard.press('/');
  assert.equal(await page.locator(':focus').getAttribute('data-testid'), 'filter-q');
  await page.keyboard.type('gd');
  await page.waitForTimeout(400);
  assert.match(hash(page), /^#\/\?/, 'still on the list');
  assert.equal(await page.getByTestId('filter-q').inputValue(), 'gd');
  await page.keyboard.press('Escape');

  await page.getByTestId('shortcuts-button').click();
  await overlay.waitFor();
  await page.getByTestId('shortcuts-close').click();
  await overlay.waitFor({ state: 'detached' });
});

test("the timeline's zoom goes into the trace URL once it rests, survives a reload, and a span click keeps it", async () => {
  const { page } = ui;
  await page.goto(`${server!.api.replace(/\/$/, '')}/#/traces/${sent.recent.traceId}`);
  await page.getByTestId('trace-view').waitFor();
  assert.equal(await page.getByTestId('reset-zoom').isDisabled(), true);
  await page.getByRole('tree', { name: 'Spans' }).focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForURL((url) => /[?&]zoom=[\d.]+-[\d.]+$/.test(url.hash));
  const zoomed = hash(page);
  await page.reload();
  await page.getByTestId('trace-view').waitFor();
  assert.equal(await page.getByTestId('reset-zoom').isEnabled(), true, 'opened zoomed');
  assert.equal(hash(page), zoomed);
  const root = sent.recent.spanIds[0]!;
  await spanRow(page, root).click();
  await page.waitForURL((url) => url.hash.includes(`span=${root}`));
  assert.equal(hash(page), zoomed.replace('?', `?span=${root}&`), 'selecting a span kept the zoom');
  await page.getByTestId('reset-zoom').click();
  await page.waitForURL((url) => !url.hash.includes('zoom='));
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

/**
 * Store notices in the UI: `flowtrace serve` started on a data directory whose database is garbage
 * moves it aside and starts fresh; the page must say so in a banner (text, time, dismiss) above a
 * header and empty state that still work, and health must read "degraded". Several notices, and
 * message text that looks like markup, are checked by rewriting the real stats answer in the page.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Stats, StoreNotice } from '../src-shared/contract';
import { startServe, tempDataDir, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, waitForCount, type WatchedPage } from './support/browser';

const DB_FILE = 'flowtrace.sqlite';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let dataDir: string;
const pages: WatchedPage[] = [];

before(async () => {
  dataDir = tempDataDir('flowtrace-notices-');
  // Text, not SQLite: opening it fails with SQLITE_NOTADB, the engine's cue to quarantine it.
  writeFileSync(`${dataDir}/${DB_FILE}`, 'this is not a database. '.repeat(342).slice(0, 8192));
  server = await startServe({ dataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function apiUrl(path: string): string {
  return `${server!.api.replace(/\/$/, '')}${path}`;
}

test('health reports degraded and the damaged file was kept', async () => {
  const health = (await (await fetch(apiUrl('/api/v1/health'))).json()) as { status: string; notices: StoreNotice[] };
  assert.equal(health.status, 'degraded');
  assert.equal(health.notices.at(-1)?.level, 'error');
  assert.ok(
    readdirSync(dataDir).some((f) => f.startsWith(`${DB_FILE}.corrupt-`)),
    `expected a quarantined copy in ${JSON.stringify(readdirSync(dataDir))}`,
  );
});

test('a banner says the database was damaged, above a header and empty state that still work', async () => {
  const ui = await openWatchedPage(browser!, server!.api);
  pages.push(ui);
  const { page } = ui;
  const banner = page.getByTestId('store-notice');
  await banner.waitFor();
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.equal(await banner.getAttribute('data-level'), 'error');
  const text = (await banner.getByTestId('store-notice-message').textContent()) ?? '';
  assert.match(text, /was damaged/);
  assert.match(text, /Nothing was deleted/);
  assert.match((await banner.locator('time').textContent()) ?? '', /^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d$/);
  assert.equal(await banner.getByTestId('store-notice-more').count(), 0, 'one notice: nothing more to show');

  // The fresh database works: empty state, zero counts, a size.
  await page.getByTestId('empty-state').waitFor();
  await page.getByTestId('stat-traces').filter({ hasText: /^0$/ }).waitFor();
  assert.equal(await page.getByTestId('stat-spans').textContent(), '0');
  assert.match((await page.getByTestId('stat-db-bytes').textContent()) ?? '', /^\d+(\.\d)? (B|kB|MB)$/);

  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await banner.waitFor({ state: 'detached' });
  // Dismissed for the tab's session: a reload does not bring it back.
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByTestId('empty-state').waitFor();
  // The size arrives in the same stats answer as the notices, so once it shows they are in.
  await page.getByTestId('stat-db-bytes').waitFor();
  assert.equal(await page.getByTestId('store-notice').count(), 0);
});

test('several notices: the newest shows, "+N more" unfolds the rest, and messages stay text', async () => {
  const ui = await openWatchedPage(browser!, server!.api);
  pages.push(ui);
  const { page } = ui;
  const real = (await (await fetch(apiUrl('/api/v1/stats'))).json()) as Stats;
  const damaged = real.notices.at(-1)!;
  const full: StoreNotice = {
    level: 'warning',
    message: '<img src=x onerror=alert(1)> Storage is full: exporters are being told to retry (503).',
    at: damaged.at + 60_000,
  };
  // The real answer with one newer warning appended, as the engine would send it.
  await page.route('**/api/v1/stats', async (route) => {
    const res = await route.fetch();
    const stats = (await res.json()) as Stats;
    await route.fulfill({ response: res, json: { ...stats, notices: [...stats.notices, full] } });
  });
  await page.reload({ waitUntil: 'domcontentloaded' });

  const banner = page.getByTestId('store-notice');
  await banner.filter({ hasText: /Storage is full/ }).waitFor();
  assert.equal(await banner.getAttribute('role'), 'status', 'a warning is announced politely');
  assert.equal(await banner.getByTestId('store-notice-message').textContent(), full.message);
  assert.equal(await page.locator('img').count(), 0, 'notice text must never become markup');

  const more = banner.getByTestId('store-notice-more');
  assert.equal(await more.textContent(), '+1 more');
  await more.click();
  const older = banner.getByTestId('store-notice-older');
  await older.waitFor();
  assert.match((await older.textContent()) ?? '', /was damaged/);

  // Dismissing the newest brings the older error to the top, as an alert.
  await banner.getByRole('button', { name: 'Dismiss' }).first().click();
  await banner.filter({ hasText: /was damaged/ }).waitFor();
  assert.equal(await banner.getAttribute('role'), 'alert');
  await waitForCount(page, '[data-testid="store-notice-more"]', 0);
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await banner.waitFor({ state: 'detached' });
  assert.deepEqual(ui.dialogs, []);
});

test('the pages ran without errors or CSP violations', async () => {
  for (const ui of pages) {
    assert.deepEqual(ui.pageErrors, []);
    assert.deepEqual(await ui.cspViolations(), []);
    assert.deepEqual(ui.dialogs, []);
  }
});

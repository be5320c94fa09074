/**
 * The Funnels page in Chromium against a real `flowtrace serve`, fed by the official OTel JS exporter
 * with the hand-counted runs (test/support/funnel-runs.ts): the page opens from its URL with the
 * steps in it, shows 6 → 4 → 2 and the outcomes, lists the runs behind a number and links through to
 * a trace, keeps the open list on reload, and a funnel built in the editor reaches the URL.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans } from '../test/support/otel';
import { HAND_COUNTED_STEPS, handCountedRuns, recordFunnelRuns } from '../test/support/funnel-runs';
import { launchBrowser, openWatchedPage, waitForCount, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let traceIds: string[];
let base: string;

const funnelUrl = (extra = '') => `${base}/#/funnels?steps=${encodeURIComponent(JSON.stringify(HAND_COUNTED_STEPS))}&service=funnel-shop${extra}`;

before(async () => {
  server = await startServe();
  base = server.api.replace(/\/$/, '');
  browser = await launchBrowser();
  const sent = recordFunnelRuns('funnel-shop', handCountedRuns(Date.now() - 600_000));
  traceIds = sent.traceIds;
  await exportSpans(server.otlpHttp, 'protobuf', sent.spans);
  ui = await openWatchedPage(browser, funnelUrl());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const numbers = async (testId: string) => (await ui.page.getByTestId(testId).allTextContents()).map((t) => Number(/\d+/.exec(t)![0]));

test('the page opens from its URL and shows the hand-counted funnel', async () => {
  const { page } = ui;
  await page.getByTestId('funnel-bar').nth(2).waitFor();
  assert.equal(await page.getByTestId('funnel-step-row').count(), 3, 'the editor holds the steps from the URL');
  assert.deepEqual(await numbers('funnel-reached'), [6, 4, 2]);
  assert.deepEqual(await numbers('funnel-dropped'), [1, 2, 2]);
  assert.match(await page.getByTestId('funnel-total').textContent() ?? '', /^7 traces in range/);
  assert.deepEqual(
    await Promise.all((['completed', 'abandoned', 'failed'] as const).map(async (o) => Number(/\d+/.exec((await page.getByTestId(`funnel-outcome-${o}`).textContent()) ?? '')![0]))),
    [2, 3, 1],
  );
  assert.match((await page.getByTestId('funnel-conversion').nth(1).textContent()) ?? '', /66\.7 % of previous/);
  assert.equal(await page.getByTestId('nav-funnels').getAttribute('aria-current'), 'page');
});

test('a number opens its runs; the open list survives a reload; a run links to its trace', async () => {
  const { page } = ui;
  await page.getByTestId('funnel-outcome-failed').click();
  await page.getByTestId('funnel-run').first().waitFor();
  assert.equal(await page.getByTestId('funnel-run').count(), 1);
  assert.match(page.url(), /open=failed/);
  await page.reload();
  await page.getByTestId('funnel-run').first().waitFor();
  assert.equal(await page.getByTestId('funnel-outcome-failed').getAttribute('aria-pressed'), 'true');
  // Step 3's drop-offs: the failed run and the one that stopped after searching.
  await page.getByTestId('funnel-dropped').nth(2).click();
  await waitForCount(page, '[data-testid="funnel-run"]', 2);
  assert.match(page.url(), /open=3\.dropped/);
  const failedRun = traceIds[2]!;
  const link = page.locator(`[data-testid="funnel-run-link"][href="#/traces/${failedRun}"]`);
  await link.click();
  await page.waitForURL(new RegExp(`#/traces/${failedRun}`));
  await page.locator('[data-testid="span-row"]').first().waitFor();
  await page.goBack();
  await page.getByTestId('funnel-run').first().waitFor();
});

test('a funnel built in the editor reaches the URL and counts in order', async () => {
  const { page } = ui;
  await page.goto(`${base}/#/funnels`);
  await page.getByRole('button', { name: 'Add step', exact: true }).click();
  await page.getByRole('button', { name: 'Add step', exact: true }).click();
  await page.getByLabel('Step 1 matches').selectOption('tool');
  await page.getByLabel('Step 1 value').fill('book_hotel');
  await page.getByLabel('Step 2 matches').selectOption('agent');
  await page.getByLabel('Step 2 value').fill('planner');
  await page.getByLabel('Service').fill('funnel-shop');
  // Reordered: planner first, then book_hotel.
  await page.getByLabel('Move step 2 up').click();
  await page.getByTestId('funnel-run-button').click();
  await page.getByTestId('funnel-bar').nth(1).waitFor();
  assert.deepEqual(await numbers('funnel-reached'), [6, 2]);
  const steps = JSON.parse(new URL(page.url().replace('#/funnels', 'funnels')).searchParams.get('steps') ?? '[]') as unknown;
  assert.deepEqual(steps, [
    { type: 'agent', value: 'planner' },
    { type: 'tool', value: 'book_hotel' },
  ]);
  await page.reload();
  await page.getByTestId('funnel-bar').nth(1).waitFor();
  assert.deepEqual(await numbers('funnel-reached'), [6, 2]);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

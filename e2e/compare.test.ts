/**
 * Compare two runs in Chromium against `flowtrace serve`: two runs of the same agent, recorded with
 * the OTel JS SDK and sent by its exporter, differing by one tool call and the final answer. "Compare
 * with…" on the first run's page, the second picked from the same session; the page shows both runs
 * and exactly that difference, links through to a span, and loads again from its URL after reload.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { recordAgentRun, recordLateSpan, type AgentRun } from '../test/support/agent-run';
import { eventually } from '../test/support/engine';
import { exportSpans } from '../test/support/otel';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, markDocument, openWatchedPage, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let a: AgentRun;
let b: AgentRun;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const now = Date.now();
  a = recordAgentRun({ startMs: now - 120_000 });
  b = recordAgentRun({ startMs: now - 60_000, extraTool: true, finalAnswer: 'Your trip: TP 553 on 16 May and Casa do Principe. Sunny, 24 °C. Total about 787 EUR for two.' });
  await exportSpans(server.otlpHttp, 'protobuf', a.spans);
  await exportSpans(server.otlpHttp, 'protobuf', b.spans);
  await eventually(async () => ((await fetch(`${server!.api}/api/v1/compare?a=${a.traceId}&b=${b.traceId}`)).ok ? true : null), 15_000);
  ui = await openWatchedPage(browser, `${server.api}/#/traces/${a.traceId}`, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const hash = (url: string): string => new URL(url).hash;

async function expectComparison(): Promise<void> {
  const { page } = ui;
  await page.getByTestId('compare-steps').waitFor();
  assert.equal(await page.getByTestId('compare-counts').textContent(), '12 same · 1 changed · 1 added · 0 removed');
  assert.match((await page.getByTestId('compare-run-a').textContent()) ?? '', /invoke_agent travel_planner/);
  assert.match((await page.getByTestId('compare-run-b').textContent()) ?? '', new RegExp(b.traceId.slice(0, 8)));
  assert.equal(await page.getByTestId('compare-delta-tool-calls').textContent(), '+1');
  const added = page.locator('[data-testid="compare-step"][data-status="added"]');
  assert.equal(await added.count(), 1);
  assert.match((await added.textContent()) ?? '', /tool.*get_weather/);
  const changed = page.locator('[data-testid="compare-step"][data-status="changed"]');
  assert.equal(await changed.count(), 1);
  assert.equal(await changed.getAttribute('data-kind'), 'llm');
  assert.deepEqual(await changed.locator('[data-testid="compare-diff"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))), ['output']);
  assert.match((await changed.getByTestId('diff-ins').allTextContents()).join(' '), /Sunny, 24 °C/);
}

test('"Compare with…" from a trace, the second run from the same session: both runs and exactly their difference', async () => {
  const { page } = ui;
  await page.getByTestId('compare-with').click();
  await page.getByTestId('compare-view').waitFor();
  assert.equal(hash(page.url()), `#/compare?a=${a.traceId}`);
  const picker = page.getByTestId('compare-pick-b');
  await picker.locator(`optgroup[label="Same session"] option[value="${b.traceId}"]`).waitFor({ state: 'attached' });
  await picker.selectOption(b.traceId);
  await expectComparison();
  assert.equal(hash(page.url()), `#/compare?a=${a.traceId}&b=${b.traceId}`);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

test('the page keeps its state on reload and loads from its URL', async () => {
  const { page } = ui;
  await page.reload({ waitUntil: 'domcontentloaded' });
  await expectComparison();
  assert.equal(hash(page.url()), `#/compare?a=${a.traceId}&b=${b.traceId}`);
  const fresh = await openWatchedPage(browser!, `${server!.api}/#/compare?a=${a.traceId}&b=${b.traceId}`);
  await fresh.page.getByTestId('compare-steps').waitFor();
  assert.equal(await fresh.page.getByTestId('compare-counts').textContent(), '12 same · 1 changed · 1 added · 0 removed');
  await fresh.page.context().close();
});

test('a step links through to its span in its trace', async () => {
  const { page } = ui;
  const changed = page.locator('[data-testid="compare-step"][data-status="changed"]');
  await changed.getByTestId('compare-link-b').click();
  await page.locator(`[data-testid="span-detail"][data-span-id="${b.ids.finalChat}"]`).waitFor();
  assert.equal(hash(page.url()), `#/traces/${b.traceId}?span=${b.ids.finalChat}`);
  // Back returns to the comparison.
  await page.goBack();
  await page.getByTestId('compare-steps').waitFor();
  assert.deepEqual(ui.pageErrors, []);
});

test('a span arriving late in one of the runs updates the comparison live', async () => {
  const { page } = ui;
  await page.getByTestId('compare-steps').waitFor();
  const stillSameDocument = await markDocument(page);
  const late = recordLateSpan(b, 'execute_tool send_itinerary', 9100);
  await exportSpans(server!.otlpHttp, 'protobuf', late.spans);
  await page.getByText('12 same · 1 changed · 2 added · 0 removed').waitFor();
  assert.match((await page.locator('[data-testid="compare-step"][data-status="added"]').allTextContents()).join(' '), /send_itinerary/);
  assert.ok(await stillSameDocument(), 'updated in place, not reloaded');
  assert.deepEqual(ui.pageErrors, []);
});

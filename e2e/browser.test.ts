/**
 * The React UI in Chromium against a real `flowtrace serve` child process, fed by the real OTel JS
 * exporters. Proves the walking skeleton end to end: empty state → live list → trace view → deep
 * link survives reload, and that span text is inert. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { PageGlobals } from './support/trace-page';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, recordAgentTrace, sendAgentTrace, type SentTrace } from '../test/support/otel';
import {
  launchBrowser,
  markDocument,
  openWatchedPage,
  spanRow,
  traceRow,
  waitForCount,
  waitOrExplain,
  type WatchedPage,
} from './support/browser';

const XSS_NAME = '<img src=x onerror=alert(1)>';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let protoTrace: SentTrace;
let jsonTrace: SentTrace;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  ui = await openWatchedPage(browser, server.api);
});

after(async () => {
  // Browser first, so the UI does not log a dropped WebSocket while the server shuts down.
  await browser?.close();
  await server?.stop();
});

test('empty state shows the OTLP endpoint the engine reports', async () => {
  const { page } = ui;
  const empty = page.getByTestId('empty-state');
  await empty.waitFor();
  const info = (await (await fetch(`${server!.api.replace(/\/$/, '')}/api/v1/info`)).json()) as { otlpHttpEndpoint: string };
  assert.equal(info.otlpHttpEndpoint.replace(/\/$/, ''), server!.otlpHttp.replace(/\/$/, ''));
  await page.getByTestId('otlp-env').waitFor();
  const env = await page.getByTestId('otlp-env').textContent();
  assert.match(env ?? '', new RegExp(`OTEL_EXPORTER_OTLP_ENDPOINT=${escapeRegExp(info.otlpHttpEndpoint)}`));
  assert.match(env ?? '', /OTEL_EXPORTER_OTLP_PROTOCOL=http\/protobuf/);
  assert.equal(await page.getByTestId('trace-row').count(), 0);
});

test('traces sent by real exporters appear live, without a reload', async () => {
  const { page } = ui;
  const sameDocument = await markDocument(page);
  protoTrace = await sendAgentTrace(server!.otlpHttp, 'protobuf');
  jsonTrace = await sendAgentTrace(server!.otlpHttp, 'json', { serviceName: 'research-agent', rootName: 'invoke_agent researcher' });

  await traceRow(page, protoTrace.traceId).waitFor();
  await traceRow(page, jsonTrace.traceId).waitFor();
  assert.equal(await sameDocument(), true, 'the page must update in place, not reload');
  await page.getByTestId('empty-state').waitFor({ state: 'detached' });

  const protoRow = traceRow(page, protoTrace.traceId);
  assert.match((await protoRow.textContent()) ?? '', /invoke_agent planner/);
  assert.match((await protoRow.textContent()) ?? '', /travel-agent/);
  assert.match((await traceRow(page, jsonTrace.traceId).textContent()) ?? '', /invoke_agent researcher/);
  // Newest first.
  const ids = await page.getByTestId('trace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
  assert.deepEqual(ids, [jsonTrace.traceId, protoTrace.traceId]);
  // Header counts follow the ingest ticks.
  await page.getByTestId('stat-traces').filter({ hasText: /^2$/ }).waitFor();
  assert.equal(await page.getByTestId('stat-spans').textContent(), String(protoTrace.spans.length + jsonTrace.spans.length));
});

test('the text filter narrows the list and clearing it restores it', async () => {
  const { page } = ui;
  await page.getByTestId('filter-q').fill('researcher');
  await waitForCount(page, '[data-testid="trace-row"]', 1);
  assert.equal(await traceRow(page, jsonTrace.traceId).count(), 1);
  await page.getByTestId('filter-q').fill('');
  await waitForCount(page, '[data-testid="trace-row"]', 2);
});

test('clicking a trace opens its span tree, with the failing tool call marked', async () => {
  const { page } = ui;
  await traceRow(page, protoTrace.traceId).click();
  await page.getByTestId('trace-view').waitFor();
  await waitForCount(page, '[data-testid="span-row"]', protoTrace.spanIds.length);
  assert.equal(new URL(page.url()).hash, `#/traces/${protoTrace.traceId}`);

  const names = await page.getByTestId('span-name').allTextContents();
  assert.deepEqual([...names].sort(), ['chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool search_hotels', 'invoke_agent planner']);
  // The root comes first and everything else hangs under it.
  assert.equal(names[0], 'invoke_agent planner');
  const levels = await page.getByTestId('span-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-level')));
  assert.deepEqual(levels, ['1', '2', '2', '2']);

  const toolRow = page.getByTestId('span-row').filter({ hasText: 'execute_tool search_hotels' });
  assert.equal(await toolRow.getAttribute('data-status'), 'error');
  assert.match((await toolRow.getByTestId('span-status').textContent()) ?? '', /hotel API timed out/);

  await toolRow.click();
  const detail = page.getByTestId('span-detail');
  await detail.waitFor();
  assert.match((await detail.getByTestId('span-error').textContent()) ?? '', /hotel API timed out/);
  assert.equal(await detail.getByTestId('span-service').textContent(), 'travel-agent');
  const attrs = (await detail.getByTestId('span-attributes').textContent()) ?? '';
  assert.match(attrs, /gen_ai\.tool\.name\s*search_hotels/);
  assert.match(attrs, /gen_ai\.tool\.call\.id\s*call_1/);
  const toolSpanId = await toolRow.getAttribute('data-span-id');
  assert.ok(toolSpanId);
  assert.equal(new URL(page.url()).hash, `#/traces/${protoTrace.traceId}?span=${toolSpanId}`);

  // The LLM span's event shows in its detail.
  // By id: the two chat spans can start within the same instant, and then their order is the ids'.
  const chatSpanId = protoTrace.spans.find((sp) => sp.name === 'chat gpt-4o-mini' && sp.events.length > 0)!.spanContext().spanId;
  const chatRow = spanRow(page, chatSpanId);
  // A row list re-rendered by a live refresh right under the pointer can swallow a click, as it
  // would a person's: click again until the selection is the chat span.
  for (let attempt = 0; ; attempt++) {
    await chatRow.click();
    const selected = await page
      .waitForFunction((id) => (globalThis as unknown as PageGlobals).location.hash.endsWith(`?span=${id}`), chatSpanId, { timeout: 3000 })
      .then(() => true, () => false);
    if (selected) break;
    assert.ok(attempt < 3, 'the chat span was never selected');
  }
  await waitOrExplain(ui, detail.getByTestId('span-events').filter({ hasText: 'gen_ai.choice' }), 'the chat span detail with its event');
});

test('a reload restores the open trace from the URL hash', async () => {
  const { page } = ui;
  const hash = new URL(page.url()).hash;
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByTestId('trace-view').waitFor();
  await waitForCount(page, '[data-testid="span-row"]', protoTrace.spanIds.length);
  assert.equal(new URL(page.url()).hash, hash);
  await page.getByTestId('span-detail').waitFor();
  for (const id of protoTrace.spanIds) assert.equal(await spanRow(page, id).count(), 1);

  await page.getByTestId('back-link').click();
  await traceRow(page, jsonTrace.traceId).waitFor();
  assert.equal(new URL(page.url()).hash, '#/');
});

test('span names are rendered as text, never as markup', async () => {
  const { page } = ui;
  const evil = recordAgentTrace({ rootName: XSS_NAME });
  await exportSpans(server!.otlpHttp, 'protobuf', evil.spans);
  const row = traceRow(page, evil.traceId);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(escapeRegExp(XSS_NAME)));

  await row.click();
  await waitForCount(page, '[data-testid="span-row"]', evil.spanIds.length);
  const names = await page.getByTestId('span-name').allTextContents();
  assert.ok(names.includes(XSS_NAME), `expected the literal name among ${JSON.stringify(names)}`);
  assert.equal(await page.locator('.trace-title').textContent(), XSS_NAME);

  assert.equal(await page.locator('img').count(), 0, 'no <img> may be created from span text');
  assert.equal(await page.locator('[onerror]').count(), 0);
  assert.deepEqual(ui.dialogs, [], 'no dialog may fire');
  await page.getByTestId('back-link').click();
  await row.waitFor();
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
  assert.deepEqual(ui.dialogs, []);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

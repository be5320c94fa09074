/**
 * Issue 15's Logs and Metrics pages in Chromium against a real `flowtrace serve`, fed by the official
 * OTel SDK and its OTLP/protobuf exporters: each page loads from its URL and shows what was sent, a
 * log record links through to the span it was logged in, filters and picked charts survive a
 * reload, new records appear live, and a metric chart draws on a canvas with one series per line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { LogListPage, MetricNameInfo } from '../src-shared/contract';
import { eventually, post } from '../test/support/engine';
import { exportOnce, recordLogs, recordMetrics, type SentLogs, type SentMetrics } from '../test/support/otel-signals';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { otlpJson } from '../test/support/spans';
import { launchBrowser, markDocument, openWatchedPage, type WatchedPage } from './support/browser';

/** What the page functions below read; this file is type-checked without DOM types. */
type BrowserGlobals = { document: { querySelectorAll(s: string): { length: number } }; location: { hash: string } };

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let logs: SentLogs;
let metrics: SentMetrics;

async function logCount(): Promise<number> {
  return ((await (await fetch(`${server!.api}/api/v1/logs?limit=1000`)).json()) as LogListPage).logs.length;
}

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  logs = await recordLogs('logs-e2e');
  await exportOnce(new OTLPLogExporter({ url: `${server.otlpHttp}/v1/logs` }), logs.records);
  // The span the records were logged in, so the link has somewhere to land.
  const res = await post(`${server.otlpHttp}/v1/traces`, otlpJson([{ traceId: logs.traceId, spanId: logs.spanId, name: 'call model', startMs: Date.now() - 1000, durationMs: 200, service: 'logs-e2e' }]), { 'content-type': 'application/json' });
  assert.equal(res.status, 200);
  metrics = await recordMetrics('metrics-e2e', '.e2e');
  await exportOnce(new OTLPMetricExporter({ url: `${server.otlpHttp}/v1/metrics` }), metrics.resourceMetrics);
  await eventually(async () => ((await logCount()) === 2 ? true : null), 15_000);
  await eventually(async () => {
    const names = (await (await fetch(`${server!.api}/api/v1/metrics/names`)).json()) as MetricNameInfo[];
    return names.length === 3 ? true : null;
  }, 15_000);
  ui = await openWatchedPage(browser, `${server.api}/#/logs`, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Logs page lists the records sent, newest first, with severity, service and body', async () => {
  const { page } = ui;
  const rows = page.getByTestId('log-row');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-severity'))), ['error', 'info']);
  assert.match((await rows.nth(0).textContent()) ?? '', /ERROR.*logs-e2e.*gen_ai\.choice.*"finish_reason":"tool_calls"/);
  assert.match((await rows.nth(1).textContent()) ?? '', /INFO.*logs-e2e.*calling the model for logs-e2e/);
  assert.equal(await page.getByTestId('nav-logs').getAttribute('aria-current'), 'page');
});

test('a row unfolds its attributes; the severity and search filters go to the URL and survive a reload', async () => {
  const { page } = ui;
  await page.getByTestId('log-row').nth(1).getByRole('button').click();
  const attrs = page.getByTestId('log-attributes');
  await attrs.waitFor();
  assert.match((await attrs.textContent()) ?? '', /gen_ai\.request\.model\s*gpt-4o-mini/);

  await page.getByTestId('logs-severity').selectOption('warn');
  await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-testid="log-row"]').length === n, 1);
  assert.equal(new URL(page.url()).hash, '#/logs?severity=warn');
  await page.getByTestId('logs-search').fill('finish_reason');
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).location.hash.includes('q=finish_reason'));
  await page.reload();
  await page.getByTestId('log-row').first().waitFor();
  assert.equal(await page.getByTestId('log-row').count(), 1);
  assert.equal(await page.getByTestId('logs-severity').inputValue(), 'warn');
  assert.equal(await page.getByTestId('logs-search').inputValue(), 'finish_reason');
  await page.getByTestId('logs-search').fill('nothing like this');
  await page.getByTestId('logs-empty').waitFor();
  await page.getByTestId('logs-service').selectOption('');
  await page.goto(`${server!.api}/#/logs?service=logs-e2e`);
  await page.getByTestId('log-row').nth(1).waitFor();
  assert.equal(await page.getByTestId('logs-service').inputValue(), 'logs-e2e');
});

test('a record logged in a span opens that span in its trace', async () => {
  const { page } = ui;
  await page.goto(`${server!.api}/#/logs`);
  const link = page.getByTestId('log-row').first().getByTestId('log-trace-link');
  await link.click();
  await page.waitForFunction((id) => (globalThis as unknown as BrowserGlobals).location.hash.startsWith(`#/traces/${id}`), logs.traceId);
  assert.equal(new URL(page.url()).hash, `#/traces/${logs.traceId}?span=${logs.spanId}`);
  const detail = page.getByTestId('span-detail');
  await detail.waitFor();
  assert.equal(await detail.getAttribute('data-span-id'), logs.spanId);
  await page.getByTestId('span-logs').getByTestId('span-log').nth(1).waitFor();
});

test('new records appear live, without a reload', async () => {
  const { page } = ui;
  await page.goto(`${server!.api}/#/logs`);
  await page.getByTestId('log-row').nth(1).waitFor();
  const sameDocument = await markDocument(page);
  await page.getByTestId('log-row').nth(1).getByRole('button').click();
  await page.getByTestId('log-detail').waitFor();
  const more = await recordLogs('logs-e2e-live');
  await exportOnce(new OTLPLogExporter({ url: `${server!.otlpHttp}/v1/logs` }), more.records);
  await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-testid="log-row"]').length === n, 4);
  assert.match((await page.getByTestId('log-list').textContent()) ?? '', /calling the model for logs-e2e-live/);
  // The unfolded record stays unfolded, now two rows further down.
  const open = page.locator('[data-testid="log-row"]:has([data-testid="log-detail"])');
  assert.equal(await open.count(), 1);
  assert.match((await open.getByTestId('log-body').textContent()) ?? '', /^calling the model for logs-e2e$/);
  assert.ok(await sameDocument());
});

test('a long list comes in pages: 200 rows, then "Load more" adds the rest', async () => {
  const { page } = ui;
  const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
  const body = JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bulk' } }] },
      scopeLogs: [{ scope: { name: 'bulk' }, logRecords: Array.from({ length: 250 }, (_, i) => ({ timeUnixNano: String(t0 + BigInt(i) * 1_000_000n), severityNumber: 9, body: { stringValue: `bulk line ${i}` } })) }],
    }],
  });
  assert.equal((await post(`${server!.otlpHttp}/v1/logs`, body, { 'content-type': 'application/json' })).status, 200);
  await page.goto(`${server!.api}/#/logs?service=bulk`);
  await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-testid="log-row"]').length === n, 200);
  assert.equal(await page.getByTestId('log-body').first().textContent(), 'bulk line 249');
  await page.getByTestId('logs-more').click();
  await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-testid="log-row"]').length === n, 250);
  assert.equal(await page.getByTestId('log-body').last().textContent(), 'bulk line 0');
  assert.equal(await page.getByTestId('logs-more').count(), 0);
  assert.equal(await page.getByTestId('logs-count').textContent(), '250 records');
});

test('the Metrics page lists the names and charts the picked ones: a counter as a line, a histogram as p50/p95/p99 or a heatmap', async () => {
  const { page } = ui;
  await page.goto(`${server!.api}/#/metrics`);
  const names = page.getByTestId('metric-name-row');
  await names.nth(2).waitFor();
  assert.deepEqual(await names.evaluateAll((els) => els.map((e) => e.getAttribute('data-metric'))), [metrics.names.gauge, metrics.names.counter, metrics.names.histogram].sort());
  const hist = page.locator(`[data-testid="metric-name-row"][data-metric="${metrics.names.histogram}"]`);
  assert.match((await hist.textContent()) ?? '', /histogram\s*ms\s*1/);

  // The boxes follow the URL (controlled): click, then wait for the chart rather than the box's state.
  const charts = page.getByTestId('metric-chart');
  await page.locator(`[data-testid="metric-name-row"][data-metric="${metrics.names.counter}"]`).getByRole('checkbox').click();
  await charts.first().locator('canvas').waitFor();
  await hist.getByRole('checkbox').click();
  await charts.nth(1).locator('canvas').waitFor();
  assert.equal(new URL(page.url()).hash, `#/metrics?name=${metrics.names.counter}&name=${metrics.names.histogram}`);
  const counterChart = page.locator(`[data-testid="metric-chart-card"][data-metric="${metrics.names.counter}"] [data-testid="metric-chart"]`);
  const histChart = page.locator(`[data-testid="metric-chart-card"][data-metric="${metrics.names.histogram}"] [data-testid="metric-chart"]`);
  assert.equal(await counterChart.getAttribute('data-series-count'), '1');
  assert.equal(await histChart.getAttribute('data-series-count'), '3');
  assert.match((await counterChart.locator('.u-legend').textContent()) ?? '', /route=plan/);
  assert.match((await histChart.locator('.u-legend').textContent()) ?? '', /p50.*p95.*p99/);
  const box = await histChart.locator('canvas').boundingBox();
  assert.ok(box && box.width > 300 && box.height > 100, `canvas drawn at ${JSON.stringify(box)}`);

  await page.reload();
  await page.getByTestId('metric-chart').nth(1).locator('canvas').waitFor();
  assert.equal(await page.getByTestId('metric-chart').count(), 2);
  assert.ok(await page.locator(`[data-testid="metric-name-row"][data-metric="${metrics.names.histogram}"] input`).isChecked());
  await page.getByTestId('time-range').selectOption('24h'); // the app's range, in the header
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).location.hash.endsWith('&range=24h'));
  await page.getByTestId('metric-chart').nth(1).locator('canvas').waitFor();

  // The histogram as a heatmap of its buckets: (1, 10], (10, 100], (100, max 500].
  await page.locator(`[data-testid="metric-chart-card"][data-metric="${metrics.names.histogram}"]`).getByTestId('metric-heatmap-toggle').click();
  const heat = page.locator(`[data-testid="metric-chart-card"][data-metric="${metrics.names.histogram}"] [data-testid="metric-chart"][data-mode="heatmap"]`);
  await heat.locator('canvas').waitFor();
  assert.equal(await heat.getAttribute('data-bands'), '3');
  assert.equal(new URL(page.url()).hash, `#/metrics?name=${metrics.names.counter}&name=${metrics.names.histogram}&heat=${metrics.names.histogram}&range=24h`);
  await page.reload();
  await heat.locator('canvas').waitFor();
  assert.equal(await page.locator('[data-testid="metric-chart"][data-mode="lines"]').count(), 1);
});

test('no page errors, dialogs or CSP violations on either page', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

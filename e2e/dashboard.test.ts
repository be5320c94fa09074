/**
 * The dashboard in Chromium against a real `flowtrace serve` fed by the official OTel JS exporter:
 * it loads from its URL (group, range, metric), shows the rollups of what was sent (latency per
 * model, a chart), lists the slowest and the most expensive traces (in cost order, the unpriced
 * left out) and links through to a trace, keeps its state on reload, and raises the budget notice
 * when today's cost passes the daily budget. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { AnalyticsLatency, TraceListPage } from '../src-shared/contract';
import { eventually } from '../test/support/engine';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, type SentTrace } from '../test/support/otel';
import { recordGenAiTurn, recordPlainTrace } from '../test/support/otel-genai';
import { launchBrowser, openWatchedPage, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let turns: SentTrace[];
/** A trace of a service without GenAI spans: no cost, so never among the most expensive. */
let plain: SentTrace;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const t0 = Date.now() - 10 * 60_000;
  turns = [0, 1, 2, 3].map((i) =>
    recordGenAiTurn({ serviceName: 'dash-e2e', model: i % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o', toolName: i === 3 ? 'book_room' : 'search_hotels', startMs: t0 + i * 70_000 }),
  );
  plain = recordPlainTrace('dash-web');
  await exportSpans(server.otlpHttp, 'protobuf', [...turns.flatMap((t) => t.spans), ...plain.spans]);
  await eventually(async () => {
    const res = await fetch(`${server!.api.replace(/\/$/, '')}/api/v1/analytics/latency?groupBy=model`);
    return ((await res.json()) as AnalyticsLatency).groups.length === 2 ? true : null;
  });
  ui = await openWatchedPage(browser, `${server.api.replace(/\/$/, '')}/#/dashboard?groupBy=model&range=1h&metric=tokens`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('loads from its URL: latency per model, the tokens chart, the slowest traces', async () => {
  const { page } = ui;
  await page.getByTestId('latency-table').waitFor();
  assert.equal(await page.getByTestId('dashboard-group').inputValue(), 'model');
  assert.equal(await page.getByTestId('time-range').inputValue(), '1h', "an old dashboard link's range is the app's range");
  assert.equal(await page.getByTestId('metric-tokens').getAttribute('aria-selected'), 'true');
  const rows = await page.getByTestId('latency-row').allTextContents();
  assert.equal(rows.length, 2);
  assert.ok(rows.some((r) => r.startsWith('gpt-4o-mini4')), rows.join(' | '));
  assert.ok(rows.some((r) => r.startsWith('gpt-4o4')), rows.join(' | '));
  // uPlot drew on its canvas, with one legend entry per model.
  await page.getByTestId('dashboard-chart').locator('canvas').waitFor();
  const legend = await page.getByTestId('dashboard-chart').locator('.u-legend .u-label').allTextContents();
  assert.deepEqual(legend.filter((l) => l.startsWith('gpt')).sort(), ['gpt-4o', 'gpt-4o-mini']);
  assert.equal(await page.getByTestId('slow-trace-link').count(), 5);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

test('a change of group is in the URL and survives a reload; a slow trace links to its trace view', async () => {
  const { page } = ui;
  await page.getByTestId('dashboard-group').selectOption('tool');
  await page.waitForURL((url) => url.hash.includes('groupBy=tool'));
  await page.getByTestId('metric-p95Ms').click();
  await page.waitForURL((url) => url.hash.includes('metric=p95Ms'));
  await page.reload();
  await page.getByTestId('latency-table').waitFor();
  assert.equal(await page.getByTestId('dashboard-group').inputValue(), 'tool');
  assert.equal(await page.getByTestId('metric-p95Ms').getAttribute('aria-selected'), 'true');
  const rows = await page.getByTestId('latency-row').allTextContents();
  assert.deepEqual(rows.map((r) => r.split(/\d/)[0]).sort(), ['book_room', 'search_hotels']);
  await page.getByTestId('slow-trace-link').first().click();
  await page.waitForURL((url) => url.hash.startsWith('#/traces/'));
  // The trace's URL carries the range on (range=1h), a page without time keeping it for the next.
  const id = new URL(page.url()).hash.split('/')[2]!.split('?')[0]!;
  assert.match(new URL(page.url()).hash, /\?range=1h$/);
  assert.ok(turns.some((t) => t.traceId === id));
  await page.getByTestId('trace-view').waitFor();
});

/** The trace ids the most-expensive list links to, top first. */
async function expensiveIds(): Promise<string[]> {
  const hrefs = await ui.page.getByTestId('expensive-trace-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((h) => h.split('/')[2]!.split('?')[0]!);
}

test('the most expensive traces: the priced ones in cost order, as sort=cost answers, kept on reload, linking to the trace', async () => {
  const { page } = ui;
  const api = server!.api.replace(/\/$/, '');
  await page.goto(`${api}/#/dashboard?groupBy=model&range=1h&metric=cost`);
  await page.getByTestId('expensive-traces').waitFor();
  // The expected order from each trace's own cost (gpt-4o costs more than gpt-4o-mini for the same usage; ties by trace id).
  const listed = ((await (await fetch(`${api}/api/v1/traces?limit=50`)).json()) as TraceListPage).traces;
  const costOf = new Map(listed.map((t) => [t.traceId, t.genai?.costUsd ?? null]));
  const priced = turns.map((t) => t.traceId).filter((id) => (costOf.get(id) ?? 0) > 0);
  assert.equal(priced.length, 4);
  const want = [...priced].sort((a, b) => costOf.get(b)! - costOf.get(a)! || (a < b ? 1 : -1));
  assert.ok(costOf.get(want[0]!)! > costOf.get(want[3]!)!, 'two prices, so the order says something');
  assert.deepEqual(await expensiveIds(), want);
  assert.ok(!(await expensiveIds()).includes(plain.traceId));
  // The REST sort the list is read with answers the same (and lists the unpriced trace last).
  const byCost = ((await (await fetch(`${api}/api/v1/traces?sort=cost&limit=10`)).json()) as TraceListPage).traces.map((t) => t.traceId);
  assert.deepEqual(byCost, [...want, plain.traceId]);
  await page.reload();
  await page.getByTestId('expensive-traces').waitFor();
  assert.equal(await page.getByTestId('metric-cost').getAttribute('aria-selected'), 'true');
  assert.deepEqual(await expensiveIds(), want);
  await page.getByTestId('expensive-trace-link').first().click();
  await page.waitForURL((url) => url.hash.startsWith(`#/traces/${want[0]}`));
  await page.getByTestId('trace-view').waitFor();
  assert.deepEqual(ui.pageErrors, []);
});

test('a daily budget below today\'s cost raises a notice, kept across reloads', async () => {
  const { page } = ui;
  await page.goto(`${server!.api.replace(/\/$/, '')}/#/dashboard`);
  await page.getByTestId('latency-table').waitFor();
  assert.equal(await page.getByTestId('budget-notice').count(), 0);
  await page.getByTestId('dashboard-budget').fill('0.000001');
  await page.getByTestId('dashboard-budget').press('Enter');
  await page.getByTestId('budget-notice').waitFor();
  assert.match((await page.getByTestId('budget-notice').textContent()) ?? '', /over the daily budget of \$0\.000001/);
  await page.reload();
  await page.getByTestId('budget-notice').waitFor();
  await page.getByTestId('dashboard-budget').fill('1000');
  await page.getByTestId('dashboard-budget').press('Enter');
  await page.getByTestId('budget-notice').waitFor({ state: 'detached' });
});

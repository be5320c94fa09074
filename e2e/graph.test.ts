/**
 * The agent graph pane in Chromium against a real `flowtrace serve`: every drawn node reachable
 * through the mirrored list, a click on the canvas selects the span, a linked span selects its node
 * (its fold, or its nearest GenAI ancestor), folds expand and fold again, traces without GenAI draw
 * from the span tree, a growing trace keeps the zoom, 2,000 nodes are all drawn, and the CSP holds.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { otlpJson, sid, tid, type SpanSpec } from '../test/support/spans';
import { launchBrowser, openWatchedPage, waitForCount, type WatchedPage } from './support/browser';
import { clickGraphNode, graphNode, type GraphHook, type PageGlobals } from './support/trace-page';


let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
const T0 = Date.now() - 60_000;
const AGENT = tid(0xa1);
const PLAIN = tid(0xb2);
const LIVE = tid(0xc3);
const BIG = tid(0xd4);

const agent = (name: string) => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name });
const chat = (model: string) => ({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 });
const tool = (name: string) => ({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name });

async function post(specs: SpanSpec[]): Promise<void> {
  const res = await fetch(`${server!.otlpHttp.replace(/\/$/, '')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson(specs) });
  assert.equal(res.status, 200, await res.text());
}

async function openTrace(page: Page, traceId: string, spanId?: string): Promise<void> {
  const hash = `#/traces/${traceId}${spanId ? `?span=${spanId}` : ''}`;
  await page.evaluate((h) => {
    (globalThis as unknown as PageGlobals).location.hash = h;
  }, hash);
  await page.locator(`[data-testid="trace-view"][data-trace-id="${traceId}"]`).waitFor();
}

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  // planner → chat (with an HTTP child), 4 × search (one fails), chat.
  const a: SpanSpec[] = [
    { traceId: AGENT, spanId: sid(1), name: 'invoke_agent planner', startMs: T0, durationMs: 1000, attributes: agent('planner') },
    { traceId: AGENT, spanId: sid(2), parentSpanId: sid(1), name: 'chat gpt-4o', startMs: T0 + 10, durationMs: 100, attributes: chat('gpt-4o') },
    { traceId: AGENT, spanId: sid(3), parentSpanId: sid(2), name: 'POST /v1/chat/completions', startMs: T0 + 11, durationMs: 90 },
  ];
  for (let i = 0; i < 4; i++) {
    a.push({ traceId: AGENT, spanId: sid(4 + i), parentSpanId: sid(1), name: 'execute_tool search', startMs: T0 + 200 + 100 * i, durationMs: 50, attributes: tool('search'), error: i === 2 });
  }
  a.push({ traceId: AGENT, spanId: sid(8), parentSpanId: sid(1), name: 'chat gpt-4o', startMs: T0 + 700, durationMs: 100, attributes: chat('gpt-4o') });
  const b: SpanSpec[] = [
    { traceId: PLAIN, spanId: sid(20), name: 'GET /checkout', startMs: T0, durationMs: 300 },
    { traceId: PLAIN, spanId: sid(21), parentSpanId: sid(20), name: 'auth.verify', startMs: T0 + 1, durationMs: 20 },
    { traceId: PLAIN, spanId: sid(22), parentSpanId: sid(21), name: 'redis GET', startMs: T0 + 2, durationMs: 2 },
    { traceId: PLAIN, spanId: sid(23), parentSpanId: sid(20), name: 'payment.charge', startMs: T0 + 30, durationMs: 200, error: true },
  ];
  await post([...a, ...b]);
  ui = await openWatchedPage(browser, server.api, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the graph draws agents, calls and folds repeats, with a legend of edge types', async () => {
  const { page } = ui;
  await openTrace(page, AGENT);
  await waitForCount(page, '[data-testid="graph-node"]', 4);
  const fold = graphNode(page, sid(4));
  assert.equal(await fold.getAttribute('data-count'), '4');
  assert.equal(await fold.getAttribute('data-kind'), 'tool');
  assert.equal(await fold.getAttribute('data-error'), 'true');
  assert.match((await fold.textContent()) ?? '', /search ×4.*1 of 4 failed/);
  assert.equal(await graphNode(page, sid(1)).getAttribute('data-kind'), 'agent');
  const legend = await page.getByTestId('graph-legend').textContent();
  for (const type of ['calls', 'handoff', 'tool result', 'retry of', 'fallback of', 'link']) assert.ok(legend?.includes(type), type);
});

test('clicking a node on the canvas selects its span; the background does nothing', async () => {
  const { page } = ui;
  await clickGraphNode(page, sid(8));
  await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).location.hash.endsWith(`?span=${id}`), sid(8));
  await page.locator(`[data-testid="graph-node"][data-span-id="${sid(8)}"][data-selected="true"]`).waitFor({ state: 'attached' });
  await page.getByTestId('span-detail').waitFor();
  const box = await page.getByTestId('trace-graph').boundingBox();
  await page.mouse.click(box!.x + 8, box!.y + 8);
  await page.waitForTimeout(200);
  assert.ok(page.url().endsWith(`?span=${sid(8)}`), 'a tap on the background keeps the selection');
});

test('a linked span selects its node: an HTTP child its LLM call, a repeat its fold', async () => {
  const { page } = ui;
  await openTrace(page, AGENT, sid(3));
  await page.locator(`[data-testid="graph-node"][data-span-id="${sid(2)}"][data-selected="true"]`).waitFor({ state: 'attached' });
  await openTrace(page, AGENT, sid(6));
  await page.locator(`[data-testid="graph-node"][data-node-id="${sid(4)}"][data-selected="true"]`).waitFor({ state: 'attached' });
});

test('a fold expands on double-click and folds again', async () => {
  const { page } = ui;
  await clickGraphNode(page, sid(6), true);
  await waitForCount(page, '[data-testid="graph-node"][data-kind="tool"]', 4);
  assert.equal(await page.locator('[data-testid="graph-node"][data-kind="tool"][data-count="1"]').count(), 4);
  await clickGraphNode(page, sid(6));
  await page.locator(`[data-testid="graph-node"][data-span-id="${sid(6)}"][data-selected="true"]`).waitFor({ state: 'attached' });
  await page.getByTestId('graph-fold').click();
  await waitForCount(page, '[data-testid="graph-node"][data-kind="tool"]', 1);
  await page.getByTestId('graph-expand').click();
  await waitForCount(page, '[data-testid="graph-node"][data-kind="tool"]', 4);
  await page.getByTestId('graph-fold-all').click();
  await waitForCount(page, '[data-testid="graph-node"][data-kind="tool"]', 1);
});

test('a trace without GenAI spans opens timeline-first; asked for, the graph draws its span tree', async () => {
  const { page } = ui;
  await openTrace(page, PLAIN);
  await page.locator('[data-testid="trace-body"][data-layout="timeline"]').waitFor();
  await page.getByTestId('graph-toggle').click();
  await waitForCount(page, '[data-testid="graph-node"]', 4);
  const kinds = await page.getByTestId('graph-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  assert.deepEqual(kinds, ['other', 'other', 'other', 'other']);
  assert.match((await graphNode(page, sid(20)).textContent()) ?? '', /GET \/checkout/);
  assert.equal(await graphNode(page, sid(23)).getAttribute('data-error'), 'true');
});

test('a trace that grows keeps the zoom the user chose', async () => {
  const { page } = ui;
  await post([
    { traceId: LIVE, spanId: sid(30), name: 'invoke_agent live', startMs: T0, durationMs: 5000, attributes: agent('live') },
    { traceId: LIVE, spanId: sid(31), parentSpanId: sid(30), name: 'chat gpt-4o', startMs: T0 + 10, durationMs: 100, attributes: chat('gpt-4o') },
  ]);
  await openTrace(page, LIVE);
  await waitForCount(page, '[data-testid="graph-node"]', 2);
  const box = (await page.getByTestId('trace-graph').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 400);
  await page.waitForTimeout(300);
  const zoom = await page.evaluate(() => (globalThis as unknown as PageGlobals).__flowtraceGraph!.zoom());
  await post([
    { traceId: LIVE, spanId: sid(32), parentSpanId: sid(30), name: 'execute_tool a', startMs: T0 + 200, durationMs: 10, attributes: tool('a') },
    { traceId: LIVE, spanId: sid(33), parentSpanId: sid(30), name: 'execute_tool b', startMs: T0 + 300, durationMs: 10, attributes: tool('b') },
  ]);
  await waitForCount(page, '[data-testid="graph-node"]', 4);
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).__flowtraceGraph!.zoom()), zoom);
});

test('a 2,000-node graph draws every node (the time it takes is measured in bench/ui-trace-view.ts)', async () => {
  const { page } = ui;
  const spans: SpanSpec[] = [];
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) {
    const parent = i === 0 ? undefined : sid(1000 + Math.floor(rand() ** 2 * i));
    spans.push({ traceId: BIG, spanId: sid(1000 + i), parentSpanId: parent, name: `step ${i}`, startMs: T0 + i, durationMs: 5 });
  }
  await post(spans);
  await openTrace(page, BIG);
  // A plain span tree: the graph is one click away.
  await page.getByTestId('graph-toggle').click();
  await waitForCount(page, '[data-testid="graph-node"]', 2000, 60_000);
  // The first draw with every node is recorded, with its timings, for the benchmark to read.
  const handle = await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__flowtraceGraph?.history.find((h) => h.nodes === 2000) ?? null);
  const first = (await handle.jsonValue()) as GraphHook['history'][number];
  assert.ok(first.paintMs > 0 && first.layoutMs >= 0, `recorded ${JSON.stringify(first)}`);
});

test('the graph ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

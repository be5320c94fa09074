/**
 * The trace page as a whole, in Chromium against a real `flowtrace serve`, on a multi-agent run
 * recorded with the real OTel SDK and sent by the real exporter (test/support/agent-run.ts): open it
 * from the list; a timeline row selects its graph node and opens the detail; a graph node (a real
 * click on the canvas) selects its timeline row; hover in one highlights the other; the URL carries
 * the span, and reload, Back and Forward restore it; the GenAI conversation and the failed tool's
 * error show; repeats fold in the graph; the theme switch applies and survives a reload. The
 * outline arrives binary and is decoded in a Web Worker the page's CSP allows.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { TRACE_OUTLINE_MEDIA_TYPE } from '../src-shared/trace-outline-binary';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans } from '../test/support/otel';
import { recordAgentRun, recordLateSpan, type AgentRun } from '../test/support/agent-run';
import { launchBrowser, markDocument, openWatchedPage, spanRow, traceRow, waitForCount, type WatchedPage } from './support/browser';
import { clickGraphNode, graphNode } from './support/trace-page';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let run: AgentRun;

before(async () => {
  server = await startServe();
  run = recordAgentRun();
  await exportSpans(server.otlpHttp, 'protobuf', run.spans);
  browser = await launchBrowser();
  ui = await openWatchedPage(browser, server.api);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const hashOf = (page: Page): string => new URL(page.url()).hash;

async function expectSelected(page: Page, spanId: string): Promise<void> {
  await page.locator(`[data-testid="span-row"][data-span-id="${spanId}"][aria-selected="true"]`).waitFor();
  await page.locator(`[data-testid="span-detail"][data-span-id="${spanId}"]`).waitFor();
}

test('a trace opens from the list with its graph and timeline', async () => {
  const { page } = ui;
  const outline = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/traces/${run.traceId}/outline`);
  await traceRow(page, run.traceId).click();
  // The outline comes binary and is decoded in the page's worker (src-renderer/src/api/outline-decoder.ts).
  assert.equal((await outline).headers()['content-type'], TRACE_OUTLINE_MEDIA_TYPE);
  await page.getByTestId('trace-view').waitFor();
  // Playwright learns of a page's worker by an event that can come after the page used it: wait for it.
  const decodeWorker = () => page.workers().some((w) => /outline-decode\.worker/.test(w.url()));
  for (const deadline = Date.now() + 5000; !decodeWorker() && Date.now() < deadline; ) await page.waitForTimeout(50);
  assert.ok(decodeWorker(), `workers: ${page.workers().map((w) => w.url()).join(', ')}`);
  assert.equal(hashOf(page), `#/traces/${run.traceId}`);
  await page.getByTestId('trace-graph').waitFor();
  await page.getByTestId('timeline-canvas').waitFor();
  await spanRow(page, run.ids.planner).waitFor();
  // The three identical flight searches fold into one ×3 node; the agents are their own nodes.
  const fold = graphNode(page, run.ids.flightSearches[0]!);
  await fold.waitFor({ state: 'attached' });
  assert.equal(await fold.getAttribute('data-count'), '3');
  assert.equal(await graphNode(page, run.ids.firstChat).getAttribute('data-count'), '3', 'the three gpt-4o calls fold too');
  assert.equal(await graphNode(page, run.ids.booking).getAttribute('data-kind'), 'agent');
  assert.equal(await graphNode(page, run.ids.failedHotelSearch).getAttribute('data-error'), 'true');
  // Every span as recorded when it arrived (the audit trail).
  const mark = page.getByTestId('audit-mark');
  await mark.waitFor();
  assert.equal(await mark.getAttribute('data-state'), 'verified');
  assert.match((await mark.textContent()) ?? '', /Verified/);
});

test('clicking a timeline row selects the graph node and opens the detail with the error', async () => {
  const { page } = ui;
  await spanRow(page, run.ids.failedHotelSearch).click();
  await expectSelected(page, run.ids.failedHotelSearch);
  assert.equal(hashOf(page), `#/traces/${run.traceId}?span=${run.ids.failedHotelSearch}`);
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.failedHotelSearch}"][data-selected="true"]`).waitFor({ state: 'attached' });
  assert.match((await page.getByTestId('span-error').textContent()) ?? '', /hotel API timed out after 1000 ms/);
});

test('clicking a graph node selects its timeline row and shows the conversation', async () => {
  const { page } = ui;
  await clickGraphNode(page, run.ids.bookingChat);
  await expectSelected(page, run.ids.bookingChat);
  assert.equal(hashOf(page), `#/traces/${run.traceId}?span=${run.ids.bookingChat}`);
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.bookingChat}"][data-selected="true"]`).waitFor({ state: 'attached' });
  const chat = page.getByTestId('span-conversation');
  await chat.waitFor();
  const user = chat.locator('[data-testid="chat-message"][data-role="user"]');
  assert.match((await user.first().textContent()) ?? '', /Book flight TP 553/);
  const call = chat.getByTestId('tool-call');
  assert.match((await call.first().textContent()) ?? '', /book_hotel/);
  assert.match((await call.first().textContent()) ?? '', /Casa do Principe/);
});

test('hovering a timeline row highlights its graph node (a folded call: its fold)', async () => {
  const { page } = ui;
  await spanRow(page, run.ids.bookHotel).hover();
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.bookHotel}"][data-hovered="true"]`).waitFor({ state: 'attached' });
  // The planner's three gpt-4o calls fold into one node, held by the first.
  await spanRow(page, run.ids.finalChat).hover();
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.firstChat}"][data-hovered="true"]`).waitFor({ state: 'attached' });
  await page.mouse.move(2, 2);
  await page.locator(`[data-testid="graph-node"][data-hovered="true"]`).waitFor({ state: 'detached' });
});

test('a reload restores the selection; Back and Forward step through the selections', async () => {
  const { page } = ui;
  await page.reload({ waitUntil: 'domcontentloaded' });
  await expectSelected(page, run.ids.bookingChat);
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.bookingChat}"][data-selected="true"]`).waitFor({ state: 'attached' });

  await page.goBack();
  await expectSelected(page, run.ids.failedHotelSearch);
  await page.goBack();
  assert.equal(hashOf(page), `#/traces/${run.traceId}`);
  await page.getByTestId('span-detail').waitFor({ state: 'detached' });
  await page.goForward();
  await expectSelected(page, run.ids.failedHotelSearch);
});

test('an HTTP span under a tool selects the tool node it belongs to', async () => {
  const { page } = ui;
  const http = run.spans.find((s) => s.name === 'GET' && s.parentSpanContext?.spanId === run.ids.flightSearches[1])!;
  const httpId = http.spanContext().spanId;
  // Under the fold: the timeline shows the HTTP span; the graph selects the fold holding its tool.
  await spanRow(page, httpId).click();
  await expectSelected(page, httpId);
  await page.locator(`[data-testid="graph-node"][data-span-id="${run.ids.flightSearches[0]}"][data-selected="true"]`).waitFor({ state: 'attached' });
});

test('a span that arrives while the trace is open appears in place, in the timeline and the graph', async () => {
  const { page } = ui;
  const sameDocument = await markDocument(page);
  const selected = new URL(page.url()).searchParams.get('span') ?? new URLSearchParams(hashOf(page).split('?')[1]).get('span');
  assert.ok(selected);
  const late = recordLateSpan(run, 'execute_tool send_itinerary', 9100);
  await exportSpans(server!.otlpHttp, 'protobuf', late.spans);
  await spanRow(page, late.spanId).waitFor();
  await graphNode(page, late.spanId).waitFor({ state: 'attached' });
  assert.equal(await sameDocument(), true, 'the trace must grow in place, not reload');
  await expectSelected(page, selected);
});

test('the theme switch applies dark and light over the system choice and survives a reload', async () => {
  const { page } = ui;
  type StyleGlobals = { document: { body: object }; getComputedStyle(el: object): { backgroundColor: string } };
  const background = () => page.evaluate(() => {
    const g = globalThis as unknown as StyleGlobals;
    return g.getComputedStyle(g.document.body).backgroundColor;
  });
  const light = await background();
  await page.getByTestId('theme-switch').selectOption('dark');
  await page.waitForFunction(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme === 'dark');
  const dark = await background();
  assert.notEqual(dark, light, 'the background changes with the theme');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByTestId('trace-view').waitFor();
  assert.equal(await background(), dark);
  assert.equal(await page.getByTestId('theme-switch').inputValue(), 'dark');
  await page.getByTestId('theme-switch').selectOption('system');
  await page.waitForFunction(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme === undefined);
  assert.equal(await background(), light, 'the context asks for light, so system is light');
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
  assert.deepEqual(ui.dialogs, []);
  await waitForCount(ui.page, '[data-testid="trace-view"]', 1);
});

/**
 * The agent view read at a glance (issue 12), in Chromium against a real `flowtrace serve` fed
 * real OTLP: the handoff run (recorded with the real OTel SDK, test/support/agent-run.ts) has graph
 * labels of at least 11 px at the default zoom, keeps every node in view when the detail panel
 * opens, shows its handoff span as "from → to" in the graph and the detail, labels its LLM and tool
 * rows in the timeline, and totals the trace in its header in the list's numbers; a plain HTTP
 * trace opens timeline-first with the graph one click away; a run of nine calls of one tool draws
 * nine tool-result edges to the LLM calls that read them; the connection dot goes red when the
 * server stops and green when it is back on the same port.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { AgentGraph, TraceListPage } from '../src-shared/contract';
import { formatTokens, formatUsd } from '../src-renderer/src/lib/format';
import { recordAgentRun, type AgentRun } from '../test/support/agent-run';
import { recordPlainTrace } from '../test/support/otel-genai';
import { exportSpans, type SentTrace } from '../test/support/otel';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { otlpJson, sid, tid, type SpanSpec } from '../test/support/spans';
import { launchBrowser, openWatchedPage, spanRow, type WatchedPage } from './support/browser';
import { clickGraphNode, graphNode, type PageGlobals } from './support/trace-page';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let run: AgentRun;
let plain: SentTrace;
const NINE = tid(0x99);
const T0 = Date.now() - 120_000;

/** The page's getComputedStyle; this file is type-checked without DOM types. */
type Styled = { getComputedStyle(el: unknown): { backgroundColor: string } };

const hook = (page: Page) => page.evaluate(() => {
  const g = (globalThis as unknown as PageGlobals).__flowtraceGraph;
  return g ? { labelPx: g.labelPx(), zoom: g.zoom(), fits: g.fits, boxes: g.boxes(), edges: g.edges() } : null;
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server!.api}/api/v1${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

async function openTrace(page: Page, traceId: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as PageGlobals).location.hash = h;
  }, `#/traces/${traceId}`);
  await page.locator(`[data-testid="trace-view"][data-trace-id="${traceId}"]`).waitFor();
}

/** Waits until the graph has fitted more than `after` times and the view is still; returns the hook's reading. */
async function settledGraph(page: Page, after = 0): Promise<NonNullable<Awaited<ReturnType<typeof hook>>>> {
  await page.waitForFunction((n) => ((globalThis as unknown as PageGlobals).__flowtraceGraph?.fits ?? 0) > n, after);
  // Two frames: the resize observer refits in the frame after the pane changed size.
  await page.evaluate(() => new Promise((r) => {
    const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame;
    raf(() => raf(() => r(null)));
  }));
  return (await hook(page))!;
}

/**
 * The nine-call loop: planner → (chat, search) × 9 → chat. Neither the tool spans nor the messages
 * carry call ids, and the middle chats' inputs hold only the newest message (the tool's answer), as
 * instrumentations that record a turn's delta send them; the last chat holds the whole history.
 */
function nineCallRun(): SpanSpec[] {
  const history: unknown[] = [{ role: 'user', parts: [{ type: 'text', content: 'Find the cheapest of nine hotels' }] }];
  const spans: SpanSpec[] = [{ traceId: NINE, spanId: sid(0x100), name: 'invoke_agent looper', startMs: T0, durationMs: 20_000, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'looper' } }];
  for (let i = 0; i <= 9; i++) {
    const input = i > 0 && i < 9 ? history.slice(-1) : [...history];
    spans.push({
      traceId: NINE,
      spanId: sid(0x200 + i),
      parentSpanId: sid(0x100),
      name: 'chat gpt-4o',
      startMs: T0 + 10 + i * 2000,
      durationMs: 900,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 300 + i * 50, 'gen_ai.usage.output_tokens': 20, 'gen_ai.input.messages': JSON.stringify(input) },
    });
    if (i === 9) break;
    spans.push({ traceId: NINE, spanId: sid(0x300 + i), parentSpanId: sid(0x100), name: 'execute_tool search_hotels', startMs: T0 + 1000 + i * 2000, durationMs: 800, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_hotels' } });
    history.push({ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'search_hotels', arguments: { page: i } }] });
    history.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: null, response: { page: i, cheapest_eur: 100 + i } }] });
  }
  return spans;
}

before(async () => {
  server = await startServe();
  run = recordAgentRun({ handoffSpan: true });
  plain = recordPlainTrace('checkout-api');
  await exportSpans(server.otlpHttp, 'protobuf', [...run.spans, ...plain.spans]);
  const res = await fetch(`${server.otlpHttp.replace(/\/$/, '')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson(nineCallRun()) });
  assert.equal(res.status, 200, await res.text());
  browser = await launchBrowser();
  ui = await openWatchedPage(browser, server.api, { width: 1440, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the handoff run opens with graph labels of at least 11 px at the default zoom', async () => {
  const { page } = ui;
  await openTrace(page, run.traceId);
  await graphNode(page, run.ids.booking).waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('trace-body').getAttribute('data-layout'), 'graph-and-timeline', 'a GenAI trace leads with its graph');
  const g = await settledGraph(page);
  const nodes = await page.getByTestId('graph-node').count();
  assert.ok(nodes > 5 && nodes <= 50, `${nodes} nodes`);
  console.log(`# handoff run: ${nodes} nodes, zoom ${g.zoom.toFixed(3)}, label ${g.labelPx.toFixed(2)} px in a ${g.boxes.width}×${g.boxes.height} canvas`);
  assert.ok(g.labelPx >= 11, `labels render at ${g.labelPx} px`);
});

test('opening the detail panel refits: every node stays inside the graph viewport', async () => {
  const { page } = ui;
  const before = (await hook(page))!;
  await clickGraphNode(page, run.ids.bookHotel);
  await page.locator(`[data-testid="span-detail"][data-span-id="${run.ids.bookHotel}"]`).waitFor();
  const g = await settledGraph(page, before.fits);
  assert.ok(g.boxes.width < before.boxes.width, `the pane narrowed (${before.boxes.width} → ${g.boxes.width})`);
  console.log(`# with the detail open: zoom ${g.zoom.toFixed(3)}, label ${g.labelPx.toFixed(2)} px in a ${g.boxes.width}×${g.boxes.height} canvas`);
  assert.equal(g.boxes.nodes.length, await page.getByTestId('graph-node').count());
  for (const b of g.boxes.nodes) {
    assert.ok(b.x1 >= 0 && b.y1 >= 0 && b.x2 <= g.boxes.width && b.y2 <= g.boxes.height, `node ${b.id} at ${JSON.stringify(b)} lies inside ${g.boxes.width}×${g.boxes.height}`);
  }
});

test('a handoff span reads as a handoff, from → to, in the graph and in the detail', async () => {
  const { page } = ui;
  const id = run.ids.handoff!;
  const node = graphNode(page, id);
  assert.equal(await node.getAttribute('data-handoff'), 'true');
  assert.match((await node.textContent()) ?? '', /^HANDOFF · travel_planner — → booking_agent — /);
  await spanRow(page, id).click();
  const section = page.getByTestId('handoff');
  await section.waitFor();
  assert.equal(await section.getAttribute('data-from'), 'travel_planner');
  assert.equal(await section.getAttribute('data-to'), 'booking_agent');
  assert.equal(await page.getByTestId('tool-invocation').count(), 0, 'not a tool call with null arguments');
  assert.doesNotMatch((await page.getByTestId('span-detail').textContent()) ?? '', /unnamed tool|null/);
  // Its timeline row says so too.
  assert.equal(await spanRow(page, id).getByTestId('span-facts').textContent(), 'handoff travel_planner → booking_agent');
});

test('LLM rows in the timeline show model, tokens and cost; tool rows their tool', async () => {
  const { page } = ui;
  const graph = await api<AgentGraph>(`/traces/${run.traceId}/graph`);
  const chats = graph.nodes.filter((n) => n.kind === 'llm');
  assert.equal(chats.length, 5);
  for (const n of chats) {
    const text = (await spanRow(page, n.spanId).getByTestId('span-facts').textContent()) ?? '';
    assert.equal(text, `${n.model} · ${formatTokens(n.totalTokens ?? n.inputTokens! + n.outputTokens!)} tok · ${formatUsd(n.costUsd!)}`);
  }
  assert.equal(await spanRow(page, run.ids.firstChat).getByTestId('span-facts').textContent(), `gpt-4o · 2,052 tok · ${formatUsd(chats[0]!.costUsd!)}`);
  // The three gpt-4o calls of the planner differ at a glance.
  const planner = await Promise.all([run.ids.firstChat, run.ids.secondChat, run.ids.finalChat].map((s) => spanRow(page, s).getByTestId('span-facts').textContent()));
  assert.equal(new Set(planner).size, 3);
  assert.equal(await spanRow(page, run.ids.flightSearches[0]!).getByTestId('span-facts').textContent(), 'search_flights');
  assert.equal(await spanRow(page, run.ids.bookHotel).getByTestId('span-facts').getAttribute('data-kind'), 'tool');
});

test('the header totals the trace in the same numbers as the trace list', async () => {
  const { page } = ui;
  const summary = (await api<TraceListPage>('/traces?limit=50')).traces.find((t) => t.traceId === run.traceId)!;
  const g = summary.genai!;
  assert.equal(await page.getByTestId('trace-total-tokens').textContent(), formatTokens(g.totalTokens));
  assert.equal(await page.getByTestId('trace-total-cost').textContent(), formatUsd(g.costUsd!));
  assert.equal(await page.getByTestId('trace-total-llm-calls').textContent(), String(g.llmCalls));
  assert.equal(await page.getByTestId('trace-total-tool-calls').textContent(), String(g.toolCalls));
  await page.getByTestId('back-link').click();
  const row = page.locator(`[data-testid="trace-row"][data-trace-id="${run.traceId}"]`);
  assert.equal(await row.getByTestId('trace-cost').textContent(), formatUsd(g.costUsd!), 'one cost format in the list and the header');
});

test('a plain HTTP trace opens timeline-first; the graph is one click away', async () => {
  const { page } = ui;
  await openTrace(page, plain.traceId);
  await spanRow(page, plain.spanIds[0]!).waitFor();
  const body = page.getByTestId('trace-body');
  assert.equal(await body.getAttribute('data-layout'), 'timeline');
  assert.equal(await page.getByTestId('trace-graph').count(), 0, 'no graph pane');
  const timeline = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const view = (await body.boundingBox())!;
  assert.ok(timeline.height > view.height * 0.6, `the timeline leads (${timeline.height} of ${view.height} px)`);
  assert.equal(await page.getByTestId('trace-total-tokens').count(), 0, 'no GenAI totals for a plain trace');
  const toggle = page.getByTestId('graph-toggle');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  await page.getByTestId('trace-graph').waitFor();
  assert.equal(await body.getAttribute('data-layout'), 'graph-and-timeline');
  await graphNode(page, plain.spanIds[0]!).waitFor({ state: 'attached' });
  await toggle.click();
  await page.locator('[data-testid="trace-body"][data-layout="timeline"]').waitFor();
});

test('nine calls of one tool draw nine tool-result edges, each to the LLM call that read it', async () => {
  const { page } = ui;
  await openTrace(page, NINE);
  const fold = graphNode(page, sid(0x300));
  await fold.waitFor({ state: 'attached' });
  assert.equal(await fold.getAttribute('data-count'), '9');
  await settledGraph(page);
  // The first tap selects the fold and opens the detail panel; the pane refits only after the
  // double-click is over, so the second tap still lands on the fold.
  await clickGraphNode(page, sid(0x300), true);
  // Expanding the tools opens the LLM calls their results go to as well: 1 + 10 + 9 nodes.
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="graph-node"]').length === 20);
  const edges = (await hook(page))!.edges.filter((e) => e.startsWith('tool_result ')).sort();
  const expected = Array.from({ length: 9 }, (_, i) => `tool_result ${sid(0x300 + i)}->${sid(0x200 + i + 1)}`).sort();
  assert.deepEqual(edges, expected);
  const engine = (await api<AgentGraph>(`/traces/${NINE}/graph`)).edges.filter((e) => e.type === 'tool_result');
  assert.equal(new Set(engine.map((e) => e.to)).size, 9, 'nine distinct LLM calls, not one fan');
});

test('the connection dot goes red when the server stops and green when it is back', async () => {
  const { page } = ui;
  const dot = page.getByTestId('connection-dot');
  await page.locator('[data-testid="connection-dot"][data-state="connected"]').waitFor();
  assert.equal(await page.getByTestId('connection-message').count(), 0);
  const port = Number(new URL(server!.api).port);
  const dataDir = server!.dataDir;
  await server!.stop();
  await page.locator('[data-testid="connection-dot"][data-state="lost"]').waitFor();
  assert.match((await page.getByTestId('connection-message').textContent()) ?? '', /Server unreachable/);
  const color = await dot.evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).backgroundColor);
  server = await startServe({ port, dataDir });
  await page.locator('[data-testid="connection-dot"][data-state="connected"]').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('connection-message').count(), 0);
  assert.notEqual(await dot.evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).backgroundColor), color, 'the dot changes colour back');
  // The same data, live again: the open trace is still there.
  assert.equal(await page.getByTestId('trace-view').getAttribute('data-trace-id'), NINE);
});

test('the agent view ran without page errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

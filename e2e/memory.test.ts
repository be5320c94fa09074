/**
 * Issue 13 in Chromium against a real `flowtrace serve` with its memory on (the shipped MiniLM,
 * offline): two agent runs sent by the real OTel SDK and exporter are remembered; a paraphrase typed
 * in the header's "Search by meaning" box on the trace list finds the failed hotel search in other
 * words, and one click on the first result opens its trace with that span's detail. "Similar runs"
 * of that span lists other runs only. On the Memory page, an item added with the form (after a
 * metadata mistake is explained) is recalled first by a paraphrase among others, then deleted
 * after a confirmation, and is gone from the recall, the list and the API.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { MemoryCollectionInfo, MemoryItem, MemoryStatus } from '../src-shared/contract';
import { recordAgentRun, type AgentRun } from '../test/support/agent-run';
import { recordGenAiTurn } from '../test/support/otel-genai';
import { exportSpans } from '../test/support/otel';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, traceRow, type WatchedPage } from './support/browser';

/** Embedding two runs on one niced thread of a shared CI core takes seconds, not minutes. */
const MEMORY_READY_MS = 120_000;
const COLLECTION = 'e2e-notes';
const NOTE = 'The staging deploy failed because the database migration locked the users table for ten minutes.';
const OTHERS = ['Order two vegetarian pizzas for the team lunch on Friday.', 'The office wifi password changes every Monday morning.'];

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let run: AgentRun;
let otherTraceId: string;

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server!.api}/api/v1${path}`, init);
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** Polls the memory's status until it has read every span sent and remembered some. */
async function memoryCaughtUp(timeoutMs: number): Promise<MemoryStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: MemoryStatus | null = null;
  while (Date.now() < deadline) {
    const { status, body } = await api<MemoryStatus>('/memory/status');
    if (status === 200) {
      last = body;
      if (body.backlogSpans === 0 && body.items > 0) return body;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the memory did not catch up in ${timeoutMs} ms: ${JSON.stringify(last)}\n${server!.output()}`);
}

const testId = (page: Page, id: string) => page.getByTestId(id);

before(async () => {
  server = await startServe({ args: ['--embedder', 'local'] });
  browser = await launchBrowser();
  run = recordAgentRun();
  const other = recordGenAiTurn({ serviceName: 'support-bot', agentName: 'support', toolName: 'lookup_order', sessionId: 'conv_support_1' });
  otherTraceId = other.traceId;
  await exportSpans(server.otlpHttp, 'protobuf', run.spans);
  await exportSpans(server.otlpHttp, 'protobuf', other.spans);
  await memoryCaughtUp(MEMORY_READY_MS);
  ui = await openWatchedPage(browser, server.api, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a paraphrase in the header search from the trace list finds the failed hotel search; a click opens its span', async () => {
  const { page } = ui;
  await traceRow(page, run.traceId).waitFor();
  const box = testId(page, 'memory-search-input');
  // The span's own words: "hotel API timed out after 1000 ms". None of them is typed here.
  await box.fill('the lodging service took too long to respond');
  await box.press('Enter');
  await testId(page, 'search-view').waitFor();
  assert.match(new URL(page.url()).hash, /^#\/search\?q=the\+lodging\+service/);
  const results = testId(page, 'search-result');
  await results.first().waitFor();
  assert.match((await testId(page, 'search-embedder').textContent()) ?? '', /^all-MiniLM-L6-v2\S* · 384-d, local$/);
  assert.equal(await testId(page, 'search-catching-up').count(), 0, 'the memory had caught up: vectors were used');

  const first = results.first();
  const spanId = await first.getAttribute('data-span-id');
  assert.equal(await first.getAttribute('data-trace-id'), run.traceId);
  assert.equal(spanId, run.ids.failedHotelSearch, `first result: ${await first.textContent()}`);
  assert.match((await first.textContent()) ?? '', /hotel API timed out/);
  // Grouped by run: the run's group names its root span.
  const group = page.locator(`[data-testid="search-group"][data-trace-id="${run.traceId}"]`);
  assert.match((await group.locator('.search-group-title').textContent()) ?? '', /invoke_agent travel_planner/);

  await first.click();
  const detail = testId(page, 'span-detail');
  await page.locator(`[data-testid="span-detail"][data-span-id="${spanId}"]`).waitFor();
  assert.equal(new URL(page.url()).hash, `#/traces/${run.traceId}?span=${spanId}`);
  assert.equal(await testId(page, 'span-error').textContent(), 'hotel API timed out after 1000 ms');
  assert.equal(await detail.count(), 1);
});

test('Similar runs of a span lists other runs, never its own', async () => {
  const { page } = ui;
  await testId(page, 'span-similar-runs').click();
  await testId(page, 'search-view').waitFor();
  assert.equal(new URL(page.url()).hash, `#/search?similarTrace=${run.traceId}&similarSpan=${run.ids.failedHotelSearch}`);
  assert.match((await testId(page, 'search-title').textContent()) ?? '', /^Runs similar to “execute_tool search_hotels”$/);
  await page.locator('[data-testid="search-result"], [data-testid="search-no-results"]').first().waitFor();
  const traces = await testId(page, 'search-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')));
  // The other run asked for a hotel in Lisbon too: it is the one like it.
  assert.ok(traces.length > 0, 'the other run is found');
  assert.ok(traces.every((t) => t === otherTraceId), `only the other run, never its own: ${traces.join(', ')}`);
});

test('the Memory page: add an item, recall it by a paraphrase, delete it', async () => {
  const { page } = ui;
  await testId(page, 'nav-memory').click();
  await testId(page, 'memory-empty').waitFor();
  assert.match((await testId(page, 'memory-cli-example').textContent()) ?? '', /^flowtrace memory remember notes '/);

  // Two other items, written as an agent would (no browser: no Origin).
  for (const text of OTHERS) {
    const res = await api<{ id: string }>(`/memory/${COLLECTION}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    assert.equal(res.status, 201);
  }
  // Back to the page: it loads the collections afresh.
  await testId(page, 'nav-traces').click();
  await testId(page, 'nav-memory').click();
  const nav = page.locator(`[data-testid="memory-collection"][data-collection="${COLLECTION}"]`);
  await nav.waitFor();
  assert.equal(await nav.getByTestId('memory-collection-count').textContent(), '2');
  await nav.click();
  await testId(page, 'memory-collection-view').waitFor();
  assert.equal(new URL(page.url()).hash, `#/memory/${COLLECTION}`);
  await page.getByTestId('memory-item').nth(1).waitFor();

  // A metadata mistake is explained and nothing is sent.
  await testId(page, 'memory-add-toggle').click();
  await testId(page, 'memory-add-text').fill(NOTE);
  await testId(page, 'memory-add-metadata').fill('{source: e2e}');
  await testId(page, 'memory-add-submit').click();
  assert.match((await testId(page, 'memory-add-error').textContent()) ?? '', /^Metadata is not valid JSON .*Write an object, like \{"source": "notes"\}\.$/);
  assert.equal((await api<{ collections: MemoryCollectionInfo[] }>('/memory')).body.collections.find((c) => c.name === COLLECTION)?.count, 2);

  await testId(page, 'memory-add-metadata').fill('{"source": "e2e"}');
  await testId(page, 'memory-add-submit').click();
  await testId(page, 'memory-add-done').waitFor();
  assert.equal(await testId(page, 'memory-add-error').count(), 0);
  const items = testId(page, 'memory-item');
  assert.equal(await items.count(), 3);
  assert.equal(await items.first().getByTestId('memory-item-text').textContent(), NOTE, 'newest first');
  assert.equal(await nav.getByTestId('memory-collection-count').textContent(), '3');

  // Recalled first by a paraphrase that shares almost no word with it.
  await testId(page, 'memory-recall-input').fill('why did the release to the test environment break?');
  await testId(page, 'memory-recall-k').fill('3');
  await testId(page, 'memory-recall-input').press('Enter');
  const recalled = testId(page, 'recalled-item');
  await recalled.first().waitFor();
  assert.equal(await recalled.count(), 3);
  assert.equal(await recalled.first().getByTestId('memory-item-text').textContent(), NOTE);
  const score = Number(await recalled.first().getByTestId('recall-score').textContent());
  assert.ok(score >= Number(await recalled.nth(1).getByTestId('recall-score').textContent()), 'closest first');
  const id = await recalled.first().getAttribute('data-item-id');
  assert.ok(id);

  // Delete asks first; Cancel keeps it.
  await recalled.first().getByTestId('memory-item-delete').click();
  await testId(page, 'memory-delete-confirm').waitFor();
  await recalled.first().getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await testId(page, 'memory-delete-confirm').count(), 0);
  await recalled.first().getByTestId('memory-item-delete').click();
  await testId(page, 'memory-item-delete-confirm').click();
  await page.locator(`[data-testid="recalled-item"][data-item-id="${id}"]`).waitFor({ state: 'detached' });
  await page.locator(`[data-testid="memory-item"][data-item-id="${id}"]`).waitFor({ state: 'detached' });
  assert.equal(await recalled.count(), 2);
  assert.equal(await items.count(), 2);
  assert.equal(await nav.getByTestId('memory-collection-count').textContent(), '2');
  const left = (await api<{ items: MemoryItem[] }>(`/memory/${COLLECTION}`)).body.items;
  assert.deepEqual(left.map((i) => i.text).sort(), [...OTHERS].sort());
  assert.equal((await api(`/memory/${COLLECTION}/${encodeURIComponent(id)}`, { method: 'DELETE' })).status, 404, 'gone for good');

  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

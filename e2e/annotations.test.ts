/**
 * Feedback on runs in Chromium against a real `flowtrace serve` fed by the official OTel JS
 * exporter: a thumbs down and a label on a trace show in the list's feedback column; the list's
 * feedback and label filters keep only that run; a span gets its own rating and corrected output;
 * feedback a script writes shows up live; a reload and a restart of the server keep all of it. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Annotation, TraceListPage } from '../src-shared/contract';
import { eventually } from '../test/support/engine';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, recordAgentTrace, type SentTrace } from '../test/support/otel';
import { launchBrowser, markDocument, openWatchedPage, traceRow, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let bad: SentTrace;
let good: SentTrace;

const base = () => server!.api.replace(/\/$/, '');

async function annotationsOf(traceId: string): Promise<Annotation[]> {
  return ((await (await fetch(`${base()}/api/v1/traces/${traceId}/annotations`)).json()) as { annotations: Annotation[] }).annotations;
}

async function openTrace(page: Page, traceId: string): Promise<void> {
  await page.getByTestId('trace-view').and(page.locator(`[data-trace-id="${traceId}"]`)).waitFor();
  await page.getByTestId('feedback-bar').waitFor();
}

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  bad = recordAgentTrace({ serviceName: 'feedback-e2e', rootName: 'invoke_agent wrong-answer' });
  good = recordAgentTrace({ serviceName: 'feedback-e2e', rootName: 'invoke_agent right-answer' });
  await exportSpans(server.otlpHttp, 'protobuf', [...bad.spans, ...good.spans]);
  await eventually(async () => (((await (await fetch(`${base()}/api/v1/traces`)).json()) as TraceListPage).traces.length === 2 ? true : null));
  ui = await openWatchedPage(browser, `${base()}/#/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a thumbs down and a label on a trace show in the list', async () => {
  const { page } = ui;
  await traceRow(page, bad.traceId).click();
  await openTrace(page, bad.traceId);
  await page.getByTestId('feedback-down').click();
  await page.locator('[data-testid="feedback-down"][aria-pressed="true"]').waitFor();
  await page.getByTestId('feedback-label-input').fill('hallucination');
  await page.getByTestId('feedback-label-add').click();
  await page.getByTestId('feedback-chip').filter({ hasText: 'hallucination' }).waitFor();
  await page.getByTestId('feedback-note').click();
  await page.getByTestId('feedback-text').fill('Booked the wrong city.');
  await page.getByTestId('feedback-text-save').click();
  await page.getByTestId('feedback-note-text').filter({ hasText: 'Booked the wrong city.' }).waitFor();
  assert.deepEqual((await annotationsOf(bad.traceId)).map((a) => [a.name, a.value]), [['thumbs', 'down'], ['label', ['hallucination']], ['note', 'Booked the wrong city.']]);

  await page.getByTestId('back-link').click();
  const cell = traceRow(page, bad.traceId).getByTestId('trace-feedback');
  await cell.filter({ hasText: '👎' }).waitFor();
  assert.match((await cell.textContent()) ?? '', /hallucination/);
  assert.equal(((await traceRow(page, good.traceId).getByTestId('trace-feedback').textContent()) ?? '').trim(), '');
});

test('the feedback and label filters keep only the annotated run', async () => {
  const { page } = ui;
  await page.getByTestId('filter-feedback').selectOption('down');
  await traceRow(page, good.traceId).waitFor({ state: 'detached' });
  await traceRow(page, bad.traceId).waitFor();
  await page.getByTestId('filter-feedback').selectOption('none');
  await traceRow(page, bad.traceId).waitFor({ state: 'detached' });
  await traceRow(page, good.traceId).waitFor();
  await page.getByTestId('filter-feedback').selectOption('');
  await page.getByTestId('filter-label').fill('hallucination');
  await traceRow(page, good.traceId).waitFor({ state: 'detached' });
  await traceRow(page, bad.traceId).waitFor();
  await page.getByTestId('filter-label').fill('');
  await traceRow(page, good.traceId).waitFor();
});

test('a span gets its own rating and corrected output, apart from the trace', async () => {
  const { page } = ui;
  const spanId = bad.spanIds[bad.spanIds.length - 1]!;
  await page.goto(`${base()}/#/traces/${bad.traceId}?span=${spanId}`);
  const detail = page.locator(`[data-testid="span-detail"][data-span-id="${spanId}"]`);
  await detail.getByTestId('span-feedback-bar').waitFor();
  await detail.getByTestId('feedback-rating-2').click();
  await detail.locator('[data-testid="feedback-rating-2"][aria-checked="true"]').waitFor();
  await detail.getByTestId('feedback-correction').click();
  await detail.getByTestId('feedback-text').fill('Paris, not Paris, Texas.');
  await detail.getByTestId('feedback-text-save').click();
  await detail.getByTestId('feedback-correction-text').waitFor();
  // The trace's own bar does not take the span's rating.
  assert.equal(await page.getByTestId('feedback-bar').locator('[aria-checked="true"]').count(), 0);
  const spanOnes = (await annotationsOf(bad.traceId)).filter((a) => a.spanId === spanId);
  assert.deepEqual(spanOnes.map((a) => [a.name, a.value]), [['rating', 2], ['correction', 'Paris, not Paris, Texas.']]);
});

test('a reload and a restart of the server keep the feedback', async () => {
  const { page } = ui;
  await page.goto(`${base()}/#/traces/${bad.traceId}`);
  await page.reload();
  await openTrace(page, bad.traceId);
  await page.locator('[data-testid="feedback-bar"] [data-testid="feedback-down"][aria-pressed="true"]').waitFor();
  // Feedback written elsewhere (a script) shows up live: the write ticks with its trace.
  const mark = await markDocument(page);
  const res = await fetch(`${base()}/api/v1/annotations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ traceId: bad.traceId, name: 'label', value: ['from-script'] }),
  });
  assert.equal(res.status, 201);
  await page.getByTestId('feedback-bar').getByTestId('feedback-chip').filter({ hasText: 'from-script' }).waitFor();
  assert.ok(await mark(), 'updated in place, not by a reload');

  const port = new URL(server!.api).port;
  await server!.stop();
  server = await startServe({ dataDir: server!.dataDir, port: Number(port) });
  await page.goto(`${base()}/#/`);
  await page.reload();
  const cell = traceRow(page, bad.traceId).getByTestId('trace-feedback');
  await cell.filter({ hasText: '👎' }).waitFor();
  await page.getByTestId('filter-feedback').selectOption('down');
  await traceRow(page, good.traceId).waitFor({ state: 'detached' });
  await traceRow(page, bad.traceId).click();
  await openTrace(page, bad.traceId);
  await page.getByTestId('feedback-chip').filter({ hasText: 'hallucination' }).waitFor();
  await page.getByTestId('feedback-note-text').filter({ hasText: 'Booked the wrong city.' }).waitFor();
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

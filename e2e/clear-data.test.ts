/**
 * Clear data in Chromium against a real `flowtrace serve` fed by the official OTel JS exporter:
 * Delete on the trace view asks first (Cancel keeps the trace), then deletes it and lands on the
 * list without it; Delete on a session view does the same for the session; "Clear data…" in the
 * header empties the store after its confirmation. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { SessionListPage, TraceListPage } from '../src-shared/contract';
import { eventually } from '../test/support/engine';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, recordAgentTrace, type SentTrace } from '../test/support/otel';
import { recordGenAiTurn } from '../test/support/otel-genai';
import { launchBrowser, openWatchedPage, traceRow, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let doomed: SentTrace;
let kept: SentTrace;
let turns: SentTrace[];
const SESSION = 'sess-clear-e2e';

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server!.api.replace(/\/$/, '')}/api/v1${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  doomed = recordAgentTrace({ serviceName: 'clear-e2e', rootName: 'invoke_agent doomed' });
  kept = recordAgentTrace({ serviceName: 'clear-e2e', rootName: 'invoke_agent kept' });
  const t0 = Date.now() - 60_000;
  turns = [recordGenAiTurn({ serviceName: 'clear-e2e-chat', sessionId: SESSION, startMs: t0 }), recordGenAiTurn({ serviceName: 'clear-e2e-chat', sessionId: SESSION, startMs: t0 + 5000 })];
  await exportSpans(server.otlpHttp, 'protobuf', [...doomed.spans, ...kept.spans, ...turns.flatMap((t) => t.spans)]);
  await eventually(async () => ((await api<TraceListPage>('/traces')).body.traces.length === 4 ? true : null));
  ui = await openWatchedPage(browser, `${server.api.replace(/\/$/, '')}/#/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('Delete on the trace view asks first; Cancel keeps the trace, Delete takes it out of the list', async () => {
  const { page } = ui;
  await traceRow(page, doomed.traceId).click();
  await page.getByTestId('trace-view').and(page.locator(`[data-trace-id="${doomed.traceId}"]`)).waitFor();

  await page.getByTestId('delete-trace').click();
  const dialog = page.getByTestId('delete-trace-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent() ?? '', new RegExp(`Delete this trace\\?.*Its ${doomed.spans.length} spans`, 's'));
  await page.getByTestId('delete-trace-dialog-cancel').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await api(`/traces/${doomed.traceId}`)).status, 200, 'Cancel deleted nothing');

  await page.getByTestId('delete-trace').click();
  await page.getByTestId('delete-trace-dialog-confirm').click();
  await page.waitForURL((url) => url.hash === '#/' || url.hash === '');
  await traceRow(page, kept.traceId).waitFor();
  await traceRow(page, doomed.traceId).waitFor({ state: 'detached' });
  assert.equal((await api(`/traces/${doomed.traceId}`)).status, 404);
  // The header's count follows the engine's tick.
  await page.getByTestId('stat-traces').filter({ hasText: /^3$/ }).waitFor();
});

test('Delete on a session view deletes the session and its traces', async () => {
  const { page } = ui;
  await page.goto(`${server!.api.replace(/\/$/, '')}/#/sessions/${SESSION}`);
  await page.getByTestId('session-view').waitFor();
  await page.getByTestId('delete-session').click();
  const dialog = page.getByTestId('delete-session-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent() ?? '', /Its 2 traces/);
  await page.getByTestId('delete-session-dialog-confirm').click();
  await page.getByTestId('session-list').waitFor();
  assert.ok(page.url().endsWith('#/sessions'));
  assert.ok(!(await api<SessionListPage>('/sessions')).body.sessions.some((s) => s.sessionId === SESSION));
  for (const t of turns) assert.equal((await api(`/traces/${t.traceId}`)).status, 404);
  assert.equal((await page.getByTestId('session-row').count()), 0);
});

test('"Clear data…" in the header empties the store after its confirmation', async () => {
  const { page } = ui;
  await page.getByTestId('nav-traces').click();
  await traceRow(page, kept.traceId).waitFor();
  await page.getByTestId('clear-all-data').click();
  const dialog = page.getByTestId('clear-all-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent() ?? '', new RegExp(`1 trace \\(${kept.spans.length} spans\\).*Memory collections that agents wrote are kept`, 's'));
  await page.getByTestId('clear-all-dialog-confirm').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByTestId('clear-all-status').filter({ hasText: `Deleted 1 trace and ${kept.spans.length} spans.` }).waitFor();
  await page.getByTestId('empty-state').waitFor();
  assert.equal(await page.getByTestId('stat-traces').textContent(), '0');
  assert.deepEqual((await api<TraceListPage>('/traces?internal=true')).body.traces, []);
});

test('the page ran without native dialogs, errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

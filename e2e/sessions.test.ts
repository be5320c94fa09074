/**
 * Issue 15 in Chromium: the sessions list (#/sessions) and one session (#/sessions/{id}) load from
 * their URLs and show what a real OTel SDK exporter sent to `flowtrace serve` (two turns of one
 * conversation, the second with a failed tool call, and a conversation of its own), with the
 * errors and users columns; a turn links through to its trace, a reload keeps the session, and
 * sessions past the first page of 200 come on request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { SessionListPage } from '../src-shared/contract';
import { eventually } from '../test/support/engine';
import { exportSpans, type SentTrace } from '../test/support/otel';
import { recordGenAiTurn } from '../test/support/otel-genai';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, spanRow, waitOrExplain } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let turn1: SentTrace;
let turn2: SentTrace;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const t0 = Date.now() - 60_000;
  turn1 = recordGenAiTurn({ serviceName: 'trip-planner', sessionId: 'conv-lisbon', startMs: t0, userId: 'ana' });
  turn2 = recordGenAiTurn({ serviceName: 'trip-planner', sessionId: 'conv-lisbon', startMs: t0 + 3000, userId: 'ana', toolFails: true });
  const other = recordGenAiTurn({ serviceName: 'trip-planner', sessionId: 'conv-porto', startMs: t0 + 1000, userId: 'bruno' });
  for (const sent of [turn1, other, turn2]) await exportSpans(server.otlpHttp, 'protobuf', sent.spans);
  await eventually(async () => {
    const page = (await (await fetch(`${server!.api}/api/v1/sessions`)).json()) as SessionListPage;
    return page.sessions.length === 2 ? true : null;
  }, 15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the sessions list loads from its URL with turns, duration, errors, models and users, newest first', async () => {
  const ui = await openWatchedPage(browser!, `${server!.api}/#/sessions`, { width: 1400, height: 900 });
  const { page } = ui;
  const rows = page.getByTestId('session-row');
  await waitOrExplain(ui, rows.nth(1), 'both sessions listed');
  const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim());
  const [lisbon, porto] = [await cells(0), await cells(1)];
  // Session, service, turns, duration, model calls, tool calls, tokens, cost, errors, models, users.
  assert.deepEqual([lisbon[0], lisbon[1], lisbon[2], lisbon[3], lisbon[4], lisbon[5], lisbon[6]], ['conv-lisbon', 'trip-planner', '2', '3.04 s', '4', '2', '3,600']);
  assert.deepEqual(lisbon.slice(8), ['1 in 1 turn', 'gpt-4o-mini', 'ana']);
  assert.deepEqual([porto[0], porto[2], porto[8], porto[10]], ['conv-porto', '1', '—', 'bruno']);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
  await page.context().close();
});

test('a session loads from its URL, marks the failed turn, links through to its trace, and keeps its state on reload', async () => {
  const ui = await openWatchedPage(browser!, `${server!.api}/#/sessions/conv-lisbon`, { width: 1400, height: 900 });
  const { page } = ui;
  const view = page.getByTestId('session-view');
  await waitOrExplain(ui, view, 'the session page');
  const turns = page.getByTestId('session-turn');
  assert.equal(await turns.count(), 2);
  assert.equal(await page.getByTestId('session-users').textContent(), 'ana');
  assert.equal(await page.getByTestId('session-errors').textContent(), '1 in 1 turn');
  assert.equal(await turns.nth(0).getByTestId('turn-errors').count(), 0);
  assert.equal((await turns.nth(1).getByTestId('turn-errors').textContent())?.trim(), '· 1 error');

  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitOrExplain(ui, page.getByTestId('session-turn').nth(1), 'the session page after a reload');
  assert.equal(new URL(page.url()).hash, '#/sessions/conv-lisbon');
  assert.equal(await page.getByTestId('session-errors').textContent(), '1 in 1 turn');

  await page.getByTestId('session-turn').nth(1).getByTestId('turn-trace-link').click();
  await waitOrExplain(ui, spanRow(page, turn2.spanIds.at(-1)!), "the failed turn's trace");
  assert.equal(new URL(page.url()).hash, `#/traces/${turn2.traceId}`);
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
  await page.context().close();
});

test('past a page of 200 sessions, "Show older sessions" brings the rest', async () => {
  const t0 = Date.now() - 3_600_000;
  const spans = Array.from({ length: 200 }, (_, i) =>
    recordGenAiTurn({ serviceName: 'bulk', sessionId: `conv-old-${String(i).padStart(3, '0')}`, startMs: t0 + i * 1000 }).spans,
  ).flat();
  await exportSpans(server!.otlpHttp, 'protobuf', spans);
  const ui = await openWatchedPage(browser!, `${server!.api}/#/sessions`, { width: 1400, height: 900 });
  const { page } = ui;
  const rows = page.getByTestId('session-row');
  await waitOrExplain(ui, rows.nth(199), 'the first page of 200 sessions');
  assert.equal(await rows.count(), 200);
  await page.getByTestId('sessions-more').click();
  await waitOrExplain(ui, rows.nth(201), 'the older sessions');
  assert.equal(await rows.count(), 202);
  assert.equal(await page.getByTestId('sessions-more').count(), 0, 'nothing older is left');
  assert.deepEqual((await rows.nth(201).locator('td').first().textContent())?.trim(), 'conv-old-000');
  assert.deepEqual(ui.pageErrors, []);
  await page.context().close();
});

/**
 * Issue 19 in Chromium: a Claude Code session sent without traces (log events and metrics only, its
 * captured run replayed byte for byte to `flowtrace serve`) is reachable from the header and shows
 * its turn, its two model calls, its shell tool call and the cost Claude Code reported.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { SessionListPage } from '../src-shared/contract';
import { loadCodingAgentFixture, replayFixture } from '../test/support/coding-agent-fixtures';
import { eventually } from '../test/support/engine';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, type WatchedPage } from './support/browser';

const f = loadCodingAgentFixture('claude-code@2.1.332');
let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let sessionId: string;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  await replayFixture(f, server.otlpHttp);
  sessionId = await eventually(async () => {
    const page = (await (await fetch(`${server!.api}/api/v1/sessions`)).json()) as SessionListPage;
    return page.sessions[0]?.llmCalls === 2 ? page.sessions[0].sessionId : null;
  }, 15_000);
  ui = await openWatchedPage(browser, server.api, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the session is reachable from the header and shows its turn, two model calls, the shell call and the reported cost', async () => {
  const { page } = ui;
  await page.getByTestId('nav-sessions').click();
  const row = page.getByTestId('session-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  await row.getByRole('link', { name: sessionId }).click();
  await page.getByTestId('session-view').waitFor();
  assert.equal(new URL(page.url()).hash, `#/sessions/${encodeURIComponent(sessionId)}`);

  const turns = page.getByTestId('session-turn');
  assert.equal(await turns.count(), 1);
  const turn = turns.first();
  assert.equal(await turn.getByTestId('turn-prompt').textContent(), 'Run `echo hi` in the shell and tell me what it printed.');
  assert.equal(await turn.getByTestId('turn-answer').textContent(), 'The command printed: hi');
  assert.equal(await turn.getByTestId('turn-trace-link').count(), 0, 'no traces were sent: nothing to link to');

  const calls = turn.getByTestId('turn-llm-call');
  assert.equal(await calls.count(), 2);
  // The cost Claude Code computed itself, per call (api_request.cost_usd: 0.005723 and 0.006146).
  assert.deepEqual(await turn.getByTestId('llm-call-cost').allTextContents(), ['$0.00572 reported', '$0.00615 reported']);
  assert.match((await calls.first().textContent()) ?? '', /claude-opus-5-5.*in 3,100 \(cache read 2,010 · write 501\) · out 23/);

  const tools = turn.getByTestId('turn-tool-call');
  assert.equal(await tools.count(), 1);
  assert.match((await tools.first().textContent()) ?? '', /Bash.*command: echo hi/);

  assert.equal(await page.getByTestId('session-llm-calls').textContent(), '2');
  assert.equal(await page.getByTestId('session-tool-calls').textContent(), '1');
  assert.equal(await page.getByTestId('session-cost').textContent(), '$0.0119 (reported by the tool)');
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

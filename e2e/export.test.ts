/**
 * Exporting a trace from its page in Chromium, against a real `flowtrace serve` fed by the official
 * OTel JS exporter: "Export OTLP JSON" downloads trace-{id}.otlp.json, which a fresh engine
 * re-imports as the same spans; "Copy" puts the same text on the clipboard. Needs
 * `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import type { Engine } from '../src-main/engine';
import type { TraceDetail } from '../src-shared/contract';
import { eventually, post, startTestEngine } from '../test/support/engine';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, recordAgentTrace, type SentTrace } from '../test/support/otel';
import { launchBrowser, openWatchedPage, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let sent: SentTrace;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  sent = recordAgentTrace({ serviceName: 'export-agent', toolCalls: 2 });
  await exportSpans(server.otlpHttp, 'protobuf', sent.spans);
  ui = await openWatchedPage(browser, `${server.api.replace(/\/$/, '')}/#/traces/${sent.traceId}`);
  await ui.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.api).origin });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function storedTrace(): Promise<TraceDetail> {
  return (await (await fetch(`${server!.api.replace(/\/$/, '')}/api/v1/traces/${sent.traceId}`)).json()) as TraceDetail;
}

/** Posts OTLP/JSON to a fresh engine and returns the trace it stored. */
async function reimport(json: string): Promise<TraceDetail> {
  const target: Engine = await startTestEngine();
  try {
    const answer = await post(`${target.info.otlpHttpEndpoint}/v1/traces`, json, { 'content-type': 'application/json' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toString(), '{}', 'accepted whole: nothing rejected or trimmed');
    return await eventually(async () => {
      const t = await target.getTrace(sent.traceId);
      return t && t.spans.length === sent.spans.length ? t : null;
    });
  } finally {
    await target.close();
  }
}

let downloaded = '';

test('"Export OTLP JSON" downloads the trace, and it re-imports as the same spans', async () => {
  const { page } = ui;
  const button = page.getByTestId('export-trace');
  await button.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  assert.equal(download.suggestedFilename(), `trace-${sent.traceId}.otlp.json`);
  downloaded = await readFile(await download.path(), 'utf8');
  const request = JSON.parse(downloaded) as { resourceSpans: unknown[] };
  assert.equal(request.resourceSpans.length, 1);
  await page.getByTestId('export-status').filter({ hasText: 'Downloaded' }).waitFor();

  // Span for span; the audit digest is over each store's own encoding, so it differs by store.
  const [again, stored] = await Promise.all([reimport(downloaded), storedTrace()]);
  assert.deepEqual({ ...again, audit: undefined }, { ...stored, audit: undefined });
});

test('"Copy" puts the same OTLP JSON on the clipboard', async () => {
  const { page } = ui;
  await page.getByTestId('copy-trace').click();
  await page.getByTestId('export-status').filter({ hasText: 'Copied' }).waitFor();
  const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
  assert.equal(copied, downloaded);
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  assert.deepEqual(await ui.cspViolations(), []);
});

/**
 * A busy OTLP port never stops Flowtrace, seen in Chromium: `flowtrace serve` started while another
 * program holds 4318 (and the gRPC port) still serves the UI and API; health names the busy
 * receivers; a banner says which port is held and by whom. Freeing the port and pressing "Retry"
 * binds it; "Use another port" moves gRPC to a free one and says where exporters must point. Real
 * OTel exporters then reach both. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { Browser } from 'playwright-core';
import type { ReceiverStatus } from '../src-shared/contract';
import { exportSpans, recordAgentTrace } from '../test/support/otel';
import { occupyPort, type HeldPort } from '../test/support/ports';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, traceRow, waitOrExplain, type WatchedPage } from './support/browser';

/** The port a stray collector would hold. */
const OTLP_HTTP_DEFAULT = 4318;

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let httpBlocker: HeldPort;
let grpcBlocker: HeldPort;
let httpPort: number;
let grpcPort: number;

before(async () => {
  // 4318 itself when this machine has it free; else (a real collector runs here) any port will do.
  httpBlocker = await occupyPort(OTLP_HTTP_DEFAULT).catch(() => {
    process.stdout.write(`# busy-port e2e: ${OTLP_HTTP_DEFAULT} is already taken on this machine; blocking an ephemeral port instead\n`);
    return occupyPort();
  });
  grpcBlocker = await occupyPort();
  httpPort = httpBlocker.port;
  grpcPort = grpcBlocker.port;
  server = await startServe({ otlpHttpPort: httpPort, otlpGrpcPort: grpcPort });
  browser = await launchBrowser();
  ui = await openWatchedPage(browser, server.api);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await httpBlocker?.release();
  await grpcBlocker?.release();
});

const holder = () => `${readFileSync('/proc/self/comm', 'utf8').trim()} (pid ${process.pid})`;

test('Flowtrace starts anyway: the API answers and health names both busy receivers', async () => {
  assert.equal(server!.otlpHttp, '', 'serve says the HTTP receiver is not listening');
  const health = (await (await fetch(`${server!.api}/api/v1/health`)).json()) as { status: string; receivers: ReceiverStatus[] };
  assert.equal(health.status, 'degraded');
  const http = health.receivers.find((r) => r.kind === 'otlp-http');
  assert.equal(http?.state, 'busy');
  assert.equal(http?.port, httpPort);
  if (process.platform === 'linux') assert.equal(http?.holder, holder());
  assert.equal(health.receivers.find((r) => r.kind === 'otlp-grpc')?.state, 'busy');
  assert.equal((await fetch(`${server!.api}/api/v1/traces`)).status, 200);
});

test('the banner says which port is busy and by whom; the empty state does not offer the busy endpoint', async () => {
  const { page } = ui;
  const banner = page.locator('[data-testid="receiver-banner"][data-receiver="otlp-http"]');
  await waitOrExplain(ui, banner, 'the OTLP/HTTP busy banner');
  const text = (await banner.getByTestId('receiver-banner-message').textContent()) ?? '';
  assert.match(text, new RegExp(`OTLP/HTTP is not receiving: port ${httpPort} on 127\\.0\\.0\\.1 is in use`));
  if (process.platform === 'linux') assert.ok(text.includes(holder()), `names the holder: ${text}`);
  await page.locator('[data-testid="receiver-banner"][data-receiver="otlp-grpc"]').waitFor();
  await page.getByTestId('empty-state').waitFor();
  assert.equal(await page.getByTestId('otlp-env').count(), 0);
});

test('freed, "Retry" binds the port: the banner goes, the endpoint shows, and an exporter is stored', async () => {
  const { page } = ui;
  await httpBlocker.release();
  const banner = page.locator('[data-testid="receiver-banner"][data-receiver="otlp-http"]');
  await banner.getByTestId('receiver-retry').click();
  await banner.waitFor({ state: 'detached' });
  const env = page.getByTestId('otlp-env');
  await env.waitFor();
  const sent = recordAgentTrace({ serviceName: 'after-retry' });
  const shown = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)/.exec((await env.textContent()) ?? '')?.[1];
  assert.ok(shown, 'the empty state shows the endpoint again');
  assert.equal(shown, `http://127.0.0.1:${httpPort}`);
  await exportSpans(shown, 'protobuf', sent.spans);
  await traceRow(page, sent.traceId).waitFor();
});

test('"Use another port" moves gRPC off its busy port and says where to point exporters; one sent there is stored', async () => {
  const { page } = ui;
  const banner = page.locator('[data-testid="receiver-banner"][data-receiver="otlp-grpc"]');
  await banner.getByTestId('receiver-next-port').click();
  await banner.waitFor({ state: 'detached' });
  const moved = page.locator('[data-testid="receiver-moved"][data-receiver="otlp-grpc"]');
  await moved.waitFor();
  const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(http:\/\/127\.0\.0\.1:(\d+))/.exec((await moved.textContent()) ?? '');
  assert.ok(endpoint, 'the notice names the new endpoint');
  assert.ok(Number(endpoint[2]) > grpcPort);
  const sent = recordAgentTrace({ serviceName: 'via-grpc' });
  const exporter = new GrpcTraceExporter({ url: endpoint[1], timeoutMillis: 5000 });
  try {
    await new Promise<void>((resolve, reject) => exporter.export(sent.spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  } finally {
    await exporter.shutdown();
  }
  await traceRow(page, sent.traceId).waitFor();
});

test('the page ran without errors', () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
});

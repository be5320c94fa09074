/**
 * The settings page in Chromium against `flowtrace serve`: it loads from #/settings; a wrong value
 * gets its message beside its field and nothing is saved; a new OTLP/HTTP port rebinds at once (a
 * real exporter there is stored, the old port refuses); every field survives a restart; what waits
 * for a restart says so. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { exportSpans, recordAgentTrace } from '../test/support/otel';
import { exportOnce } from '../test/support/otel-signals';
import { startServe, tempDataDir, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, traceRow, waitOrExplain, type WatchedPage } from './support/browser';
import { freePort } from '../test/support/ports';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
const dataDir = tempDataDir('flowtrace-settings-');

async function openSettings(): Promise<Page> {
  ui = await openWatchedPage(browser!, `${server!.api.replace(/\/$/, '')}/#/settings`);
  await waitOrExplain(ui, ui.page.getByTestId('input-otlpHttpPort'), 'the settings form');
  return ui.page;
}

async function save(page: Page): Promise<string> {
  await page.getByTestId('settings-save').click();
  const status = page.getByTestId('settings-status');
  await status.filter({ hasNotText: 'Saving' }).waitFor();
  return (await status.textContent()) ?? '';
}

before(async () => {
  server = await startServe({ dataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page loads from its URL with the defaults, each field saying when it applies', async () => {
  const page = await openSettings();
  assert.equal(await page.getByTestId('input-retentionDays').inputValue(), '30');
  assert.equal(await page.getByTestId('input-theme').inputValue(), 'system');
  assert.match((await page.getByTestId('setting-otlpHttpPort').textContent()) ?? '', /applies at once/);
  assert.match((await page.getByTestId('setting-durability').textContent()) ?? '', /applies after a restart/);
});

test('a wrong value gets its message beside its field, and nothing is saved', async () => {
  const page = ui.page;
  await page.getByTestId('input-retentionGb').fill('0');
  await page.getByTestId('input-theme').selectOption('dark');
  assert.match(await save(page), /nothing was saved/);
  assert.match((await page.getByTestId('setting-retentionGb-error').textContent()) ?? '', /GB is a number above 0/);
  const saved = (await (await fetch(`${server!.api}/api/v1/settings`)).json()) as { settings: { theme: string } };
  assert.equal(saved.settings.theme, 'system');
  await page.getByTestId('input-otlpGrpcPort').fill('43x');
  assert.match(await save(page), /nothing was saved/);
  await page.getByTestId('setting-otlpGrpcPort-error').waitFor();
  await page.getByTestId('settings-revert').click();
  assert.equal(await page.getByTestId('setting-otlpGrpcPort-error').count(), 0);
});

test('a new OTLP/HTTP port rebinds at once: an exporter there shows up, the old port refuses', async () => {
  const page = ui.page;
  const port = await freePort();
  await page.getByTestId('input-otlpHttpPort').fill(String(port));
  assert.match(await save(page), /^Saved\./);
  const sent = recordAgentTrace({ serviceName: 'new-port' });
  await exportSpans(`http://127.0.0.1:${port}`, 'protobuf', sent.spans);
  await assert.rejects(fetch(`${server!.otlpHttp}/v1/traces`, { method: 'POST' }), 'the old port refuses');
  await page.goto(`${server!.api.replace(/\/$/, '')}/#/`);
  await traceRow(page, sent.traceId).waitFor();
});

test('every field survives a restart; what waits for one says so', async () => {
  let page = await openSettings();
  await page.getByTestId('input-otlpHost').fill('127.0.0.2');
  await page.getByTestId('input-otlpToken').fill('a-token-of-sixteen-plus');
  await page.getByTestId('input-retentionDays').fill('14');
  await page.getByTestId('input-retentionGb').fill('2.5');
  await page.getByTestId('input-durability').selectOption('full');
  await page.getByTestId('input-embedderKind').selectOption('openai');
  await page.getByTestId('input-embedderUrl').fill('http://127.0.0.1:11434');
  await page.getByTestId('input-embedderModel').fill('nomic-embed-text');
  await page.getByTestId('input-dailyBudgetUsd').fill('12.5');
  await page.getByTestId('input-theme').selectOption('dark');
  await page.getByTestId('input-launchAtLogin').check();
  await page.getByTestId('input-notify-storage').uncheck();
  assert.match(await save(page), /take effect after a restart/);
  for (const name of ['otlpHost', 'otlpToken', 'durability']) await page.getByTestId(`setting-${name}-restart`).waitFor();
  // This run's memory is set by a flag (the harness's --no-memory): saved, and said to be overridden.
  assert.match((await page.getByTestId('setting-embedder').textContent()) ?? '', /A command-line flag or environment variable sets this/);
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  const port = await page.getByTestId('input-otlpHttpPort').inputValue();

  await server!.stop();
  // No port flag this time: the saved port is bound. gRPC keeps the harness's any-free-port flag.
  server = await startServe({ dataDir, otlpHttpPort: null });
  assert.equal(server.otlpHttp, `http://127.0.0.2:${port}`, 'the saved address and port are bound');
  page = await openSettings();
  const values = Object.fromEntries(
    await Promise.all(
      ['otlpHttpPort', 'otlpHost', 'retentionDays', 'retentionGb', 'durability', 'embedderKind', 'embedderUrl', 'embedderModel', 'dailyBudgetUsd', 'theme'].map(
        async (k) => [k, await page.getByTestId(`input-${k}`).inputValue()] as const,
      ),
    ),
  );
  assert.deepEqual(values, {
    otlpHttpPort: port,
    otlpHost: '127.0.0.2',
    retentionDays: '14',
    retentionGb: '2.5',
    durability: 'full',
    embedderKind: 'openai',
    embedderUrl: 'http://127.0.0.1:11434',
    embedderModel: 'nomic-embed-text',
    dailyBudgetUsd: '12.5',
    theme: 'dark',
  });
  assert.equal(await page.getByTestId('input-launchAtLogin').isChecked(), true);
  assert.equal(await page.getByTestId('input-notify-storage').isChecked(), false);
  assert.match((await page.getByTestId('setting-otlpToken').textContent()) ?? '', /A token is saved/);
  assert.equal(await page.getByTestId('setting-durability-restart').count(), 0, 'in effect now: nothing waits');
  assert.deepEqual(ui.pageErrors, []);
});

test('model prices: a wrong price is named on its row, a file fills the table, saved prices survive a restart, reset drops them', async () => {
  let page = await openSettings();
  const savePrices = async (): Promise<string> => {
    await page.getByTestId('prices-save').click();
    const status = page.getByTestId('prices-status');
    await status.filter({ hasNotText: 'Saving' }).waitFor();
    return (await status.textContent()) ?? '';
  };
  await page.getByTestId('prices-empty').waitFor();
  await page.getByTestId('price-add').click();
  await page.getByTestId('price-model').fill('my-model');
  await page.getByTestId('price-input').fill('cheap');
  await page.getByTestId('price-output').fill('2');
  assert.match(await savePrices(), /nothing was saved/);
  assert.match((await page.getByTestId('price-error').textContent()) ?? '', /input must be a number of USD per million tokens/);
  await page.getByTestId('price-input').fill('0.5');
  assert.match(await savePrices(), /^Saved\. They price spans stored after a restart/);
  await page.getByTestId('prices-restart').waitFor();

  const table = { date: '2026-12-01', source: 'our team', models: { 'team-model': { input: 3, output: 4, cacheRead: 0.3 } } };
  await page.getByTestId('prices-file').setInputFiles({ name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(table)) });
  await page.getByTestId('prices-status').filter({ hasText: 'Read 1 price(s) from team.json' }).waitFor();
  assert.equal(await page.getByTestId('price-row').count(), 2);
  assert.match(await savePrices(), /^Saved\./);

  await server!.stop();
  server = await startServe({ dataDir, otlpHttpPort: null });
  page = await openSettings();
  await page.getByTestId('price-row').nth(1).waitFor();
  const values = (testId: string) => Promise.all([0, 1].map((n) => page.getByTestId(testId).nth(n).inputValue()));
  assert.deepEqual(await values('price-model'), ['my-model', 'team-model']);
  assert.deepEqual(await values('price-cacheRead'), ['', '0.3']);
  assert.equal(await page.getByTestId('prices-restart').count(), 0, 'in effect now: nothing waits');

  await page.getByTestId('prices-reset').click();
  await page.getByTestId('prices-reset-yes').click();
  await page.getByTestId('prices-empty').waitFor();
  await page.getByTestId('prices-restart').waitFor();
  const saved = (await (await fetch(`${server!.api}/api/v1/settings/prices`)).json()) as { yours: object };
  assert.deepEqual(saved.yours, {});
  assert.deepEqual(ui.pageErrors, []);
});

test('redaction: the detectors say what they do; a bad rule is named by its line and nothing is saved; saved rules redact the next span', async () => {
  const page = await openSettings();
  const detector = (id: string) => page.getByTestId('redaction-detector').filter({ has: page.locator(`code:text-is("${id}")`) });
  await detector('openai-key').waitFor();
  assert.equal(await detector('openai-key').getAttribute('data-action'), 'mask');
  assert.equal(await detector('email').getAttribute('data-action'), 'off');
  const saveRules = async (): Promise<string> => {
    await page.getByTestId('redaction-save').click();
    const status = page.getByTestId('redaction-status');
    await status.filter({ hasNotText: 'Saving' }).waitFor();
    return (await status.textContent()) ?? '';
  };
  await page.getByTestId('redaction-rules').fill('pii on\nvalue mask /TICKET-[0-9]+/ as ticket\nkey drop');
  assert.match(await saveRules(), /nothing was saved/);
  assert.match((await page.getByTestId('redaction-error').textContent()) ?? '', /^line 3: a key rule needs one attribute key or glob/);
  await page.getByTestId('redaction-rules').fill('pii on\nvalue mask /TICKET-[0-9]+/ as ticket');
  assert.match(await saveRules(), /^Saved/);
  assert.equal(await detector('email').getAttribute('data-action'), 'mask');
  assert.equal(await page.getByTestId('redaction-error').count(), 0);

  const sent = recordAgentTrace({ rootName: 'triage TICKET-4711 for jane@example.org' });
  // The token an earlier test saved is in force since its restart.
  const exporter = new OTLPTraceExporter({ url: `${server!.otlpHttp}/v1/traces`, headers: { authorization: 'Bearer a-token-of-sixteen-plus' } });
  await exportOnce(exporter, sent.spans);
  let root: { name: string } | undefined;
  for (let i = 0; i < 100 && !root; i++) {
    const res = await fetch(`${server!.api}/api/v1/traces/${sent.traceId}`);
    if (res.status === 200) root = ((await res.json()) as { spans: Array<{ name: string; parentSpanId: string | null }> }).spans.find((s) => s.parentSpanId === null);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(root?.name, 'triage [redacted:ticket] for [redacted:email]');
  assert.deepEqual(ui.pageErrors, []);
});

test('forwarding: changing the endpoints needs the OTLP token, a bad URL is named, an upstream gets what arrives with its header, whose value is never shown', async () => {
  const token = 'e2e-forwarding-token-01';
  const received: Array<{ url: string; headers: IncomingHttpHeaders; bytes: number }> = [];
  const upstream = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, bytes });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const forwarder = await startServe({ args: ['--otlp-token', token] });
  try {
    const fwd = await openWatchedPage(browser!, `${forwarder.api.replace(/\/$/, '')}/#/settings`);
    const page = fwd.page;
    const section = page.getByTestId('forwarding');
    const saveEndpoints = async (): Promise<string> => {
      await page.getByTestId('forwarding-save').click();
      const status = page.getByTestId('forwarding-status');
      await status.filter({ hasNotText: 'Saving' }).waitFor();
      return (await status.textContent()) ?? '';
    };
    await waitOrExplain(fwd, page.getByTestId('forwarding-empty'), 'the forwarding section with no endpoint');
    assert.equal(await page.getByTestId('forwarding-no-token').count(), 0, 'a token is saved (--otlp-token)');

    // Without the token: refused, with the engine's reason, and nothing saved.
    await page.getByTestId('forwarding-url').fill(upstreamUrl);
    assert.match(await saveEndpoints(), /give the OTLP token/);
    await page.getByTestId('forwarding-empty').waitFor();

    // A bad URL: its message beside the add form.
    await page.getByTestId('forwarding-url').fill('ftp://collector:21');
    await page.getByTestId('forwarding-token').fill(token);
    assert.match(await saveEndpoints(), /nothing was saved/);
    const fieldError = page.getByTestId('forwarding-error-field');
    assert.equal(await fieldError.getAttribute('data-field'), 'endpoints.0.url');
    assert.match((await fieldError.textContent()) ?? '', /ftp: is not forwarded to/);

    // A header line without a colon is refused in the page, before anything is sent.
    await page.getByTestId('forwarding-url').fill(upstreamUrl);
    await page.getByTestId('forwarding-headers').fill('x-team e2e');
    assert.match(await saveEndpoints(), /Fix the headers/);
    assert.match((await fieldError.textContent()) ?? '', /^line 1: a header is name: value/);

    await page.getByTestId('forwarding-headers').fill('x-team: e2e');
    assert.match(await saveEndpoints(), /^Saved/);
    const row = page.getByTestId('forwarding-endpoint');
    await row.waitFor();
    assert.equal(await row.count(), 1);
    assert.equal(await fieldError.count(), 0);
    const rowText = (await row.textContent()) ?? '';
    assert.ok(rowText.includes(upstreamUrl) && rowText.includes('OTLP/HTTP'), rowText);
    assert.match((await row.getByTestId('forwarding-headers-names').textContent()) ?? '', /x-team/);
    assert.doesNotMatch((await section.textContent()) ?? '', /e2e/, 'the header value is never shown');
    assert.equal(await page.getByTestId('forwarding-token').inputValue(), '', 'the token is not kept in the form');
    assert.doesNotMatch(await (await fetch(`${forwarder.api}/api/v1/settings/forwarding`)).text(), /e2e/);

    const sent = recordAgentTrace({ serviceName: 'forwarded' });
    await exportOnce(new OTLPTraceExporter({ url: `${forwarder.otlpHttp}/v1/traces`, headers: { authorization: `Bearer ${token}` } }), sent.spans);
    const deadline = Date.now() + 20_000;
    let upToDate = false;
    while (Date.now() < deadline) {
      const delivered = Number(/^([\d,]+) requests? delivered/.exec((await row.getByTestId('forwarding-delivered').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
      const state = await row.getByTestId('forwarding-state').getAttribute('data-state');
      upToDate = received.some((r) => r.headers['x-team'] === 'e2e') && state === 'idle' && delivered >= 1;
      if (upToDate) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(upToDate, `the upstream got the trace and the row says so:\nupstream: ${JSON.stringify(received.map((r) => r.url))}\n${await fwd.explain()}`);
    assert.equal(await row.getByTestId('forwarding-state').textContent(), 'Up to date');
    assert.equal(received.find((r) => r.headers['x-team'] === 'e2e')?.url, '/v1/traces');

    // Removed and saved (with the token): nothing is forwarded.
    await row.getByTestId('forwarding-remove').click();
    await page.getByTestId('forwarding-unsaved').waitFor();
    await page.getByTestId('forwarding-token').fill(token);
    assert.match(await saveEndpoints(), /^Saved: nothing is forwarded/);
    await page.getByTestId('forwarding-empty').waitFor();
    assert.equal(await row.count(), 0);
    const saved = (await (await fetch(`${forwarder.api}/api/v1/settings/forwarding`)).json()) as { endpoints: unknown[] };
    assert.deepEqual(saved.endpoints, []);
    assert.deepEqual(fwd.pageErrors, []);
    await page.context().close();
  } finally {
    await forwarder.stop();
    await new Promise((resolve) => upstream.close(resolve));
  }
});

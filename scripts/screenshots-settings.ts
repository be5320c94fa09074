/**
 * Writes docs/screenshot-settings.png (the settings page with a refused field and a change waiting
 * for a restart), docs/screenshot-prices.png (your model prices with a refused row),
 * docs/screenshot-redaction.png (the detectors and a refused rule), docs/screenshot-forwarding.png (one upstream
 * retrying, one up to date) and docs/screenshot-busy-port.png (the banner when another program holds the
 * OTLP/HTTP port), from a real `flowtrace serve` in Chromium. Run after a build:
 * `node --import tsx scripts/screenshots-settings.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { recordAgentTrace } from '../test/support/otel';
import { exportOnce } from '../test/support/otel-signals';
import { freePort, occupyPort } from '../test/support/ports';
import { REPO_ROOT, startServe } from '../test/support/serve-process';
import { launchBrowser } from '../e2e/support/browser';

const browser = await launchBrowser();
try {
  const server = await startServe();
  try {
    await fetch(`${server.api}/api/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ durability: 'full', retentionDays: 14, dailyBudgetUsd: 5 }),
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.api}#/settings`);
    await page.getByTestId('input-otlpHttpPort').waitFor();
    await page.getByTestId('input-retentionGb').fill('0');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('setting-retentionGb-error').waitFor();
    await page.evaluate('document.querySelector(".main")?.scrollTo(0, 0); window.scrollTo(0, 0)');
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-settings.png') });

    await fetch(`${server.api}/api/v1/settings/prices`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'gpt-4o-mini': { input: 0.12, output: 0.5, cacheRead: 0.06 }, 'our-finetune-v2': { input: 3, output: 12 } }),
    });
    await page.reload();
    const prices = page.getByTestId('prices');
    await prices.getByTestId('price-row').nth(1).waitFor();
    await page.getByTestId('price-add').click();
    await page.getByTestId('price-model').nth(2).fill('claude-haiku-4-5');
    await page.getByTestId('price-input').nth(2).fill('one');
    await page.getByTestId('price-output').nth(2).fill('5');
    await page.getByTestId('prices-save').click();
    await page.getByTestId('price-error').waitFor();
    await prices.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-prices.png') });

    await fetch(`${server.api}/api/v1/settings/redaction`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: 'pii on\ndetector openai-key hash\nkey drop *password*' }),
    });
    await page.reload();
    const redaction = page.getByTestId('redaction');
    await redaction.getByTestId('redaction-detector').first().waitFor();
    await page.getByTestId('redaction-rules').fill('pii on\ndetector openai-key hash\nkey drop *password*\nvalue mask /TICKET-(/ as ticket');
    await page.getByTestId('redaction-save').click();
    await page.getByTestId('redaction-error').waitFor();
    await redaction.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-redaction.png') });
  } finally {
    await server.stop();
  }

  // Forwarding: a team Collector that answers, and one nobody listens at (a free port), so it
  // retries with a last error and a small backlog.
  const token = 'screenshot-otlp-token-01';
  const collector = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const forwarder = await startServe({ args: ['--otlp-token', token] });
  try {
    const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    const res = await fetch(`${forwarder.api}/api/v1/settings/forwarding`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        endpoints: [
          { url: collectorUrl, headers: { authorization: 'Bearer team-secret', 'x-team': 'agents' }, compression: 'gzip' },
          { url: downUrl, headers: { 'x-api-key': 'k-123' }, compression: 'none' },
        ],
      }),
    });
    if (!res.ok) throw new Error(`forwarding not saved: ${res.status} ${await res.text()}`);
    for (const serviceName of ['support-agent', 'billing-agent']) {
      const exporter = new OTLPTraceExporter({ url: `${forwarder.otlpHttp}/v1/traces`, headers: { authorization: `Bearer ${token}` } });
      await exportOnce(exporter, recordAgentTrace({ serviceName }).spans);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${forwarder.api}#/settings`);
    const forwarding = page.getByTestId('forwarding');
    const row = (url: string) => forwarding.locator(`[data-testid="forwarding-endpoint"][data-url="${url}"]`);
    await row(collectorUrl).locator('[data-testid="forwarding-state"][data-state="idle"]').waitFor({ timeout: 20_000 });
    await row(collectorUrl).getByTestId('forwarding-delivered').filter({ hasText: /^2 requests/ }).waitFor({ timeout: 20_000 });
    await row(downUrl).locator('[data-testid="forwarding-state"][data-state="retrying"]').waitFor({ timeout: 20_000 });
    await row(downUrl).getByTestId('forwarding-lag').filter({ hasText: '2 requests waiting' }).waitFor({ timeout: 20_000 });
    await row(downUrl).getByTestId('forwarding-error').waitFor();
    await forwarding.scrollIntoViewIfNeeded();
    await forwarding.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-forwarding.png') });
  } finally {
    await forwarder.stop();
    await new Promise((resolve) => collector.close(resolve));
  }

  const blocker = await occupyPort();
  const busy = await startServe({ otlpHttpPort: blocker.port });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 520 } });
    await page.goto(busy.api);
    await page.getByTestId('receiver-banner').waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-busy-port.png') });
  } finally {
    await busy.stop();
    await blocker.release();
  }
} finally {
  await browser.close();
}

/**
 * Writes docs/screenshot-settings.png (the settings page with a refused field and a change waiting
 * for a restart) and docs/screenshot-busy-port.png (the banner when another program holds the
 * OTLP/HTTP port), from a real `flowtrace serve` in Chromium. Run after a build:
 * `node --import tsx scripts/screenshots-settings.ts`.
 */
import { join } from 'node:path';
import { occupyPort } from '../test/support/ports';
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
  } finally {
    await server.stop();
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

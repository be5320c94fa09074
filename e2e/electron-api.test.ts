/**
 * One API wherever Flowtrace runs: the desktop app, on the real Electron binary, serves the REST
 * API on loopback (9600, or the next free port when 9600 is taken, as this test makes sure it is),
 * answers /api/v1/health there, says where in getInfo(), the header and the tray, keeps its data in
 * the CLI's default data directory, and the CLI's `traces` reads it. Needs `npx electron-vite build`
 * and, on Linux, a display (xvfb-run). Where no Electron binary is installed the suite is skipped
 * with one line saying so; it never fakes Electron.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { EngineInfo, FlowtraceApi } from '../src-shared/contract';
import type { AppTray } from '../src-main/electron/tray';
import { defaultDataDir } from '../src-main/headless/data-dir';
import { REPO_ROOT, builtBinaryName, electronAbi, electronBuildDir, findElectron, nativeModules } from '../native/electron.mjs';
import { sendAgentTrace } from '../test/support/otel';
import { runCliAsync } from '../test/support/cli';

const electron = findElectron();
const skip = electron.found ? false : `no Electron binary on this machine (${electron.reason})`;
if (skip) console.log(`SKIPPED Electron API e2e: ${skip}`);

interface E2eGlobal {
  __flowtraceE2E: { tray(): AppTray | null; apiUrl(): string | null };
}
interface PageGlobal {
  flowtrace: FlowtraceApi;
}

/** Holds 127.0.0.1:9600 so the app must move on; null when something else already holds it. */
async function holdDefaultPort(): Promise<Server | null> {
  const server = createServer((_req, res) => res.end('not flowtrace'));
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(9600, '127.0.0.1', () => resolve(server));
  });
}

describe('Electron desktop shell: the REST API', { skip, timeout: 300_000 }, () => {
  let app: ElectronApplication;
  let page: Page;
  let tmp: string;
  let blocker: Server | null = null;
  let appEnv: Record<string, string> = {};
  let mainOutput = '';

  before(async () => {
    if (!electron.found) return;
    assert.ok(existsSync(join(REPO_ROOT, 'out/main/electron.js')), 'no build in out/: run `npx electron-vite build` before the Electron e2e test');
    const nativeDir = electronBuildDir(electronAbi(electron));
    if (nativeModules().some((m) => !existsSync(join(nativeDir, builtBinaryName(m))))) {
      const rebuild = spawnSync(process.execPath, [join(REPO_ROOT, 'native/rebuild-electron.mjs')], { stdio: 'inherit' });
      assert.equal(rebuild.status, 0, 'native/rebuild-electron.mjs failed');
    }
    blocker = await holdDefaultPort();
    tmp = mkdtempSync(join(tmpdir(), 'flowtrace-electron-api-'));
    for (const [key, value] of Object.entries(process.env)) {
      if (value === undefined || ['ELECTRON_RUN_AS_NODE', 'ELECTRON_RENDERER_URL', 'FLOWTRACE_DATA_DIR', 'FLOWTRACE_API_PORT'].includes(key)) continue;
      appEnv[key] = value;
    }
    appEnv = {
      ...appEnv,
      FLOWTRACE_E2E: '1',
      FLOWTRACE_USER_DATA_DIR: join(tmp, 'user-data'),
      FLOWTRACE_OTLP_HTTP_PORT: '0',
      FLOWTRACE_OTLP_GRPC_PORT: '0',
      // The default data directory, moved into tmp: XDG on Linux; elsewhere it would be the real
      // user's, so the override stands in for it there.
      ...(process.platform === 'linux' ? { XDG_DATA_HOME: join(tmp, 'xdg') } : { FLOWTRACE_DATA_DIR: join(tmp, 'data') }),
    };
    app = await _electron.launch({
      executablePath: electron.path,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT],
      cwd: REPO_ROOT,
      env: appEnv,
      timeout: 60_000,
    });
    app.process().stderr?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    app.process().stdout?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    page = await app.firstWindow({ timeout: 60_000 });
    await page.waitForLoadState('domcontentloaded');
  });

  after(async () => {
    if (!electron.found) return;
    if (app && app.process().exitCode === null && app.process().signalCode === null) await app.close();
    blocker?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the app answers /api/v1/health on its port, the next free one after a busy 9600', async () => {
    const info: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    assert.ok(info.apiUrl, `getInfo() has no apiUrl; main said:\n${mainOutput}`);
    const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(info.apiUrl)?.[1]);
    assert.ok(port > 0 && port !== 9600, `the API is on ${info.apiUrl}, not on the busy 9600`);
    assert.match(mainOutput, new RegExp(`UI \\+ REST on ${info.apiUrl.replace(/\./g, '\\.')}`));

    const health = await fetch(`${info.apiUrl}/api/v1/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const rest = (await (await fetch(`${info.apiUrl}/api/v1/info`)).json()) as EngineInfo;
    assert.equal(rest.apiUrl, info.apiUrl);
    assert.equal(rest.dataDir, info.dataDir);
    assert.equal(info.dataDir, defaultDataDir(appEnv), 'the desktop keeps its data where the CLI looks');
  });

  test('the header and the tray say where the API is', async () => {
    const apiUrl = await app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.apiUrl());
    assert.ok(apiUrl);
    await page.getByTestId('api-url').getByText(apiUrl.replace('http://', '')).waitFor();
    const tray = await app.evaluate(() => {
      const t = (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray();
      return t && { tooltip: t.tooltip(), labels: t.menu().items.map((i) => i.label) };
    });
    assert.ok(tray);
    assert.ok(tray.tooltip.includes(`API ${apiUrl}`), tray.tooltip);
    assert.ok(tray.labels.includes('Copy API URL'), tray.labels.join(' | '));
    assert.ok(tray.labels.includes(`Open in browser (${apiUrl.replace('http://', '')})`), tray.labels.join(' | '));
  });

  test('the CLI reads the desktop app over the same API', async () => {
    const info: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    const sent = await sendAgentTrace(info.otlpHttpEndpoint, 'protobuf', { serviceName: 'desktop-cli' });
    const listed = await runCliAsync(['traces', '--url', info.apiUrl!, '--service', 'desktop-cli']);
    assert.equal(listed.status, 0, listed.stderr);
    assert.ok(listed.stdout.includes(sent.traceId), listed.stdout);
  });
});

/**
 * The desktop app end to end on the real Electron binary: window over app:// with the CSP header,
 * no Node in the page, exactly the contract on window.flowtrace, IPC argument checks, the tray,
 * live ingest from a real OTLP exporter, denied popups and navigation, close-to-tray and Quit.
 * Needs `npx electron-vite build` first and, on Linux, a display (xvfb-run). Where no Electron
 * binary is installed the whole suite is skipped and says so in one line; it never fakes Electron.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { BrowserWindow } from 'electron';
import { API_EVENTS, API_METHODS, type EngineInfo, type FlowtraceApi, type IngestTick, type Stats } from '../src-shared/contract';
import { CONTENT_SECURITY_POLICY } from '../src-main/electron/app-url';
import { settingsErrorInMessage } from '../src-shared/settings';
import type { AppTray } from '../src-main/electron/tray';
import type { Alert } from '../src-main/electron/alerts';
import { REPO_ROOT, builtBinaryName, electronAbi, electronBuildDir, findElectron, nativeModules } from '../native/electron.mjs';
import { sendAgentTrace } from '../test/support/otel';
import { spanRow, traceRow } from './support/browser';

const electron = findElectron();
const skip = electron.found ? false : `no Electron binary on this machine (${electron.reason})`;
if (skip) console.log(`SKIPPED Electron e2e: ${skip}`);

const UI_TIMEOUT_MS = 20_000;

/** Polls `probe` until `ok` accepts its value (bounded), for state that settles asynchronously in main. */
async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = UI_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

const spansInTooltip = (tooltip: string): number => Number(/([\d,]+) spans/.exec(tooltip)?.[1]?.replace(/,/g, '') ?? NaN);

/** What main exposes when FLOWTRACE_E2E=1 (see src-main/electron/main.ts). */
interface E2eGlobal {
  __flowtraceE2E: { tray(): AppTray | null; window(): BrowserWindow | null; notifications(): Alert[] };
}

/** The page's globals this test touches; typed here because this project compiles without DOM types. */
interface PageGlobal {
  flowtrace: FlowtraceApi;
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
  location: { assign(url: string): void };
  __ticks: { argCount: number; tick: IngestTick }[];
}

describe('Electron desktop shell', { skip, timeout: 300_000 }, () => {
  let app: ElectronApplication;
  let page: Page;
  let tmp: string;
  const pageErrors: string[] = [];
  let mainOutput = '';
  /** The trace the OTLP test sends; the trace-page test opens it. */
  let sentTraceId = '';
  let sentToolSpanId = '';
  /** The environment the app was launched with; a second launch needs the same user data dir. */
  let launchEnv: Record<string, string> = {};
  const sandboxArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

  before(async () => {
    if (!electron.found) return;
    assert.ok(
      existsSync(join(REPO_ROOT, 'out/main/electron.js')) && existsSync(join(REPO_ROOT, 'out/renderer/index.html')),
      'no build in out/: run `npx electron-vite build` before the Electron e2e test',
    );
    const nativeDir = electronBuildDir(electronAbi(electron));
    if (nativeModules().some((m) => !existsSync(join(nativeDir, builtBinaryName(m))))) {
      const rebuild = spawnSync(process.execPath, [join(REPO_ROOT, 'native/rebuild-electron.mjs')], { stdio: 'inherit' });
      assert.equal(rebuild.status, 0, 'native/rebuild-electron.mjs failed');
    }
    tmp = mkdtempSync(join(tmpdir(), 'flowtrace-electron-e2e-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE' && key !== 'ELECTRON_RENDERER_URL') env[key] = value;
    }
    launchEnv = {
      ...env,
      FLOWTRACE_E2E: '1',
      FLOWTRACE_DATA_DIR: join(tmp, 'data'),
      FLOWTRACE_USER_DATA_DIR: join(tmp, 'user-data'),
      FLOWTRACE_OTLP_HTTP_PORT: '0',
      FLOWTRACE_OTLP_GRPC_PORT: '0',
    };
    app = await _electron.launch({
      executablePath: electron.path,
      // Chromium refuses to start as root without --no-sandbox (containers, CI). That switch drops
      // the OS-level sandbox only; the renderer still runs with sandbox: true semantics (no Node).
      args: [...sandboxArgs, REPO_ROOT],
      cwd: REPO_ROOT,
      env: launchEnv,
      timeout: 60_000,
    });
    app.process().stdout?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    app.process().stderr?.on('data', (d: Buffer) => (mainOutput += d.toString()));
    page = await app.firstWindow({ timeout: 60_000 });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.waitForLoadState('domcontentloaded');
  });

  after(async () => {
    if (!electron.found) return;
    if (app && app.process().exitCode === null && app.process().signalCode === null) await app.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the window shows the Flowtrace UI from app:// with the CSP header', async () => {
    assert.match(page.url(), /^app:\/\/flowtrace\//);
    await page.getByText(/flowtrace/i).first().waitFor();
    const served = await page.evaluate(async () => {
      const res = await fetch('app://flowtrace/index.html');
      return { status: res.status, csp: res.headers.get('content-security-policy') };
    });
    assert.deepEqual(served, { status: 200, csp: CONTENT_SECURITY_POLICY });
    // `..%2f` survives URL canonicalization and only becomes `../` when decoded: must be refused.
    const traversal = await page.evaluate(async () => (await fetch('app://flowtrace/..%2f..%2fpackage.json')).status);
    assert.ok(traversal === 403 || traversal === 404, `path traversal answered ${traversal}`);
    assert.deepEqual(pageErrors, []);
  });

  test('the page has no Node and window.flowtrace is exactly the contract', async () => {
    const surface = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobal;
      return { require: typeof g.require, process: typeof g.process, keys: Object.keys(g.flowtrace).sort() };
    });
    assert.equal(surface.require, 'undefined');
    assert.equal(surface.process, 'undefined');
    assert.deepEqual(surface.keys, [...API_METHODS, ...API_EVENTS].sort());
  });

  test('IPC refuses bad arguments and extra arguments', async () => {
    const errors = await page.evaluate(async () => {
      const api = (globalThis as unknown as PageGlobal).flowtrace as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const outcomes: string[] = [];
      for (const [name, args] of [
        ['getTrace', ['not-a-trace-id']],
        ['listTraces', [{ limit: 10, sql: 'DROP TABLE spans' }]],
        ['getStats', [1]],
        ['getTrace', ['0af7651916cd43dd8448eb211c80319c', 'extra']],
      ] as const) {
        outcomes.push(await api[name]!(...args).then(() => `${name}: resolved`, (e: Error) => `${name}: ${e.message}`));
      }
      return outcomes;
    });
    for (const outcome of errors) assert.match(outcome, /ArgumentError/, outcome);
  });

  test('the tray exists, with a span counter and the menu', async () => {
    const tray = await app.evaluate(() => {
      const t = (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray();
      return t && { destroyed: t.tray.isDestroyed(), tooltip: t.tooltip(), labels: t.menu().items.map((i) => i.label) };
    });
    assert.ok(tray && !tray.destroyed, 'no tray');
    assert.match(tray.tooltip, /^Flowtrace: \d[\d,]* spans/);
    for (const label of ['Open Flowtrace', 'Pause ingest', 'Copy OTLP endpoint', 'Quit Flowtrace']) {
      assert.ok(tray.labels.includes(label), `tray menu lacks "${label}": ${tray.labels.join(' | ')}`);
    }
  });

  test('a trace sent over OTLP shows in the list, ticks reach the page, the tray counts it', async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobal;
      g.__ticks = [];
      g.flowtrace.onIngest((...args: unknown[]) => g.__ticks.push({ argCount: args.length, tick: args[0] as IngestTick }));
    });
    const info: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    assert.match(info.otlpHttpEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const sent = await sendAgentTrace(info.otlpHttpEndpoint, 'protobuf');
    sentTraceId = sent.traceId;
    sentToolSpanId = sent.spans.find((s) => s.name === 'execute_tool search_hotels')!.spanContext().spanId;

    await traceRow(page, sent.traceId).waitFor();
    const page1 = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.listTraces({}));
    assert.ok(page1.traces.some((t) => t.traceId === sent.traceId));

    await page.waitForFunction(
      (id) => (globalThis as unknown as PageGlobal).__ticks.some((t) => t.tick.traceIds.includes(id)),
      sent.traceId,
    );
    const ticks = await page.evaluate(() => (globalThis as unknown as PageGlobal).__ticks);
    // The listener gets the payload alone: the IpcRendererEvent (and its sender) never reaches the page.
    assert.ok(ticks.every((t) => t.argCount === 1));

    await eventually(
      () => app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.tooltip() ?? ''),
      (tooltip) => spansInTooltip(tooltip) >= sent.spanIds.length,
      'tray tooltip span count',
    );
    // The day's counts follow within seconds: the run failed its tool call.
    await eventually(
      () => app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.tooltip() ?? ''),
      (tooltip) => /\nToday: [1-9][\d,]* traces?, [1-9][\d,]* failed\n/.test(tooltip),
      "tray tooltip: today's traces and failures",
      15_000,
    );
  });

  test('the trace page works over IPC: graph, timeline, a failing tool span\'s detail, OTLP export', async () => {
    await traceRow(page, sentTraceId).click();
    await page.getByTestId('trace-view').waitFor();
    await page.locator(`[data-testid="graph-node"][data-span-id="${sentToolSpanId}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('timeline-canvas').waitFor();
    await spanRow(page, sentToolSpanId).click();
    await page.locator(`[data-testid="span-detail"][data-span-id="${sentToolSpanId}"]`).waitFor();
    assert.match((await page.getByTestId('span-error').textContent()) ?? '', /hotel API timed out/);
    const exported = await page.evaluate((id) => (globalThis as unknown as PageGlobal).flowtrace.exportTraceOtlp(id), sentTraceId);
    const body = JSON.parse(exported ?? 'null') as { resourceSpans?: unknown[] } | null;
    assert.ok(body && Array.isArray(body.resourceSpans) && body.resourceSpans.length > 0, 'export over IPC returns OTLP/JSON');
    await page.getByTestId('back-link').click();
  });

  test('Pause ingest in the tray pauses the engine', async () => {
    const stats = (): Promise<Stats> => page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getStats());
    const clickPause = (): Promise<void> =>
      app.evaluate(() => {
        const t = (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray();
        t?.menu().items.find((i) => i.label === 'Pause ingest')?.click();
      });
    await clickPause();
    assert.equal((await stats()).ingestPaused, true);
    await clickPause();
    assert.equal((await stats()).ingestPaused, false);
  });

  test('window.open and navigation away from the app are denied', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobal).open('https://example.com/') === null);
    assert.equal(opened, true);
    assert.equal(app.windows().length, 1);
    await page.evaluate(() => (globalThis as unknown as PageGlobal).location.assign('https://example.com/'));
    // A negative check needs a bound: a navigation that was allowed commits well within it.
    await assert.rejects(page.waitForURL(/example\.com/, { timeout: 2_000 }));
    assert.match(page.url(), /^app:\/\/flowtrace\//);
  });

  test('settings over IPC: a change is saved, a wrong value is refused naming its field', async () => {
    const view = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.updateSettings({ dailyBudgetUsd: 3 }));
    assert.equal(view.settings.dailyBudgetUsd, 3);
    const refused = await page.evaluate(() =>
      (globalThis as unknown as PageGlobal).flowtrace.updateSettings({ retentionGb: 0 }).then(
        () => 'saved',
        (e: Error) => e.message,
      ),
    );
    // IPC hands the page only the message; the renderer's api reads the fields back out of it.
    assert.match(settingsErrorInMessage(refused)?.fields.retentionGb ?? refused, /GB is a number above 0/);
  });

  test('prices over IPC: a list is saved and waits for a restart, a wrong price is refused naming its model', async () => {
    const view = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.updatePrices({ 'my-model': { input: 1, output: 2 } }));
    assert.deepEqual([view.yours['my-model']?.output, view.restartNeeded], [2, true]);
    const refused = await page.evaluate(() =>
      (globalThis as unknown as PageGlobal).flowtrace.updatePrices({ 'my-model': { input: -1, output: 2 } }).then(
        () => 'saved',
        (e: Error) => e.message,
      ),
    );
    assert.match(settingsErrorInMessage(refused)?.fields['my-model'] ?? refused, /input must be a number/);
    assert.deepEqual((await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.resetPrices())).yours, {});
  });

  test('the memory runs in a utilityProcess of the app (the runAsNode fuse can stay off) and becomes ready', async () => {
    const utilities = await app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().filter((m) => m.type === 'Utility').map((m) => m.serviceName ?? ''));
    assert.ok(utilities.includes('Flowtrace memory'), `utility processes: ${utilities.join(', ')}`);
    const status = await eventually(
      () => page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getMemoryStatus()),
      (s) => s.embedder !== null && s.lastError === null,
      'the memory ready, with its embedder',
      60_000,
    );
    assert.equal(status.enabled, true);
  });

  test('a burst of agent errors raises a notification', async () => {
    const info: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    // Each run fails its tool call: 30 failed spans of 120, well over the burst's share.
    for (let i = 0; i < 30; i++) await sendAgentTrace(info.otlpHttpEndpoint, 'protobuf');
    // The alert loop looks every 30 s.
    await eventually(
      () => app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.notifications().map((a) => a.kind)),
      (kinds) => kinds.includes('errorBurst'),
      'an error-burst notification',
      45_000,
    );
  });

  test('a second launch with a flowtrace:// link opens that trace in the running window and exits', async () => {
    assert.ok(electron.found);
    const second = spawnSync(electron.path, [...sandboxArgs, REPO_ROOT, `flowtrace://trace/${sentTraceId}`], { cwd: REPO_ROOT, env: launchEnv, timeout: 60_000 });
    assert.equal(second.status, 0, `the second instance should leave at once: ${second.stderr?.toString() ?? ''}`);
    await page.waitForURL((url) => url.hash === `#/traces/${sentTraceId}`);
    assert.equal(app.windows().length, 1);
  });

  test('closing the window hides it to the tray; Quit in the tray closes the engine and exits', async () => {
    const visible = (): Promise<{ visible: boolean; destroyed: boolean } | null> =>
      app.evaluate(() => {
        const w = (globalThis as unknown as E2eGlobal).__flowtraceE2E.window();
        return w && { visible: w.isVisible(), destroyed: w.isDestroyed() };
      });
    await app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.window()?.close());
    await eventually(visible, (v) => v !== null && !v.visible && !v.destroyed, 'window after close');
    assert.ok(existsSync(join(tmp, 'user-data', 'window-state.json')), 'the window remembers its place');
    // Closed to the tray, Flowtrace keeps receiving: a trace sent now is counted by the tray.
    const before = spansInTooltip(await app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.tooltip() ?? ''));
    const hiddenInfo: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    const whileHidden = await sendAgentTrace(hiddenInfo.otlpHttpEndpoint, 'protobuf');
    await eventually(
      () => app.evaluate(() => (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.tooltip() ?? ''),
      (tooltip) => spansInTooltip(tooltip) >= before + whileHidden.spanIds.length,
      'tray count while the window is closed',
    );
    await app.evaluate(() => {
      (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.menu().items.find((i) => i.label === 'Open Flowtrace')?.click();
    });
    await eventually(visible, (v) => v !== null && v.visible && !v.destroyed, 'window after Open');

    const info: EngineInfo = await page.evaluate(() => (globalThis as unknown as PageGlobal).flowtrace.getInfo());
    const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
    // Clicked on the next tick so this evaluate returns before the process goes away.
    await app.evaluate(() => {
      const quit = (globalThis as unknown as E2eGlobal).__flowtraceE2E.tray()?.menu().items.find((i) => i.label === 'Quit Flowtrace');
      setTimeout(() => quit?.click(), 0);
    });
    assert.equal(await exited, 0, mainOutput);
    await assert.rejects(fetch(`${info.otlpHttpEndpoint}/v1/traces`, { method: 'POST' }), 'OTLP port still answering after Quit');
  });
});

/**
 * Electron entry (out/main/electron.js): one instance per user, the engine in this process, the
 * renderer over app://, a tray that keeps the app alive when the window closes. Like `serve`, it
 * also serves the REST API, WebSocket and UI on loopback (9600, or the next free port), so the
 * CLI, scripts and agents reach whichever Flowtrace runs; both shells use one data directory
 * (defaultDataDir). Quitting always goes through quit(), which closes the API server and then the
 * engine (receivers, pending commits, store) before exit.
 * This folder is the only code in src-main that imports electron.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Unsubscribe } from '../../src-shared/contract';
import { startEngine } from '../engine';
import type { Engine } from '../engine/engine-types';
import { startApiOnFirstFreePort, withApiUrl, type ApiListener } from '../headless/api-listen';
import { DESKTOP_API_PORTS } from '../headless/api-port';
import { defaultDataDir } from '../headless/data-dir';
import { createOriginPolicy, isAppUrl } from './app-url';
import { registerIpc } from './ipc';
import { adoptLegacyDataDir } from './legacy-data-dir';
import { betterSqliteBinding } from './native-binding';
import { LOCAL_MODEL } from '../engine/memory/model-dir';
import { registerAppScheme, serveRenderer } from './protocol';
import { createTray, type AppTray } from './tray';
import { readSettingsFile } from '../engine/settings/settings-file';
import { retentionOf } from '../engine/store/retention';
import type { EmbedderSetting, SettingKey } from '../../src-shared/settings';
import type { MemoryOptions } from '../engine/engine-types';
import { utilityProcessMemoryChild } from './memory-utility-process';
import { createMainWindow, hardenContents, restrictPermissions, revealWindow } from './window';
import { startAlertLoop } from './alert-loop';
import type { Alert } from './alerts';
import { deepLinkHash, deepLinkInArgs } from './deep-link';
import { applyLoginItem, initialBounds, openRoute, registerDeepLinks, rememberBounds, showAlert } from './desktop-integration';

const ENGINE_CLOSE_TIMEOUT_MS = 15_000;
const isE2e = process.env.FLOWTRACE_E2E === '1';

const log = (line: string): void => console.error(line);

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be 0..65535, got "${raw}"`);
  }
  return port;
}

// The single-instance lock lives in userData, so a test (or a second profile) needs its own.
if (process.env.FLOWTRACE_USER_DATA_DIR) app.setPath('userData', process.env.FLOWTRACE_USER_DATA_DIR);

registerAppScheme();

// The dev server URL is trusted only in an unpackaged app: a packaged one never loads http.
const policy = createOriginPolicy(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);

let engine: Engine | null = null;
let apiServer: ApiListener | null = null;
let win: BrowserWindow | null = null;
let tray: AppTray | null = null;
/** start(), once begun; quit() waits for it so an early Ctrl+C cannot exit with the engine half-open. */
let startup: Promise<void> | null = null;
const teardown: Unsubscribe[] = [];
/** A deep link that arrived before the window could show it (the first launch's, or macOS's early open-url). */
let pendingRoute: string | null = deepLinkInArgs(process.argv);
const TRAY_NOTE_FILE = 'tray-note-shown';

/** The first time the window closes to the tray, say that Flowtrace keeps receiving there; once ever. */
function sayOnceThatTrayKeepsIngesting(): void {
  const marker = join(app.getPath('userData'), TRAY_NOTE_FILE);
  if (isE2e || existsSync(marker)) return;
  showAlert({ title: 'Flowtrace is still running', body: 'It keeps receiving traces in the tray. Quit from the tray icon.' });
  try {
    writeFileSync(marker, new Date().toISOString());
  } catch {
    // Saying it again next time is the only cost.
  }
}
/** Set once quit() starts: the window's close is then real, not a hide. */
let quitting = false;
/** Set once the engine is closed: only then may before-quit proceed. */
let readyToExit = false;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function quit(exitCode = 0): Promise<void> {
  if (quitting) return;
  quitting = true;
  try {
    if (startup) await withTimeout(startup.catch(() => undefined), ENGINE_CLOSE_TIMEOUT_MS, 'starting up');
  } catch (error) {
    log(`flowtrace: ${String(error)}`);
  }
  for (const undo of teardown.splice(0)) undo();
  await apiServer?.close();
  if (engine) {
    try {
      await withTimeout(engine.close(), ENGINE_CLOSE_TIMEOUT_MS, 'closing the engine');
    } catch (error) {
      // Acknowledged data is already committed; a stuck close must not keep the app alive forever.
      log(`flowtrace: ${String(error)}`);
      exitCode ||= 1;
    }
  }
  tray?.destroy();
  readyToExit = true;
  if (exitCode === 0) app.quit();
  else app.exit(exitCode);
}

/** The memory as the settings page chose it: the shipped model, an OpenAI-compatible server, or off. */
function memoryOf(embedder: EmbedderSetting, appRoot: string): MemoryOptions | false {
  if (embedder.kind === 'off') return false;
  // onnxruntime opens the model file itself, outside Electron's asar reading: installers unpack it.
  const launch = utilityProcessMemoryChild;
  if (embedder.kind === 'local') return { launch, embedder: { kind: 'local', modelDir: join(appRoot.replace(/\.asar$/, '.asar.unpacked'), 'resources', 'embedder', LOCAL_MODEL) } };
  const apiKey = process.env.FLOWTRACE_EMBEDDER_API_KEY;
  return { launch, embedder: { kind: 'openai', baseUrl: embedder.url, model: embedder.model, ...(apiKey ? { apiKey } : {}) } };
}

async function start(): Promise<void> {
  restrictPermissions(policy);
  const appRoot = app.getAppPath();
  // The same directory as the CLI's; FLOWTRACE_DATA_DIR wins (README "Your data").
  const dataDir = process.env.FLOWTRACE_DATA_DIR
    ? defaultDataDir()
    : adoptLegacyDataDir(join(app.getPath('userData'), 'data'), defaultDataDir(), log);
  // The settings page's saved values, unless the environment sets one for this run.
  const { settings: saved, token } = readSettingsFile(dataDir);
  const overridden: SettingKey[] = [];
  if (process.env.FLOWTRACE_OTLP_HTTP_PORT) overridden.push('otlpHttpPort');
  if (process.env.FLOWTRACE_OTLP_GRPC_PORT) overridden.push('otlpGrpcPort');
  engine = await startEngine({
    dataDir,
    otlpHttpPort: portFromEnv('FLOWTRACE_OTLP_HTTP_PORT', saved.otlpHttpPort),
    otlpGrpcPort: portFromEnv('FLOWTRACE_OTLP_GRPC_PORT', saved.otlpGrpcPort),
    durability: saved.durability,
    retention: retentionOf(saved),
    settingsOverridden: overridden,
    nativeBinding: betterSqliteBinding(appRoot, log),
    memory: memoryOf(saved.embedder, appRoot),
    host: saved.otlpHost,
    ...(token ? { otlpToken: token } : {}),
    log,
  });
  const started = engine;
  log(`flowtrace: OTLP/HTTP on ${started.info.otlpHttpEndpoint}, OTLP/gRPC on ${started.info.otlpGrpcEndpoint ?? 'off'}, data in ${started.info.dataDir}`);

  const rendererDir = join(appRoot, 'out', 'renderer');
  try {
    const explicit = process.env.FLOWTRACE_API_PORT;
    apiServer = await startApiOnFirstFreePort(
      {
        api: started,
        host: '127.0.0.1',
        rendererDir,
        health: () => ({ ingestPaused: started.isIngestPaused(), otlpHttpEndpoint: started.info.otlpHttpEndpoint }),
      },
      explicit ? [portFromEnv('FLOWTRACE_API_PORT', DESKTOP_API_PORTS[0]!)] : DESKTOP_API_PORTS,
    );
    log(`flowtrace: UI + REST on ${apiServer.url}`);
  } catch (error) {
    // The window works without it (IPC); the tray and getInfo say the API is off.
    log(`flowtrace: REST API not started: ${error instanceof Error ? error.message : String(error)}`);
  }
  const eng = withApiUrl(started, () => apiServer?.url);

  if (isAppUrl(policy.entryUrl)) await serveRenderer(rendererDir);
  teardown.push(registerIpc({ engine: eng, policy, window: () => win, log }));

  const resourcesDir = join(appRoot, 'resources');
  tray = createTray({
    resourcesDir,
    engine: eng,
    apiUrl: apiServer?.url ?? null,
    onOpen: () => revealWindow(win),
    onQuit: () => void quit(),
  });
  tray.setSpanCount((await eng.getStats()).spans);
  teardown.push(eng.onIngest((tick) => tray?.setSpanCount(tick.spans)));

  const windowStatePath = join(app.getPath('userData'), 'window-state.json');
  win = createMainWindow({
    preload: join(appRoot, 'out', 'preload', 'index.cjs'),
    policy,
    icon: join(resourcesDir, 'icon.png'),
    bounds: initialBounds(windowStatePath),
  });
  rememberBounds(win, windowStatePath);
  win.on('close', (event) => {
    if (quitting) return;
    // Close-to-tray: ingest keeps running; the tray's Quit is the way out.
    event.preventDefault();
    win?.hide();
    sayOnceThatTrayKeepsIngesting();
  });
  win.webContents.once('did-finish-load', () => {
    if (pendingRoute) openRoute(win, pendingRoute);
    pendingRoute = null;
  });

  // Notifications, launch at login: from the settings, now and whenever they are saved.
  const shown: Alert[] = [];
  teardown.push(startAlertLoop(eng, (alert) => (isE2e ? shown.push(alert) : showAlert(alert)), log));
  if (!isE2e) {
    applyLoginItem((await eng.getSettings()).settings);
    teardown.push(eng.onSettingsChanged((view) => applyLoginItem(view.settings)));
    registerDeepLinks();
  }
  win.on('closed', () => {
    win = null;
  });

  if (isE2e) {
    // Read by e2e/electron.test.ts via electronApp.evaluate; never set outside that test.
    Object.assign(globalThis, { __flowtraceE2E: { tray: () => tray, window: () => win, apiUrl: () => apiServer?.url ?? null, notifications: () => shown } });
  }
}

async function failToStart(error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  log(`flowtrace: could not start: ${error instanceof Error ? (error.stack ?? message) : message}`);
  // A modal box would hang an automated run; the log line above is what tests read.
  if (!isE2e) dialog.showErrorBox('Flowtrace could not start', message);
  await quit(1);
}

if (!app.requestSingleInstanceLock()) {
  // The running instance gets 'second-instance' and shows its window; this one just leaves.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const hash = deepLinkInArgs(argv);
    if (hash) openRoute(win, hash);
    else revealWindow(win);
  });
  // macOS hands links over by event, possibly before the window exists.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const hash = deepLinkHash(url);
    if (!hash) return;
    if (win && !win.webContents.isLoading()) openRoute(win, hash);
    else pendingRoute = hash;
  });
  app.on('activate', () => revealWindow(win));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, policy, log));
  app.on('window-all-closed', () => {
    // A tray app: closing every window is not a reason to quit.
  });
  app.on('before-quit', (event) => {
    if (readyToExit) return;
    event.preventDefault();
    void quit();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void quit());
  startup = app.whenReady().then(start);
  startup.catch(failToStart);
}

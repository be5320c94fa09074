/**
 * The main window and the rules every web page in the app lives under: sandboxed, context-isolated
 * renderer without Node; no new windows, no navigation off the trusted origin, no webviews, no
 * permission but clipboard writes from our own page. Rules are attached to every WebContents as it
 * is created, not just to our window, so a page that somehow spawns one does not escape them.
 */
import { app, BrowserWindow, session, type WebContents } from 'electron';
import type { OriginPolicy } from './app-url';
import type { Bounds } from './window-state';

export function hardenContents(contents: WebContents, policy: OriginPolicy, log: (line: string) => void): void {
  // Never open a second window, not even for "external" links: the page's content is attacker-
  // influenced telemetry, and shell.openExternal on it is its own hole (checklist item 15).
  contents.setWindowOpenHandler(({ url }) => {
    log(`flowtrace: window.open(${JSON.stringify(url)}) denied`);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!policy.isTrusted(url)) {
      event.preventDefault();
      log(`flowtrace: navigation to ${JSON.stringify(url)} blocked`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Permissions our own page may use: copying ids and endpoints to the clipboard, nothing else. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Electron grants every permission (camera, notifications, …) unless told otherwise. */
export function restrictPermissions(policy: OriginPolicy): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && policy.isTrusted(details.requestingUrl));
  });
  session.defaultSession.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && policy.isTrusted(requestingOrigin),
  );
}

export interface MainWindowOptions {
  preload: string;
  policy: OriginPolicy;
  /** Window icon for Linux and Windows; macOS takes the bundle's. */
  icon: string;
  /** Where it was last time (window-state.ts); the default size otherwise. */
  bounds?: Partial<Bounds> & { width: number; height: number; maximized: boolean };
}

export function createMainWindow({ preload, policy, icon, bounds }: MainWindowOptions): BrowserWindow {
  const { maximized = false, ...place } = bounds ?? { width: 1280, height: 820 };
  const win = new BrowserWindow({
    ...place,
    minWidth: 720,
    minHeight: 480,
    title: 'Flowtrace',
    show: false,
    backgroundColor: '#14132b',
    autoHideMenuBar: true,
    ...(process.platform === 'darwin' ? {} : { icon }),
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => {
    if (maximized) win.maximize();
    win.show();
  });
  void win.loadURL(policy.entryUrl).catch((error: unknown) => {
    // A failed first load must not leave an invisible window behind a tray icon.
    console.error(`flowtrace: could not load ${policy.entryUrl}: ${String(error)}`);
    win.show();
  });
  return win;
}

/** Brings the window back from the tray (or from behind other windows). */
export function revealWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  if (process.platform === 'darwin') void app.dock?.show();
}

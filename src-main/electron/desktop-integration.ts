/**
 * The desktop app's ties to the OS beyond the window and tray: the window's place remembered,
 * launch at login following the setting, `flowtrace://` links opening a run, and notifications.
 */
import { app, Notification, screen, type BrowserWindow } from 'electron';
import type { Settings } from '../../src-shared/settings';
import type { Alert } from './alerts';
import { DEEP_LINK_SCHEME } from './deep-link';
import { restoredBounds, readWindowState, writeWindowState } from './window-state';
import { revealWindow } from './window';

const SAVE_DELAY_MS = 500;

/** Where the main window opens: where it was, if a screen still shows that place. */
export function initialBounds(statePath: string): ReturnType<typeof restoredBounds> {
  return restoredBounds(readWindowState(statePath), screen.getAllDisplays().map((d) => d.workArea));
}

/** Saves the window's place shortly after it moves or resizes, and when it closes. */
export function rememberBounds(win: BrowserWindow, statePath: string): void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    // Maximized: keep the normal bounds, so un-maximizing next time lands where it was.
    writeWindowState(statePath, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', save);
}

export function applyLoginItem(settings: Settings): void {
  if (app.getLoginItemSettings().openAtLogin !== settings.launchAtLogin) app.setLoginItemSettings({ openAtLogin: settings.launchAtLogin });
}

/** Makes flowtrace:// links open this app (packaged builds register it with the OS at install too). */
export function registerDeepLinks(): void {
  if (!app.isDefaultProtocolClient(DEEP_LINK_SCHEME)) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
}

/** Shows the run a deep link names: the window comes forward and its route changes. */
export function openRoute(win: BrowserWindow | null, hash: string): void {
  if (!win || win.isDestroyed()) return;
  revealWindow(win);
  // The hash comes from deepLinkHash: checked hex ids or an encoded session id, never raw input.
  void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`).catch(() => {});
}

export function showAlert(alert: Pick<Alert, 'title' | 'body'>): void {
  if (Notification.isSupported()) new Notification({ title: alert.title, body: alert.body }).show();
}

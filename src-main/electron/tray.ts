/**
 * The tray icon: where the app lives while its window is closed. Tooltip shows the live span count
 * (driven by the engine's coalesced ingest ticks, never by polling), the day's traces and failures
 * (one indexed count, read every few seconds while spans arrive) and where the REST API is; the
 * menu opens the window, opens the UI in a browser, pauses ingest, copies the OTLP endpoint and the
 * API URL, and quits. The menu is rebuilt, not mutated, when its
 * state changes, because Linux trays do not pick up mutations of an installed menu.
 */
import { clipboard, Menu, nativeImage, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { Engine } from '../engine/engine-types';
import { localMidnightNs, SpanRate, trayTooltip, type TrayStatus } from './tray-status';

/** How often the day's counts are read again while spans arrive. */
const TODAY_EVERY_MS = 5_000;

export interface TrayOptions {
  resourcesDir: string;
  engine: Engine;
  /** Where the REST API, WebSocket and UI are served (http://127.0.0.1:9600…); null when it could not start. */
  apiUrl: string | null;
  onOpen: () => void;
  onQuit: () => void;
}

export interface AppTray {
  readonly tray: Tray;
  /** The installed menu and tooltip, as the user sees them (read by the e2e test). */
  menu(): Menu;
  tooltip(): string;
  setSpanCount(spans: number): void;
  destroy(): void;
}


export function createTray({ resourcesDir, engine, apiUrl, onOpen, onQuit }: TrayOptions): AppTray {
  // macOS tints "…Template" images for light/dark menu bars; other trays show colours as drawn.
  // nativeImage picks the @2x file next to each for high-DPI screens.
  const icon = nativeImage.createFromPath(
    join(resourcesDir, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
  );
  const tray = new Tray(icon);
  let spans = 0;
  let tooltip = '';
  let menu = Menu.buildFromTemplate([]);

  const rate = new SpanRate();
  let spansPerSecond: number | null = null;
  let today: TrayStatus['today'] = null;
  const updateTooltip = (): void => {
    tooltip = trayTooltip({ spans, spansPerSecond, paused: engine.isIngestPaused(), receivers: engine.info.receivers, apiUrl, today });
    tray.setToolTip(tooltip);
  };

  // Read at start, then at most every TODAY_EVERY_MS while spans arrive (and at the first tick after
  // midnight): a quiet app reads nothing.
  let todayReadAt = 0;
  let reading = false;
  let destroyed = false;
  const readToday = (): void => {
    const now = Date.now();
    if (reading || now - todayReadAt < TODAY_EVERY_MS) return;
    reading = true;
    todayReadAt = now;
    engine.countTracesSince(localMidnightNs(now)).then(
      (counts) => {
        reading = false;
        if (destroyed) return;
        today = counts;
        updateTooltip();
      },
      () => {
        reading = false; // the store is closing; the next tick tries again
      },
    );
  };

  // Rebuilt only when the pause state changes, not on every tick: replacing an open menu closes it.
  // The URL is our own loopback server's, never page content, so opening it externally is safe.
  const apiItems: MenuItemConstructorOptions[] = apiUrl
    ? [
        { label: `Open in browser (${apiUrl.replace(/^http:\/\//, '')})`, click: () => void shell.openExternal(apiUrl) },
        { label: 'Copy API URL', toolTip: apiUrl, click: () => clipboard.writeText(apiUrl) },
      ]
    : [{ label: 'REST API off (see the log)', enabled: false }];

  const buildMenu = (): void => {
    const paused = engine.isIngestPaused();
    menu = Menu.buildFromTemplate([
      { label: 'Open Flowtrace', click: onOpen },
      ...apiItems,
      { type: 'separator' },
      {
        label: 'Pause ingest',
        type: 'checkbox',
        checked: paused,
        click: (item) => {
          engine.setIngestPaused(item.checked);
          buildMenu();
          updateTooltip();
        },
      },
      {
        label: 'Copy OTLP endpoint',
        toolTip: engine.info.otlpHttpEndpoint,
        click: () => clipboard.writeText(engine.info.otlpHttpEndpoint),
      },
      { label: 'Open data folder', toolTip: engine.info.dataDir, click: () => void shell.openPath(engine.info.dataDir) },
      { type: 'separator' },
      { label: 'Quit Flowtrace', click: onQuit },
    ]);
    tray.setContextMenu(menu);
  };

  // Windows and Linux users expect a left click on the icon to bring the window back.
  tray.on('click', onOpen);
  buildMenu();
  updateTooltip();
  readToday();

  return {
    tray,
    menu: () => menu,
    tooltip: () => tooltip,
    setSpanCount(count) {
      spansPerSecond = rate.add(count, Date.now());
      spans = count;
      updateTooltip();
      readToday();
    },
    destroy: () => {
      destroyed = true;
      tray.destroy();
    },
  };
}

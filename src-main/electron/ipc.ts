/**
 * The Electron transport of the contract: one `ipcMain.handle` per verb in API_METHODS, all served
 * from a single handler map checked `satisfies IpcHandlers` (the outline goes as bytes), and the engine's ingest ticks pushed to
 * the window. Every call is refused unless it comes from the main frame of our window showing a
 * trusted URL (CVE-2022-29247: IPC reachable from subframes), and its arguments parse.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, channelOf, type ApiMethod, type IpcHandlers, type Unsubscribe } from '../../src-shared/contract';
import { encodeTraceOutline } from '../../src-shared/trace-outline-binary';
import { SettingsError, settingsErrorAsMessage } from '../../src-shared/settings';
import type { Engine } from '../engine/engine-types';
import type { OriginPolicy } from './app-url';
import { ARG_PARSERS } from './ipc-args';

export class UntrustedSenderError extends Error {
  override name = 'UntrustedSenderError';
}

/** Why `event` may not call us, or null when it may. */
export function senderProblem(
  event: IpcMainInvokeEvent,
  win: BrowserWindow | null,
  policy: OriginPolicy,
): string | null {
  if (!win || win.isDestroyed()) return 'no main window';
  if (event.sender !== win.webContents) return 'sender is not the main window';
  const frame = event.senderFrame;
  if (!frame) return 'sender frame is gone (navigated or destroyed)';
  const main = win.webContents.mainFrame;
  // Compared by ids, not object identity: a WebFrameMain wrapper can be recreated for the same frame.
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) {
    return 'sender is a subframe';
  }
  if (!policy.isTrusted(frame.url)) return `sender frame shows an untrusted URL (${frame.url})`;
  return null;
}

export interface IpcOptions {
  engine: Engine;
  policy: OriginPolicy;
  window: () => BrowserWindow | null;
  log: (line: string) => void;
}

/** Registers the handlers and the tick forwarding; returns a function undoing both. */
export function registerIpc({ engine, policy, window, log }: IpcOptions): Unsubscribe {
  const handlers = {
    listTraces: (query) => engine.listTraces(query),
    getTrace: (traceId) => engine.getTrace(traceId),
    getTraceAudit: (traceId) => engine.getTraceAudit(traceId),
    getTraceOutline: async (traceId) => {
      const outline = await engine.getTraceOutline(traceId);
      return outline && encodeTraceOutline(outline);
    },
    getSpan: (traceId, spanId) => engine.getSpan(traceId, spanId),
    listSessions: (query) => engine.listSessions(query),
    getSession: (sessionId) => engine.getSession(sessionId),
    getAgentGraph: (traceId, options) => engine.getAgentGraph(traceId, options),
    getStats: () => engine.getStats(),
    getInfo: () => engine.getInfo(),
    listLogs: (query) => engine.listLogs(query),
    listMetricPoints: (query) => engine.listMetricPoints(query),
    listMetricNames: () => engine.listMetricNames(),
    exportTraceOtlp: (traceId) => engine.exportTraceOtlp(traceId),
    search: (query) => engine.search(query),
    listMemoryCollections: () => engine.listMemoryCollections(),
    remember: (collection, item) => engine.remember(collection, item),
    recall: (collection, query) => engine.recall(collection, query),
    listMemoryItems: (collection, page) => engine.listMemoryItems(collection, page),
    forget: (collection, id) => engine.forget(collection, id),
    getMemoryStatus: () => engine.getMemoryStatus(),
    deleteTrace: (traceId) => engine.deleteTrace(traceId),
    deleteSession: (sessionId) => engine.deleteSession(sessionId),
    clearAllData: (confirm) => engine.clearAllData(confirm),
    compareTraces: (a, b) => engine.compareTraces(a, b),
    annotate: (input) => engine.annotate(input),
    listAnnotations: (traceId) => engine.listAnnotations(traceId),
    deleteAnnotation: (id) => engine.deleteAnnotation(id),
    runFunnel: (query) => engine.runFunnel(query),
    getAnalyticsLatency: (query) => engine.getAnalyticsLatency(query),
    getAnalyticsTimeseries: (query) => engine.getAnalyticsTimeseries(query),
    retryReceiver: (kind, retry) => engine.retryReceiver(kind, retry),
    getSettings: () => engine.getSettings(),
    updateSettings: (patch) => engine.updateSettings(patch),
    getPrices: () => engine.getPrices(),
    updatePrices: (prices) => engine.updatePrices(prices),
    resetPrices: () => engine.resetPrices(),
    getRedaction: () => engine.getRedaction(),
    updateRedaction: (rules) => engine.updateRedaction(rules),
    getForwarding: () => engine.getForwarding(),
    updateForwarding: (update) => engine.updateForwarding(update),
  } satisfies IpcHandlers;

  // Generic over the verb so parser output and handler input are checked to be the same tuple.
  const call = <K extends ApiMethod>(name: K, args: readonly unknown[]): ReturnType<IpcHandlers[K]> => {
    const handler = handlers[name] as (...a: Parameters<IpcHandlers[K]>) => ReturnType<IpcHandlers[K]>;
    const parse = ARG_PARSERS[name] as (a: readonly unknown[]) => Parameters<IpcHandlers[K]>;
    return handler(...parse(args));
  };

  for (const name of API_METHODS) {
    ipcMain.handle(channelOf(name), (event, ...args: unknown[]) => {
      const problem = senderProblem(event, window(), policy);
      if (problem !== null) {
        log(`flowtrace: IPC ${name} refused: ${problem}`);
        throw new UntrustedSenderError(`${name} refused: ${problem}`);
      }
      return Promise.resolve(call(name, args)).catch((err: unknown) => {
        throw err instanceof SettingsError ? new Error(settingsErrorAsMessage(err)) : err;
      });
    });
  }

  const stopTicks = engine.onIngest((tick) => {
    const win = window();
    if (!win || win.isDestroyed()) return;
    // Only to our own page: never hand telemetry to whatever a (blocked) navigation left behind.
    if (!policy.isTrusted(win.webContents.getURL())) return;
    win.webContents.send(channelOf('onIngest'), tick);
  });

  return () => {
    stopTicks();
    for (const name of API_METHODS) ipcMain.removeHandler(channelOf(name));
  };
}

// Picks the transport once: the Electron preload's `window.flowtrace` when present, otherwise the
// HTTP + WebSocket client against the page's own origin. Nothing else in the renderer knows which.
import type { FlowtraceApi, IpcApi } from '../../../src-shared/contract';
import { settingsErrorInMessage } from '../../../src-shared/settings';
import { setConnection } from './connection';
import { createHttpApi } from './http-client';
import { decodeOutline } from './outline-decoder';

export { ApiError } from './http-client';

/**
 * The contract over IPC: the outline arrives as bytes and is decoded in the outline worker, and a
 * refused settings or prices edit arrives as a message and becomes a SettingsError again.
 */
function fromIpc(ipc: IpcApi): FlowtraceApi {
  const rethrow = (err: unknown): never => {
    throw (err instanceof Error ? settingsErrorInMessage(err.message) : null) ?? err;
  };
  return {
    ...ipc,
    getTraceOutline: async (traceId) => {
      const bytes = await ipc.getTraceOutline(traceId);
      return bytes && decodeOutline(bytes);
    },
    updateSettings: (patch) => ipc.updateSettings(patch).catch(rethrow),
    updatePrices: (prices) => ipc.updatePrices(prices).catch(rethrow),
    resetPrices: () => ipc.resetPrices().catch(rethrow),
  };
}

export const api: FlowtraceApi = window.flowtrace ? fromIpc(window.flowtrace) : createHttpApi();
// The preload's IPC reaches an engine in the same app: there is no connection to lose.
if (window.flowtrace) setConnection('connected');

/** A message fit for the UI from anything a transport may throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

// Picks the transport once: the Electron preload's `window.flowtrace` when present, otherwise the
// HTTP + WebSocket client against the page's own origin. Nothing else in the renderer knows which.
import type { FlowtraceApi } from '../../../src-shared/contract';
import { settingsErrorInMessage } from '../../../src-shared/settings';
import { setConnection } from './connection';
import { createHttpApi } from './http-client';

export { ApiError } from './http-client';

/** A refused settings or prices edit arrives over IPC as a message; it becomes a SettingsError again. */
function withSettingsErrors(ipc: FlowtraceApi): FlowtraceApi {
  const rethrow = (err: unknown): never => {
    throw (err instanceof Error ? settingsErrorInMessage(err.message) : null) ?? err;
  };
  return {
    ...ipc,
    updateSettings: (patch) => ipc.updateSettings(patch).catch(rethrow),
    updatePrices: (prices) => ipc.updatePrices(prices).catch(rethrow),
    resetPrices: () => ipc.resetPrices().catch(rethrow),
  };
}

export const api: FlowtraceApi = window.flowtrace ? withSettingsErrors(window.flowtrace) : createHttpApi();
// The preload's IPC reaches an engine in the same app: there is no connection to lose.
if (window.flowtrace) setConnection('connected');

/** A message fit for the UI from anything a transport may throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

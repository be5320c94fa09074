// Picks the transport once: the Electron preload's `window.flowtrace` when present, otherwise the
// HTTP + WebSocket client against the page's own origin. Nothing else in the renderer knows which.
import { API_METHODS, type ApiMethod, type FlowtraceApi, type IpcApi } from '../../../src-shared/contract';
import { settingsErrorInMessage } from '../../../src-shared/settings';
import { setConnection } from './connection';
import { createHttpApi } from './http-client';
import { decodeOutline } from './outline-decoder';

export { ApiError } from './http-client';

/**
 * The contract over IPC: the outline arrives as bytes and is decoded in the outline worker, and a
 * refused settings or prices edit arrives as a message (Electron passes only that) and becomes a
 * SettingsError again, whichever verb refused it.
 */
function fromIpc(ipc: IpcApi): FlowtraceApi {
  const rethrow = (err: unknown): never => {
    throw (err instanceof Error ? settingsErrorInMessage(err.message) : null) ?? err;
  };
  const verbs = Object.fromEntries(
    API_METHODS.map((name) => [name, (...args: unknown[]) => (ipc[name] as (...a: unknown[]) => Promise<unknown>)(...args).catch(rethrow)]),
  ) as Pick<IpcApi, ApiMethod>;
  return {
    ...ipc,
    ...verbs,
    getTraceOutline: async (traceId) => {
      const bytes = await verbs.getTraceOutline(traceId);
      return bytes && decodeOutline(bytes);
    },
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

// Picks the transport once: the Electron preload's `window.flowtrace` when present, otherwise the
// HTTP + WebSocket client against the page's own origin. Nothing else in the renderer knows which.
import type { FlowtraceApi } from '../../../src-shared/contract';
import { createHttpApi } from './http-client';

export { ApiError } from './http-client';

export const api: FlowtraceApi = window.flowtrace ?? createHttpApi();

/** A message fit for the UI from anything a transport may throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

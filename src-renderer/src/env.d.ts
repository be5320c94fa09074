// The Electron preload exposes the contract as `window.flowtrace` via contextBridge; in a browser
// tab it is absent and the renderer falls back to HTTP + WebSocket.
import type { FlowtraceApi } from '../../src-shared/contract';

declare global {
  interface Window {
    flowtrace?: FlowtraceApi;
  }
}

export {};

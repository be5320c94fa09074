// The Electron preload exposes the contract's IPC form as `window.flowtrace` via contextBridge; in a browser
// tab it is absent and the renderer falls back to HTTP + WebSocket.
import type { IpcApi } from '../../src-shared/contract';

declare global {
  interface Window {
    flowtrace?: IpcApi;
  }
}

export {};

/**
 * The sandboxed preload: exposes `window.flowtrace`, the contract's verbs over IPC (IpcApi: the
 * outline as bytes, which the renderer decodes off its main thread), and nothing else. Verbs are built by walking API_METHODS, so the surface is exactly the contract's.
 * Raw ipcRenderer and IpcRendererEvent never reach the page (the event's `sender` is an IPC handle).
 * Bundled to CJS (out/preload/index.cjs): a sandboxed preload can require only `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  channelOf,
  type ApiMethod,
  type IngestTick,
  type IpcApi,
  type Unsubscribe,
} from '../src-shared/contract';

// Each verb forwards its arguments untouched; main validates them and the sender.
const verbs = Object.fromEntries(
  API_METHODS.map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(channelOf(name), ...args)]),
) as Pick<IpcApi, ApiMethod>;

function onIngest(listener: (tick: IngestTick) => void): Unsubscribe {
  if (typeof listener !== 'function') throw new TypeError('onIngest needs a function');
  const channel = channelOf('onIngest');
  const forward = (_event: IpcRendererEvent, tick: IngestTick): void => listener(tick);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const api: IpcApi = { ...verbs, onIngest };

contextBridge.exposeInMainWorld('flowtrace', api);

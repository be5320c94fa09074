/**
 * Starts the REST + WebSocket + UI server (api-server.ts) on the first port of a list that is free,
 * and reports where it landed in `/api/v1/info` and getInfo() (`EngineInfo.apiUrl`). Both shells
 * use it: `serve` with exactly the port it was given (a server asked for a port should fail loudly
 * rather than move), the desktop app with 9600..9610 and then any free port, so another program on
 * 9600 does not cost the desktop its API.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowtraceApi, Unsubscribe } from '../../src-shared/contract';
import { startApiServer, type ApiServerOptions } from './api-server';

export interface ApiListener {
  server: Server;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/** `api` with getInfo() reporting the API's own URL once it is known. */
export function withApiUrl<T extends FlowtraceApi>(api: T, url: () => string | undefined): T {
  return {
    ...api,
    getInfo: async () => {
      const info = await api.getInfo();
      const apiUrl = url();
      return apiUrl === undefined ? info : { ...info, apiUrl };
    },
  };
}

export async function startApiOnFirstFreePort(options: Omit<ApiServerOptions, 'port'>, ports: readonly number[]): Promise<ApiListener> {
  if (ports.length === 0) throw new Error('no port to try');
  let url: string | undefined;
  const api = withApiUrl(options.api, () => url);
  for (const [i, port] of ports.entries()) {
    // startApiServer subscribes to ingest ticks before it binds; a failed bind never emits 'close',
    // so the subscriptions of an attempt that failed are dropped here.
    const subscriptions: Unsubscribe[] = [];
    const attempt: FlowtraceApi = {
      ...api,
      onIngest: (listener) => {
        const unsubscribe = api.onIngest(listener);
        subscriptions.push(unsubscribe);
        return unsubscribe;
      },
    };
    let server: Server;
    try {
      server = await startApiServer({ ...options, api: attempt, port });
    } catch (err) {
      for (const unsubscribe of subscriptions) unsubscribe();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && i < ports.length - 1) continue;
      throw err;
    }
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    url = `http://${host}:${(server.address() as AddressInfo).port}`;
    return {
      server,
      url,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }
  throw new Error('unreachable');
}

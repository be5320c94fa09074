/**
 * The API listener both shells use: a busy port moves to the next one in the list (the desktop
 * app's 9600..9610, then any), the chosen URL is what /api/v1/info reports, and a failed attempt
 * leaves no ingest subscription behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src-main/engine';
import { startApiOnFirstFreePort } from '../../src-main/headless/api-listen';
import { DESKTOP_API_PORTS } from '../../src-main/headless/api-port';
import { listen } from '../../src-main/engine/listen';
import { startTestEngine } from '../support/engine';

let engine: Engine;
let busy: Server;
let busyPort: number;

before(async () => {
  engine = await startTestEngine();
  busy = await listen(createServer(), 0, '127.0.0.1');
  busyPort = (busy.address() as AddressInfo).port;
});
after(async () => {
  busy.close();
  await engine.close();
});

test('the desktop tries 9600 to 9610, then any free port', () => {
  assert.deepEqual(DESKTOP_API_PORTS, [9600, 9601, 9602, 9603, 9604, 9605, 9606, 9607, 9608, 9609, 9610, 0]);
});

test('a busy port moves the API to the next one; info and health answer there', async () => {
  let subscribed = 0;
  const counting: Engine = {
    ...engine,
    onIngest: (listener) => {
      subscribed++;
      const unsubscribe = engine.onIngest(listener);
      return () => {
        subscribed--;
        unsubscribe();
      };
    },
  };
  const api = await startApiOnFirstFreePort({ api: counting, host: '127.0.0.1', rendererDir: mkdtempSync(join(tmpdir(), 'renderer-')) }, [busyPort, busyPort, 0]);
  try {
    assert.notEqual(new URL(api.url).port, String(busyPort));
    assert.equal(subscribed, 1, 'the two failed binds left no tick subscription behind');
    const health = (await (await fetch(`${api.url}/api/v1/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const info = (await (await fetch(`${api.url}/api/v1/info`)).json()) as { apiUrl?: string; otlpHttpEndpoint: string };
    assert.equal(info.apiUrl, api.url);
    assert.equal(info.otlpHttpEndpoint, engine.info.otlpHttpEndpoint);
  } finally {
    await api.close();
  }
  assert.equal(subscribed, 0, 'closing the server unsubscribes');
});

test('when every port of the list is taken, the error is the bind error', async () => {
  await assert.rejects(
    startApiOnFirstFreePort({ api: engine, host: '127.0.0.1', rendererDir: tmpdir() }, [busyPort]),
    (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE',
  );
});

/** Starts a real engine in-process on a temp data dir with free loopback ports. */
import { after, before } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type Engine, type EngineOptions } from '../../src-main/engine';
import { startApiServer } from '../../src-main/headless/api-server';
import { tempDataDir } from './serve-process';

/**
 * The memory (its own process with a sentence model) is off unless a test asks for it with
 * `options.memory`: most tests are about something else, and CI's two cores are shared.
 */
export async function startTestEngine(dataDir = tempDataDir(), options: Partial<EngineOptions> = {}): Promise<Engine & { dataDir: string }> {
  // The memory off is this helper's choice for the run, as --no-memory is a flag's: the settings say so.
  const engine = await startEngine({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, memory: false, settingsOverridden: ['embedder'], ...options });
  return Object.assign(engine, { dataDir });
}

/** Polls `fn` until it returns a non-null value or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The headless REST/UI server over `api` on a free loopback port, with a stub renderer page. */
export async function startTestApiServer(api: Engine): Promise<{ server: Server; base: string; close: () => void }> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Flowtrace</title>');
  const server = await startApiServer({ api, host: '127.0.0.1', port: 0, rendererDir });
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

/**
 * A test file's engine and REST server: started before its first test, closed after its last.
 * Read `engine` and `base` inside tests (they are set once `before` has run).
 */
export function engineWithApiServerPerFile(): { readonly engine: Engine; readonly base: string } {
  let engine: Engine | undefined;
  let rest: Awaited<ReturnType<typeof startTestApiServer>> | undefined;
  before(async () => {
    engine = await startTestEngine();
    rest = await startTestApiServer(engine);
  });
  after(async () => {
    rest?.close();
    await engine?.close();
  });
  return {
    get engine() {
      return engine!;
    },
    get base() {
      return rest!.base;
    },
  };
}

/**
 * Runs `flowtrace serve` as a real child process, in its own process group, so a test can
 * `kill -9` the server itself (not a wrapper) and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  child: ChildProcess;
  dataDir: string;
  /** `http://host:port` of the OTLP/HTTP receiver; '' while its port is busy. */
  otlpHttp: string;
  /** `http://host:port` of the OTLP/gRPC receiver; '' while its port is busy. */
  otlpGrpc: string;
  api: string;
  output: () => string;
  /** SIGKILL to the whole process group, then wait until it is gone. */
  kill9: () => Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop: () => Promise<void>;
}

export function tempDataDir(prefix = 'flowtrace-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ServeOptions {
  dataDir?: string;
  /** null: no flag, so the saved setting (or the default) applies. */
  otlpHttpPort?: number | null;
  otlpGrpcPort?: number;
  port?: number;
  timeoutMs?: number;
  /** Extra environment for the process (e.g. NODE_EXTRA_CA_CERTS). */
  env?: Record<string, string>;
  /** Extra `serve` arguments. Without any `--embedder`/`--memory…` among them the memory is off (--no-memory): most tests are about something else. */
  args?: readonly string[];
}

export async function startServe(options: ServeOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const args = [
    join(REPO_ROOT, 'bin/flowtrace.mjs'),
    'serve',
    '--data-dir', dataDir,
    ...(options.otlpHttpPort === null ? [] : ['--otlp-http-port', String(options.otlpHttpPort ?? 0)]),
    '--otlp-grpc-port', String(options.otlpGrpcPort ?? 0),
    '--port', String(options.port ?? 0),
    ...(options.args ?? []),
    ...(options.args?.some((a) => a.startsWith('--embedder') || a.startsWith('--memory')) ? [] : ['--no-memory']),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: { ...process.env, ...options.env } } : {}) });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!/^ready$/m.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`flowtrace serve exited before ready:\n${out}`);
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`flowtrace serve not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // A receiver whose port is busy says NOT LISTENING: its address is '' then.
  const receiver = (label: string) => {
    const found = new RegExp(`${label}\\s+(http://\\S+|NOT LISTENING)`).exec(out)?.[1];
    return found === 'NOT LISTENING' ? '' : found;
  };
  const otlpHttp = receiver('OTLP/HTTP');
  const otlpGrpc = receiver('OTLP/gRPC');
  const api = /UI \+ REST\s+(http:\/\/\S+)/.exec(out)?.[1];
  if (otlpHttp === undefined || otlpGrpc === undefined || !api) throw new Error(`could not read listener addresses from:\n${out}`);

  return {
    child,
    dataDir,
    otlpHttp,
    otlpGrpc,
    api,
    output: () => out,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

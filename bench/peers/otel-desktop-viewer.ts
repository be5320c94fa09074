/**
 * otel-desktop-viewer (v0.4.1) for the side-by-side: optional. The Go module proxy refuses the
 * module (403 at every version), so there is no build from the proxy: the binary is `--odv-bin`,
 * or the cached build, or a build of a source checkout given with `--odv-src`
 * (bench/peers/build-odv.sh; cgo + DuckDB, ~12 min). It runs with its receivers and UI on free
 * loopback ports, in memory (`--db` omitted) or with `--db` in the run's directory, store size caps
 * as shipped (512 MB in memory, 2 GB on disk; the oldest telemetry is pruned beyond them). Counts
 * come from its JSON-RPC API (`POST /rpc`): `getStats` (exact), `searchSpans` for one trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../lib/http';
import { sleep } from '../lib/report';
import { REPO_ROOT } from '../lib/serve';
import { freePort, peersCacheDir } from './jaeger';
import type { RunningSystem, StoredContext } from './systems';

const BUILD_SCRIPT = join(REPO_ROOT, 'bench/peers/build-odv.sh');

export function cachedOdvBinary(): string {
  return join(peersCacheDir(), 'otel-desktop-viewer', 'otel-desktop-viewer');
}

/** The binary: `bin` as given, the cached build, or a build of `src`; throws with the reason otherwise. */
export function ensureOdvBinary(bin: string | null, src: string | null, log: (line: string) => void): string {
  if (bin) {
    if (!existsSync(bin)) throw new Error(`--odv-bin ${bin} does not exist`);
    return bin;
  }
  const cached = cachedOdvBinary();
  if (existsSync(cached)) {
    log(`otel-desktop-viewer binary (cached): ${cached}`);
    return cached;
  }
  if (!src) {
    throw new Error(
      'no binary: the Go module proxy refuses github.com/CtrlSpice/otel-desktop-viewer (403), so it builds only from a source checkout ' +
        '(tag v0.4.1): pass --odv-src DIR (or --odv-bin PATH)',
    );
  }
  mkdirSync(peersCacheDir(), { recursive: true });
  const logFile = join(peersCacheDir(), 'build-odv.log');
  log(`building otel-desktop-viewer from ${src} into ${cached} (cgo + DuckDB, ~12 min); log: ${logFile}`);
  const fd = openSync(logFile, 'a');
  const r = spawnSync('sh', [BUILD_SCRIPT, src], { stdio: ['ignore', fd, fd], timeout: 90 * 60_000 });
  closeSync(fd);
  if (r.status !== 0 || !existsSync(cached)) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-5).join(' | ');
    throw new Error(`the otel-desktop-viewer build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${tail}`);
  }
  return cached;
}

export interface OdvOptions {
  binary: string;
  disk: boolean;
  workDir: string;
  startTimeoutMs: number;
}

export async function startOdv(o: OdvOptions): Promise<RunningSystem> {
  mkdirSync(o.workDir, { recursive: true });
  const ports = { http: await freePort(), grpc: await freePort(), ui: await freePort() };
  const args = ['--host', '127.0.0.1', '--http', String(ports.http), '--grpc', String(ports.grpc), '--browser-port', String(ports.ui), '--open-browser=false'];
  if (o.disk) args.push('--db', join(o.workDir, 'telemetry.duckdb'));
  const logFile = join(o.workDir, 'otel-desktop-viewer.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(o.binary, args, { cwd: o.workDir, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('error', () => undefined);
  const logTail = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-4).join(' | ') : '');
  const kill = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, signal);
  };
  const rpcUrl = `http://127.0.0.1:${ports.ui}/rpc`;
  const http = new HttpClient(4);
  let id = 0;
  const rpcBody = (method: string, params?: unknown[]): string => JSON.stringify({ jsonrpc: '2.0', id: ++id, method, ...(params ? { params } : {}) });
  const rpc = async <T>(method: string, params?: unknown[], timeoutMs = 120_000): Promise<T> => {
    const r = await http.send(rpcUrl, 'POST', Buffer.from(rpcBody(method, params)), 'application/json', timeoutMs);
    const v = JSON.parse(r.body.toString('utf8')) as { result?: T; error?: { message?: string } };
    if (r.status !== 200 || v.error) throw new Error(`${method} answered ${r.status}: ${v.error?.message ?? r.body.toString('utf8').slice(0, 160)}`);
    return v.result as T;
  };
  const spanCount = async (): Promise<number> => (await rpc<{ traces: { spanCount: number } }>('getStats')).traces.spanCount;

  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      http.close();
      throw new Error(`otel-desktop-viewer exited before it was ready: ${logTail()}`);
    }
    if (performance.now() - t0 > o.startTimeoutMs) {
      kill('SIGKILL');
      http.close();
      throw new Error(`otel-desktop-viewer's API did not answer in ${o.startTimeoutMs} ms: ${logTail()}`);
    }
    if (await spanCount().then(() => true, () => false)) break;
    await sleep(50);
  }
  const readyMs = performance.now() - t0;

  return {
    pid: child.pid!,
    otlpHttp: `http://127.0.0.1:${ports.http}`,
    readyMs,
    describe: `otel-desktop-viewer pid ${child.pid} (${o.disk ? `--db ${join(o.workDir, 'telemetry.duckdb')}` : 'in memory'}); OTLP/HTTP :${ports.http}, API ${rpcUrl}`,
    // Until every acknowledged span is counted, or the count stops moving for 5 s (pruned or lost).
    async drain(ctx: StoredContext, timeoutMs: number): Promise<boolean> {
      const deadline = performance.now() + timeoutMs;
      let last = -1;
      let movedAt = performance.now();
      while (performance.now() < deadline) {
        const n = await spanCount();
        if (n >= ctx.ackedSpans) return true;
        if (n !== last) {
          last = n;
          movedAt = performance.now();
        } else if (performance.now() - movedAt > 5000) return false;
        await sleep(200);
      }
      return false;
    },
    stored: async () => ({ spans: await spanCount(), exact: true, note: 'JSON-RPC getStats: traces.spanCount' }),
    bigTraceRoutes: (traceId: string) => [
      {
        route: 'rpc searchSpans',
        url: rpcUrl,
        body: rpcBody('searchSpans', [traceId]),
        count: (body: string) => (JSON.parse(body) as { result?: { spans?: unknown[] } }).result?.spans?.length ?? 0,
      },
    ],
    async waitForTrace(traceId: string, spans: number, timeoutMs: number): Promise<boolean> {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if ((await rpc<number>('getTraceSpanCount', [traceId])) >= spans) return true;
        await sleep(500);
      }
      return false;
    },
    async stop(): Promise<void> {
      http.close();
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

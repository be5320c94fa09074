/**
 * otel-desktop-viewer (v0.4.1) for the side-by-side: optional. The Go module proxy refuses the
 * module (403 at every version), so there is no build from the proxy: the binary is `--odv-bin`,
 * or the cached build, or a build of a source checkout given with `--odv-src`
 * (bench/peers/build.sh; cgo + DuckDB, ~6–12 min). It runs with its receivers and UI on free
 * loopback ports, in memory (`--db` omitted) or with `--db` in the run's directory, store size caps
 * as shipped (512 MB in memory, 2 GB on disk; the oldest telemetry is pruned beyond them). Counts
 * come from its JSON-RPC API (`POST /rpc`): `getStats` (exact), `searchSpans` for one trace.
 */
import { join } from 'node:path';
import { HttpClient } from '../lib/http';
import { ensureBinary, freePort, peersCacheDir, pollUntil, startPeerProcess } from './peer-process';
import type { RunningSystem, StoredContext } from './systems';

/** `--odv-bin`, else the cached build, else a build of the checkout `src` (bench/peers/build.sh). */
export function ensureOdvBinary(given: string | null, src: string | null, log: (line: string) => void): string {
  return ensureBinary(
    {
      what: 'otel-desktop-viewer', flag: '--odv-bin', given, cached: join(peersCacheDir(), 'otel-desktop-viewer', 'otel-desktop-viewer'),
      buildArgs: src ? [src] : null,
      reason: 'no binary: the Go module proxy refuses github.com/CtrlSpice/otel-desktop-viewer (403), so it builds only from a source checkout ' +
        '(tag v0.4.1): pass --odv-src DIR (or --odv-bin PATH)',
      buildTime: 'cgo + DuckDB, ~6–12 min on 2 cores',
    },
    log,
  );
}

export interface OdvOptions {
  binary: string;
  disk: boolean;
  workDir: string;
  startTimeoutMs: number;
}

export async function startOdv(o: OdvOptions): Promise<RunningSystem> {
  const ports = { http: await freePort(), grpc: await freePort(), ui: await freePort() };
  const args = ['--host', '127.0.0.1', '--http', String(ports.http), '--grpc', String(ports.grpc), '--browser-port', String(ports.ui), '--open-browser=false'];
  if (o.disk) args.push('--db', join(o.workDir, 'telemetry.duckdb'));
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

  const proc = await startPeerProcess('otel-desktop-viewer', o.binary, args, o.workDir, () => spanCount().then(() => true), o.startTimeoutMs).catch((err: unknown) => {
    http.close();
    throw err;
  });

  return {
    pid: proc.pid,
    otlpHttp: `http://127.0.0.1:${ports.http}`,
    readyMs: proc.readyMs,
    describe: `otel-desktop-viewer pid ${proc.pid} (${o.disk ? `--db ${join(o.workDir, 'telemetry.duckdb')}` : 'in memory'}); OTLP/HTTP :${ports.http}, API ${rpcUrl}`,
    // Until every acknowledged span is counted, or the count stops moving for 5 s (pruned or lost).
    async drain(ctx: StoredContext, timeoutMs: number): Promise<boolean> {
      let last = -1;
      let movedAt = performance.now();
      let stalled = false;
      const done = await pollUntil(async () => {
        const n = await spanCount();
        if (n !== last) [last, movedAt] = [n, performance.now()];
        stalled = performance.now() - movedAt > 5000;
        return n >= ctx.ackedSpans || stalled;
      }, timeoutMs, 200);
      return done && !stalled;
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
    waitForTrace: (traceId: string, spans: number, timeoutMs: number) => pollUntil(async () => (await rpc<number>('getTraceSpanCount', [traceId])) >= spans, timeoutMs, 500),
    async stop(): Promise<void> {
      http.close();
      await proc.stop();
    },
  };
}

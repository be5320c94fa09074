/**
 * Jaeger v2 for the side-by-side: finds or builds the binary (bench/peers/build-jaeger.sh, cached
 * outside the repo), writes a config per run (OTLP/HTTP, query HTTP and gRPC on free loopback ports;
 * no health-check, pprof or metrics listener and no self-tracing, so nothing touches fixed ports), and counts
 * stored spans through the v3 query API. Storage: `memory` (Jaeger keeps the newest `max_traces`
 * traces) or `badger` on disk in the run's own directory (`ephemeral: false`, Badger's default of
 * no sync per write, as Jaeger ships it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../gen/agent-spans';
import { HttpClient } from '../lib/http';
import { sleep } from '../lib/report';
import { REPO_ROOT } from '../lib/serve';
import type { RunningSystem, StoredContext, StoredCount } from './systems';

export const JAEGER_MODULE_VERSION = 'v1.76.0';
const BUILD_SCRIPT = join(REPO_ROOT, 'bench/peers/build-jaeger.sh');

export function peersCacheDir(): string {
  return process.env.FLOWTRACE_PEERS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowtrace-peers');
}

export function cachedJaegerBinary(): string {
  return join(peersCacheDir(), `jaeger-${JAEGER_MODULE_VERSION}`, 'jaeger');
}

/**
 * The Jaeger binary: `given` (--jaeger-bin) as it is, else the cached build, else a build now (the
 * script's output goes to a log in the cache; ~20 min on a busy 2-core machine). Throws with the
 * reason and the log's tail when there is none.
 */
export function ensureJaegerBinary(given: string | null, log: (line: string) => void): string {
  if (given) {
    if (!existsSync(given)) throw new Error(`--jaeger-bin ${given} does not exist`);
    return given;
  }
  const cached = cachedJaegerBinary();
  if (existsSync(cached)) {
    log(`Jaeger binary (cached): ${cached}`);
    return cached;
  }
  mkdirSync(peersCacheDir(), { recursive: true });
  const logFile = join(peersCacheDir(), 'build-jaeger.log');
  log(`building Jaeger v2 (module ${JAEGER_MODULE_VERSION}) into ${cached}; ~20 min on 2 busy cores; log: ${logFile}`);
  const t0 = performance.now();
  const fd = openSync(logFile, 'a');
  const r = spawnSync('sh', [BUILD_SCRIPT], { stdio: ['ignore', fd, fd], timeout: 90 * 60_000 });
  closeSync(fd);
  if (r.status !== 0 || !existsSync(cached)) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-5).join(' | ');
    throw new Error(`the Jaeger build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${tail}`);
  }
  log(`built in ${((performance.now() - t0) / 60_000).toFixed(1)} min`);
  return cached;
}

/** A port free on 127.0.0.1 right now (the peer binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type JaegerStorage = 'memory' | 'badger';

export interface JaegerOptions {
  binary: string;
  storage: JaegerStorage;
  /** Memory storage: traces kept (Jaeger drops the oldest beyond it). */
  maxTraces: number;
  workDir: string;
  startTimeoutMs: number;
}

function configYaml(o: JaegerOptions, ports: { otlpHttp: number; queryHttp: number; queryGrpc: number }): string {
  const store = o.storage === 'memory'
    ? `        memory:\n          max_traces: ${o.maxTraces}\n`
    : `        badger:\n          directories:\n            keys: ${JSON.stringify(join(o.workDir, 'badger/keys'))}\n` +
      `            values: ${JSON.stringify(join(o.workDir, 'badger/values'))}\n          ephemeral: false\n          ttl:\n            spans: 48h\n`;
  // The pipeline of Jaeger's own config.yaml (otlp → batch → jaeger_storage_exporter) without the
  // receivers, sampling and listeners a benchmark does not use.
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    # On by default in Jaeger v2: it would export its own query spans to 127.0.0.1:4317, where
    # another OTLP receiver (a Flowtrace at its default port) may be listening.
    enable_tracing: false
    storage:
      traces: bench_store
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      bench_store:
${store}receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: bench_store
`;
}

/** Spans in a v3 API answer (`{"result": <OTLP TracesData JSON>}`). */
function spansInV3Answer(text: string): number {
  const v = JSON.parse(text) as { result?: { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> } };
  let n = 0;
  for (const rs of v.result?.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

export async function startJaeger(o: JaegerOptions): Promise<RunningSystem> {
  mkdirSync(o.workDir, { recursive: true });
  const ports = { otlpHttp: await freePort(), queryHttp: await freePort(), queryGrpc: await freePort() };
  const configFile = join(o.workDir, 'jaeger.yaml');
  writeFileSync(configFile, configYaml(o, ports));
  const logFile = join(o.workDir, 'jaeger.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(o.binary, [`--config=file:${configFile}`], { cwd: o.workDir, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('error', () => undefined);
  const logTail = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-4).join(' | ') : '');
  const kill = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, signal);
  };
  const query = `http://127.0.0.1:${ports.queryHttp}`;
  const http = new HttpClient(8);
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      http.close();
      throw new Error(`jaeger exited before it was ready: ${logTail()}`);
    }
    if (performance.now() - t0 > o.startTimeoutMs) {
      kill('SIGKILL');
      http.close();
      throw new Error(`jaeger's query API did not answer in ${o.startTimeoutMs} ms: ${logTail()}`);
    }
    const ok = await http.send(`${query}/api/v3/services`, 'GET', undefined, undefined, 2000).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(50);
  }
  const readyMs = performance.now() - t0;

  /** Spans of one trace Jaeger returns (0 when it has none). */
  const traceSpans = async (traceId: string): Promise<number> => {
    const r = await http.send(`${query}/api/v3/traces/${traceId}`, 'GET', undefined, undefined, 120_000);
    if (r.status === 404) return 0;
    if (r.status !== 200) throw new Error(`GET /api/v3/traces/${traceId} answered ${r.status}: ${r.body.toString('utf8').slice(0, 160)}`);
    return spansInV3Answer(r.body.toString('utf8'));
  };

  return {
    pid: child.pid!,
    otlpHttp: `http://127.0.0.1:${ports.otlpHttp}`,
    readyMs,
    describe: `jaeger pid ${child.pid} (${o.storage}${o.storage === 'memory' ? `, max_traces ${o.maxTraces}` : ''}); OTLP/HTTP :${ports.otlpHttp}, query ${query}; config ${configFile}`,

    // Jaeger acknowledges once the batch processor has the spans, before storage: wait until every
    // trace of the last acknowledged request reads back whole.
    async drain(ctx: StoredContext, timeoutMs: number): Promise<boolean> {
      const last = ctx.ackedSends.at(-1);
      if (last === undefined) return true;
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        let complete = true;
        for (const t of ctx.pool.tracesOf(last)) if ((await traceSpans(t.traceId)) < t.spans) complete = false;
        if (complete) return true;
        await sleep(200);
      }
      return false;
    },

    // Counting every span would mean reading them all back (gigabytes of JSON at this rate): read a
    // uniform sample of the acknowledged traces instead and scale the share found to all acked spans.
    async stored(ctx: StoredContext): Promise<StoredCount> {
      const sends = ctx.ackedSends;
      if (sends.length === 0) return { spans: 0, exact: true, note: 'nothing acknowledged' };
      // Seeded: the same sample positions for every Jaeger run of a session.
      const rng = new Rng(ctx.seed);
      const random = (): number => rng.float();
      let expected = 0;
      let found = 0;
      let complete = 0;
      const sample = Math.min(ctx.sampleTraces, sends.length * 8);
      for (let i = 0; i < sample; i++) {
        const traces = ctx.pool.tracesOf(sends[Math.floor(random() * sends.length)]!);
        const t = traces[Math.floor(random() * traces.length)]!;
        const n = await traceSpans(t.traceId);
        expected += t.spans;
        found += Math.min(n, t.spans);
        if (n >= t.spans) complete++;
      }
      return {
        spans: Math.round((ctx.ackedSpans * found) / expected),
        exact: false,
        note: `estimated from ${sample} acknowledged traces read back through /api/v3/traces/{id}: ${complete} whole, ${found}/${expected} spans`,
      };
    },

    bigTraceRoutes: (traceId: string) => [{ route: '/api/v3/traces/{id}', url: `${query}/api/v3/traces/${traceId}`, count: spansInV3Answer }],

    async waitForTrace(traceId: string, spans: number, timeoutMs: number): Promise<boolean> {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if ((await traceSpans(traceId)) >= spans) return true;
        await sleep(1000);
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

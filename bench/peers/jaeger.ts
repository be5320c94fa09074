/**
 * Jaeger v2 for the side-by-side: finds or builds the binary (bench/peers/build.sh, cached outside
 * the repo), writes a config per run (OTLP/HTTP, query HTTP and gRPC on free loopback ports;
 * no health-check, pprof or metrics listener and no self-tracing, so nothing touches fixed ports), and counts
 * stored spans through the v3 query API. Storage: `memory` (Jaeger keeps the newest `max_traces`
 * traces) or `badger` on disk in the run's own directory (`ephemeral: false`, Badger's default of
 * no sync per write, as Jaeger ships it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../gen/agent-spans';
import { HttpClient } from '../lib/http';
import { ensureBinary, freePort, peersCacheDir, pollUntil, startPeerProcess } from './peer-process';
import type { RunningSystem, StoredContext, StoredCount } from './systems';

export const JAEGER_MODULE_VERSION = 'v1.76.0';

/** `--jaeger-bin`, else the cached build, else a build now (bench/peers/build.sh jaeger). */
export function ensureJaegerBinary(given: string | null, log: (line: string) => void): string {
  return ensureBinary(
    {
      what: 'jaeger', flag: '--jaeger-bin', given, cached: join(peersCacheDir(), `jaeger-${JAEGER_MODULE_VERSION}`, 'jaeger'), buildArgs: [],
      buildTime: `Go module github.com/jaegertracing/jaeger@${JAEGER_MODULE_VERSION} = Jaeger v2.13.0; ~11–20 min on 2 cores`,
    },
    log,
  );
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
  const query = `http://127.0.0.1:${ports.queryHttp}`;
  const http = new HttpClient(8);
  const ready = (): Promise<boolean> => http.send(`${query}/api/v3/services`, 'GET', undefined, undefined, 2000).then((r) => r.status === 200);
  const proc = await startPeerProcess('jaeger', o.binary, [`--config=file:${configFile}`], o.workDir, ready, o.startTimeoutMs).catch((err: unknown) => {
    http.close();
    throw err;
  });

  /** Spans of one trace Jaeger returns (0 when it has none). */
  const traceSpans = async (traceId: string): Promise<number> => {
    const r = await http.send(`${query}/api/v3/traces/${traceId}`, 'GET', undefined, undefined, 120_000);
    if (r.status === 404) return 0;
    if (r.status !== 200) throw new Error(`GET /api/v3/traces/${traceId} answered ${r.status}: ${r.body.toString('utf8').slice(0, 160)}`);
    return spansInV3Answer(r.body.toString('utf8'));
  };

  return {
    pid: proc.pid,
    otlpHttp: `http://127.0.0.1:${ports.otlpHttp}`,
    readyMs: proc.readyMs,
    describe: `jaeger pid ${proc.pid} (${o.storage}${o.storage === 'memory' ? `, max_traces ${o.maxTraces}` : ''}); OTLP/HTTP :${ports.otlpHttp}, query ${query}; config ${configFile}`,

    // Jaeger acknowledges once the batch processor has the spans, before storage: wait until every
    // trace of the last acknowledged request reads back whole.
    async drain(ctx: StoredContext, timeoutMs: number): Promise<boolean> {
      const last = ctx.ackedSends.at(-1);
      if (last === undefined) return true;
      return pollUntil(async () => {
        for (const t of ctx.pool.tracesOf(last)) if ((await traceSpans(t.traceId)) < t.spans) return false;
        return true;
      }, timeoutMs, 200);
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

    waitForTrace: (traceId: string, spans: number, timeoutMs: number) => pollUntil(async () => (await traceSpans(traceId)) >= spans, timeoutMs, 1000),

    async stop(): Promise<void> {
      http.close();
      await proc.stop();
    },
  };
}

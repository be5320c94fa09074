/**
 * The systems the side-by-side loads, one at a time, behind one shape: prepare (build or locate,
 * before any run so a build never overlaps a measurement), start on free loopback ports with fresh
 * directories, drain (until what was acknowledged is readable), count what was stored, serve one big
 * trace, stop. A system that cannot be prepared or started is reported with the reason and the run
 * goes on with the others.
 */
import { join } from 'node:path';
import { spawnBaseline } from '../lib/baseline';
import { HttpClient } from '../lib/http';
import type { RequestPool } from '../lib/otlp-requests';
import { serveBuildDir, spawnServe } from '../lib/serve';
import { storedSpans } from '../ui/send';
import { ensureJaegerBinary, startJaeger, type JaegerStorage } from './jaeger';
import { ensureOdvBinary, startOdv } from './otel-desktop-viewer';
import { pollUntil } from './peer-process';

export const SYSTEM_NAMES = ['null', 'flowtrace', 'jaeger-memory', 'jaeger-badger', 'otel-desktop-viewer', 'otel-desktop-viewer-memory'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** What a system needs to know to count what it stored. */
export interface StoredContext {
  pool: RequestPool;
  /** Send numbers of every acknowledged request (warm-up included), in ack order. */
  ackedSends: number[];
  /** Spans acknowledged over all phases. */
  ackedSpans: number;
  /** Traces read back where a system is sampled rather than counted. */
  sampleTraces: number;
  seed: number;
}

export interface StoredCount {
  /** null: the system keeps nothing (the null sink). */
  spans: number | null;
  /** false: estimated from a sample. */
  exact: boolean;
  note: string;
}

/** One way to read a trace back; `count` checks the answer holds the whole trace. */
export interface TraceRoute {
  route: string;
  url: string;
  /** A JSON body to POST (a JSON-RPC call); a GET without. */
  body?: string;
  count?: (body: string) => number;
}

export interface RunningSystem {
  pid: number;
  /** Base URL of the OTLP/HTTP receiver (requests go to `<otlpHttp>/v1/traces`). */
  otlpHttp: string;
  readyMs: number;
  describe: string;
  /** Waits until what was acknowledged is readable; false when `timeoutMs` passed first. */
  drain(ctx: StoredContext, timeoutMs: number): Promise<boolean>;
  stored(ctx: StoredContext): Promise<StoredCount>;
  /** Absent: the system cannot serve traces (the null sink). */
  bigTraceRoutes?: (traceId: string) => TraceRoute[];
  waitForTrace?: (traceId: string, spans: number, timeoutMs: number) => Promise<boolean>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  serveBuild: 'bench' | 'out';
  serveArgs: string[];
  jaegerBin: string | null;
  jaegerMaxTraces: number;
  odvBin: string | null;
  odvSrc: string | null;
  startTimeoutMs: number;
  log: (line: string) => void;
}

export interface SystemSpec {
  name: SystemName;
  label: string;
  /** Builds or locates what the system runs; throws with the reason it cannot. */
  prepare(o: SystemOptions): void;
  start(o: SystemOptions, workDir: string): Promise<RunningSystem>;
}

const nullSink: SystemSpec = {
  name: 'null',
  label: 'null sink',
  prepare: () => undefined,
  async start() {
    const t0 = performance.now();
    const b = await spawnBaseline();
    return {
      pid: b.pid,
      otlpHttp: b.endpoint,
      readyMs: performance.now() - t0,
      describe: `bench/lib/baseline-server.mjs pid ${b.pid} at ${b.endpoint} (reads each body, answers 200, keeps nothing)`,
      drain: async () => true,
      stored: async () => ({ spans: null, exact: true, note: 'keeps nothing' }),
      stop: () => b.stop(),
    };
  },
};

let flowtraceBuild: string | null = null;

const flowtrace: SystemSpec = {
  name: 'flowtrace',
  label: 'Flowtrace',
  prepare(o) {
    flowtraceBuild ??= serveBuildDir(o.serveBuild, o.log);
  },
  async start(o, workDir) {
    const serve = await spawnServe(flowtraceBuild!, join(workDir, 'data'), o.startTimeoutMs, o.serveArgs);
    const http = new HttpClient(2);
    /** stats.spans when the load was counted: the big trace's spans come on top. */
    let storedAfterLoad = 0;
    return {
      pid: serve.pid,
      otlpHttp: serve.otlpHttp,
      readyMs: serve.readyMs,
      describe: `flowtrace serve pid ${serve.pid}; OTLP/HTTP ${serve.otlpHttp}, API ${serve.api}; data in ${join(workDir, 'data')}`,
      // A stats read first indexes everything acknowledged, so this returns once it is all readable.
      drain: (ctx, timeoutMs) => pollUntil(async () => (await storedSpans(http, serve.api)) >= ctx.ackedSpans, timeoutMs, 100),
      async stored() {
        storedAfterLoad = await storedSpans(http, serve.api);
        return { spans: storedAfterLoad, exact: true, note: 'GET /api/v1/stats: spans' };
      },
      bigTraceRoutes: (traceId) => [
        { route: '/api/v1/traces/{id}', url: `${serve.api}/api/v1/traces/${traceId}`, count: (body) => (JSON.parse(body) as { spans: unknown[] }).spans.length },
        { route: '/api/v1/traces/{id}/outline', url: `${serve.api}/api/v1/traces/${traceId}/outline` },
      ],
      waitForTrace: (_traceId, spans, timeoutMs) => pollUntil(async () => (await storedSpans(http, serve.api)) >= storedAfterLoad + spans, timeoutMs, 250),
      async stop() {
        http.close();
        await serve.stop();
      },
    };
  },
};

let jaegerBinary: { path: string } | { error: string } | null = null;

function jaeger(storage: JaegerStorage): SystemSpec {
  return {
    name: `jaeger-${storage}`,
    label: `Jaeger v2 ${storage === 'memory' ? 'memory' : 'Badger'}`,
    prepare(o) {
      if (jaegerBinary === null) {
        try {
          jaegerBinary = { path: ensureJaegerBinary(o.jaegerBin, o.log) };
        } catch (err) {
          jaegerBinary = { error: err instanceof Error ? err.message : String(err) };
        }
      }
      if ('error' in jaegerBinary) throw new Error(jaegerBinary.error);
    },
    start: (o, workDir) =>
      startJaeger({ binary: (jaegerBinary as { path: string }).path, storage, maxTraces: o.jaegerMaxTraces, workDir, startTimeoutMs: o.startTimeoutMs }),
  };
}

let odvBinary: { path: string } | { error: string } | null = null;

function otelDesktopViewer(disk: boolean): SystemSpec {
  return {
    name: disk ? 'otel-desktop-viewer' : 'otel-desktop-viewer-memory',
    label: disk ? 'otel-desktop-viewer' : 'otel-desktop-viewer mem',
    // Optional (issue 17: "where it installs"): skipped with the reason when there is no binary.
    prepare(o) {
      if (odvBinary === null) {
        try {
          odvBinary = { path: ensureOdvBinary(o.odvBin, o.odvSrc, o.log) };
        } catch (err) {
          odvBinary = { error: err instanceof Error ? err.message : String(err) };
        }
      }
      if ('error' in odvBinary) throw new Error(odvBinary.error);
    },
    start: (o, workDir) => startOdv({ binary: (odvBinary as { path: string }).path, disk, workDir, startTimeoutMs: o.startTimeoutMs }),
  };
}

export const SYSTEMS: Record<SystemName, SystemSpec> = {
  null: nullSink,
  flowtrace,
  'jaeger-memory': jaeger('memory'),
  'jaeger-badger': jaeger('badger'),
  'otel-desktop-viewer': otelDesktopViewer(true),
  'otel-desktop-viewer-memory': otelDesktopViewer(false),
};

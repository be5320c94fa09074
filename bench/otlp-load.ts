/**
 * OTLP ingest load generator for Flowtrace (issue 4). See bench/README.md, "OTLP load".
 *
 *   node --import tsx bench/otlp-load.ts [--scenario throughput|single|paced|soak|overload]
 *        [--transport http-protobuf|http-json|grpc] [--connections N] [--spans-per-request N]
 *        [--duration S] [--rate SPANS_PER_S] [--baseline|--no-baseline] [--poll-ms MS]
 *        [--retry-delay-ms MS] [--seed N] [--serve-build bench|out] [--serve-arg ARG]... [--keep]
 *
 * Spawns the real `flowtrace serve` (its own process, ephemeral ports, a fresh temp data dir),
 * drives it with pre-recorded agent spans, and reports throughput, ack latency, answers, retries,
 * the server's CPU and RSS, and how long acknowledged spans take to become readable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { intArg } from './lib/args';
import { spawnBaseline } from './lib/baseline';
import { HttpClient } from './lib/http';
import { runPhase, type PhaseStats } from './lib/load-driver';
import { runMeta, writeResults } from './lib/meta';
import { RequestPool } from './lib/otlp-requests';
import { encodingOf, grpcTransport, httpTransport, TRANSPORTS, type Transport, type TransportName } from './lib/otlp-transports';
import { ProcSampler } from './lib/proc-sample';
import { atLeast, atMost, errorMessage, formatNumber, percentile, Report } from './lib/report';
import { serveBuildDir, spawnServe, type SpawnedServe } from './lib/serve';
import { VisibilityTracker, type VisibilityResult } from './lib/visibility';

const SCENARIOS = ['throughput', 'single', 'paced', 'soak', 'overload'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  scenario: Scenario;
  transport: TransportName;
  connections: number;
  spansPerRequest: number;
  durationS: number;
  rate: number | null;
  baseline: boolean;
  pollMs: number;
  retryDelayMs: number | null;
  maxRetries: number;
  maxInFlight: number;
  timeoutMs: number;
  seed: number;
  serveBuild: 'bench' | 'out';
  /** Passed to `flowtrace serve` as they are (--serve-arg, repeatable), e.g. --no-genai-ingest. */
  serveArgs: string[];
  keep: boolean;
}

/** Per-scenario defaults; any flag given overrides them. */
const DEFAULTS: Record<Scenario, Pick<Options, 'connections' | 'spansPerRequest' | 'durationS' | 'rate'>> = {
  throughput: { connections: 8, spansPerRequest: 512, durationS: 30, rate: null },
  single: { connections: 1, spansPerRequest: 1, durationS: 30, rate: null },
  paced: { connections: 8, spansPerRequest: 512, durationS: 30, rate: 20_000 },
  soak: { connections: 8, spansPerRequest: 512, durationS: 600, rate: 50_000 },
  overload: { connections: 64, spansPerRequest: 512, durationS: 30, rate: null },
};

/** "Readable within 2 s". */
const LAG_TARGET_MS = 2000;
const OVERLOAD_RSS_LIMIT_MIB = 1024;
/** The baseline of a soak runs at most this long: it only calibrates the machine. */
const BASELINE_MAX_S = 30;

function usage(message?: string): never {
  if (message) console.error(`otlp-load: ${message}`);
  console.error(
    'usage: node --import tsx bench/otlp-load.ts [--scenario ' + SCENARIOS.join('|') + '] [--transport ' + TRANSPORTS.join('|') + ']\n' +
      '       [--connections N] [--spans-per-request N] [--duration S] [--rate SPANS_PER_S] [--baseline|--no-baseline]\n' +
      '       [--poll-ms MS] [--retry-delay-ms MS] [--max-retries N] [--max-in-flight N] [--timeout-ms MS] [--seed N]\n' +
      '       [--serve-build bench|out] [--serve-arg ARG]... [--keep]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const given: Partial<Options> = {};
  let scenario: Scenario = 'throughput';
  let transport: TransportName = 'http-protobuf';
  let baseline: boolean | null = null;
  const rest: Omit<Options, 'scenario' | 'transport' | 'baseline' | 'connections' | 'spansPerRequest' | 'durationS' | 'rate'> = {
    pollMs: 200, retryDelayMs: null, maxRetries: 100, maxInFlight: 256, timeoutMs: 60_000, seed: 42, serveBuild: 'bench', serveArgs: [], keep: false,
  };
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--scenario':
        if (!(SCENARIOS as readonly string[]).includes(v ?? '')) usage(`--scenario is one of ${SCENARIOS.join(', ')}`);
        scenario = v as Scenario;
        i++;
        break;
      case '--transport':
        if (!(TRANSPORTS as readonly string[]).includes(v ?? '')) usage(`--transport is one of ${TRANSPORTS.join(', ')}`);
        transport = v as TransportName;
        i++;
        break;
      case '--connections': given.connections = int(a, v, 1, 1024); i++; break;
      case '--spans-per-request': given.spansPerRequest = int(a, v, 1, 8192); i++; break;
      case '--duration': given.durationS = int(a, v, 1, 24 * 3600); i++; break;
      case '--rate': given.rate = int(a, v, 1, 10_000_000); i++; break;
      case '--baseline': baseline = true; break;
      case '--no-baseline': baseline = false; break;
      case '--poll-ms': rest.pollMs = int(a, v, 0, 10_000); i++; break;
      case '--retry-delay-ms': rest.retryDelayMs = int(a, v, 0, 60_000); i++; break;
      case '--max-retries': rest.maxRetries = int(a, v, 0, 10_000); i++; break;
      case '--max-in-flight': rest.maxInFlight = int(a, v, 1, 100_000); i++; break;
      case '--timeout-ms': rest.timeoutMs = int(a, v, 100, 600_000); i++; break;
      case '--seed': rest.seed = int(a, v, 0, 2 ** 31); i++; break;
      case '--serve-build':
        if (v !== 'bench' && v !== 'out') usage('--serve-build is bench or out');
        rest.serveBuild = v;
        i++;
        break;
      case '--keep': rest.keep = true; break;
      case '--serve-arg':
        if (v === undefined) usage('--serve-arg needs a value');
        rest.serveArgs.push(v); i++; break;
      case '--help': case '-h': usage();
      // falls through (usage never returns)
      default: usage(`unknown argument "${a}"`);
    }
  }
  const d = DEFAULTS[scenario];
  return {
    scenario,
    transport,
    connections: given.connections ?? d.connections,
    spansPerRequest: given.spansPerRequest ?? d.spansPerRequest,
    durationS: given.durationS ?? d.durationS,
    rate: given.rate ?? d.rate,
    // The do-nothing baseline speaks HTTP only.
    baseline: transport !== 'grpc' && (baseline ?? true),
    ...rest,
  };
}

function makeTransport(o: Options, serve: SpawnedServe): Transport {
  if (o.transport === 'grpc') {
    if (!serve.otlpGrpc) {
      const line = /OTLP\/gRPC.*$/m.exec(serve.output())?.[0]?.trim() ?? '(no OTLP/gRPC line)';
      throw new Error(`this flowtrace serve has no OTLP/gRPC receiver; it printed: ${line}`);
    }
    return grpcTransport(serve.otlpGrpc, o.connections);
  }
  return httpTransport(serve.otlpHttp, encodingOf(o.transport), o.connections);
}

/** One request before the phase: a server that cannot take even that is reported, not loaded. */
async function preflight(transport: Transport, pool: RequestPool, timeoutMs: number): Promise<void> {
  const { body } = pool.next();
  const o = await transport.send(body, Math.min(timeoutMs, 15_000));
  if (!o.ok) throw new Error(`the first ${transport.name} export was answered "${o.status}"${o.detail ? `: ${o.detail}` : ''}`);
}

function statusLine(stats: PhaseStats): string {
  return [...stats.statuses].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s}: ${n.toLocaleString('en-US')}`).join(', ') || 'none';
}

interface PhaseReport {
  stats: PhaseStats;
  wallS: number;
  spansPerS: number;
  requestsPerS: number;
  cpuPercent: number | null;
  rssPeakMiB: number | null;
  rssEndMiB: number | null;
  clientCpuPercent: number;
}

/** Runs a phase against one target while sampling that target's process. */
async function measuredPhase(
  o: Options,
  transport: Transport,
  pool: RequestPool,
  pid: number,
  durationS: number,
  onAck?: (spans: number, at: number) => void,
  every?: { ms: number; tick: (stats: PhaseStats, sampler: ProcSampler) => void },
): Promise<PhaseReport> {
  const sampler = new ProcSampler(pid, 250);
  const from = sampler.mark();
  const client0 = process.cpuUsage();
  const phase = runPhase({
    transport, pool, connections: o.connections, durationMs: durationS * 1000, rate: o.rate, timeoutMs: o.timeoutMs,
    retryDelayMs: o.retryDelayMs, maxRetries: o.maxRetries, maxInFlight: o.maxInFlight, ...(onAck ? { onAck } : {}),
  });
  const ticker = every ? setInterval(() => every.tick(phase.stats, sampler), every.ms) : null;
  const stats = await phase.done;
  if (ticker) clearInterval(ticker);
  const cpuPercent = sampler.cpuPercentSince(from);
  const rssEndMiB = sampler.lastRss();
  const rssPeakMiB = sampler.peakRssSince(from);
  sampler.stop();
  const client = process.cpuUsage(client0);
  const wallS = (stats.endedAt - stats.startedAt) / 1000;
  return {
    stats, wallS, spansPerS: stats.ackedSpans / wallS, requestsPerS: stats.ackedRequests / wallS,
    cpuPercent, rssPeakMiB, rssEndMiB, clientCpuPercent: ((client.user + client.system) / 1e6 / wallS) * 100,
  };
}

function reportPhase(report: Report, section: string, r: PhaseReport, o: Options): void {
  const s = r.stats;
  const lat = s.ackLatencies;
  report.add(section, 'acked spans/s', r.spansPerS, 'spans/s', { note: `${s.ackedSpans.toLocaleString('en-US')} spans in ${r.wallS.toFixed(1)} s${o.rate ? `; offered ${o.rate.toLocaleString('en-US')}` : ''}` });
  report.add(section, 'acked requests/s', r.requestsPerS, 'req/s', { note: `${o.connections} connection(s), ${o.spansPerRequest} span(s)/request of ${(meanRequestBytes / 1024).toFixed(1)} KiB` });
  report.add(section, 'ack latency p50', lat.length ? percentile(lat, 50) : null, 'ms');
  report.add(section, 'ack latency p99', lat.length ? percentile(lat, 99) : null, 'ms');
  report.add(section, 'ack latency max', lat.length ? Math.max(...lat) : null, 'ms', { note: s.retries ? `incl. retry waits; single attempts p99 ${formatNumber(percentile(s.attemptLatencies, 99))} ms` : undefined });
  report.add(section, 'retries honoured', s.retries, 'resends', { note: `waited ${(s.retryWaitMs / 1000).toFixed(1)} s in all; ${s.abandoned} abandoned at the end, ${s.failed} refused for good${s.skipped ? `, ${s.skipped} sends skipped (in-flight cap)` : ''}` });
  report.note(`answers: ${statusLine(s)}`);
  for (const [status, detail] of s.details) report.note(`  ${status}: ${detail}`);
  report.add(section, 'server CPU (whole process)', r.cpuPercent, '% of a core', { note: `load generator itself: ${r.clientCpuPercent.toFixed(0)}%` });
  report.add(section, 'server RSS max', r.rssPeakMiB, 'MiB');
  report.add(section, 'server RSS at end', r.rssEndMiB, 'MiB');
}

/** Mean request size, shown beside the request rate (set once the pool exists). */
let meanRequestBytes = 0;

function reportVisibility(report: Report, section: string, v: VisibilityResult, pollMs: number): void {
  if (pollMs === 0) report.note('--poll-ms 0: no polling during the load, so no ack → readable lag; only the final check');
  const p99 = v.lags.length && pollMs > 0 ? percentile(v.lags, 99) : null;
  report.add(section, 'ack → readable p99', p99, 'ms', {
    target: atMost(LAG_TARGET_MS),
    note: pollMs === 0 ? 'not measured (--poll-ms 0)' : `p50 ${v.lags.length ? formatNumber(percentile(v.lags, 50)) : 'n/a'} ms, max ${v.lags.length ? formatNumber(Math.max(...v.lags)) : 'n/a'} ms; /api/v1/stats polled every ${pollMs} ms (slowest poll ${formatNumber(v.maxPollMs)} ms)`,
  });
  const diff = v.storedSinceStart - v.ackedSinceStart;
  report.add(section, 'stored − acked (final stats.spans check)', diff, 'spans', {
    target: atMost(0),
    note: diff === 0
      ? `stats.spans grew by ${v.storedSinceStart.toLocaleString('en-US')} = acked, no duplicates`
      : diff < 0
        ? `LOST: ${(-diff).toLocaleString('en-US')} acked span(s) not stored (${v.unseen} ack(s) never visible)`
        : `${diff.toLocaleString('en-US')} more stored than acked (requests committed but not acknowledged in time, e.g. client timeouts)`,
  });
  if (diff < 0) report.add(section, 'acked spans lost', -diff, 'spans', { target: atMost(0) });
}

async function runBaseline(report: Report, o: Options, pool: RequestPool, ours: PhaseReport, section: string): Promise<void> {
  const durationS = Math.min(o.durationS, BASELINE_MAX_S);
  console.log(`\n== baseline: a do-nothing Node HTTP server, same load, ${durationS} s`);
  const baseline = await spawnBaseline();
  const transport = httpTransport(baseline.endpoint, encodingOf(o.transport), o.connections);
  try {
    const r = await measuredPhase(o, transport, pool, baseline.pid, durationS);
    report.add(`${section}/baseline`, 'acked spans/s', r.spansPerS, 'spans/s');
    report.add(`${section}/baseline`, 'ack latency p50', percentile(r.stats.ackLatencies, 50), 'ms');
    report.add(`${section}/baseline`, 'ack latency p99', percentile(r.stats.ackLatencies, 99), 'ms');
    report.add(`${section}/baseline`, 'baseline server CPU', r.cpuPercent, '% of a core', { note: `load generator: ${r.clientCpuPercent.toFixed(0)}%` });
    report.add(section, 'Flowtrace rate / baseline rate', ours.spansPerS / r.spansPerS, '×', { note: o.rate ? 'paced: both should reach the offered rate' : 'closed loop, same connections and bodies' });
    report.add(section, 'Flowtrace p50 / baseline p50', percentile(ours.stats.ackLatencies, 50) / percentile(r.stats.ackLatencies, 50), '×');
  } finally {
    transport.close();
    await baseline.stop();
  }
}

async function runScenario(report: Report, o: Options, serve: SpawnedServe, transport: Transport, pool: RequestPool): Promise<void> {
  const section = o.scenario;
  const mode = o.rate ? `open loop at ${o.rate.toLocaleString('en-US')} spans/s` : 'closed loop';
  console.log(`\n== ${section}: ${o.transport}, ${o.connections} connection(s), ${o.spansPerRequest} span(s)/request, ${o.durationS} s, ${mode}`);
  const visibility = await VisibilityTracker.start(serve.api, o.pollMs);
  let lastTick = { t: performance.now(), spans: 0, lags: 0 };
  const soakTick = (stats: PhaseStats, sampler: ProcSampler): void => {
    const now = performance.now();
    const lags = visibility.lags.slice(lastTick.lags);
    const s = sampler.samples[sampler.samples.length - 1];
    const rate = (stats.ackedSpans - lastTick.spans) / ((now - lastTick.t) / 1000);
    console.log(
      `  t=${((now - stats.startedAt) / 1000).toFixed(0).padStart(4)} s  acked ${Math.round(rate).toLocaleString('en-US').padStart(8)} spans/s` +
        `  lag p99 ${lags.length ? formatNumber(percentile(lags, 99)).padStart(6) : '   n/a'} ms  RSS ${s ? s.rssMiB.toFixed(0) : '?'} MiB` +
        `  (${statusLine(stats)})`,
    );
    lastTick = { t: now, spans: stats.ackedSpans, lags: visibility.lags.length };
  };
  const r = await measuredPhase(o, transport, pool, serve.pid, o.durationS, (spans, at) => visibility.ack(spans, at), o.scenario === 'soak' ? { ms: 10_000, tick: soakTick } : undefined);
  const v = await visibility.finish(60_000);
  reportPhase(report, section, r, o);
  reportVisibility(report, section, v, o.pollMs);
  report.meta.phase = { ...r, stats: { ...r.stats, statuses: Object.fromEntries(r.stats.statuses), details: Object.fromEntries(r.stats.details), ackLatencies: undefined, attemptLatencies: undefined } };

  if (o.scenario === 'overload') {
    const allowed = o.transport === 'grpc' ? ['grpc 0 OK', 'grpc 14 UNAVAILABLE'] : ['200', '503'];
    const other = [...r.stats.statuses].filter(([s]) => !allowed.includes(s));
    report.add(section, 'answers other than ' + allowed.join('/'), other.reduce((n, [, c]) => n + c, 0), 'answers', { target: atMost(0), note: other.map(([s, n]) => `${s}: ${n}`).join(', ') || undefined });
    report.add(section, 'server RSS max (overload)', r.rssPeakMiB, 'MiB', { target: atMost(OVERLOAD_RSS_LIMIT_MIB) });
    const alive = serve.child.exitCode === null && serve.child.signalCode === null;
    const http = new HttpClient(1);
    const healthy = await http
      .send(`${serve.api}/api/v1/health`, 'GET', undefined, undefined, 10_000)
      .then((res) => res.status === 200, () => false)
      .finally(() => http.close());
    report.add(section, 'server alive and healthy after overload', alive && healthy ? 1 : 0, '(1 = yes)', { target: atLeast(1) });
  }
  if (o.baseline) await runBaseline(report, o, pool, r, section);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const report = new Report({ tool: 'otlp-load', ...runMeta(started), options: o });
  console.log(`Flowtrace OTLP load — scenario ${o.scenario}, ${o.transport}, node ${process.version}, ${cpus().length} CPUs`);
  let serve: SpawnedServe | null = null;
  let transport: Transport | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'flowtrace-otlp-load-'));
  let failed = false;
  try {
    const buildDir = serveBuildDir(o.serveBuild, (l) => console.log(`  · ${l}`));
    const pool = new RequestPool({ encoding: encodingOf(o.transport), spansPerRequest: o.spansPerRequest, poolSize: o.spansPerRequest >= 64 ? 32 : 256, seed: o.seed });
    meanRequestBytes = pool.meanBytes;
    report.note(`recorded ${pool.options.poolSize} distinct requests of ${o.spansPerRequest} span(s) (${(pool.meanBytes / 1024).toFixed(1)} KiB each, ${pool.options.encoding}) in ${(pool.genMs / 1000).toFixed(1)} s; every send gets unique trace ids`);
    serve = await spawnServe(buildDir, dataDir, undefined, o.serveArgs);
    report.note(`flowtrace serve pid ${serve.pid} ready in ${serve.readyMs.toFixed(0)} ms; OTLP/HTTP ${serve.otlpHttp}, OTLP/gRPC ${serve.otlpGrpc ?? 'none'}, API ${serve.api}; data in ${dataDir}`);
    transport = makeTransport(o, serve);
    await preflight(transport, pool, o.timeoutMs);
    await runScenario(report, o, serve, transport, pool);
  } catch (err) {
    failed = true;
    console.error(`\n${o.scenario} (${o.transport}) could not run: ${errorMessage(err)}`);
    report.unavailable(o.scenario, `${o.scenario} over ${o.transport}`, '', errorMessage(err));
    if (process.env.BENCH_DEBUG) console.error(err);
  } finally {
    transport?.close();
    if (serve) await serve.stop();
    if (!o.keep) rmSync(dataDir, { recursive: true, force: true });
    const below = writeResults(report, 'otlp-load', started);
    process.exitCode = failed || below > 0 ? 1 : 0;
  }
}

await main();

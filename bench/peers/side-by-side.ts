/**
 * Flowtrace beside its peers (issue 17). See bench/README.md, "Side by side with the peers".
 *
 *   node --import tsx bench/peers/side-by-side.ts [--duration S] [--warmup S] [--connections N] [--batch N]
 *        [--systems null,flowtrace,jaeger-memory,jaeger-badger,otel-desktop-viewer,otel-desktop-viewer-memory]
 *        [--steal-max PCT] [--big-trace] [--big-trace-spans N] [--big-trace-runs N] [--jaeger-bin PATH]
 *        [--jaeger-max-traces N] [--odv-bin PATH] [--odv-src DIR]
 *        [--sample-traces N] [--drain-timeout S] [--serve-build bench|out] [--serve-arg ARG]... [--seed N]
 *        [--json FILE] [--keep]
 *
 * The same closed-loop OTLP/HTTP protobuf load (every span a fresh id) against each system in turn,
 * one at a time, each on its own free loopback ports with fresh directories: start, warm up, load,
 * drain, count what it stored through its own API, optionally read one big trace back, stop. Then a
 * table and the ratios Flowtrace / each peer. CPU steal is read around each run; a run above
 * --steal-max is set aside (shown, marked, and its ratios flagged).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeSpans } from '../gen/agent-spans';
import { intArg } from '../lib/args';
import { HttpClient } from '../lib/http';
import { runPhase } from '../lib/load-driver';
import { gitCommit, machineMeta } from '../lib/meta';
import { RequestPool } from '../lib/otlp-requests';
import { httpTransport, type Transport } from '../lib/otlp-transports';
import { processTree, ProcSampler } from '../lib/proc-sample';
import { errorMessage, formatNumber, percentile } from '../lib/report';
import { REPO_ROOT } from '../lib/serve';
import { busyCores, cpuTimes, stealPercent } from '../lib/steal';
import { BigTraceRecorder } from '../ui/big-trace';
import { OtlpSender } from '../ui/send';
import { SYSTEM_NAMES, SYSTEMS, type RunningSystem, type StoredContext, type SystemName, type SystemOptions } from './systems';

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  batch: number;
  systems: SystemName[];
  stealMax: number;
  bigTrace: boolean;
  bigTraceSpans: number;
  bigTraceRuns: number;
  jaegerBin: string | null;
  jaegerMaxTraces: number;
  odvBin: string | null;
  odvSrc: string | null;
  sampleTraces: number;
  drainTimeoutS: number;
  serveBuild: 'bench' | 'out';
  serveArgs: string[];
  seed: number;
  json: string | null;
  keep: boolean;
}

function usage(message?: string): never {
  if (message) console.error(`side-by-side: ${message}`);
  console.error(
    'usage: node --import tsx bench/peers/side-by-side.ts [--duration S] [--warmup S] [--connections N] [--batch N]\n' +
      `       [--systems ${SYSTEM_NAMES.join(',')}] [--steal-max PCT] [--big-trace] [--big-trace-spans N] [--big-trace-runs N]\n` +
      '       [--jaeger-bin PATH] [--jaeger-max-traces N] [--odv-bin PATH] [--odv-src DIR] [--sample-traces N] [--drain-timeout S]\n' +
      '       [--serve-build bench|out] [--serve-arg ARG]... [--seed N] [--json FILE] [--keep]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    durationS: 20, warmupS: 3, connections: 8, batch: 512, systems: [...SYSTEM_NAMES], stealMax: 15, bigTrace: false, bigTraceSpans: 100_000,
    bigTraceRuns: 3, jaegerBin: null, jaegerMaxTraces: 100_000, odvBin: null, odvSrc: null, sampleTraces: 1000, drainTimeoutS: 120, serveBuild: 'bench', serveArgs: [], seed: 42,
    json: null, keep: false,
  };
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const value = (): string => {
      if (v === undefined) usage(`${a} needs a value`);
      i++;
      return v;
    };
    switch (a) {
      case '--duration': o.durationS = int(a, value(), 1, 3600); break;
      case '--warmup': o.warmupS = int(a, value(), 0, 600); break;
      case '--connections': o.connections = int(a, value(), 1, 1024); break;
      case '--batch': case '--spans-per-request': o.batch = int(a, value(), 1, 8192); break;
      case '--systems': {
        const names = value().split(',').map((s) => s.trim()).filter(Boolean);
        for (const n of names) if (!(SYSTEM_NAMES as readonly string[]).includes(n)) usage(`unknown system "${n}" (known: ${SYSTEM_NAMES.join(', ')})`);
        if (names.length === 0) usage('--systems needs at least one system');
        o.systems = names as SystemName[];
        break;
      }
      case '--steal-max': o.stealMax = int(a, value(), 0, 100); break;
      case '--big-trace': o.bigTrace = true; break;
      case '--big-trace-spans': o.bigTraceSpans = int(a, value(), 100, 2_000_000); o.bigTrace = true; break;
      case '--big-trace-runs': o.bigTraceRuns = int(a, value(), 1, 100); break;
      case '--jaeger-bin': o.jaegerBin = value(); break;
      case '--odv-bin': o.odvBin = value(); break;
      case '--odv-src': o.odvSrc = value(); break;
      case '--jaeger-max-traces': o.jaegerMaxTraces = int(a, value(), 1, 100_000_000); break;
      case '--sample-traces': o.sampleTraces = int(a, value(), 1, 1_000_000); break;
      case '--drain-timeout': o.drainTimeoutS = int(a, value(), 1, 3600); break;
      case '--serve-build': {
        const b = value();
        if (b !== 'bench' && b !== 'out') usage('--serve-build is bench or out');
        o.serveBuild = b;
        break;
      }
      case '--serve-arg': o.serveArgs.push(value()); break;
      case '--seed': o.seed = int(a, value(), 0, 2 ** 31); break;
      case '--json': o.json = value(); break;
      case '--keep': o.keep = true; break;
      case '--help': case '-h': usage();
      // falls through (usage never returns)
      default: usage(`unknown argument "${a}"`);
    }
  }
  return o;
}

interface BigTraceRoute {
  route: string;
  /** Median and best of `runs` reads, ms (request sent → whole body received). */
  medianMs: number;
  minMs: number;
  bytes: number;
  /** Spans in the answer where the route's shape is known; null otherwise. */
  spans: number | null;
}

interface BigTraceResult {
  spans: number;
  /** Sending it: first request → last ack. */
  sendS: number;
  /** Last ack → the whole trace readable. */
  readableS: number | null;
  routes: BigTraceRoute[];
  peakRssMiB: number | null;
  error: string | null;
}

export interface Row {
  system: SystemName;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason: string | null;
  readyMs: number | null;
  ackedSpansPerS: number | null;
  /** Spans acknowledged in the measured phase. */
  ackedSpans: number | null;
  /** Spans acknowledged over warm-up and measured phase: what `stored` is compared with. */
  ackedTotal: number | null;
  stored: number | null;
  storedExact: boolean | null;
  storedNote: string | null;
  storedPercent: number | null;
  /** Measured phase start → drained. */
  drainS: number | null;
  drained: boolean | null;
  /** The system's process and its descendants (Flowtrace's memory process, for one), summed. */
  peakRssMiB: number | null;
  /** The system's main process alone. */
  peakRssMainMiB: number | null;
  /** Processes in the system's tree when the load ended. */
  processes: number | null;
  cpuSeconds: number | null;
  cpuSecondsPer1kSpans: number | null;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  answers: Record<string, number>;
  stealPercent: number | null;
  /**
   * CPU everything else on the machine used from the load's start until drained (neither this
   * system nor the load generator), in % of all cores: other work sharing the machine.
   */
  othersPercent: number | null;
  setAside: boolean;
  bigTrace: BigTraceResult | null;
}

export interface Ratio {
  /** `flowtrace/<system>`. */
  pair: string;
  ackedSpansPerS: number | null;
  stored: number | null;
  peakRss: number | null;
  cpuPer1kSpans: number | null;
  /** --big-trace: Flowtrace's full read (and its outline) over the peer's full read, medians. */
  bigTraceRead: number | null;
  bigTraceOutline: number | null;
  /** Either run was set aside for steal. */
  setAside: boolean;
}

function emptyRow(system: SystemName, status: Row['status'], reason: string | null): Row {
  return {
    system, label: SYSTEMS[system].label, status, reason, readyMs: null, ackedSpansPerS: null, ackedSpans: null, ackedTotal: null, stored: null,
    storedExact: null, storedNote: null, storedPercent: null, drainS: null, drained: null, peakRssMiB: null, peakRssMainMiB: null, processes: null, cpuSeconds: null, cpuSecondsPer1kSpans: null,
    ackP50Ms: null, ackP99Ms: null, answers: {}, stealPercent: null, othersPercent: null, setAside: false, bigTrace: null,
  };
}

type EncodedChunk = { body: Uint8Array; spans: number };

/** One trace of `spans` spans (the trace-view benchmark's orchestrator), encoded once for every system. */
function recordBigTrace(spans: number, seed: number): { traceId: string; chunks: EncodedChunk[] } {
  const recorder = new BigTraceRecorder({ seed, startMs: Date.now() - 3_600_000, chunkSpans: 4000 });
  const gen = recorder.bigTrace(spans);
  const chunks: EncodedChunk[] = [];
  for (let next = gen.next(); !next.done; next = gen.next()) chunks.push({ body: encodeSpans(next.value), spans: next.value.length });
  return { traceId: recorder.facts.traceId, chunks };
}

async function measureBigTrace(sys: RunningSystem, big: { traceId: string; chunks: EncodedChunk[] }, runs: number): Promise<BigTraceResult> {
  const spans = big.chunks.reduce((n, c) => n + c.spans, 0);
  const result: BigTraceResult = { spans, sendS: 0, readableS: null, routes: [], peakRssMiB: null, error: null };
  if (!sys.bigTraceRoutes || !sys.waitForTrace) return { ...result, error: 'keeps no traces' };
  const sender = new OtlpSender(sys.otlpHttp, 3);
  try {
    const t0 = performance.now();
    for (const c of big.chunks) await sender.send(c.body, c.spans);
    await sender.flush();
    const acked = performance.now();
    result.sendS = (acked - t0) / 1000;
    if (!(await sys.waitForTrace(big.traceId, spans, 300_000))) return { ...result, error: `the ${spans}-span trace was not whole within 300 s of the last ack` };
    result.readableS = (performance.now() - acked) / 1000;
    const sampler = new ProcSampler(sys.pid, 100, { tree: true });
    const http = new HttpClient(1);
    try {
      for (const r of sys.bigTraceRoutes(big.traceId)) {
        const times: number[] = [];
        let bytes = 0;
        let found: number | null = null;
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          const res = r.body === undefined
            ? await http.send(r.url, 'GET', undefined, undefined, 300_000)
            : await http.send(r.url, 'POST', Buffer.from(r.body), 'application/json', 300_000);
          times.push(performance.now() - t);
          if (res.status !== 200) throw new Error(`${r.body === undefined ? 'GET' : 'POST'} ${r.route} answered ${res.status}: ${res.body.toString('utf8').slice(0, 160)}`);
          bytes = res.body.length;
          if (i === 0 && r.count) found = r.count(res.body.toString('utf8'));
        }
        result.routes.push({ route: r.route, medianMs: percentile(times, 50), minMs: Math.min(...times), bytes, spans: found });
      }
    } finally {
      http.close();
      result.peakRssMiB = sampler.peakRssSince(null);
      sampler.stop();
    }
  } catch (err) {
    result.error = errorMessage(err);
  } finally {
    sender.close();
  }
  return result;
}

async function runSystem(name: SystemName, o: Options, so: SystemOptions, pool: RequestPool, big: { traceId: string; chunks: EncodedChunk[] } | null): Promise<Row> {
  const spec = SYSTEMS[name];
  const workDir = mkdtempSync(join(tmpdir(), `flowtrace-peers-${name}-`));
  const row = emptyRow(name, 'ok', null);
  let sys: RunningSystem | null = null;
  let transport: Transport | null = null;
  try {
    const steal0 = cpuTimes();
    sys = await spec.start(so, workDir);
    row.readyMs = sys.readyMs;
    console.log(`  ${sys.describe}; ready in ${sys.readyMs.toFixed(0)} ms`);
    const t = (transport = httpTransport(sys.otlpHttp, 'protobuf', o.connections));
    const ackedSends: number[] = [];
    let ackedTotal = 0;
    const onAck = (spans: number, _at: number, send: number): void => {
      ackedSends.push(send);
      ackedTotal += spans;
    };
    const phase = (seconds: number) =>
      runPhase({ transport: t, pool, connections: o.connections, durationMs: seconds * 1000, rate: null, timeoutMs: 60_000, retryDelayMs: null, maxRetries: 100, maxInFlight: 256, onAck }).done;
    if (o.warmupS > 0) {
      const w = await phase(o.warmupS);
      if (w.ackedRequests === 0) throw new Error(`nothing acknowledged in the warm-up; answers: ${JSON.stringify(Object.fromEntries(w.statuses))} ${JSON.stringify(Object.fromEntries(w.details))}`);
    }
    const sampler = new ProcSampler(sys.pid, 250, { tree: true });
    const mainSampler = new ProcSampler(sys.pid, 250);
    const from = sampler.mark();
    const machine0 = cpuTimes();
    const client0 = process.cpuUsage();
    const stats = await phase(o.durationS);
    row.processes = processTree(sys.pid).length;
    const ctx: StoredContext = { pool, ackedSends, ackedSpans: ackedTotal, sampleTraces: o.sampleTraces, seed: o.seed };
    row.drained = await sys.drain(ctx, o.drainTimeoutS * 1000);
    const to = sampler.sample();
    const client = process.cpuUsage(client0);
    const machineBusy = busyCores(machine0, cpuTimes(), cpus().length);
    sampler.stop();
    row.peakRssMainMiB = mainSampler.peakRssSince(null);
    mainSampler.stop();
    row.stealPercent = stealPercent(steal0, cpuTimes());
    row.setAside = row.stealPercent !== null && row.stealPercent > o.stealMax;
    const wallS = (stats.endedAt - stats.startedAt) / 1000;
    row.ackedSpans = stats.ackedSpans;
    row.ackedSpansPerS = stats.ackedSpans / wallS;
    row.ackedTotal = ackedTotal;
    row.ackP50Ms = stats.ackLatencies.length ? percentile(stats.ackLatencies, 50) : null;
    row.ackP99Ms = stats.ackLatencies.length ? percentile(stats.ackLatencies, 99) : null;
    row.answers = Object.fromEntries(stats.statuses);
    if (from && to) {
      row.drainS = (to.t - from.t) / 1000;
      row.cpuSeconds = to.cpuSeconds - from.cpuSeconds;
      row.cpuSecondsPer1kSpans = stats.ackedSpans > 0 ? row.cpuSeconds / (stats.ackedSpans / 1000) : null;
      if (machineBusy !== null && row.drainS > 0) {
        const ours = (row.cpuSeconds + (client.user + client.system) / 1e6) / row.drainS;
        row.othersPercent = Math.max(0, (100 * (machineBusy - ours)) / cpus().length);
      }
    }
    row.peakRssMiB = sampler.peakRssSince(from);
    const stored = await sys.stored(ctx);
    row.stored = stored.spans;
    row.storedExact = stored.exact;
    row.storedNote = stored.note;
    row.storedPercent = stored.spans === null || ackedTotal === 0 ? null : (100 * stored.spans) / ackedTotal;
    console.log(
      `  acked ${formatNumber(row.ackedSpansPerS)} spans/s (${stats.ackedSpans.toLocaleString('en-US')} in ${wallS.toFixed(1)} s; answers ${JSON.stringify(row.answers)}); ` +
        `stored ${stored.spans === null ? 'n/a' : stored.spans.toLocaleString('en-US')} of ${ackedTotal.toLocaleString('en-US')} acked incl. warm-up (${stored.note})` +
        `${row.drained ? '' : `; NOT drained within ${o.drainTimeoutS} s`}; peak RSS ${show(row.peakRssMiB)} MiB in ${row.processes} process(es), main process ${show(row.peakRssMainMiB)} MiB; steal ${row.stealPercent === null ? 'n/a' : row.stealPercent.toFixed(1)} %${row.setAside ? ' → SET ASIDE' : ''}`,
    );
    if (big && !sys.bigTraceRoutes) {
      row.bigTrace = { spans: 0, sendS: 0, readableS: null, routes: [], peakRssMiB: null, error: 'keeps no traces' };
    } else if (big) {
      console.log(`  big trace: sending ${big.chunks.reduce((n, c) => n + c.spans, 0).toLocaleString('en-US')} spans, then ${o.bigTraceRuns} read(s) per route`);
      row.bigTrace = await measureBigTrace(sys, big, o.bigTraceRuns);
      const b = row.bigTrace;
      if (b.error) console.log(`  big trace: n/a (${b.error})`);
      else for (const r of b.routes) console.log(`  big trace: ${r.route} median ${formatNumber(r.medianMs)} ms (best ${formatNumber(r.minMs)}), ${(r.bytes / 1e6).toFixed(1)} MB${r.spans === null ? '' : `, ${r.spans} spans`}`);
    }
  } catch (err) {
    row.status = 'failed';
    row.reason = errorMessage(err);
    console.log(`  FAILED: ${row.reason}`);
    if (process.env.BENCH_DEBUG) console.error(err);
  } finally {
    transport?.close();
    if (sys) await sys.stop().catch((err: unknown) => console.log(`  stopping: ${errorMessage(err)}`));
    if (o.keep) console.log(`  kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  return row;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Median ms of a big-trace read: `route` of the row's, or its first (a peer's full read). */
function bigRead(row: Row, route?: string): number | null {
  const routes = row.bigTrace?.error ? [] : (row.bigTrace?.routes ?? []);
  return (route ? routes.find((r) => r.route === route) : routes[0])?.medianMs ?? null;
}

export function ratiosOf(rows: Row[]): Ratio[] {
  const ft = rows.find((r) => r.system === 'flowtrace' && r.status === 'ok');
  if (!ft) return [];
  return rows
    .filter((r) => r.system !== 'flowtrace' && r.status === 'ok')
    .map((r) => ({
      pair: `flowtrace/${r.system}`,
      ackedSpansPerS: ratio(ft.ackedSpansPerS, r.ackedSpansPerS),
      stored: ratio(ft.stored, r.stored),
      peakRss: ratio(ft.peakRssMiB, r.peakRssMiB),
      cpuPer1kSpans: ratio(ft.cpuSecondsPer1kSpans, r.cpuSecondsPer1kSpans),
      bigTraceRead: ratio(bigRead(ft, '/api/v1/traces/{id}'), bigRead(r)),
      bigTraceOutline: ratio(bigRead(ft, '/api/v1/traces/{id}/outline'), bigRead(r)),
      setAside: ft.setAside || r.setAside,
    }));
}

/** "others %" above this is printed as a warning under the table (steal alone sets a run aside). */
const OTHERS_WARN_PERCENT = 25;

const show = (v: number | null, suffix = ''): string => (v === null ? 'n/a' : `${formatNumber(v)}${suffix}`);

function printTable(rows: Row[], ratios: Ratio[], o: Options): void {
  const head = ['system', 'acked spans/s', 'stored spans', 'stored/acked', 'peak RSS MiB', 'CPU s/1k spans', 'ack p99 ms', 'steal %', 'others %', ''];
  const lines = rows.map((r) =>
    r.status !== 'ok'
      ? [r.label, `${r.status}: ${r.reason ?? ''}`]
      : [
          r.label, show(r.ackedSpansPerS), r.stored === null ? 'n/a' : `${r.storedExact ? '' : '≈'}${formatNumber(r.stored)}`, show(r.storedPercent, ' %'),
          show(r.peakRssMiB), show(r.cpuSecondsPer1kSpans), show(r.ackP99Ms), r.stealPercent === null ? 'n/a' : r.stealPercent.toFixed(1),
          r.othersPercent === null ? 'n/a' : r.othersPercent.toFixed(0), r.setAside ? `SET ASIDE (steal > ${o.stealMax} %)` : '',
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length > 2).map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : i < head.length - 1 ? c.padStart(widths[i]!) : c)).join('  ').trimEnd();
  console.log(`\n${fmt(head)}`);
  for (const l of lines) console.log(l.length > 2 ? fmt(l) : `${l[0]!.padEnd(widths[0]!)}  ${l[1]}`);
  const busy = rows.filter((r) => (r.othersPercent ?? 0) > OTHERS_WARN_PERCENT);
  if (busy.length) {
    console.log(
      `\nOther work used more than ${OTHERS_WARN_PERCENT} % of the machine during ${busy.map((r) => `${r.label} (${r.othersPercent!.toFixed(0)} %)`).join(', ')}: ` +
        'those figures were taken under contention; rerun on a quiet machine before quoting them.',
    );
  }
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  if (ratios.length) {
    console.log('\nFlowtrace / peer (higher acked rate is better for Flowtrace; lower RSS and CPU are):');
    for (const r of ratios) {
      const other = rows.find((x) => `flowtrace/${x.system}` === r.pair)!;
      console.log(
        `  Flowtrace / ${other.label.padEnd(labelWidth)} acked spans/s ${show(r.ackedSpansPerS, '×').padStart(7)}   stored ${show(r.stored, '×').padStart(7)}   peak RSS ${show(r.peakRss, '×').padStart(7)}   CPU per 1k spans ${show(r.cpuPer1kSpans, '×').padStart(7)}${r.setAside ? '   (a run was set aside for steal)' : ''}`,
      );
    }
  }
  const withBig = rows.filter((r) => r.bigTrace);
  if (withBig.length) {
    console.log(`\nOne ${formatNumber(o.bigTraceSpans)}-span trace, read back whole (median of ${o.bigTraceRuns}):`);
    for (const r of withBig) {
      const b = r.bigTrace!;
      if (b.error) console.log(`  ${r.label.padEnd(labelWidth + 12)} n/a (${b.error})`);
      else
        console.log(
          `  ${r.label.padEnd(labelWidth + 12)} ${b.routes.map((x) => `${x.route} ${formatNumber(x.medianMs)} ms, ${(x.bytes / 1e6).toFixed(1)} MB`).join('; ')}; peak RSS serving it ${show(b.peakRssMiB)} MiB; sent in ${b.sendS.toFixed(1)} s, whole ${show(b.readableS)} s after`,
        );
    }
    for (const r of ratios.filter((x) => x.bigTraceRead !== null)) {
      const other = rows.find((x) => `flowtrace/${x.system}` === r.pair)!;
      console.log(`  Flowtrace / ${other.label.padEnd(labelWidth)} full read ${show(r.bigTraceRead, '×')}, Flowtrace's outline / its full read ${show(r.bigTraceOutline, '×')} (lower is better for Flowtrace)`);
    }
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const log = (line: string): void => console.log(`  · ${line}`);
  const so: SystemOptions = { serveBuild: o.serveBuild, serveArgs: o.serveArgs, jaegerBin: o.jaegerBin, jaegerMaxTraces: o.jaegerMaxTraces, odvBin: o.odvBin, odvSrc: o.odvSrc, startTimeoutMs: 60_000, log };
  console.log(`Side by side: ${o.systems.join(', ')}; ${o.connections} connections × ${o.batch} spans/request, OTLP/HTTP protobuf, warm-up ${o.warmupS} s, load ${o.durationS} s each`);

  // Builds first, so none overlaps a measured run.
  const ready: SystemName[] = [];
  const rows = new Map<SystemName, Row>();
  for (const name of o.systems) {
    try {
      SYSTEMS[name].prepare(so);
      ready.push(name);
    } catch (err) {
      console.log(`  ${SYSTEMS[name].label}: skipped: ${errorMessage(err)}`);
      rows.set(name, emptyRow(name, 'skipped', err instanceof Error ? err.message : String(err)));
    }
  }
  const pool = new RequestPool({ encoding: 'protobuf', spansPerRequest: o.batch, poolSize: 32, seed: o.seed, freshSpanIds: true });
  log(`recorded ${pool.options.poolSize} requests of ${o.batch} spans (${(pool.meanBytes / 1024).toFixed(1)} KiB each) in ${(pool.genMs / 1000).toFixed(1)} s; every send gets fresh trace and span ids`);
  let big: { traceId: string; chunks: EncodedChunk[] } | null = null;
  if (o.bigTrace) {
    const t0 = performance.now();
    big = recordBigTrace(o.bigTraceSpans, o.seed);
    log(`recorded one ${o.bigTraceSpans.toLocaleString('en-US')}-span trace ${big.traceId} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  for (const name of ready) {
    console.log(`\n== ${SYSTEMS[name].label}`);
    rows.set(name, await runSystem(name, o, so, pool, big));
  }
  const ordered = o.systems.map((n) => rows.get(n)!);
  const ratios = ratiosOf(ordered);
  printTable(ordered, ratios, o);
  console.log(
    '\nThe load generator shares the machine with each system: compare ratios from one session, not absolutes across machines.\n' +
      '"others %": CPU that neither the system nor the load generator used while it ran (other work on the machine), in % of all cores.',
  );

  const file = o.json ?? join(REPO_ROOT, 'bench/results', `side-by-side-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  const meta = { tool: 'side-by-side', startedAt: started.toISOString(), finishedAt: new Date().toISOString(), commit: gitCommit(), ...machineMeta() };
  writeFileSync(file, JSON.stringify({ meta, options: o, rows: ordered, ratios }, null, 2) + '\n');
  console.log(`→ ${file}`);
  process.exitCode = ordered.some((r) => r.status === 'failed') ? 1 : 0;
}

await main();

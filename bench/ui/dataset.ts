/**
 * The trace-view benchmark's data: one big trace per size, one trace whose agent graph has ~2k
 * nodes, and many ordinary traces for the list. With --data-dir, `ui-bench-manifest.json` beside the
 * database records what is loaded (ids, span counts, seed), and a later run loads only what is
 * missing; a directory holding anything else is refused rather than mixed into the figures.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../lib/http';
import { BigTraceRecorder, type TraceFacts } from './big-trace';
import { OtlpSender, sendManyTraces, sendTrace, storedSpans, waitForStored } from './send';

const MANIFEST = 'ui-bench-manifest.json';
const MANIFEST_VERSION = 1;
/** Spans per OTLP request for the big traces (~1.3 MB of protobuf). */
const CHUNK_SPANS = 4000;

export interface Manifest {
  version: number;
  seed: number;
  /** By dataset key: `trace-<spans>`, `graph-<nodes>`. */
  traces: Record<string, TraceFacts>;
  /** Spans sent as ordinary traces for the list (0 = none). */
  listSpans: number;
  /** Every span sent into this store. */
  totalSpans: number;
}

export interface Wanted {
  sizes: readonly number[];
  graphNodes: number | null;
  listSpans: number;
}

/** How fast one part of the dataset was acknowledged. */
export interface LoadRate {
  key: string;
  spans: number;
  seconds: number;
  /** Acknowledged spans/s over the first and the last tenth of the part. */
  firstTenth: number;
  lastTenth: number;
}

/** Records (time, cumulative spans acked) after each request, for LoadRate; 0 (re)starts the clock. */
class RateLog {
  private points: Array<[number, number]> = [[performance.now(), 0]];
  add(spans: number): void {
    if (spans === 0) this.points = [[performance.now(), 0]];
    else this.points.push([performance.now(), spans]);
  }
  rate(key: string): LoadRate {
    const p = this.points;
    const total = p[p.length - 1]![1];
    const at = (spans: number): number => p.find(([, n]) => n >= spans)![0];
    const per = (a: number, b: number): number => ((b - a) / Math.max(1e-3, (at(b) - at(a)) / 1000));
    const tenth = Math.max(1, Math.round(total / 10));
    return {
      key,
      spans: total,
      seconds: (p[p.length - 1]![0] - p[0]![0]) / 1000,
      firstTenth: per(0, p.find(([, n]) => n >= tenth)![1]),
      lastTenth: per(p.findLast(([, n]) => n <= total - tenth)![1], total),
    };
  }
}

export const traceKey = (spans: number): string => `trace-${spans}`;
export const graphKey = (nodes: number): string => `graph-${nodes}`;

/** What this benchmark loaded into `dataDir` before; read before the server creates its files there. */
export function readManifest(dataDir: string, seed: number): Manifest {
  const file = join(dataDir, MANIFEST);
  const empty: Manifest = { version: MANIFEST_VERSION, seed, traces: {}, listSpans: 0, totalSpans: 0 };
  if (!existsSync(file)) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty and holds no ${MANIFEST}: give an empty or new directory, or one this benchmark loaded`);
    }
    return empty;
  }
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (m.version !== MANIFEST_VERSION || m.seed !== seed) {
    throw new Error(`${dataDir} was loaded with manifest version ${m.version} and seed ${m.seed}: use another directory (or --seed ${m.seed})`);
  }
  return m;
}

function writeManifest(dataDir: string, m: Manifest): void {
  writeFileSync(join(dataDir, MANIFEST), JSON.stringify(m, null, 2) + '\n');
}

/** A 32-bit seed of its own per dataset, so two traces never share ids. */
function seedOf(seed: number, salt: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
}

/** Root start of each big trace: spread over a few days before 2026-01-10, so none overlaps another. */
function startOf(index: number): number {
  return Date.UTC(2026, 0, 10, 9, 0, 0) - index * 86_400_000;
}

/**
 * Loads whatever of `wanted` the store lacks, then waits until /api/v1/stats counts every span sent.
 * The manifest is written after each part, so a later run redoes only a part that was interrupted
 * (resending the same spans, which the store deduplicates).
 */
export async function ensureDataset(
  api: string,
  otlpHttp: string,
  dataDir: string,
  m: Manifest,
  wanted: Wanted,
  log: (line: string) => void,
): Promise<{ manifest: Manifest; rates: LoadRate[] }> {
  const rates: LoadRate[] = [];
  const http = new HttpClient(1);
  const before = await storedSpans(http, api).finally(() => http.close());
  if (before < m.totalSpans) throw new Error(`the store holds ${before} spans but the manifest says ${m.totalSpans} were loaded: retention or a damaged store; use a new directory`);
  const sender = new OtlpSender(otlpHttp, 3);
  const t0 = performance.now();
  let sent = 0;
  try {
    const every = (total: number, label: string, rate: RateLog) => {
      let next = 0;
      return (n: number) => {
        rate.add(n);
        if (n === 0 || (n < next && n < total)) return;
        next = n + Math.max(50_000, Math.round(total / 10));
        log(`  ${label}: acked ${n.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} spans (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      };
    };
    for (const [i, size] of wanted.sizes.entries()) {
      const key = traceKey(size);
      if (m.traces[key]) continue;
      log(`loading a ${size.toLocaleString('en-US')}-span trace`);
      const rec = new BigTraceRecorder({ seed: seedOf(m.seed, size), startMs: startOf(i), chunkSpans: CHUNK_SPANS });
      const rate = new RateLog();
      const facts = await sendTrace(sender, rec.bigTrace(size), every(size, key, rate));
      rates.push(rate.rate(key));
      m.traces[key] = facts;
      m.totalSpans += facts.spans;
      sent += facts.spans;
      writeManifest(dataDir, m);
    }
    if (wanted.graphNodes !== null && !m.traces[graphKey(wanted.graphNodes)]) {
      log(`loading a trace with ${wanted.graphNodes.toLocaleString('en-US')} agent-graph nodes`);
      const rec = new BigTraceRecorder({ seed: seedOf(m.seed, 1 + wanted.graphNodes * 7), startMs: startOf(wanted.sizes.length + 1), chunkSpans: CHUNK_SPANS });
      const facts = await sendTrace(sender, rec.graphTrace(wanted.graphNodes));
      m.traces[graphKey(wanted.graphNodes)] = facts;
      m.totalSpans += facts.spans;
      sent += facts.spans;
      writeManifest(dataDir, m);
    }
    if (m.listSpans < wanted.listSpans) {
      const more = wanted.listSpans - m.listSpans;
      log(`loading ~${more.toLocaleString('en-US')} spans of ordinary agent traces (~10 spans each) for the list`);
      const rate = new RateLog();
      const n = await sendManyTraces(sender, more, seedOf(m.seed, 3 + m.listSpans), every(more, 'list', rate));
      rates.push(rate.rate('list'));
      m.listSpans += n;
      m.totalSpans += n;
      sent += n;
      writeManifest(dataDir, m);
    }
  } finally {
    sender.close();
  }
  if (sent > 0) {
    log(`sent ${sent.toLocaleString('en-US')} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s (${sender.retries} resends after 429/503, ${(sender.retryWaitMs / 1000).toFixed(1)} s waited); waiting for the store to count them`);
    await waitForStored(api, m.totalSpans, log);
    log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { manifest: m, rates };
}

/**
 * Workloads for the store benchmarks: pre-encoded OTLP requests of 512 spans of ordinary agent
 * traces, plus the dataset used by the query, size, memory and restart sections (ordinary traces,
 * one 1k-span trace and one 100k-span trace) with a manifest of what it holds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AgentSpanGenerator, Batcher, Census, FT_COMMON_WORD, FT_RARE_WORD, type EncodedBatch, type GeneratedTrace } from '../gen/agent-spans';
import { startEngine } from '../../src-main/engine/index';
import { HttpClient, sendWindowed } from './http';
import { sleep } from './report';

export const BATCH_SPANS = 512;

export interface Workload {
  batches: EncodedBatch[];
  spans: number;
  traces: number;
  census: Census;
  /** ms spent recording and encoding. */
  genMs: number;
  generator: AgentSpanGenerator;
}

export interface WorkloadOptions {
  seed: number;
  startTimeMs?: number;
  traceIntervalMs?: number;
}

/** Ordinary traces until at least `spans` spans, as requests of exactly 512 spans (the last may be short). */
export function buildWorkload(spans: number, options: WorkloadOptions): Workload {
  const t0 = performance.now();
  const generator = new AgentSpanGenerator({
    seed: options.seed,
    ...(options.startTimeMs !== undefined ? { startTimeMs: options.startTimeMs } : {}),
    ...(options.traceIntervalMs !== undefined ? { traceIntervalMs: options.traceIntervalMs } : {}),
  });
  const batcher = new Batcher(BATCH_SPANS);
  const census = new Census();
  const batches: EncodedBatch[] = [];
  let total = 0;
  // Bounded: each trace has at least two spans.
  for (let i = 0; total < spans && i < spans; i++) {
    const t = generator.nextTrace();
    census.add(t.facts);
    total += t.spans.length;
    batches.push(...batcher.add(t.spans));
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  return { batches, spans: total, traces: census.traces, census, genMs: performance.now() - t0, generator };
}

/** Encodes one trace's spans as requests of 512 spans. */
export function batchesOf(trace: GeneratedTrace): EncodedBatch[] {
  const batcher = new Batcher(BATCH_SPANS);
  const out = batcher.add(trace.spans);
  const last = batcher.flush();
  if (last) out.push(last);
  return out;
}

// ---------------------------------------------------------------------------------------------

export const MANIFEST_FILE = 'bench-manifest.json';
export const DATASET_FORMAT = 2;

export interface BigTraceInfo {
  traceId: string;
  spans: number;
  /** A span in the middle of the trace, for getSpan. */
  spanId: string;
}

export interface Filters {
  service: { value: string; traces: number };
  rootName: { value: string; traces: number };
  spanName: { value: string; traces: number };
  status: { value: 'error'; traces: number };
  minDurationMs: { value: number; traces: number };
  window: { startFrom: string; startTo: string; traces: number };
  attribute: { key: string; value: string; traces: number };
  rareAttribute: { key: string; value: string; traces: number };
  common: { word: string; traces: number };
  rare: { word: string; traces: number };
  longestMs: number;
}

export interface DatasetManifest {
  format: number;
  /** Hash of the store's migrations when the dataset was written: a changed schema means reload. */
  schema: string;
  seed: number;
  requestedSpans: number;
  regularSpans: number;
  regularTraces: number;
  totalSpans: number;
  totalTraces: number;
  big1k: BigTraceInfo;
  big100k: BigTraceInfo;
  filters: Filters;
  load: { ackedMs: number; compactedMs: number; closeMs: number; window: number; via: string };
  createdAt: string;
}

export interface Dataset {
  dir: string;
  manifest: DatasetManifest;
  /** True when this run loaded it (else it was reused from --data-dir). */
  loaded: boolean;
}

const FILTER_SERVICE = 'support-bot';
const FILTER_ROOT = 'invoke_agent triage';
const FILTER_SPAN = 'execute_tool lookup_order';
const FILTER_MODEL = 'o3-mini';
const FILTER_USER = 'user_4242';

function nanosOf(us: number): string {
  return (BigInt(Math.round(us)) * 1000n).toString();
}

function filtersOf(census: Census): Filters {
  const range = census.lastStartUs - census.firstStartUs;
  const fromUs = Math.round(census.firstStartUs + range * 0.5);
  const toUs = Math.round(fromUs + range * 0.01);
  const minDuration = Math.round(census.durationQuantileFromTop(0.02));
  let longer = 0;
  for (const d of census.durations) if (d >= minDuration) longer++;
  return {
    service: { value: FILTER_SERVICE, traces: census.byService.get(FILTER_SERVICE) ?? 0 },
    rootName: { value: FILTER_ROOT, traces: census.byRootName.get(FILTER_ROOT) ?? 0 },
    spanName: { value: FILTER_SPAN, traces: census.bySpanName.get(FILTER_SPAN) ?? 0 },
    status: { value: 'error', traces: census.errors },
    minDurationMs: { value: minDuration, traces: longer },
    window: { startFrom: nanosOf(fromUs), startTo: nanosOf(toUs), traces: census.startsBetween(fromUs, toUs) },
    attribute: { key: 'gen_ai.request.model', value: FILTER_MODEL, traces: census.byModel.get(FILTER_MODEL) ?? 0 },
    rareAttribute: { key: 'user.id', value: FILTER_USER, traces: census.byUser.get(FILTER_USER) ?? 0 },
    common: { word: FT_COMMON_WORD, traces: census.common },
    rare: { word: FT_RARE_WORD, traces: census.rare },
    longestMs: Math.max(...census.durations),
  };
}

const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../src-main/engine/store/migrations');

/** A short hash of the store's migration sources (the schema a dataset was written with). */
export function schemaFingerprint(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(name);
    hash.update(readFileSync(join(MIGRATIONS_DIR, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

export function readManifest(dir: string): DatasetManifest | null {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as DatasetManifest;
}

export interface EnsureDatasetOptions {
  dir: string;
  spans: number;
  seed: number;
  window: number;
  /** Reuses a cached workload of the same size and seed when the caller has one. */
  workload?: () => Workload;
  log: (line: string) => void;
}

/**
 * Returns the dataset in `dir`: reused when its manifest matches (spans, seed, format, schema),
 * loaded through a real engine over OTLP/HTTP when `dir` is empty. A benchmark dataset (it has a
 * manifest) that does not match is deleted and reloaded; a non-empty dir without a manifest is
 * refused, rather than deleting what might be someone's data.
 */
export async function ensureDataset(options: EnsureDatasetOptions): Promise<Dataset> {
  const existing = readManifest(options.dir);
  const schema = schemaFingerprint();
  if (existing) {
    const same = existing.format === DATASET_FORMAT && existing.requestedSpans === options.spans && existing.seed === options.seed;
    if (same && existing.schema === schema) return { dir: options.dir, manifest: existing, loaded: false };
    options.log(
      `${options.dir} holds a benchmark dataset of ${existing.requestedSpans} spans, seed ${existing.seed}, schema ${existing.schema ?? '?'}; ` +
        `this run wants ${options.spans} spans, seed ${options.seed}, schema ${schema}: deleting and reloading it`,
    );
    for (const name of readdirSync(options.dir)) rmSync(join(options.dir, name), { recursive: true, force: true });
  }
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0) {
    throw new Error(
      `${options.dir} is not empty and holds no matching dataset (${existing ? `it has ${existing.requestedSpans} spans, seed ${existing.seed}` : 'no manifest'}); ` +
        'pass an empty or new --data-dir',
    );
  }
  const workload = options.workload ? options.workload() : buildWorkload(options.spans, { seed: options.seed });
  if (!options.workload) options.log(`generated ${workload.spans} spans in ${workload.batches.length} requests in ${(workload.genMs / 1000).toFixed(1)} s`);
  const census = workload.census;
  // The big traces sit in the middle of the time range, recorded by a generator of their own.
  const bigGen = new AgentSpanGenerator({ seed: options.seed + 1000 });
  const mid = (census.firstStartUs + census.lastStartUs) / 2 / 1000;
  const t1k = bigGen.bigTrace(1000, mid);
  const t100k = bigGen.bigTrace(100_000, mid + 60_000);
  census.add(t1k.facts);
  census.add(t100k.facts);
  const bigBatches = [...batchesOf(t1k), ...batchesOf(t100k)];
  const info = (t: GeneratedTrace): BigTraceInfo => ({
    traceId: t.facts.traceId,
    spans: t.spans.length,
    spanId: t.spans[Math.floor(t.spans.length / 2)]!.spanContext().spanId,
  });

  const logLines: string[] = [];
  const engine = await startEngine({ memory: false, dataDir: options.dir, otlpHttpPort: 0, otlpGrpcPort: 0, log: (l) => logLines.push(l) });
  const http = new HttpClient(options.window);
  const t0 = performance.now();
  let ackedMs: number;
  let compactedMs: number;
  const totalSpans = workload.spans + t1k.spans.length + t100k.spans.length;
  try {
    const all = [...workload.batches, ...bigBatches];
    await sendWindowed(all, options.window, (b) => http.postOtlp(engine.info.otlpHttpEndpoint, b.body));
    ackedMs = performance.now() - t0;
    // Reads drain the memtable; wait (at most 10 minutes) until every span is counted.
    let spans = 0;
    const deadline = performance.now() + 600_000;
    while (spans < totalSpans && performance.now() < deadline) {
      spans = (await engine.getStats()).spans;
      if (spans < totalSpans) await sleep(100);
    }
    compactedMs = performance.now() - t0;
    if (spans !== totalSpans) throw new Error(`after loading, the engine counts ${spans} spans, expected ${totalSpans}`);
  } finally {
    http.close();
  }
  const c0 = performance.now();
  await engine.close();
  const closeMs = performance.now() - c0;
  for (const l of logLines) options.log(`engine: ${l}`);

  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    schema,
    seed: options.seed,
    requestedSpans: options.spans,
    regularSpans: workload.spans,
    regularTraces: workload.traces,
    totalSpans,
    totalTraces: census.traces,
    big1k: info(t1k),
    big100k: info(t100k),
    filters: filtersOf(census),
    load: { ackedMs, compactedMs, closeMs, window: options.window, via: 'startEngine + OTLP/HTTP protobuf POSTs of 512 spans' },
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(options.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { dir: options.dir, manifest, loaded: true };
}

/**
 * Reads a coding-agent fixture (test/fixtures/coding-agents/README.md): the raw OTLP requests as
 * captured, each decoded with the engine's own decoders (the ones `flowtrace serve` runs), beside
 * the run's truth and meta. Decoding throws on a body the engine would answer 400.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { LogRecordView, MetricPointView, SpanRecord } from '../../src-shared/contract';
import { decodeTraceRequestJson } from '../../src-main/engine/otlp/decode-json';
import { decodeLogsRequest, decodeLogsRequestJson } from '../../src-main/engine/otlp/decode-logs';
import { decodeMetricsRequest, decodeMetricsRequestJson } from '../../src-main/engine/otlp/decode-metrics';
import { decodeTraceRequest } from '../../src-main/engine/otlp/decode-protobuf';
import type { RunTruth } from './coding-agent-model';
import type { CapturedRequestEntry } from './otlp-capture-receiver';

export const CODING_AGENT_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'coding-agents');

export interface DecodedRequest {
  entry: CapturedRequestEntry;
  /** The body as the exporter sent it (still gzipped when it was). */
  raw: Buffer;
  spans: SpanRecord[];
  logs: LogRecordView[];
  metrics: MetricPointView[];
  rejected: number;
}

export interface CodingAgentFixture {
  name: string;
  dir: string;
  meta: Record<string, unknown> & { tool: string; version: string };
  truth: RunTruth;
  requests: DecodedRequest[];
  spans: SpanRecord[];
  logs: LogRecordView[];
  metrics: MetricPointView[];
}

export function listCodingAgentFixtures(): string[] {
  return readdirSync(CODING_AGENT_FIXTURES)
    .filter((name) => name !== 'capture' && statSync(join(CODING_AGENT_FIXTURES, name)).isDirectory())
    .sort();
}

export function decodeRequest(entry: CapturedRequestEntry, raw: Buffer): DecodedRequest {
  const body = entry.contentEncoding === 'gzip' ? gunzipSync(raw) : raw;
  const isJson = entry.contentType.includes('json');
  const out: DecodedRequest = { entry, raw, spans: [], logs: [], metrics: [], rejected: 0 };
  if (entry.signal === 'traces') {
    const batch = isJson ? decodeTraceRequestJson(body) : decodeTraceRequest(body);
    out.spans = batch.spans;
    out.rejected = batch.rejected;
  } else if (entry.signal === 'logs') {
    const batch = isJson ? decodeLogsRequestJson(body) : decodeLogsRequest(body);
    out.logs = batch.items;
    out.rejected = batch.rejected;
  } else {
    const batch = isJson ? decodeMetricsRequestJson(body) : decodeMetricsRequest(body);
    out.metrics = batch.items;
    out.rejected = batch.rejected;
  }
  return out;
}

export function loadCodingAgentFixture(name: string): CodingAgentFixture {
  const dir = join(CODING_AGENT_FIXTURES, name);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const entries = JSON.parse(read('otlp/requests.json')) as CapturedRequestEntry[];
  const requests = entries.map((e) => decodeRequest(e, readFileSync(join(dir, 'otlp', e.file))));
  return {
    name,
    dir,
    meta: JSON.parse(read('meta.json')) as CodingAgentFixture['meta'],
    truth: JSON.parse(read('truth.json')) as RunTruth,
    requests,
    spans: requests.flatMap((r) => r.spans),
    logs: requests.flatMap((r) => r.logs),
    metrics: requests.flatMap((r) => r.metrics),
  };
}

/**
 * Replays a run as the CLI sent it to an OTLP/HTTP receiver (`http://host:port`): the raw bodies in
 * arrival order with their content types and encodings; every request must be answered 200.
 */
export async function replayFixture(f: CodingAgentFixture, otlpHttp: string): Promise<void> {
  for (const r of f.requests) {
    const headers: Record<string, string> = { 'content-type': r.entry.contentType };
    if (r.entry.contentEncoding) headers['content-encoding'] = r.entry.contentEncoding;
    const res = await fetch(`${otlpHttp}${r.entry.path}`, { method: 'POST', headers, body: new Uint8Array(r.raw) });
    if (res.status !== 200) throw new Error(`${f.name} ${r.entry.file}: ${res.status} ${await res.text()}`);
  }
}

/**
 * `flowtrace export` and `flowtrace import`: traces as OTLP files, the format every OpenTelemetry
 * tool reads. Export writes JSON lines, one OTLP/JSON ExportTraceServiceRequest per trace per line
 * (rejected alternative: one merged request, which a receiver must take in one piece and which hits
 * the 20 MiB request limit at a few thousand spans; a line is also a whole OTLP/JSON document, so a
 * one-trace export is a plain OTLP/JSON file). Import sends each request to the running Flowtrace's
 * OTLP/HTTP receiver exactly as an exporter would, so it is stored, deduplicated and limited the
 * same way, and counts what the receiver accepted.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EngineInfo } from '../../src-shared/contract';
import { WireReader, WIRE_LEN } from '../engine/otlp/wire';
import { ApiClient, apiBase, URL_OPTIONS, URL_USAGE } from './api-client';
import { out, parse, UsageError, type Command } from './command';
import { FILTER_OPTIONS, FILTER_USAGE, traceFilters } from './filters';
import { listTraces } from './traces';

export type Signal = 'traces' | 'logs' | 'metrics';
const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics'];
const ITEM_NAMES: Record<Signal, string> = { traces: 'span(s)', logs: 'log record(s)', metrics: 'data point(s)' };

// ---------------------------------------------------------------- counting what a request holds

type JsonObject = Record<string, unknown>;
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? (v as JsonObject[]) : []);
const METRIC_DATA = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** The signal of an OTLP/JSON request, from its top-level key; null when it is none of the three. */
export function jsonSignal(request: JsonObject): Signal | null {
  if ('resourceSpans' in request || 'resource_spans' in request) return 'traces';
  if ('resourceLogs' in request || 'resource_logs' in request) return 'logs';
  if ('resourceMetrics' in request || 'resource_metrics' in request) return 'metrics';
  return null;
}

/** Spans, log records or metric data points in an OTLP/JSON request. */
export function countJsonItems(request: JsonObject, signal: Signal): number {
  let n = 0;
  if (signal === 'traces') for (const r of list(request.resourceSpans)) for (const s of list(r.scopeSpans)) n += list(s.spans).length;
  if (signal === 'logs') for (const r of list(request.resourceLogs)) for (const s of list(r.scopeLogs)) n += list(s.logRecords).length;
  if (signal === 'metrics') {
    for (const r of list(request.resourceMetrics))
      for (const s of list(r.scopeMetrics))
        for (const m of list(s.metrics)) for (const d of METRIC_DATA) n += list((m[d] as JsonObject | undefined)?.dataPoints).length;
  }
  return n;
}

/** Field numbers from the request down to one item (opentelemetry-proto), one set per level. */
const PROTO_PATHS: Record<Signal, readonly (readonly number[])[]> = {
  traces: [[1], [2], [2]], // resource_spans → scope_spans → spans
  logs: [[1], [2], [2]], // resource_logs → scope_logs → log_records
  metrics: [[1], [2], [2], [5, 7, 9, 10, 11], [1]], // … → metrics → gauge|sum|histogram|exp. histogram|summary → data_points
};

function countAlong(r: WireReader, path: readonly (readonly number[])[]): number {
  if (path.length === 0) return 1;
  let n = 0;
  while (!r.done()) {
    const tag = r.tag();
    if ((tag & 7) === WIRE_LEN && path[0]!.includes(tag >>> 3)) n += countAlong(r.message(), path.slice(1));
    else r.skip(tag & 7);
  }
  return n;
}

/** Items in a protobuf request; throws DecodeError when the bytes are not protobuf. */
export function countProtobufItems(body: Uint8Array, signal: Signal): number {
  return countAlong(new WireReader(body), PROTO_PATHS[signal]);
}

// ---------------------------------------------------------------- reading a file into requests

export interface OtlpRequest {
  body: Uint8Array;
  encoding: 'json' | 'protobuf';
  signal: Signal;
  items: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The requests in a file: one OTLP/JSON document, JSON lines (one request per line), or one
 * protobuf request; gzip-compressed or not. `signal` overrides what JSON's keys say (protobuf
 * cannot tell its signal: traces unless told).
 */
export function readOtlpFile(bytes: Uint8Array, signalOverride: Signal | undefined): OtlpRequest[] {
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  let i = 0;
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x0a || data[i] === 0x0d || data[i] === 0x09)) i++;
  if (i === data.length) throw new Error('the file is empty');
  if (data[i] !== 0x7b /* { */) {
    const signal = signalOverride ?? 'traces';
    let items: number;
    try {
      items = countProtobufItems(data, signal);
    } catch (err) {
      throw new Error(`not OTLP/JSON and not an OTLP protobuf request (${(err as Error).message})`, { cause: err });
    }
    return [{ body: data, encoding: 'protobuf', signal, items }];
  }
  const text = utf8.decode(data);
  let documents: Array<{ json: JsonObject; text: string; line: number }>;
  try {
    documents = [{ json: JSON.parse(text) as JsonObject, text, line: 1 }];
  } catch {
    documents = [];
    const lines = text.split('\n');
    for (const [n, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        documents.push({ json: JSON.parse(line) as JsonObject, text: line, line: n + 1 });
      } catch (err) {
        throw new Error(`line ${n + 1} is not JSON (${(err as Error).message}); expected one OTLP/JSON document or JSON lines`, { cause: err });
      }
    }
  }
  const encoder = new TextEncoder();
  return documents.map(({ json, text: body, line }) => {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`line ${line} is not an OTLP/JSON request object`);
    const signal = signalOverride ?? jsonSignal(json);
    if (signal === null) throw new Error(`line ${line} has none of resourceSpans, resourceLogs, resourceMetrics: not an OTLP/JSON request`);
    return { body: encoder.encode(body), encoding: 'json', signal, items: countJsonItems(json, signal) };
  });
}

// ---------------------------------------------------------------- the receiver's answers

/** partial_success of an Export*ServiceResponse, in either encoding; zero rejected when absent. */
export function rejectedOf(body: Uint8Array, encoding: 'json' | 'protobuf'): { rejected: number; message: string } {
  if (body.length === 0) return { rejected: 0, message: '' };
  if (encoding === 'json') {
    const partial = (JSON.parse(utf8.decode(body)) as { partialSuccess?: Record<string, unknown> }).partialSuccess ?? {};
    const count = partial.rejectedSpans ?? partial.rejectedLogRecords ?? partial.rejectedDataPoints ?? 0;
    return { rejected: Number(count), message: typeof partial.errorMessage === 'string' ? partial.errorMessage : '' };
  }
  const r = new WireReader(body);
  let rejected = 0;
  let message = '';
  while (!r.done()) {
    const tag = r.tag();
    if (tag !== ((1 << 3) | WIRE_LEN)) {
      r.skip(tag & 7);
      continue;
    }
    const p = r.message();
    while (!p.done()) {
      const t = p.tag();
      if (t === 1 << 3) rejected = Number(p.varint64());
      else if (t === ((2 << 3) | WIRE_LEN)) message = p.string();
      else p.skip(t & 7);
    }
  }
  return { rejected, message };
}

/** The message of an error answer (google.rpc.Status, JSON or protobuf), else the start of the body. */
function errorMessageOf(body: Uint8Array, contentType: string): string {
  try {
    if (contentType.includes('json')) return String((JSON.parse(utf8.decode(body)) as { message?: unknown; error?: unknown }).message ?? '');
    if (contentType.includes('protobuf')) {
      const r = new WireReader(body);
      while (!r.done()) {
        const tag = r.tag();
        if (tag === ((2 << 3) | WIRE_LEN)) return r.string();
        r.skip(tag & 7);
      }
    }
  } catch {
    // fall through to the raw text
  }
  return utf8.decode(body.subarray(0, 200)).trim();
}

const CONTENT_TYPE = { json: 'application/json', protobuf: 'application/x-protobuf' } as const;
const MAX_ATTEMPTS = 5;

export interface SendResult {
  accepted: number;
  rejected: number;
  /** Why items were rejected, or why the whole request was refused. */
  problem: string | null;
  refused: boolean;
}

/** POSTs one request; a 503 (ingest paused, disk nearly full) is retried after its Retry-After, up to 5 attempts. */
export async function sendRequest(otlpBase: string, request: OtlpRequest, token: string | undefined): Promise<SendResult> {
  const url = `${otlpBase}/v1/${request.signal}`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE[request.encoding], ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: request.body,
      });
    } catch (err) {
      const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
      throw new Error(`no OTLP receiver answers at ${otlpBase} (${cause?.code ?? cause?.message ?? (err as Error).message})`, { cause: err });
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.ok) {
      const { rejected, message } = rejectedOf(body, request.encoding);
      return { accepted: Math.max(0, request.items - rejected), rejected, problem: message || null, refused: false };
    }
    if (res.status === 503 && attempt < MAX_ATTEMPTS) {
      const wait = Math.min(5, Number(res.headers.get('retry-after')) || 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    const message = errorMessageOf(body, res.headers.get('content-type') ?? '');
    return { accepted: 0, rejected: request.items, problem: `HTTP ${res.status}${message ? `: ${message}` : ''}`, refused: true };
  }
}

// ---------------------------------------------------------------- the commands

const TRACE_ID = /^[0-9a-f]{32}$/;

/** stdout (respecting back-pressure, for pipes) or a file. */
function sink(file: string | undefined): { write(text: string): Promise<void>; close(): void; name: string } {
  if (file === undefined || file === '-') {
    return {
      name: 'stdout',
      write: (text) => new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve))),
      close: () => undefined,
    };
  }
  const path = resolve(file);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw new Error(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return {
    name: path,
    write: async (text) => {
      writeSync(fd, text);
    },
    close: () => closeSync(fd),
  };
}

export const exportCommand: Command = {
  name: 'export',
  synopsis: 'export TRACE_ID…|--since WHEN',
  summary: 'write traces as OTLP/JSON lines, one per trace',
  usage: `Usage:
  flowtrace export TRACE_ID… [-o FILE]
  flowtrace export --since WHEN [filters] [-o FILE]

Writes traces from the running Flowtrace as OTLP/JSON: one ExportTraceServiceRequest per trace,
one per line (JSON lines). Each line is a complete OTLP/JSON document that any OTLP receiver
accepts, so a one-trace export is a plain OTLP/JSON file. \`flowtrace import\` reads it back.
With --since, every trace that started in that window (and matches the filters, internal traces
included) is exported.

Options:
  -o, --output FILE  write to FILE (replaced if it exists); default stdout
Filters (with --since):
${FILTER_USAGE.replace(/ {2}--internal[^\n]*\n/, '')}${URL_USAGE.replace(/ {2}--json[^\n]*\n/, '')}
Examples:
  flowtrace export 4bf92f3577b34da6a3ce929d0e0e4736 -o run.otlp.json
  flowtrace export --since 1d --service travel-agent -o yesterday.jsonl
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...URL_OPTIONS, ...FILTER_OPTIONS, output: { type: 'string', short: 'o' } });
    if (values.json) throw new UsageError('export always writes OTLP/JSON; leave out --json');
    const ids = positionals.map((p) => p.toLowerCase());
    const filtered = Object.keys(FILTER_OPTIONS).some((k) => values[k as keyof typeof FILTER_OPTIONS] !== undefined);
    if (ids.length === 0 && values.since === undefined) throw new UsageError('needs TRACE_ID… or --since WHEN');
    if (ids.length > 0 && filtered) throw new UsageError('give trace ids, or --since WHEN with filters, not both');
    for (const id of ids) if (!TRACE_ID.test(id)) throw new UsageError(`"${id}" is not a trace id (32 hex digits)`);
    if (values.output === undefined && values.since !== undefined && process.stdout.isTTY) {
      throw new UsageError('--since can export many traces: give -o FILE, or pipe the output');
    }
    const api = new ApiClient(apiBase(values));
    const traceIds = ids.length > 0 ? ids : (await listTraces(api, { ...traceFilters(values), internal: true }, Number.MAX_SAFE_INTEGER)).traces.map((t) => t.traceId);

    const target = sink(values.output);
    let spans = 0;
    let written = 0;
    const missing: string[] = [];
    try {
      for (const id of traceIds) {
        const res = await api.fetch('GET', `/api/v1/traces/${id}/otlp`);
        if (res.status === 404) {
          missing.push(id);
          continue;
        }
        const text = await res.text();
        if (!res.ok) throw new Error(`trace ${id}: HTTP ${res.status}: ${text.slice(0, 200)}`);
        const request = JSON.parse(text) as JsonObject;
        spans += countJsonItems(request, 'traces');
        await target.write(`${text.includes('\n') ? JSON.stringify(request) : text}\n`);
        written++;
      }
    } finally {
      target.close();
    }
    process.stderr.write(`exported ${written} trace(s), ${spans} span(s) to ${target.name}\n`);
    if (missing.length > 0) throw new Error(`not found: ${missing.join(', ')}`);
    return 0;
  },
};

export const importCommand: Command = {
  name: 'import',
  synopsis: 'import FILE…',
  summary: 'send OTLP files to the running Flowtrace',
  usage: `Usage: flowtrace import FILE… [options]

Sends OTLP files to the running Flowtrace's OTLP/HTTP receiver (found from its REST API), as an
exporter would, and prints per file how many items the receiver accepted and rejected. A file is
one OTLP/JSON request, JSON lines (one request per line, as \`flowtrace export\` writes), or one
OTLP protobuf request; gzip-compressed files are read too. Importing the same spans twice stores
them once.

Options:
  --otlp URL         the OTLP/HTTP receiver, e.g. http://127.0.0.1:4318 (default: the one the
                     running Flowtrace reports at --url)
  --signal S         traces, logs or metrics: what a protobuf file holds (default traces; JSON
                     says itself)
  --otlp-token TOKEN bearer token for a receiver that requires one (or $FLOWTRACE_OTLP_TOKEN)
${URL_USAGE.replace('the API\'s answer as JSON, for scripts', 'one JSON object per file: {file, requests, accepted, rejected, problems}')}
Examples:
  flowtrace import run.otlp.json yesterday.jsonl
  flowtrace import capture.pb --otlp http://127.0.0.1:4318
`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      ...URL_OPTIONS,
      otlp: { type: 'string' },
      signal: { type: 'string' },
      'otlp-token': { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('needs at least one FILE');
    if (values.signal !== undefined && !(SIGNALS as readonly string[]).includes(values.signal)) {
      throw new UsageError(`--signal must be traces, logs or metrics, not "${values.signal}"`);
    }
    let otlpBase: string;
    if (values.otlp !== undefined) {
      if (!/^https?:\/\/[^/\s]+/.test(values.otlp)) throw new UsageError(`--otlp must be http://host:port, not "${values.otlp}"`);
      otlpBase = values.otlp.replace(/\/+$/, '').replace(/\/v1\/(traces|logs|metrics)$/, '');
    } else {
      otlpBase = (await new ApiClient(apiBase(values)).get<EngineInfo>('/api/v1/info')).otlpHttpEndpoint;
    }
    const token = values['otlp-token'] ?? process.env.FLOWTRACE_OTLP_TOKEN;
    let failed = false;
    for (const file of positionals) {
      const report = { file, requests: 0, accepted: 0, rejected: 0, items: ITEM_NAMES[(values.signal as Signal | undefined) ?? 'traces'], problems: [] as string[] };
      try {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(file);
        } catch (err) {
          throw new Error(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
        }
        const requests = readOtlpFile(bytes, values.signal as Signal | undefined);
        report.items = ITEM_NAMES[requests[0]!.signal];
        for (const request of requests) {
          const result = await sendRequest(otlpBase, request, token);
          report.requests++;
          report.accepted += result.accepted;
          report.rejected += result.rejected;
          if (result.problem) report.problems.push(result.problem);
          if (result.refused) failed = true;
        }
      } catch (err) {
        failed = true;
        report.problems.push((err as Error).message);
      }
      if (values.json) out(JSON.stringify(report));
      else {
        const counts = `${report.requests} request(s): ${report.accepted} ${report.items} accepted, ${report.rejected} rejected`;
        const why = report.problems.length > 0 ? ` (${[...new Set(report.problems)].join('; ')})` : '';
        out(`${file}: ${report.requests === 0 && report.problems.length > 0 ? 'not imported' : counts}${why}`);
      }
    }
    return failed ? 1 : 0;
  },
};

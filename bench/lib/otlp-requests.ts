/**
 * Request bodies for the OTLP load generator. A pool of real requests is recorded once (the agent
 * generator, encoded by otlp-transformer's ProtobufTraceSerializer or JsonTraceSerializer); every
 * send then gets a copy whose trace ids carry a fresh 32-bit send number in their first 4 bytes
 * (with `freshSpanIds`, the span, parent and link span ids too, as a real SDK's would be new).
 * Resending the pool as is would be deduplicated by the store (spans are unique on trace id + span
 * id) and the "every acked span is stored" check would mean nothing; generating 30 s worth of
 * unique spans up front would take longer than the run and gigabytes of memory.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AgentSpanGenerator } from '../gen/agent-spans';
import { allNodes, parseMessage } from './fuzz/proto-tree';

export type BodyEncoding = 'protobuf' | 'json';

interface Template {
  body: Uint8Array;
  spans: number;
  /** Where each id to stamp starts in `body` (raw bytes for protobuf, hex text for JSON). */
  idAt: Int32Array;
  /** The traces of this request: trace id (hex, send number not yet in it) and its span count here. */
  traces: Array<{ traceId: string; spans: number }>;
}

export interface RequestBody {
  body: Uint8Array;
  spans: number;
  /** The send number stamped into its ids (1, 2, …); `tracesOf(send)` lists its traces. */
  send: number;
}

/**
 * Byte offsets of the data of every span's and link's trace_id in an ExportTraceServiceRequest;
 * with `spanIds`, of every span_id, parent_span_id and link span_id as well.
 */
function protobufIdOffsets(body: Uint8Array, spanIds: boolean): number[] {
  const tree = parseMessage(body);
  if (!tree) throw new Error('the serializer produced a request the fuzz tree cannot parse');
  const out: number[] = [];
  for (const n of allNodes(tree)) {
    const f = n.fields;
    if (n.node.wire !== 2 || f[0] !== 1 || f[1] !== 2 || f[2] !== 2) continue;
    const size = n.end - n.lenAt - n.lenSize;
    // resource_spans(1).scope_spans(2).spans(2).trace_id(1), and .links(13).trace_id(1) below a span;
    // span_id(2), parent_span_id(4), links(13).span_id(2).
    const traceId = size === 16 && ((f.length === 4 && f[3] === 1) || (f.length === 5 && f[3] === 13 && f[4] === 1));
    const spanId = spanIds && size === 8 && ((f.length === 4 && (f[3] === 2 || f[3] === 4)) || (f.length === 5 && f[3] === 13 && f[4] === 2));
    if (traceId || spanId) out.push(n.lenAt + n.lenSize);
  }
  return out;
}

const ID_KEYS = ['"traceId":"', '"spanId":"', '"parentSpanId":"'].map((k) => new TextEncoder().encode(k));

/** Offsets of the hex text of every traceId (and with `spanIds`, spanId and non-empty parentSpanId) value. */
function jsonIdOffsets(body: Uint8Array, spanIds: boolean): number[] {
  const out: number[] = [];
  const keys = spanIds ? ID_KEYS : ID_KEYS.slice(0, 1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x22) continue;
    for (const key of keys) {
      if (i + key.length + 16 > body.length) continue;
      let match = true;
      for (let j = 1; j < key.length && match; j++) match = body[i + j] === key[j];
      // An empty parentSpanId ("") is a root: nothing to stamp.
      if (match && body[i + key.length] !== 0x22) out.push(i + key.length);
    }
  }
  return out;
}

export interface PoolOptions {
  encoding: BodyEncoding;
  spansPerRequest: number;
  /** Distinct requests recorded; sends cycle through them. */
  poolSize: number;
  seed: number;
  /**
   * Stamp the send number into span ids (and parent and link span ids) as well as trace ids, so no
   * two sends share a span id either: some systems key or deduplicate on it. Off by default: the
   * other benchmarks' bodies stay as they were measured.
   */
  freshSpanIds?: boolean;
}

/**
 * What send n writes into the first 4 bytes of its ids: n scrambled by an odd multiplier (a
 * bijection on 32 bits, so sends still never share an id). The send number itself would make trace
 * ids grow with time, and every index keyed on them take its inserts at one end; an SDK's ids are
 * random, so the store's inserts land all over those indexes.
 */
export function idStamp(n: number): number {
  return Math.imul(n, 0x9e3779b1) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class RequestPool {
  private readonly templates: Template[] = [];
  private sendNumber = 0;
  readonly genMs: number;
  readonly meanBytes: number;

  constructor(readonly options: PoolOptions) {
    const t0 = performance.now();
    const gen = new AgentSpanGenerator({ seed: options.seed });
    let pending: ReadableSpan[] = [];
    while (this.templates.length < options.poolSize) {
      while (pending.length < options.spansPerRequest) pending.push(...gen.nextTrace().spans);
      const spans = pending.slice(0, options.spansPerRequest);
      pending = pending.slice(options.spansPerRequest);
      const body = options.encoding === 'protobuf' ? ProtobufTraceSerializer.serializeRequest(spans)!.slice() : JsonTraceSerializer.serializeRequest(spans)!.slice();
      const freshSpanIds = options.freshSpanIds ?? false;
      const offsets = options.encoding === 'protobuf' ? protobufIdOffsets(body, freshSpanIds) : jsonIdOffsets(body, freshSpanIds);
      const expected = freshSpanIds ? 2 * spans.length + spans.filter((s) => s.parentSpanContext).length : spans.length;
      if (offsets.length < expected) throw new Error(`found ${offsets.length} ids to stamp in a request of ${spans.length} spans (expected ${expected})`);
      const traces = new Map<string, number>();
      for (const s of spans) traces.set(s.spanContext().traceId, (traces.get(s.spanContext().traceId) ?? 0) + 1);
      this.templates.push({ body, spans: spans.length, idAt: Int32Array.from(offsets), traces: [...traces].map(([traceId, n]) => ({ traceId, spans: n })) });
    }
    this.genMs = performance.now() - t0;
    this.meanBytes = this.templates.reduce((n, t) => n + t.body.length, 0) / this.templates.length;
  }

  /**
   * The next body: a pool request with send number n in its trace ids. Distinct sends never share
   * a (trace id, span id); a retry resends the same body, so the store would deduplicate it.
   */
  next(): RequestBody {
    const n = ++this.sendNumber;
    if (n > 0xffffffff) throw new Error('more than 2^32 sends');
    const t = this.templates[(n - 1) % this.templates.length]!;
    const body = t.body.slice();
    const stamp = idStamp(n);
    const b0 = stamp >>> 24, b1 = (stamp >>> 16) & 0xff, b2 = (stamp >>> 8) & 0xff, b3 = stamp & 0xff;
    if (this.options.encoding === 'protobuf') {
      for (const at of t.idAt) {
        body[at] = b0;
        body[at + 1] = b1;
        body[at + 2] = b2;
        body[at + 3] = b3;
      }
    } else {
      const hex = HEX[b0]! + HEX[b1]! + HEX[b2]! + HEX[b3]!;
      for (const at of t.idAt) for (let i = 0; i < 8; i++) body[at + i] = hex.charCodeAt(i);
    }
    return { body, spans: t.spans, send: n };
  }

  /** The traces send `send` carried: their ids as sent (hex) and how many spans each had in it. */
  tracesOf(send: number): Array<{ traceId: string; spans: number }> {
    const t = this.templates[(send - 1) % this.templates.length]!;
    const prefix = idStamp(send).toString(16).padStart(8, '0');
    return t.traces.map((tr) => ({ traceId: prefix + tr.traceId.slice(8), spans: tr.spans }));
  }
}

/**
 * Request bodies for the OTLP load generator. A pool of real requests is recorded once (the agent
 * generator, encoded by otlp-transformer's ProtobufTraceSerializer or JsonTraceSerializer); every
 * send then gets a copy whose trace ids carry a fresh 32-bit send number in their first 4 bytes.
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
  /** Where each trace id starts in `body` (raw bytes for protobuf, hex text for JSON). */
  traceIdAt: Int32Array;
}

export interface RequestBody {
  body: Uint8Array;
  spans: number;
}

/** Byte offsets of the data of every span's and link's trace_id in an ExportTraceServiceRequest. */
function protobufTraceIdOffsets(body: Uint8Array): number[] {
  const tree = parseMessage(body);
  if (!tree) throw new Error('the serializer produced a request the fuzz tree cannot parse');
  const out: number[] = [];
  for (const n of allNodes(tree)) {
    const f = n.fields;
    // resource_spans(1).scope_spans(2).spans(2).trace_id(1), and .links(13).trace_id(1) below a span.
    const spanTraceId = f.length === 4 && f[0] === 1 && f[1] === 2 && f[2] === 2 && f[3] === 1;
    const linkTraceId = f.length === 5 && f[0] === 1 && f[1] === 2 && f[2] === 2 && f[3] === 13 && f[4] === 1;
    if ((spanTraceId || linkTraceId) && n.node.wire === 2 && n.end - n.lenAt - n.lenSize === 16) out.push(n.lenAt + n.lenSize);
  }
  return out;
}

const TRACE_ID_KEY = new TextEncoder().encode('"traceId":"');

function jsonTraceIdOffsets(body: Uint8Array): number[] {
  const out: number[] = [];
  const first = TRACE_ID_KEY[0]!;
  for (let i = 0; i + TRACE_ID_KEY.length + 32 <= body.length; i++) {
    if (body[i] !== first) continue;
    let match = true;
    for (let j = 1; j < TRACE_ID_KEY.length && match; j++) match = body[i + j] === TRACE_ID_KEY[j];
    if (match) out.push(i + TRACE_ID_KEY.length);
  }
  return out;
}

export interface PoolOptions {
  encoding: BodyEncoding;
  spansPerRequest: number;
  /** Distinct requests recorded; sends cycle through them. */
  poolSize: number;
  seed: number;
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
      const offsets = options.encoding === 'protobuf' ? protobufTraceIdOffsets(body) : jsonTraceIdOffsets(body);
      if (offsets.length < spans.length) throw new Error(`found ${offsets.length} trace ids in a request of ${spans.length} spans`);
      this.templates.push({ body, spans: spans.length, traceIdAt: Int32Array.from(offsets) });
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
    const b0 = n >>> 24, b1 = (n >>> 16) & 0xff, b2 = (n >>> 8) & 0xff, b3 = n & 0xff;
    if (this.options.encoding === 'protobuf') {
      for (const at of t.traceIdAt) {
        body[at] = b0;
        body[at + 1] = b1;
        body[at + 2] = b2;
        body[at + 3] = b3;
      }
    } else {
      const hex = HEX[b0]! + HEX[b1]! + HEX[b2]! + HEX[b3]!;
      for (const at of t.traceIdAt) for (let i = 0; i < 8; i++) body[at + i] = hex.charCodeAt(i);
    }
    return { body, spans: t.spans };
  }
}

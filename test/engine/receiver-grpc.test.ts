/**
 * The OTLP/gRPC receiver over real loopback sockets: the official OTel gRPC exporter round trip,
 * then every answer as a raw grpc-js client sees it (status code, message, trailers), and the
 * server stays healthy after each bad request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Client, credentials, compressionAlgorithms, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { recordAgentTrace } from '../support/otel';
import { startTestEngine } from '../support/engine';
import { assertStoredAsSent } from '../support/stored-trace';
import type { Engine } from '../../src-main/engine';
import { startOtlpGrpcReceiver } from '../../src-main/engine/receiver/otlp-grpc';
import { WireReader, WireWriter } from '../../src-main/engine/otlp/wire';
import type { IngestResult } from '../../src-main/engine/store/protocol';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const MIB = 1024 * 1024;

/** The official exporter's own verdict for one batch; rejects unless it reports success. */
async function exportWithOfficialGrpcExporter(endpoint: string, spans: ReadableSpan[], gzip = false): Promise<void> {
  const exporter = new GrpcTraceExporter({ url: endpoint, ...(gzip ? { compression: CompressionAlgorithm.GZIP } : {}) });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed with code ${result.code}`))));
    });
  } finally {
    await exporter.shutdown();
  }
}

interface Outcome {
  code: status;
  details: string;
  /** Trailers on failure. */
  metadata: Metadata | null;
  response: Buffer | null;
}

/** A grpc-js client with passthrough serializers: it sends exactly the bytes a test builds. */
class RawClient {
  private readonly client: Client;

  constructor(endpoint: string, options: { gzip?: boolean } = {}) {
    const target = endpoint.replace(/^http:\/\//, '');
    this.client = new Client(target, credentials.createInsecure(), options.gzip ? { 'grpc.default_compression_algorithm': compressionAlgorithms.gzip } : {});
  }

  call(body: Uint8Array, options: { path?: string; metadata?: Metadata } = {}): Promise<Outcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        options.path ?? TRACE_EXPORT,
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        body,
        options.metadata ?? new Metadata(),
        { deadline: Date.now() + 10_000 },
        (err: ServiceError | null, response?: Buffer) => {
          if (err) resolve({ code: err.code, details: err.details, metadata: err.metadata, response: null });
          else resolve({ code: status.OK, details: '', metadata: null, response: response ?? null });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

function bearer(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}

/** Reads fields of a protobuf message as {field number → [raw bytes or varint]} (enough for these small messages). */
function fields(bytes: Uint8Array): Map<number, Array<Uint8Array | number>> {
  const r = new WireReader(bytes);
  const out = new Map<number, Array<Uint8Array | number>>();
  while (!r.done()) {
    const tag = r.tag();
    const field = tag >>> 3;
    const value = (tag & 7) === 0 ? r.varint32() : r.bytes();
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const first = (m: Map<number, Array<Uint8Array | number>>, field: number) => m.get(field)?.[0];
const text = (v: Uint8Array | number | undefined) => new TextDecoder().decode(v as Uint8Array);

/** ExportTraceServiceResponse.partial_success → {rejected_spans, error_message}, or null. */
function partialSuccess(response: Buffer): { rejected: number; message: string } | null {
  const partial = first(fields(response), 1);
  if (!partial) return null;
  const f = fields(partial as Uint8Array);
  return { rejected: (first(f, 1) as number | undefined) ?? 0, message: text(first(f, 2)) };
}

/**
 * One ResourceSpans holding a span whose trace id is all zeros. ExportTraceServiceRequest is
 * `repeated ResourceSpans = 1`, so appending this to a serialized request adds it to the batch.
 */
function resourceSpansWithZeroTraceId(): Uint8Array {
  const span = new WireWriter().bytes(1, new Uint8Array(16)).bytes(2, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])).string(5, 'zero trace id').finish();
  const scopeSpans = new WireWriter().bytes(2, span).finish();
  const resourceSpans = new WireWriter().bytes(2, scopeSpans).finish();
  return new WireWriter().bytes(1, resourceSpans).finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe('OTLP/gRPC receiver', () => {
  let engine: Engine;
  let client: RawClient;
  before(async () => {
    engine = await startTestEngine();
    client = new RawClient(engine.info.otlpGrpcEndpoint!);
  });
  after(async () => {
    client.close();
    await engine.close();
  });

  test('the engine reports its gRPC endpoint on a real port', () => {
    assert.match(engine.info.otlpGrpcEndpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(engine.info.otlpGrpcEndpoint, engine.info.otlpHttpEndpoint);
  });

  test('the official OTLP/gRPC exporter sends an agent trace; once it reports success the trace reads back equal', async () => {
    const sent = recordAgentTrace({ serviceName: 'svc-grpc' });
    await exportWithOfficialGrpcExporter(engine.info.otlpGrpcEndpoint!, sent.spans);
    const trace = await engine.getTrace(sent.traceId);
    assertStoredAsSent(trace, sent, 'svc-grpc');
    const llm = trace.spans.find((s) => s.name === 'chat gpt-4o-mini' && s.events.length === 1);
    assert.deepEqual(llm?.events[0]?.attributes, { 'gen_ai.choice.finish_reason': 'tool_calls' });
    assert.equal(llm?.kind, 'client');
    const page = await engine.listTraces({ service: 'svc-grpc' });
    assert.equal(page.traces[0]?.traceId, sent.traceId);
    assert.equal(page.traces[0]?.spanCount, sent.spans.length);
  });

  test('the official exporter with gzip compression is accepted too', async () => {
    const sent = recordAgentTrace({ serviceName: 'svc-grpc-gzip' });
    await exportWithOfficialGrpcExporter(engine.info.otlpGrpcEndpoint!, sent.spans, true);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });

  test('garbage bytes are INVALID_ARGUMENT with the decoder’s reason, and the next export still works', async () => {
    const bad = await client.call(new TextEncoder().encode('this is definitely not protobuf'));
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.match(bad.details, /could not decode OTLP protobuf ExportTraceServiceRequest/);
    const sent = recordAgentTrace();
    const ok = await client.call(ProtobufTraceSerializer.serializeRequest(sent.spans)!);
    assert.equal(ok.code, status.OK);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });

  test('a request over 4 MiB is RESOURCE_EXHAUSTED and stores nothing', async () => {
    const before = (await engine.getStats()).requestsAccepted;
    const res = await client.call(new Uint8Array(4 * MIB + 1));
    assert.equal(res.code, status.RESOURCE_EXHAUSTED);
    assert.match(res.details, /larger than max/);
    assert.equal((await engine.getStats()).requestsAccepted, before);
  });

  test('a gzip-compressed export is accepted and stored', async () => {
    const gzipClient = new RawClient(engine.info.otlpGrpcEndpoint!, { gzip: true });
    try {
      const sent = recordAgentTrace({ serviceName: 'svc-raw-gzip' });
      const res = await gzipClient.call(ProtobufTraceSerializer.serializeRequest(sent.spans)!);
      assert.equal(res.code, status.OK);
      assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
    } finally {
      gzipClient.close();
    }
  });

  test('a gzip bomb is RESOURCE_EXHAUSTED by its decompressed size', async () => {
    const gzipClient = new RawClient(engine.info.otlpGrpcEndpoint!, { gzip: true });
    try {
      // 5 MiB of zeros compress to a few KiB on the wire: only the decompressed size is over the limit.
      const res = await gzipClient.call(new Uint8Array(5 * MIB));
      assert.equal(res.code, status.RESOURCE_EXHAUSTED);
      assert.match(res.details, /decompresses to a size larger than 4194304/);
    } finally {
      gzipClient.close();
    }
  });

  test('an empty request is OK with an empty response', async () => {
    const res = await client.call(new Uint8Array(0));
    assert.equal(res.code, status.OK);
    assert.equal(res.response?.length, 0);
  });

  test('a span with an all-zero trace id is rejected alone: OK with partial_success', async () => {
    const sent = recordAgentTrace({ serviceName: 'svc-partial' });
    const valid = ProtobufTraceSerializer.serializeRequest([sent.spans[0]!])!;
    const res = await client.call(concat(valid, resourceSpansWithZeroTraceId()));
    assert.equal(res.code, status.OK);
    const partial = partialSuccess(res.response!);
    assert.equal(partial?.rejected, 1);
    assert.match(partial?.message ?? '', /1 span\(s\) rejected: .*trace_id must not be all zeros/);
    const stored = await engine.getTrace(sent.traceId);
    assert.deepEqual(
      stored?.spans.map((s) => s.spanId),
      [sent.spans[0]!.spanContext().spanId],
    );
  });

  test('while ingest is paused: UNAVAILABLE with a RetryInfo of 5 s in the trailer, and nothing is lost', async () => {
    const sent = recordAgentTrace();
    const body = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    engine.setIngestPaused(true);
    let res: Outcome;
    try {
      res = await client.call(body);
    } finally {
      engine.setIngestPaused(false);
    }
    assert.equal(res.code, status.UNAVAILABLE);
    assert.match(res.details, /paused/);
    const details = res.metadata?.get('grpc-status-details-bin')[0];
    assert.ok(Buffer.isBuffer(details), 'grpc-status-details-bin trailer present');
    const rpcStatus = fields(details);
    assert.equal(first(rpcStatus, 1), status.UNAVAILABLE);
    assert.match(text(first(rpcStatus, 2)), /paused/);
    const any = fields(first(rpcStatus, 3) as Uint8Array);
    assert.equal(text(first(any, 1)), 'type.googleapis.com/google.rpc.RetryInfo');
    const retryDelay = fields(first(fields(first(any, 2) as Uint8Array), 1) as Uint8Array);
    assert.equal(first(retryDelay, 1), 5);
    assert.equal(first(retryDelay, 2), undefined, 'no nanos');

    assert.equal((await engine.getTrace(sent.traceId)), null);
    assert.equal((await client.call(body)).code, status.OK);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });

  test('an unknown method, an unknown service and a signal not stored here are UNIMPLEMENTED', async () => {
    const paths = [
      '/opentelemetry.proto.collector.trace.v1.TraceService/Nope',
      '/acme.Unknown/Export',
      '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
    ];
    for (const path of paths) {
      const res = await client.call(new Uint8Array(0), { path });
      assert.equal(res.code, status.UNIMPLEMENTED, path);
    }
  });

  test('after all of the above, the same connection still exports', async () => {
    const sent = recordAgentTrace();
    assert.equal((await client.call(ProtobufTraceSerializer.serializeRequest(sent.spans)!)).code, status.OK);
    assert.ok(await engine.getTrace(sent.traceId));
  });
});

describe('OTLP/gRPC receiver with a bearer token', () => {
  const ingested: Uint8Array[] = [];
  let receiver: Awaited<ReturnType<typeof startOtlpGrpcReceiver>>;
  let client: RawClient;
  before(async () => {
    receiver = await startOtlpGrpcReceiver({
      host: '127.0.0.1',
      port: 0,
      signals: ['traces', 'logs', 'metrics'],
      isPaused: () => false,
      token: 's3cret-token',
      ingest: async (_signal, _encoding, body): Promise<IngestResult> => {
        ingested.push(body);
        return { status: 'accepted', accepted: 1, rejected: 0, rejectReasons: [], warnings: [] };
      },
    });
    client = new RawClient(`http://127.0.0.1:${receiver.port}`);
  });
  after(async () => {
    client.close();
    await receiver.close();
  });

  test('a missing or wrong token is UNAUTHENTICATED and nothing reaches the store; the right one is OK', async () => {
    const body = Uint8Array.from([0x0a, 0x00]);
    const missing = await client.call(body);
    assert.equal(missing.code, status.UNAUTHENTICATED);
    assert.match(missing.details, /bearer token/);
    const wrong = await client.call(body, { metadata: bearer('guess') });
    assert.equal(wrong.code, status.UNAUTHENTICATED);
    assert.equal(ingested.length, 0);

    const right = await client.call(body, { metadata: bearer('s3cret-token') });
    assert.equal(right.code, status.OK);
    assert.equal(ingested.length, 1);
    assert.deepEqual([...ingested[0]!], [...body]);
  });

  test('every signal in the list is served, each on its own service', async () => {
    for (const service of ['logs.v1.LogsService', 'metrics.v1.MetricsService']) {
      const res = await client.call(Uint8Array.from([0x0a, 0x00]), { path: `/opentelemetry.proto.collector.${service}/Export`, metadata: bearer('s3cret-token') });
      assert.equal(res.code, status.OK, service);
    }
  });

  test('the body handed to ingest owns its whole buffer, so it can be transferred to the worker', () => {
    for (const body of ingested) {
      assert.equal(body.byteOffset, 0);
      assert.equal(body.buffer.byteLength, body.byteLength);
    }
  });
});

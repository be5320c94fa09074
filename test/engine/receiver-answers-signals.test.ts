/**
 * Every answer the OTLP receivers give for logs and metrics, over real loopback sockets, as an
 * exporter sees it: HTTP in protobuf and JSON (status, Content-Type, the body in the request's own
 * encoding) and gRPC through a raw grpc-js client (status code, details, response bytes, trailers).
 * The traces counterpart is receiver-answers.test.ts (HTTP) and receiver-grpc.test.ts (gRPC).
 * Valid bodies come from the official OTel serializers; only the one invalid item is hand-made.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { recordLogs, recordMetrics } from '../support/otel-signals';
import { post, startTestEngine } from '../support/engine';
import type { Engine } from '../../src-main/engine';
import { WireReader } from '../../src-main/engine/otlp/wire';

type Encoding = 'protobuf' | 'json';
type Transport = 'http/protobuf' | 'http/json' | 'grpc';
const TRANSPORTS: readonly Transport[] = ['http/protobuf', 'http/json', 'grpc'];
const ENCODING: Record<Transport, Encoding> = { 'http/protobuf': 'protobuf', 'http/json': 'json', grpc: 'protobuf' };
const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const MIB = 1024 * 1024;

/** The answer, the same shape whichever transport carried it. */
interface Answer {
  /** HTTP status; null over gRPC. */
  http: number | null;
  /** The gRPC status code: of the call over gRPC, of the google.rpc.Status body over HTTP (OK on a 200). */
  code: status;
  message: string;
  /** Export*ServiceResponse.partial_success, or null when the response carries none. */
  partial: { rejected: number; message: string; /** OTLP/JSON only: the key the count came under. */ jsonKey?: string } | null;
  /** The success response had no fields at all (zero bytes, or `{}`). */
  emptyResponse: boolean;
  /** Retry-After (HTTP) or the RetryInfo delay in the grpc-status-details-bin trailer, in seconds. */
  retryAfterSeconds: number | null;
}

/** Reads a protobuf message as {field number → values} (enough for these small messages). */
function fields(bytes: Uint8Array): Map<number, Array<Uint8Array | number>> {
  const r = new WireReader(bytes);
  const out = new Map<number, Array<Uint8Array | number>>();
  while (!r.done()) {
    const tag = r.tag();
    const value = (tag & 7) === 0 ? r.varint32() : r.bytes();
    out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), value]);
  }
  return out;
}
const first = (m: Map<number, Array<Uint8Array | number>>, field: number) => m.get(field)?.[0];
const text = (v: Uint8Array | number | undefined) => new TextDecoder().decode(v as Uint8Array);

/** partial_success is field 1 of every Export*ServiceResponse: {1: rejected count, 2: error_message}. */
function protobufPartial(response: Uint8Array): Answer['partial'] {
  const partial = first(fields(response), 1);
  if (partial === undefined) return null;
  const f = fields(partial as Uint8Array);
  return { rejected: (first(f, 1) as number | undefined) ?? 0, message: text(first(f, 2)) };
}

/** google.rpc.Status{details: [Any{RetryInfo{retry_delay: Duration{seconds}}}]} → seconds. */
function retryInfoSeconds(statusDetails: Uint8Array): number | null {
  const any = first(fields(statusDetails), 3);
  if (any === undefined) return null;
  const retryInfo = fields(first(fields(any as Uint8Array), 2) as Uint8Array);
  return (first(fields(first(retryInfo, 1) as Uint8Array), 1) as number | undefined) ?? null;
}

/** A grpc-js client with passthrough serializers: it sends exactly the bytes a test builds. */
class RawGrpcClient {
  private readonly client: Client;
  constructor(endpoint: string) {
    this.client = new Client(endpoint.replace(/^http:\/\//, ''), credentials.createInsecure());
  }

  call(path: string, body: Uint8Array): Promise<Answer> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path,
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        body,
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (err: ServiceError | null, response?: Buffer) => {
          if (err) {
            const details = err.metadata?.get('grpc-status-details-bin')[0];
            const retryAfterSeconds = Buffer.isBuffer(details) ? retryInfoSeconds(details) : null;
            resolve({ http: null, code: err.code, message: err.details, partial: null, emptyResponse: false, retryAfterSeconds });
          } else {
            const bytes = response ?? Buffer.alloc(0);
            resolve({ http: null, code: status.OK, message: '', partial: protobufPartial(bytes), emptyResponse: bytes.length === 0, retryAfterSeconds: null });
          }
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** POSTs to an OTLP/HTTP path and reads the answer as an exporter would, in the request's encoding. */
async function httpCall(url: string, encoding: Encoding, body: Uint8Array | string): Promise<Answer> {
  const res = await post(url, body, { 'content-type': CONTENT_TYPE[encoding] });
  // The spec: the response uses the request's Content-Type, success or error.
  assert.equal(res.headers.get('content-type'), CONTENT_TYPE[encoding], 'response Content-Type matches the request');
  const retryAfter = res.headers.get('retry-after');
  const base = { http: res.status, retryAfterSeconds: retryAfter === null ? null : Number(retryAfter) };
  if (res.status !== 200) {
    // google.rpc.Status {code, message}.
    if (encoding === 'json') {
      const s = JSON.parse(res.body.toString()) as { code: number; message: string };
      return { ...base, code: s.code, message: s.message, partial: null, emptyResponse: false };
    }
    const f = fields(res.body);
    return { ...base, code: (first(f, 1) as number | undefined) ?? 0, message: text(first(f, 2)), partial: null, emptyResponse: false };
  }
  if (encoding === 'protobuf') return { ...base, code: status.OK, message: '', partial: protobufPartial(res.body), emptyResponse: res.body.length === 0 };
  const json = JSON.parse(res.body.toString()) as { partialSuccess?: Record<string, string | number | undefined> };
  const p = json.partialSuccess;
  // OTLP/JSON names the count per signal (rejectedLogRecords / rejectedDataPoints); int64 may be a string or a number.
  const rejectedKey = Object.keys(p ?? {}).find((k) => k.startsWith('rejected'));
  const partial = p ? { rejected: Number(p[rejectedKey ?? ''] ?? 0), message: String(p.errorMessage ?? ''), jsonKey: rejectedKey } : null;
  return { ...base, code: status.OK, message: '', partial, emptyResponse: Object.keys(json).length === 0 };
}

/** Fresh data in one request, and how to tell which of its items the engine stored. */
interface Batch {
  body: Record<Encoding, Uint8Array>;
  /** Items of this batch readable through the engine API. */
  stored: () => Promise<number>;
  items: number;
}

interface SignalRow {
  httpPath: string;
  grpcPath: string;
  requestMessage: string;
  /** The partial_success count's JSON key, per the OTLP spec. */
  rejectedKey: string;
  rejectReason: RegExp;
  /** The serializer's own request with nothing in it. */
  emptyRequest: Record<Encoding, Uint8Array>;
  valid: (engine: Engine, tag: string) => Promise<Batch>;
  /** One valid item plus one the engine must reject alone; `stored` counts the valid one. */
  partial: (engine: Engine, tag: string) => Promise<Batch>;
}

const serializeLogs = (records: ReadableLogRecord[]): Record<Encoding, Uint8Array> => ({
  protobuf: ProtobufLogsSerializer.serializeRequest(records)!,
  json: JsonLogsSerializer.serializeRequest(records)!,
});
const serializeMetrics = (rm: ResourceMetrics): Record<Encoding, Uint8Array> => ({
  protobuf: ProtobufMetricsSerializer.serializeRequest(rm)!,
  json: JsonMetricsSerializer.serializeRequest(rm)!,
});

const SIGNALS: Record<'logs' | 'metrics', SignalRow> = {
  logs: {
    httpPath: '/v1/logs',
    grpcPath: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
    requestMessage: 'ExportLogsServiceRequest',
    rejectedKey: 'rejectedLogRecords',
    rejectReason: /1 log record\(s\) rejected: .*trace_id must be empty or 16 bytes/,
    emptyRequest: serializeLogs([]),
    async valid(engine, tag) {
      const sent = await recordLogs(`answers-${tag}`);
      const stored = async () => (await engine.listLogs({ traceId: sent.traceId })).logs.length;
      return { body: serializeLogs(sent.records), stored, items: sent.records.length };
    },
    async partial(engine, tag) {
      const sent = await recordLogs(`answers-${tag}`);
      const good = sent.records[0]!;
      // The one hand-made item: the same record with a 3-byte trace id.
      const bad: ReadableLogRecord = {
        hrTime: good.hrTime,
        hrTimeObserved: good.hrTimeObserved,
        spanContext: { ...good.spanContext!, traceId: 'abcdef' },
        body: 'record with a 3-byte trace id',
        resource: good.resource,
        instrumentationScope: good.instrumentationScope,
        attributes: {},
        droppedAttributesCount: 0,
      };
      const stored = async () => {
        const { logs } = await engine.listLogs({ traceId: sent.traceId });
        assert.ok(logs.every((l) => l.body === good.body), 'only the valid record is stored');
        return logs.length;
      };
      return { body: serializeLogs([good, bad]), stored, items: 1 };
    },
  },
  metrics: {
    httpPath: '/v1/metrics',
    grpcPath: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    requestMessage: 'ExportMetricsServiceRequest',
    rejectedKey: 'rejectedDataPoints',
    rejectReason: /1 data point\(s\) rejected: metric without a name/,
    emptyRequest: serializeMetrics({ resource: resourceFromAttributes({ 'service.name': 'answers-empty' }), scopeMetrics: [] }),
    async valid(engine, tag) {
      const sent = await recordMetrics(`answers-${tag}`, `.${tag}`);
      const names = Object.values(sent.names);
      const stored = async () => {
        let n = 0;
        for (const name of names) n += (await engine.listMetricPoints({ name })).points.length;
        return n;
      };
      return { body: serializeMetrics(sent.resourceMetrics), stored, items: names.length };
    },
    async partial(engine, tag) {
      const sent = await recordMetrics(`answers-${tag}`, `.${tag}`);
      const scope = sent.resourceMetrics.scopeMetrics[0]!;
      const gauge = scope.metrics.find((m) => m.descriptor.name === sent.names.gauge)!;
      // The one hand-made item: the gauge again, one point, with its name taken away.
      const nameless = { ...gauge, descriptor: { ...gauge.descriptor, name: '' } };
      const request: ResourceMetrics = { ...sent.resourceMetrics, scopeMetrics: [{ ...scope, metrics: [gauge, nameless] }] };
      const stored = async () => {
        const { points } = await engine.listMetricPoints({ name: sent.names.gauge });
        assert.ok(points.every((p) => p.value === 17));
        return points.length;
      };
      return { body: serializeMetrics(request), stored, items: 1 };
    },
  },
};

describe('OTLP logs and metrics receivers answer', () => {
  let engine: Engine;
  let grpc: RawGrpcClient;
  let tagCounter = 0;
  // Each test's data gets its own service and names, so reads find only that test's items.
  const nextTag = (signal: string, transport: Transport) => `${signal}-${transport.replace('/', '_')}-${++tagCounter}`;

  before(async () => {
    engine = await startTestEngine();
    grpc = new RawGrpcClient(engine.info.otlpGrpcEndpoint!);
  });
  after(async () => {
    grpc.close();
    await engine.close();
  });

  const send = (row: SignalRow, transport: Transport, body: Uint8Array | string): Promise<Answer> =>
    transport === 'grpc'
      ? grpc.call(row.grpcPath, typeof body === 'string' ? new TextEncoder().encode(body) : body)
      : httpCall(`${engine.info.otlpHttpEndpoint}${row.httpPath}`, ENCODING[transport], body);

  for (const [signal, row] of Object.entries(SIGNALS)) {
    for (const transport of TRANSPORTS) {
      const encoding = ENCODING[transport];
      const isHttp = transport !== 'grpc';

      describe(`${signal} over ${transport}`, () => {
        test('garbage is 400 / INVALID_ARGUMENT with the decoder’s reason, and the next export still works', async () => {
          const garbage = encoding === 'json' ? '{"resource' : 'this is definitely not protobuf';
          const bad = await send(row, transport, garbage);
          assert.equal(bad.http, isHttp ? 400 : null);
          assert.equal(bad.code, status.INVALID_ARGUMENT);
          assert.match(bad.message, new RegExp(`could not decode OTLP ${encoding} ${row.requestMessage}: .+`));

          const batch = await row.valid(engine, nextTag(signal, transport));
          const ok = await send(row, transport, batch.body[encoding]);
          assert.equal(ok.code, status.OK);
          assert.equal(ok.partial, null);
          assert.equal(await batch.stored(), batch.items);
        });

        test('an empty request, and one with nothing in it, are 200 / OK with an empty response', async () => {
          const bodies: Array<[string, Uint8Array | string]> = [
            ['no bytes / {}', encoding === 'json' ? '{}' : new Uint8Array(0)],
            ['the serializer’s request without items', row.emptyRequest[encoding]],
          ];
          for (const [label, body] of bodies) {
            const res = await send(row, transport, body);
            assert.equal(res.http, isHttp ? 200 : null, label);
            assert.equal(res.code, status.OK, label);
            assert.equal(res.emptyResponse, true, `${label}: the Export*ServiceResponse has no fields`);
          }
        });

        test('one invalid item is rejected alone: 200 / OK with partial_success, and the valid item is stored', async () => {
          const batch = await row.partial(engine, nextTag(signal, transport));
          const res = await send(row, transport, batch.body[encoding]);
          assert.equal(res.http, isHttp ? 200 : null);
          assert.equal(res.code, status.OK);
          assert.ok(res.partial, 'partial_success is set');
          assert.equal(res.partial.rejected, 1);
          assert.match(res.partial.message, row.rejectReason);
          if (transport === 'http/json') assert.equal(res.partial.jsonKey, row.rejectedKey);
          assert.equal(await batch.stored(), 1);
        });

        test('while ingest is paused: 503 with Retry-After / UNAVAILABLE with RetryInfo, and nothing is lost', async () => {
          const batch = await row.valid(engine, nextTag(signal, transport));
          engine.setIngestPaused(true);
          let res: Answer;
          try {
            res = await send(row, transport, batch.body[encoding]);
          } finally {
            engine.setIngestPaused(false);
          }
          assert.equal(res.http, isHttp ? 503 : null);
          assert.equal(res.code, status.UNAVAILABLE);
          assert.match(res.message, /paused/);
          assert.equal(res.retryAfterSeconds, 5);
          assert.equal(await batch.stored(), 0);
          // The exporter's retry after the pause goes in whole.
          assert.equal((await send(row, transport, batch.body[encoding])).code, status.OK);
          assert.equal(await batch.stored(), batch.items);
        });
      });
    }
  }

  describe('HTTP framing errors on the logs and metrics paths', () => {
    for (const row of Object.values(SIGNALS)) {
      test(`${row.httpPath}: wrong method is 405 with Allow, an unknown content type is 415`, async () => {
        const url = `${engine.info.otlpHttpEndpoint}${row.httpPath}`;
        const get = await fetch(url);
        assert.equal(get.status, 405);
        assert.equal(get.headers.get('allow'), 'POST');
        const plain = await post(url, 'hello', { 'content-type': 'text/plain' });
        assert.equal(plain.status, 415);
        assert.match(plain.body.toString(), /application\/x-protobuf or application\/json/);
      });
    }

    test('/v1/logs: a body over 20 MiB is 413, and the next request is served', async () => {
      const url = `${engine.info.otlpHttpEndpoint}/v1/logs`;
      const res = await post(url, new Uint8Array(20 * MIB + 1), { 'content-type': CONTENT_TYPE.protobuf }).catch((err: Error) => err);
      // The server answers 413 and closes; depending on timing the client sees the answer or a reset.
      if (res instanceof Error) assert.match(String(res.cause ?? res), /ECONNRESET|EPIPE|other side closed|fetch failed/);
      else assert.equal(res.status, 413);
      assert.equal((await post(url, new Uint8Array(0), { 'content-type': CONTENT_TYPE.protobuf })).status, 200);
    });
  });
});

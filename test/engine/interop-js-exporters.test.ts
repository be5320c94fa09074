/**
 * The official OTel JS exporters, every signal over every transport a user can pick (gRPC,
 * HTTP/protobuf, HTTP/JSON), against one in-process engine. Each export must get the exporter's own
 * success verdict, and right after it the data must read back equal through the engine API.
 * Field-by-field detail per encoding lives in ingest-roundtrip and logs-metrics-rest; this is the matrix.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { recordAgentTrace } from '../support/otel';
import { exportOnce, HISTOGRAM_BOUNDS, nanos, recordLogs, recordMetrics, type OtlpExporter } from '../support/otel-signals';
import { startTestEngine } from '../support/engine';
import type { Engine } from '../../src-main/engine';

type Transport = 'grpc' | 'http/protobuf' | 'http/json';
const TRANSPORTS: readonly Transport[] = ['grpc', 'http/protobuf', 'http/json'];

/** gRPC exporters take the bare endpoint; HTTP exporters the full per-signal URL, as users configure them. */
interface Endpoints {
  grpc: string;
  http: string;
}
type ExporterFactory<T> = Record<Transport, (e: Endpoints) => OtlpExporter<T>>;

const TRACE_EXPORTERS: ExporterFactory<ReadableSpan[]> = {
  grpc: (e) => new GrpcTraceExporter({ url: e.grpc }),
  'http/protobuf': (e) => new ProtoTraceExporter({ url: `${e.http}/v1/traces` }),
  'http/json': (e) => new JsonTraceExporter({ url: `${e.http}/v1/traces` }),
};
const LOG_EXPORTERS: ExporterFactory<ReadableLogRecord[]> = {
  grpc: (e) => new GrpcLogExporter({ url: e.grpc }),
  'http/protobuf': (e) => new ProtoLogExporter({ url: `${e.http}/v1/logs` }),
  'http/json': (e) => new JsonLogExporter({ url: `${e.http}/v1/logs` }),
};
const METRIC_EXPORTERS: ExporterFactory<ResourceMetrics> = {
  grpc: (e) => new GrpcMetricExporter({ url: e.grpc }),
  'http/protobuf': (e) => new ProtoMetricExporter({ url: `${e.http}/v1/metrics` }),
  'http/json': (e) => new JsonMetricExporter({ url: `${e.http}/v1/metrics` }),
};

/** One signal: record fresh data with the SDK, send it with the transport's exporter, read it back. */
type SignalCase = (engine: Engine, endpoints: Endpoints, transport: Transport) => Promise<void>;

const SIGNALS: Record<'traces' | 'logs' | 'metrics', SignalCase> = {
  async traces(engine, endpoints, transport) {
    const service = `traces-${transport}`;
    const sent = recordAgentTrace({ serviceName: service });
    await exportOnce(TRACE_EXPORTERS[transport](endpoints), sent.spans);

    const stored = await engine.getTrace(sent.traceId);
    assert.ok(stored, 'trace is readable right after the exporter got its success');
    assert.deepEqual(stored.spans.map((s) => s.spanId).sort(), [...sent.spanIds].sort());
    for (const original of sent.spans) {
      const span = await engine.getSpan(sent.traceId, original.spanContext().spanId);
      assert.ok(span, `span ${original.name}`);
      assert.deepEqual(
        {
          name: span.name,
          parentSpanId: span.parentSpanId,
          start: span.startTimeUnixNano,
          end: span.endTimeUnixNano,
          attributes: span.attributes,
          status: span.status,
          events: span.events.map((e) => ({ name: e.name, time: e.timeUnixNano, attributes: e.attributes })),
          service: span.resource.attributes['service.name'],
        },
        {
          name: original.name,
          parentSpanId: original.parentSpanContext?.spanId ?? null,
          start: nanos(original.startTime),
          end: nanos(original.endTime),
          attributes: original.attributes,
          status: { code: ['unset', 'ok', 'error'][original.status.code], message: original.status.message ?? '' },
          events: original.events.map((e) => ({ name: e.name, time: nanos(e.time), attributes: e.attributes ?? {} })),
          service,
        },
      );
    }
  },

  async logs(engine, endpoints, transport) {
    const sent = await recordLogs(`logs-${transport}`);
    await exportOnce(LOG_EXPORTERS[transport](endpoints), sent.records);

    const page = await engine.listLogs({ traceId: sent.traceId, spanId: sent.spanId });
    assert.equal(page.logs.length, sent.records.length);
    for (const original of sent.records) {
      const log = page.logs.find((l) => l.severityText === original.severityText);
      assert.ok(log, `${original.severityText} record stored`);
      assert.deepEqual(
        {
          body: log.body,
          severityNumber: log.severityNumber,
          attributes: log.attributes,
          eventName: log.eventName,
          traceId: log.traceId,
          spanId: log.spanId,
          time: log.timeUnixNano,
          resource: log.resource.attributes,
          scope: [log.scope.name, log.scope.version],
        },
        {
          body: original.body,
          severityNumber: original.severityNumber,
          attributes: original.attributes,
          eventName: original.eventName ?? '',
          traceId: sent.traceId,
          spanId: sent.spanId,
          time: nanos(original.hrTime),
          resource: original.resource.attributes,
          scope: ['agent-logger', '1.2.0'],
        },
      );
    }
  },

  async metrics(engine, endpoints, transport) {
    const suffix = `.${transport.replace('/', '_')}`;
    const sent = await recordMetrics(`metrics-${transport}`, suffix);
    await exportOnce(METRIC_EXPORTERS[transport](endpoints), sent.resourceMetrics);

    // By name and within the recording's time range: exactly the one point this export carried.
    const only = async (name: string) => {
      const { points } = await engine.listMetricPoints({ name, from: sent.from, to: sent.to });
      assert.equal(points.length, 1, name);
      assert.equal(points[0]!.resource.attributes['service.name'], `metrics-${transport}`);
      return points[0]!;
    };
    const counter = await only(sent.names.counter);
    assert.deepEqual(
      { type: counter.type, value: counter.value, monotonic: counter.isMonotonic, attributes: counter.attributes, description: counter.description },
      { type: 'sum', value: 7, monotonic: true, attributes: { route: 'plan' }, description: 'requests handled' },
    );
    const gauge = await only(sent.names.gauge);
    assert.deepEqual({ type: gauge.type, value: gauge.value, unit: gauge.unit }, { type: 'gauge', value: 17, unit: '{request}' });
    const histogram = await only(sent.names.histogram);
    assert.equal(histogram.type, 'histogram');
    assert.deepEqual(histogram.histogram, { count: 3, sum: 555, min: 5, max: 500, explicitBounds: HISTOGRAM_BOUNDS, bucketCounts: [0, 1, 1, 1] });
    const listed = (await engine.listMetricNames()).find((n) => n.name === sent.names.histogram);
    assert.deepEqual(listed && { type: listed.type, unit: listed.unit, pointCount: listed.pointCount }, { type: 'histogram', unit: 'ms', pointCount: 1 });
  },
};

describe('official OTel JS exporters: every signal over every transport', () => {
  let engine: Engine;
  let endpoints: Endpoints;
  before(async () => {
    engine = await startTestEngine();
    endpoints = { grpc: engine.info.otlpGrpcEndpoint!, http: engine.info.otlpHttpEndpoint };
  });
  after(async () => {
    await engine.close();
  });

  for (const [signal, run] of Object.entries(SIGNALS)) {
    for (const transport of TRANSPORTS) {
      test(`${signal} over ${transport}: the exporter reports success and the data reads back equal`, () => run(engine, endpoints, transport));
    }
  }
});

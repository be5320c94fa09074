/**
 * OTLP logs and metrics end to end: the official OTel JS SDKs and exporters (protobuf and JSON)
 * send through the real pipeline (batch processor / periodic reader, flushed), and once the flush
 * resolves, with the exporter's success, the data reads back through the REST API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { startApiServer } from '../../src-main/headless/api-server';
import { startTestEngine } from '../support/engine';
import type { Engine } from '../../src-main/engine';
import type { LogListPage, LogRecordView, MetricNameInfo, MetricPointPage, MetricPointView } from '../../src-shared/contract';

const nowNanos = () => (BigInt(Date.now()) * 1_000_000n).toString();

describe('OTLP logs and metrics through the REST API', () => {
  let engine: Engine;
  let server: Server;
  let base: string;
  before(async () => {
    engine = await startTestEngine();
    server = await startApiServer({ api: engine, host: '127.0.0.1', port: 0, rendererDir: mkdtempSync(join(tmpdir(), 'renderer-')) });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    server.closeAllConnections();
    await engine.close();
  });

  async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as T };
  }

  for (const protocol of ['protobuf', 'json'] as const) {
    test(`${protocol} logs exporter: records emitted inside a span read back equal by trace and span`, async () => {
      const url = `${engine.info.otlpHttpEndpoint}/v1/logs`;
      const exporter = protocol === 'protobuf' ? new ProtoLogExporter({ url }) : new JsonLogExporter({ url });
      const service = `logs-${protocol}`;
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
        processors: [new BatchLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('agent-logger', '1.2.0');
      const tracer = new TracerProvider().getTracer('t');
      const span = tracer.startSpan('chat gpt-4o-mini');
      const inSpan = trace.setSpan(context.active(), span);
      const { traceId, spanId } = span.spanContext();

      logger.emit({
        context: inSpan,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: 'calling the model',
        attributes: { 'gen_ai.request.model': 'gpt-4o-mini', attempt: 2, cached: false },
      });
      logger.emit({
        context: inSpan,
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        eventName: 'gen_ai.choice',
        body: { finish_reason: 'tool_calls', index: 0, tool_calls: ['search_hotels'] },
      });
      // Outside any span: no ids.
      logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: `outside a span (${protocol})` });
      span.end();
      await provider.forceFlush(); // rejects unless the exporter got its success answer
      await provider.shutdown();

      const bySpan = await getJson<LogListPage>(`/api/v1/logs?traceId=${traceId}&spanId=${spanId}`);
      assert.equal(bySpan.status, 200);
      const logs = bySpan.body.logs;
      assert.equal(logs.length, 2);
      // Newest first; equal timestamps fall back to arrival order, newest first too.
      const [info, choice] = [logs.find((l) => l.severityText === 'INFO'), logs.find((l) => l.severityText === 'ERROR')] as LogRecordView[];
      assert.ok(info && choice);
      assert.equal(info.traceId, traceId);
      assert.equal(info.spanId, spanId);
      assert.equal(info.body, 'calling the model');
      assert.equal(info.severityNumber, SeverityNumber.INFO);
      assert.deepEqual(info.attributes, { 'gen_ai.request.model': 'gpt-4o-mini', attempt: 2, cached: false });
      assert.equal(info.resource.attributes['service.name'], service);
      assert.equal(info.resource.attributes['deployment.environment'], 'test');
      assert.equal(info.scope.name, 'agent-logger');
      assert.equal(info.scope.version, '1.2.0');
      assert.match(info.timeUnixNano, /^\d{19}$/);
      assert.match(info.observedTimeUnixNano, /^\d{19}$/);
      assert.equal(info.flags & 1, 1, 'sampled flag carried from the span');
      assert.deepEqual(choice.body, { finish_reason: 'tool_calls', index: 0, tool_calls: ['search_hotels'] });
      assert.equal(choice.eventName, 'gen_ai.choice');
      assert.equal(choice.severityNumber, SeverityNumber.ERROR);

      const byTrace = await getJson<LogListPage>(`/api/v1/logs?traceId=${traceId.toUpperCase()}`);
      assert.equal(byTrace.body.logs.length, 2);
      const outside = await getJson<LogListPage>(`/api/v1/logs?q=${encodeURIComponent(`outside a span (${protocol})`)}`);
      assert.equal(outside.body.logs.length, 1);
      assert.equal(outside.body.logs[0]!.traceId, null);
      assert.equal(outside.body.logs[0]!.spanId, null);
    });

    test(`${protocol} metrics exporter: counter, gauge and GenAI histograms are queryable by name and time after a flush`, async (t) => {
      const url = `${engine.info.otlpHttpEndpoint}/v1/metrics`;
      const exporter = protocol === 'protobuf' ? new ProtoMetricExporter({ url }) : new JsonMetricExporter({ url });
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': `metrics-${protocol}` }), readers: [reader] });
      const meter = provider.getMeter('gen_ai-instrumentation', '0.1.0');
      const from = nowNanos();
      const genAi = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
      const suffix = `.${protocol}`;

      const requests = meter.createCounter(`agent.requests${suffix}`, { description: 'requests handled' });
      requests.add(3, { route: 'plan' });
      requests.add(4, { route: 'plan' });
      const queue = meter.createGauge(`agent.queue_depth${suffix}`, { unit: '{request}' });
      queue.record(17);
      const tokens = meter.createHistogram(`gen_ai.client.token.usage${suffix}`, {
        unit: '{token}',
        advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384] },
      });
      tokens.record(812, { ...genAi, 'gen_ai.token.type': 'input' });
      tokens.record(64, { ...genAi, 'gen_ai.token.type': 'output' });
      tokens.record(1200, { ...genAi, 'gen_ai.token.type': 'input' });
      const duration = meter.createHistogram(`gen_ai.client.operation.duration${suffix}`, { unit: 's' });
      duration.record(0.8, genAi);
      duration.record(2.5, genAi);
      await provider.forceFlush(); // rejects unless the exporter got its success answer
      const to = nowNanos();
      // Not shut down until the end: shutdown exports once more, and cumulative points repeat.
      t.after(() => provider.shutdown());

      const points = async (name: string, range = `&from=${from}&to=${to}`) => {
        const res = await getJson<MetricPointPage>(`/api/v1/metrics?name=${encodeURIComponent(name)}${range}`);
        assert.equal(res.status, 200);
        return res.body.points;
      };
      const [counter] = await points(`agent.requests${suffix}`);
      assert.ok(counter);
      assert.equal(counter.type, 'sum');
      assert.equal(counter.value, 7);
      assert.equal(counter.isMonotonic, true);
      assert.equal(counter.aggregationTemporality, 'cumulative');
      assert.equal(counter.description, 'requests handled');
      assert.deepEqual(counter.attributes, { route: 'plan' });
      assert.equal(counter.resource.attributes['service.name'], `metrics-${protocol}`);
      assert.equal(counter.scope.name, 'gen_ai-instrumentation');

      const [gauge] = await points(`agent.queue_depth${suffix}`);
      assert.equal(gauge?.type, 'gauge');
      assert.equal(gauge?.value, 17);
      assert.equal(gauge?.unit, '{request}');

      const usage = await points(`gen_ai.client.token.usage${suffix}`);
      assert.equal(usage.length, 2, 'one point per attribute set');
      const input = usage.find((p) => p.attributes['gen_ai.token.type'] === 'input') as MetricPointView;
      assert.equal(input.type, 'histogram');
      assert.equal(input.unit, '{token}');
      assert.deepEqual(input.attributes, { ...genAi, 'gen_ai.token.type': 'input' });
      assert.deepEqual(input.histogram, {
        count: 2, sum: 2012, min: 812, max: 1200,
        explicitBounds: [1, 4, 16, 64, 256, 1024, 4096, 16384],
        bucketCounts: [0, 0, 0, 0, 0, 1, 1, 0, 0],
      });
      const output = usage.find((p) => p.attributes['gen_ai.token.type'] === 'output') as MetricPointView;
      assert.equal(output.histogram?.count, 1);
      assert.equal(output.histogram?.sum, 64);

      const [dur] = await points(`gen_ai.client.operation.duration${suffix}`);
      assert.equal(dur?.histogram?.count, 2);
      assert.equal(dur?.histogram?.sum, 3.3);
      assert.equal(dur?.histogram?.min, 0.8);
      assert.equal(dur?.histogram?.max, 2.5);
      assert.equal(BigInt(dur!.timeUnixNano) >= BigInt(from) && BigInt(dur!.timeUnixNano) <= BigInt(to), true);

      // A time range that ends before the points leaves them out.
      assert.deepEqual(await points(`gen_ai.client.operation.duration${suffix}`, `&to=${BigInt(from) - 1n}`), []);

      const names = await getJson<MetricNameInfo[]>('/api/v1/metrics/names');
      const info = names.body.find((n) => n.name === `gen_ai.client.token.usage${suffix}`);
      assert.deepEqual(info && { type: info.type, unit: info.unit, pointCount: info.pointCount }, { type: 'histogram', unit: '{token}', pointCount: 2 });
    });
  }

  test('REST parameters are validated: 400 with a message', async () => {
    assert.equal((await getJson('/api/v1/metrics')).status, 400, 'name is required');
    assert.equal((await getJson('/api/v1/metrics?name=x&limit=1001')).status, 400);
    assert.equal((await getJson('/api/v1/logs?traceId=xyz')).status, 400);
    assert.equal((await getJson(`/api/v1/logs?spanId=${'a'.repeat(16)}`)).status, 400, 'spanId needs traceId');
    assert.equal((await getJson('/api/v1/logs?from=5&to=4')).status, 400);
    assert.equal((await getJson('/api/v1/logs?color=red')).status, 400);
    const bad = await getJson<{ error: string }>('/api/v1/logs?cursor=bm9wZQ');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /cursor/);
  });
});

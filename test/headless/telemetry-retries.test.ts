/**
 * An exporter's retry of a log or metric request (its answer was lost, or came after its deadline)
 * is stored once: the very same body sent again, in one burst and after a restart, leaves one copy
 * of each record and data point, while a new request with the same shape is stored as new data.
 * Real requests from the OTel SDKs' own serializers, sent as their exporters send them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogListPage, MetricPointPage } from '../../src-shared/contract';
import { recordLogs, recordMetrics } from '../support/otel-signals';
import { startServe, type ServeProcess } from '../support/serve-process';
import { startTestEngine } from '../support/engine';

async function post(server: ServeProcess, signal: 'logs' | 'metrics', body: Uint8Array): Promise<void> {
  const res = await fetch(`${server.otlpHttp}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  assert.equal(res.status, 200, await res.text());
}

async function settled<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 100 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

test('a retried log or metric request is stored once, also when the retry comes after a restart', { timeout: 60_000 }, async () => {
  let server = await startServe();
  try {
    const logs = await recordLogs('retrying-agent');
    const logBody = ProtobufLogsSerializer.serializeRequest(logs.records)!;
    const metrics = await recordMetrics('retrying-agent', '.retry');
    const metricBody = ProtobufMetricsSerializer.serializeRequest(metrics.resourceMetrics)!;
    await Promise.all([post(server, 'logs', logBody), post(server, 'logs', logBody)]);
    await post(server, 'logs', logBody);
    await post(server, 'metrics', metricBody);
    await post(server, 'metrics', metricBody);

    const logCount = async () => ((await (await fetch(`${server.api}/api/v1/logs?traceId=${logs.traceId}`)).json()) as LogListPage).logs.length;
    const pointCount = async () => ((await (await fetch(`${server.api}/api/v1/metrics?name=${metrics.names.counter}`)).json()) as MetricPointPage).points.length;
    assert.equal(await settled(logCount, (n) => n >= 2), 2, 'two records, sent three times: stored once');
    assert.equal(await settled(pointCount, (n) => n >= 1), 1, 'one counter point, sent twice: stored once');

    await server.stop();
    server = await startServe({ dataDir: server.dataDir });
    await post(server, 'logs', logBody);
    await post(server, 'metrics', metricBody);
    // A new collection of the same metrics is new data, not a retry.
    const again = await recordMetrics('retrying-agent', '.retry');
    await post(server, 'metrics', ProtobufMetricsSerializer.serializeRequest(again.resourceMetrics)!);
    assert.equal(await settled(pointCount, (n) => n >= 2), 2, 'the retry after a restart is not stored, the new collection is');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await logCount(), 2);
    const stats = (await (await fetch(`${server.api}/api/v1/stats`)).json()) as { requestsAccepted: number };
    assert.equal(stats.requestsAccepted, 3, 'every send was answered as accepted');
  } finally {
    await server.stop();
  }
});

test('copies of a request that could not be stored are all told to retry, none accepted', { timeout: 60_000 }, async () => {
  // A storage limit below what an empty store takes: every request is refused (503) and kept by its exporter.
  const engine = await startTestEngine(undefined, { hardLimitBytes: 64 * 1024 });
  try {
    const logs = await recordLogs('refused-agent');
    const body = ProtobufLogsSerializer.serializeRequest(logs.records)!;
    const url = `${engine.info.otlpHttpEndpoint}/v1/logs`;
    const statuses = await Promise.all([0, 1, 2].map(async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body })).status));
    assert.deepEqual(statuses, [503, 503, 503]);
    assert.equal((await engine.listLogs({ traceId: logs.traceId })).logs.length, 0);
  } finally {
    await engine.close();
  }
});

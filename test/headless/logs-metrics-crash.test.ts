/**
 * `kill -9` of the real `flowtrace serve` process group right after the official exporters were told
 * their logs and metrics were stored: after a restart they are all there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { startServe, tempDataDir } from '../support/serve-process';
import type { LogListPage, MetricPointPage } from '../../src-shared/contract';

test('kill -9 right after logs and metrics were acknowledged: after restart they are all there', async () => {
  const dataDir = tempDataDir();
  const first = await startServe({ dataDir });
  const logs = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${first.otlpHttp}/v1/logs` }) })] });
  const logger = logs.getLogger('crash');
  for (let i = 0; i < 50; i++) logger.emit({ body: `crash log ${i}`, severityNumber: SeverityNumber.INFO });
  const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${first.otlpHttp}/v1/metrics` }), exportIntervalMillis: 3_600_000 });
  const meters = new MeterProvider({ readers: [reader] });
  meters.getMeter('crash').createCounter('crash.counter').add(42);
  await logs.forceFlush();
  await meters.forceFlush();
  await first.kill9();
  await Promise.allSettled([logs.shutdown(), meters.shutdown()]);

  const second = await startServe({ dataDir });
  try {
    const page = (await (await fetch(`${second.api}/api/v1/logs?q=crash%20log&limit=1000`)).json()) as LogListPage;
    assert.deepEqual(page.logs.map((l) => l.body).sort(), Array.from({ length: 50 }, (_, i) => `crash log ${i}`).sort());
    const points = (await (await fetch(`${second.api}/api/v1/metrics?name=crash.counter`)).json()) as MetricPointPage;
    assert.equal(points.points[0]?.value, 42);
  } finally {
    await second.stop();
  }
});

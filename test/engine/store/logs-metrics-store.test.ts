/**
 * Log records and metric points in the store: replayed by encoding code after a crash, listed
 * newest first with keyset pages and filters, partial success for bad records, and retention by
 * age and by size. Real SQLite files, real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DB_FILE, startEngine } from '../../../src-main/engine';
import { eventually, post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid } from '../../support/spans';
import { tempDataDir } from '../../support/serve-process';
import type { LogRecordView } from '../../../src-shared/contract';

const JSON_CT = { 'content-type': 'application/json' };

interface LogSpec {
  body: string;
  time?: string;
  observed?: string;
  traceId?: string;
  spanId?: string;
  severity?: number;
}

function logsJson(records: LogSpec[], service = 'store-logs'): string {
  return JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{
        scope: { name: 'store-test' },
        logRecords: records.map((r) => ({
          body: { stringValue: r.body },
          timeUnixNano: r.time ?? '0',
          observedTimeUnixNano: r.observed ?? r.time ?? '0',
          severityNumber: r.severity ?? 9,
          ...(r.traceId ? { traceId: r.traceId } : {}),
          ...(r.spanId ? { spanId: r.spanId } : {}),
        })),
      }],
    }],
  });
}

function metricsJson(name: string, value: number, timeNs: string): string {
  return JSON.stringify({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name, gauge: { dataPoints: [{ timeUnixNano: timeNs, asDouble: value }] } }] }] }],
  });
}

test('logs and metrics rows above the watermark are replayed by encoding code, in log order with spans', async () => {
  const dir = tempDataDir();
  const engine = await startTestEngine(dir);
  await engine.close();

  const memory = new InMemoryLogRecordExporter();
  const loggers = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'replayed' }), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  loggers.getLogger('l').emit({ body: 'from protobuf', timestamp: 1_700_000_000_000 });
  await loggers.forceFlush();
  class Reader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const reader = new Reader();
  new MeterProvider({ readers: [reader] }).getMeter('m').createCounter('replayed.counter').add(9);
  const { resourceMetrics } = await reader.collect();

  // What a crash between the ack and compaction leaves: committed log rows of every kind, nothing indexed.
  const rows: Array<[number, Uint8Array]> = [
    [3, ProtobufLogsSerializer.serializeRequest(memory.getFinishedLogRecords())!],
    [2, new TextEncoder().encode(otlpJson([{ traceId: tid(0x77), spanId: sid(1), name: 'replayed span', startMs: 1_700_000_000_000 }]))],
    [4, new TextEncoder().encode(logsJson([{ body: 'from json', time: '1700000000500000000', traceId: tid(0x77), spanId: sid(1) }]))],
    [5, ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!],
    [6, new TextEncoder().encode(metricsJson('replayed.gauge', 4.5, '1700000000000000000'))],
  ];
  const db = new Database(join(dir, DB_FILE));
  for (const [code, payload] of rows) {
    db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, ?, ?, ?)').run(Date.now(), code, Buffer.from(payload), crc32(payload));
  }
  db.close();

  const restarted = await startTestEngine(dir);
  try {
    const logs = (await restarted.listLogs({})).logs;
    assert.deepEqual(logs.map((l) => l.body), ['from json', 'from protobuf']);
    assert.equal(logs[1]!.resource.attributes['service.name'], 'replayed');
    assert.deepEqual((await restarted.listLogs({ traceId: tid(0x77), spanId: sid(1) })).logs.map((l) => l.body), ['from json']);
    assert.equal((await restarted.listMetricPoints({ name: 'replayed.counter' })).points[0]?.value, 9);
    assert.equal((await restarted.listMetricPoints({ name: 'replayed.gauge' })).points[0]?.value, 4.5);
    assert.equal((await restarted.getTrace(tid(0x77)))?.spans.length, 1);
    assert.deepEqual((await restarted.listMetricNames()).map((n) => n.name), ['replayed.counter', 'replayed.gauge']);
  } finally {
    await restarted.close();
  }
  const after = new Database(join(dir, DB_FILE));
  assert.equal(after.prepare('SELECT count(*) FROM log').pluck().get(), 0, 'replayed records are dropped once compacted');
  assert.equal(after.pragma('integrity_check', { simple: true }), 'ok');
  after.close();
});

test('the log list: newest first in keyset pages, by trace and span, by text and time; bad ids rejected alone', async () => {
  const engine = await startTestEngine();
  try {
    const t = (s: number) => `17000000${String(s).padStart(2, '0')}000000000`;
    const res = await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson([
      { body: 'first step', time: t(1), traceId: tid(1), spanId: sid(1) },
      { body: 'second step', time: t(2), traceId: tid(1), spanId: sid(2) },
      { body: 'Third STEP', time: t(3), traceId: tid(1), spanId: sid(2) },
      { body: 'no time: ordered by observed', observed: t(4) },
      { body: 'newest', time: t(5) },
      { body: 'bad id', time: t(6), traceId: 'abc' },
    ]), JSON_CT);
    assert.equal(res.status, 200);
    const partial = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    assert.equal(partial.partialSuccess.rejectedLogRecords, '1');
    assert.match(partial.partialSuccess.errorMessage, /1 log record\(s\) rejected: log record: trace_id must be empty or 16 bytes/);

    const seen: LogRecordView[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.listLogs({ limit: 2, ...(cursor ? { cursor } : {}) });
      assert.ok(page.logs.length <= 2);
      seen.push(...page.logs);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen.map((l) => l.body), ['newest', 'no time: ordered by observed', 'Third STEP', 'second step', 'first step']);
    assert.equal(seen[1]!.timeUnixNano, '0');

    assert.deepEqual((await engine.listLogs({ traceId: tid(1) })).logs.map((l) => l.body), ['Third STEP', 'second step', 'first step']);
    assert.deepEqual((await engine.listLogs({ traceId: tid(1), spanId: sid(2) })).logs.map((l) => l.body), ['Third STEP', 'second step']);
    assert.deepEqual((await engine.listLogs({ q: 'step' })).logs.map((l) => l.body), ['Third STEP', 'second step', 'first step']);
    assert.deepEqual((await engine.listLogs({ from: t(2), to: t(4) })).logs.map((l) => l.body), ['no time: ordered by observed', 'Third STEP', 'second step']);
    assert.deepEqual((await engine.listLogs({ traceId: tid(2) })).logs, []);
    await assert.rejects(engine.listLogs({ cursor: 'not-ours' }), /cursor/);
  } finally {
    await engine.close();
  }
});

test('retention by age deletes log records and metric points as it does traces', async () => {
  const dataDir = tempDataDir();
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxAgeMs: 400 }, retentionIntervalMs: 100 });
  try {
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson([{ body: 'old', time: '1' }]), JSON_CT)).status, 200);
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/metrics`, metricsJson('old.gauge', 1, '1'), JSON_CT)).status, 200);
    assert.equal((await engine.listLogs({})).logs.length, 1);
    await eventually(async () => ((await engine.listLogs({})).logs.length === 0 && (await engine.listMetricNames()).length === 0 ? true : null), 5000);
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson([{ body: 'new', time: '2' }]), JSON_CT)).status, 200);
    assert.deepEqual((await engine.listLogs({})).logs.map((l) => l.body), ['new'], 'new data is still taken');
  } finally {
    await engine.close();
  }
});

test('retention by size trims the data received longest ago, whatever its signal', async () => {
  const dataDir = tempDataDir();
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxBytes: 600 * 1024 }, retentionIntervalMs: 200 });
  const filler = 'lorem ipsum dolor sit amet '.repeat(80);
  try {
    // Oldest: a trace; then ~1 MB of logs; last: a metric point.
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson([{ traceId: tid(0x5000), spanId: sid(1), name: 'oldest', startMs: 1 }]), JSON_CT)).status, 200);
    for (let n = 0; n < 500; n++) {
      const status = (await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson([{ body: `log ${n} ${filler}`, time: String(1000 + n) }]), JSON_CT)).status;
      assert.equal(status, 200);
    }
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/metrics`, metricsJson('newest.gauge', 1, '5000'), JSON_CT)).status, 200);
    await eventually(async () => ((await engine.listLogs({ q: 'log 0 ' })).logs.length === 0 ? true : null), 10_000);
    assert.equal(await engine.getTrace(tid(0x5000)), null, 'the trace received first went first');
    const kept = (await engine.listLogs({ limit: 1000 })).logs;
    assert.ok(kept.length > 0 && kept.length < 500, `some logs kept, the oldest deleted (${kept.length})`);
    assert.ok(String(kept[0]!.body).startsWith('log 499 '), 'the newest log is kept');
    assert.equal((await engine.listMetricPoints({ name: 'newest.gauge' })).points.length, 1, 'the newest metric point is kept');
  } finally {
    await engine.close();
  }
});

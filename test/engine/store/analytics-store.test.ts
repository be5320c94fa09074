/**
 * The dashboard's rollups in a real engine fed by the official OTel SDK exporter: percentiles within
 * 1 % of the exact ones over spans of known durations; tokens and cost per model, service and span
 * name summing to the traces' own rollups; the per-minute bound on groups; time series buckets;
 * retention and clear data; migration 0007; `analytics: false` keeps nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startEngine, type Engine } from '../../../src-main/engine';
import { migrate } from '../../../src-main/engine/store/migrate';
import { ANALYTICS_OTHER, type AnalyticsLatencyGroup } from '../../../src-shared/contract';
import { exportSpans } from '../../support/otel';
import { recordGenAiTurn } from '../../support/otel-genai';
import { eventually } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';
import { seededRandom as random } from '../../support/seeded-random';

const MINUTE_MS = 60_000;
/** A fixed minute-aligned past, so bucket boundaries are known. */
const T0 = Date.UTC(2026, 10, 3, 9, 0, 0);

function start(options: { analytics?: boolean } = {}): Promise<Engine> {
  return startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, ...options });
}

/** Spans of service `svc` named `name`, with the given durations (ms, sub-ms precise), one trace per 50, spread over `minutes`. */
function recordTimedSpans(svc: string, name: string, durationsMs: number[], minutes: number, errorsEvery = 0): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': svc }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('analytics-test');
  let parent = context.active();
  durationsMs.forEach((d, i) => {
    if (i % 50 === 0) parent = context.active();
    const startNs = BigInt(T0 + Math.floor((i * minutes * MINUTE_MS) / durationsMs.length)) * 1_000_000n;
    const endNs = startNs + BigInt(Math.round(d * 1e6));
    const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
    const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: hr(startNs) }, parent);
    if (i % 50 === 0) parent = trace.setSpan(context.active(), span);
    if (errorsEvery > 0 && i % errorsEvery === 0) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(hr(endNs));
  });
  return memory.getFinishedSpans();
}

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

test('latency percentiles per group are within 1 % of the exact ones over spans sent by the OTel exporter', async () => {
  const engine = await start();
  try {
    const r = random(1);
    // Log-normal around 120 ms for one service, Pareto-tailed for another, over 30 minutes.
    const a = Array.from({ length: 3000 }, () => Math.exp(Math.log(120) + 0.9 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())));
    const b = Array.from({ length: 2000 }, () => 2 / Math.pow(1 - r(), 1 / 1.3));
    const spansA = recordTimedSpans('checkout', 'handle', a, 30, 10);
    const spansB = recordTimedSpans('search', 'query', b, 30);
    for (let i = 0; i < spansA.length; i += 500) await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', spansA.slice(i, i + 500));
    for (let i = 0; i < spansB.length; i += 500) await exportSpans(engine.info.otlpHttpEndpoint, 'json', spansB.slice(i, i + 500));
    const { groups } = await engine.getAnalyticsLatency({ groupBy: 'service' });
    assert.deepEqual(groups.map((g) => [g.key, g.count, g.errorCount]), [['checkout', 3000, 300], ['search', 2000, 0]]);
    for (const [key, values] of [['checkout', a], ['search', b]] as const) {
      // Exact durations as stored: the SDK keeps nanoseconds, as rounded above.
      const sorted = values.map((d) => Math.round(d * 1e6) / 1e6).sort((x, y) => x - y);
      const g = groups.find((x) => x.key === key)!;
      for (const [q, field] of [[0.5, 'p50Ms'], [0.9, 'p90Ms'], [0.95, 'p95Ms'], [0.99, 'p99Ms']] as const) {
        const want = exactQuantile(sorted, q);
        const got = g[field as keyof AnalyticsLatencyGroup] as number;
        assert.ok(Math.abs(got - want) / want <= 0.01, `${key} ${field}: ${got} vs exact ${want}`);
      }
    }
    // A sub-range: the first 10 minutes only, also exact to 1 %.
    const to = (BigInt(T0 + 10 * MINUTE_MS) * 1_000_000n - 1n).toString();
    const first = (await engine.getAnalyticsLatency({ groupBy: 'spanName', from: (BigInt(T0) * 1_000_000n).toString(), to })).groups.find((g) => g.key === 'handle')!;
    const firstValues = a.filter((_, i) => Math.floor((i * 30) / a.length) < 10).map((d) => Math.round(d * 1e6) / 1e6).sort((x, y) => x - y);
    assert.equal(first.count, firstValues.length);
    const want = exactQuantile(firstValues, 0.95);
    assert.ok(Math.abs(first.p95Ms - want) / want <= 0.01, `${first.p95Ms} vs ${want}`);

    // Time series: 10-minute buckets, aligned; spans and errors add up; p95 per bucket within 1 %.
    const spans = await engine.getAnalyticsTimeseries({ metric: 'spans', groupBy: 'service', bucket: 600 });
    assert.equal(spans.bucketSeconds, 600);
    assert.deepEqual(spans.buckets.map((x) => x.t), [0, 1, 2].map((i) => (BigInt(T0 + i * 600_000) * 1_000_000n).toString()));
    assert.deepEqual(spans.buckets.map((x) => x.values), [{ checkout: 1000, search: 667 }, { checkout: 1000, search: 667 }, { checkout: 1000, search: 666 }]);
    const errors = await engine.getAnalyticsTimeseries({ metric: 'errors', bucket: 600 });
    assert.deepEqual(errors.buckets.map((x) => x.values.all), [100, 100, 100]);
    const p95 = await engine.getAnalyticsTimeseries({ metric: 'p95Ms', groupBy: 'service', bucket: 600 });
    const bucket0 = a.filter((_, i) => Math.floor((i * 30) / a.length) < 10).map((d) => Math.round(d * 1e6) / 1e6).sort((x, y) => x - y);
    const w0 = exactQuantile(bucket0, 0.95);
    assert.ok(Math.abs(p95.buckets[0]!.values.checkout! - w0) / w0 <= 0.01);
    // Default buckets: about 60 over the stored range (30 minutes → 1 minute each).
    const auto = await engine.getAnalyticsTimeseries({ metric: 'spans' });
    assert.equal(auto.bucketSeconds, 60);
    assert.equal(auto.buckets.length, 30);
    await assert.rejects(engine.getAnalyticsTimeseries({ metric: 'spans', bucket: 60, from: '0', to: (BigInt(T0) * 1_000_000n).toString() }), /more than 2000 buckets/);
    await assert.rejects(engine.getAnalyticsLatency({ groupBy: 'colour' as never }), /groupBy must be one of/);
  } finally {
    await engine.close();
  }
});

test('tokens and cost per model, service and span name equal the sums of the traces\' own rollups', async () => {
  const engine = await start();
  try {
    const now = Date.now() - 20 * MINUTE_MS;
    const sent: string[] = [];
    for (let i = 0; i < 24; i++) {
      const turn = recordGenAiTurn({
        serviceName: i % 3 === 0 ? 'travel-agent' : 'support-bot',
        model: ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'][i % 3],
        agentName: i % 2 === 0 ? 'planner' : 'booker',
        toolName: i % 4 === 0 ? 'search_hotels' : 'book_room',
        sessionId: `s-${i % 5}`,
        toolFails: i % 6 === 0,
        agentReportsTotals: i % 2 === 1,
        startMs: now + i * 37_000,
      });
      sent.push(turn.traceId);
      await exportSpans(engine.info.otlpHttpEndpoint, i % 2 === 0 ? 'protobuf' : 'json', turn.spans);
    }
    const traces = (await engine.listTraces({ limit: 500, internal: true })).traces;
    assert.equal(traces.length, 24);
    let tokens = 0;
    let cost = 0;
    for (const t of traces) {
      tokens += t.genai!.totalTokens;
      cost += t.genai!.costUsd ?? 0;
    }
    assert.ok(tokens > 0 && cost > 0);
    for (const groupBy of ['model', 'service', 'spanName'] as const) {
      const { groups } = await engine.getAnalyticsLatency({ groupBy });
      assert.equal(groups.reduce((s, g) => s + g.totalTokens, 0), tokens, groupBy);
      assert.ok(Math.abs(groups.reduce((s, g) => s + g.costUsd, 0) - cost) < 1e-9, groupBy);
    }
    const byModel = (await engine.getAnalyticsLatency({ groupBy: 'model' })).groups;
    assert.deepEqual(byModel.map((g) => [g.key, g.count]).sort(), [['claude-sonnet-4-5', 16], ['gpt-4o', 16], ['gpt-4o-mini', 16]]);
    const byAgent = (await engine.getAnalyticsLatency({ groupBy: 'agent' })).groups;
    assert.deepEqual(byAgent.map((g) => [g.key, g.count]).sort(), [['booker', 12], ['planner', 12]]);
    const byTool = (await engine.getAnalyticsLatency({ groupBy: 'tool' })).groups;
    assert.deepEqual(byTool.map((g) => [g.key, g.count, g.errorCount]).sort(), [['book_room', 18, 2], ['search_hotels', 6, 2]]);
    // The time series add up to the same totals.
    const tokenSeries = await engine.getAnalyticsTimeseries({ metric: 'tokens', groupBy: 'model' });
    assert.equal(tokenSeries.buckets.reduce((s, b) => s + Object.values(b.values).reduce((x, y) => x + y, 0), 0), tokens);
    const costSeries = await engine.getAnalyticsTimeseries({ metric: 'cost' });
    assert.ok(Math.abs(costSeries.buckets.reduce((s, b) => s + (b.values.all ?? 0), 0) - cost) < 1e-9);
    // A retried export (the same spans again) counts once.
    const again = recordGenAiTurn({ serviceName: 'travel-agent', startMs: now });
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', again.spans);
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', again.spans);
    const svc = (await engine.getAnalyticsLatency({ groupBy: 'service' })).groups.find((g) => g.key === 'travel-agent')!;
    assert.equal(svc.count, 8 * 4 + 4);
    // Clear data empties the rollups.
    await engine.clearAllData('delete-everything');
    assert.deepEqual((await engine.getAnalyticsLatency({ groupBy: 'service' })).groups, []);
    assert.deepEqual((await engine.getAnalyticsTimeseries({ metric: 'spans' })).buckets, []);
  } finally {
    await engine.close();
  }
});

test('a minute holds at most 100 groups per dimension; the rest count in "(other)"', async () => {
  const engine = await start();
  try {
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'fanout' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    const tracer = provider.getTracer('analytics-test');
    const at = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];
    for (let i = 0; i < 150; i++) tracer.startSpan(`GET /item/${i}`, { startTime: at(T0 + i) }).end(at(T0 + i + 5));
    const spans = memory.getFinishedSpans();
    // Two requests: the bound holds across batches too.
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', spans.slice(0, 80));
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', spans.slice(80));
    const { groups } = await engine.getAnalyticsLatency({ groupBy: 'spanName' });
    assert.equal(groups.length, 101);
    assert.deepEqual(groups[0]!.key, ANALYTICS_OTHER);
    assert.equal(groups[0]!.count, 50);
    assert.equal(groups.reduce((s, g) => s + g.count, 0), 150);
  } finally {
    await engine.close();
  }
});

test('retention deletes rollup minutes older than the age limit', async () => {
  const engine = await startEngine({
    memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {},
    retention: { maxAgeMs: 60 * MINUTE_MS }, retentionIntervalMs: 200,
  });
  try {
    const old = recordGenAiTurn({ serviceName: 'old', startMs: Date.now() - 3 * 60 * MINUTE_MS });
    const recent = recordGenAiTurn({ serviceName: 'recent', startMs: Date.now() - 5 * MINUTE_MS });
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', [...old.spans, ...recent.spans]);
    await eventually(async () => {
      const keys = (await engine.getAnalyticsLatency({ groupBy: 'service' })).groups.map((g) => g.key);
      return keys.length === 1 && keys[0] === 'recent' ? true : null;
    }, 10_000);
  } finally {
    await engine.close();
  }
});

test('with analytics off (--no-analytics), compaction keeps no rollups', async () => {
  const engine = await start({ analytics: false });
  try {
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', recordGenAiTurn({ serviceName: 'x' }).spans);
    assert.equal((await engine.listTraces({})).traces.length, 1);
    assert.deepEqual((await engine.getAnalyticsLatency({ groupBy: 'service' })).groups, []);
  } finally {
    await engine.close();
  }
});

test('migration 0007 adds analytics_minutes (STRICT, keyed by dim, minute, key) and keeps the data before it', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 6);
  db.prepare(`INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name, start_ns, end_ns,
      span_count, error_count, last_received_at, has_genai, total_tokens, cost_usd) VALUES (?, ?, 'turn', 0, 5, 'svc', 5, 20, 3, 1, 500, 1, 1800, 0.02)`).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  migrate(db, ':memory:', 7);
  assert.equal(db.pragma('user_version', { simple: true }), 7);
  assert.deepEqual(db.prepare('SELECT service_name, span_count, total_tokens, cost_usd FROM traces').get(), { service_name: 'svc', span_count: 3, total_tokens: 1800, cost_usd: 0.02 });
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'analytics_minutes'").pluck().get() as string;
  assert.match(sql, /STRICT/);
  assert.match(sql, /WITHOUT ROWID/);
  assert.equal(db.prepare('SELECT count(*) FROM analytics_minutes').pluck().get(), 0);
  const insert = db.prepare('INSERT INTO analytics_minutes VALUES (?, ?, ?, 1, 0, 0, 0, 0, 0, ?)');
  insert.run(3, 29_000_000, 'svc', Buffer.from([1, 0, 0]));
  assert.throws(() => insert.run(3, 29_000_000, 'svc', Buffer.from([1, 0, 0])), /UNIQUE/);
  assert.throws(() => db.prepare("UPDATE analytics_minutes SET spans = 'many'").run(), /cannot store TEXT value in INTEGER column/);
  const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT * FROM analytics_minutes WHERE dim = ? AND minute BETWEEN ? AND ?').all(3, 0, 1) as Array<{ detail: string }>)
    .map((r) => r.detail).join('\n');
  assert.match(plan, /SEARCH analytics_minutes USING PRIMARY KEY \(dim=\? AND minute>\? AND minute<\?\)/);
  db.close();
});

/**
 * The hourly and daily rollup tiers (migration 0009): a range cut into days, hours and ragged
 * minutes; answers over spans sent by the OTel exporter across two UTC days equal the minute path's
 * on the same file, percentiles over whole hours within 1 % of the exact ones; retention keeps the
 * tiers consistent; the migration builds the tiers from existing minutes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DB_FILE, startEngine } from '../../../src-main/engine';
import { migrate } from '../../../src-main/engine/store/migrate';
import { AnalyticsQueries } from '../../../src-main/engine/store/analytics-queries';
import { coverMinutes, TIERS } from '../../../src-main/engine/store/analytics-tiers';
import { Retention } from '../../../src-main/engine/store/retention';
import { SessionSummaries } from '../../../src-main/engine/store/session-summaries';
import { Compactor } from '../../../src-main/engine/store/compactor';
import { AttributeKeys } from '../../../src-main/engine/store/attribute-codec';
import { ResourceScopes } from '../../../src-main/engine/store/resource-scopes';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';
import { DDSketch } from '../../../src-shared/ddsketch';
import { ANALYTICS_GROUPS } from '../../../src-shared/contract';
import { exportSpans } from '../../support/otel';
import { tempDataDir } from '../../support/serve-process';
import { seededRandom as random } from '../../support/seeded-random';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** 20:07 UTC: the spans run over midnight into the next UTC day, ragged at both ends. */
const T0 = Date.UTC(2026, 10, 3, 20, 7, 0);
const SPREAD_MS = 30 * HOUR_MS;
const ns = (ms: number) => (BigInt(Math.floor(ms)) * 1_000_000n).toString();

/** `n` root spans over SPREAD_MS from T0, two services, four names, log-normal durations; returns them and their durations by name. */
function recordSpread(n: number): { spans: ReadableSpan[]; durations: Array<{ startMs: number; name: string; ms: number }> } {
  const r = random(15);
  const spans: ReadableSpan[] = [];
  const durations: Array<{ startMs: number; name: string; ms: number }> = [];
  for (const svc of ['checkout', 'search']) {
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': svc }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    const tracer = provider.getTracer('analytics-tiers-test');
    for (let i = 0; i < n / 2; i++) {
      const startMs = T0 + Math.floor(r() * SPREAD_MS);
      const ms = Math.round(Math.exp(Math.log(80) + 1.2 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())) * 1000) / 1000;
      const name = `${svc}.${['read', 'write'][i % 2]}`;
      const at = (t: number): [number, number] => [Math.floor(t / 1000), Math.round((t % 1000) * 1e6)];
      tracer.startSpan(name, { kind: SpanKind.SERVER, startTime: at(startMs) }).end(at(startMs + ms));
      durations.push({ startMs, name, ms });
    }
    spans.push(...memory.getFinishedSpans());
  }
  return { spans, durations };
}

test('a range is read as whole days, whole hours, and minutes at the ragged ends', () => {
  const [m, h, d] = TIERS;
  // 2026-11-03 20:07 to 2026-11-05 01:29 (inclusive minutes).
  const lo = T0 / MINUTE_MS;
  const hi = Date.UTC(2026, 10, 5, 1, 29) / MINUTE_MS;
  const day = Date.UTC(2026, 10, 4) / 86_400_000;
  assert.deepEqual(coverMinutes(lo, hi), [
    { tier: m, from: lo, to: lo + 52 }, // 20:07–20:59
    { tier: h, from: Math.ceil(lo / 60), to: day * 24 - 1 }, // 21:00–23:59
    { tier: d, from: day, to: day }, // 2026-11-04
    { tier: h, from: (day + 1) * 24, to: (day + 1) * 24 }, // 00:00–00:59
    { tier: m, from: ((day + 1) * 24 + 1) * 60, to: hi }, // 01:00–01:29
  ]);
  // Inside one hour: minutes only; exactly one hour: that hour's row.
  assert.deepEqual(coverMinutes(lo, lo + 30), [{ tier: m, from: lo, to: lo + 30 }]);
  assert.deepEqual(coverMinutes(600, 659), [{ tier: h, from: 10, to: 10 }]);
  assert.deepEqual(coverMinutes(5, 4), []);
  // Every minute of a range is covered once.
  for (const [a, b] of [[0, 5000], [59, 1441], [1439, 2880], [12345, 99999]] as const) {
    const covered = coverMinutes(a, b).reduce((s, c) => s + (c.to - c.from + 1) * c.tier.minutes, 0);
    assert.equal(covered, b - a + 1, `${a}..${b}`);
  }
});

test('over two UTC days of spans from the OTel exporter, the tiers answer as the minutes alone do, percentiles within 1 %', async () => {
  const dataDir = tempDataDir();
  const { spans, durations } = recordSpread(4000);
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  try {
    for (let i = 0; i < spans.length; i += 500) await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', spans.slice(i, i + 500));
    assert.equal((await engine.getAnalyticsLatency({ groupBy: 'service' })).groups.reduce((s, g) => s + g.count, 0), 4000);
  } finally {
    await engine.close();
  }
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    const tiered = new AnalyticsQueries(db);
    const minutes = new AnalyticsQueries(db, [TIERS[0]!]);
    const ranges: Array<[number, number]> = [
      [T0 - HOUR_MS, T0 + SPREAD_MS + HOUR_MS], // everything, with whole days
      [T0 + 13 * MINUTE_MS, T0 + 27 * HOUR_MS + 41 * MINUTE_MS], // ragged at both ends, over midnight
      [T0 + 5 * HOUR_MS + 3 * MINUTE_MS, T0 + 5 * HOUR_MS + 48 * MINUTE_MS], // inside one hour
    ];
    for (const [from, to] of ranges) {
      for (const groupBy of ANALYTICS_GROUPS) {
        const q = { groupBy, from: ns(from), to: ns(to) };
        assert.deepEqual(tiered.latency(q), minutes.latency(q), `${groupBy} ${from}..${to}`);
      }
      for (const metric of ['spans', 'errors', 'tokens', 'cost', 'p95Ms'] as const) {
        for (const bucket of [3600, 86_400, 10_800]) {
          const q = { metric, groupBy: 'spanName' as const, bucket, from: ns(from), to: ns(to) };
          assert.deepEqual(tiered.timeseries(q), minutes.timeseries(q), `${metric} ${bucket}`);
        }
      }
    }
    // Percentiles over whole hours and a whole day (the coarse rows) against the exact values.
    const [from, to] = [Date.UTC(2026, 10, 3, 21), Date.UTC(2026, 10, 5) - 1];
    const { groups } = tiered.latency({ groupBy: 'spanName', from: ns(from), to: ns(to) });
    for (const g of groups) {
      const sorted = durations.filter((d) => d.name === g.key && d.startMs >= from && d.startMs <= to).map((d) => d.ms).sort((a, b) => a - b);
      assert.equal(g.count, sorted.length, g.key);
      for (const [q, got] of [[0.5, g.p50Ms], [0.9, g.p90Ms], [0.95, g.p95Ms], [0.99, g.p99Ms]] as const) {
        const want = sorted[Math.floor(q * (sorted.length - 1))]!;
        assert.ok(Math.abs(got - want) / want <= 0.01, `${g.key} p${q * 100}: ${got} vs exact ${want}`);
      }
    }
    // The default buckets of a day-long range are hours (read from the hour tier).
    const day = tiered.timeseries({ metric: 'spans', from: ns(Date.UTC(2026, 10, 4)), to: ns(Date.UTC(2026, 10, 5) - 1) });
    assert.equal(day.bucketSeconds, 3600);
    assert.equal(day.buckets.length, 24);
  } finally {
    db.close();
  }
});

test('retention keeps each hour and day the merge of the minutes it kept', async () => {
  const dataDir = tempDataDir();
  const { spans } = recordSpread(1000);
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  try {
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', spans);
  } finally {
    await engine.close();
  }
  const db = new Database(join(dataDir, DB_FILE));
  try {
    // A cutoff inside an hour inside the first day: 23:31 on 2026-11-03.
    const cutoff = Date.UTC(2026, 10, 3, 23, 31);
    new Retention(db, new SessionSummaries(db)).enforce({ maxAgeMs: 1000, maxBytes: Number.MAX_SAFE_INTEGER }, cutoff + 1000);
    const tiered = new AnalyticsQueries(db);
    const minutes = new AnalyticsQueries(db, [TIERS[0]!]);
    for (const groupBy of ['service', 'spanName'] as const) {
      assert.deepEqual(tiered.latency({ groupBy }), minutes.latency({ groupBy }));
      const q = { groupBy, from: ns(Date.UTC(2026, 10, 3)), to: ns(Date.UTC(2026, 10, 6)) };
      assert.deepEqual(tiered.latency(q), minutes.latency(q));
    }
    assert.equal(db.prepare('SELECT min(minute) FROM analytics_minutes').pluck().get(), cutoff / MINUTE_MS);
    assert.equal(db.prepare('SELECT min(hour) FROM analytics_hours').pluck().get(), Math.floor(cutoff / HOUR_MS));
  } finally {
    db.close();
  }
});

test('rollups not yet written when the process stopped (minutes, hours, days) are rebuilt from the stored spans at the next start', () => {
  const file = join(tempDataDir(), 'tiers.sqlite');
  const db = new Database(file);
  migrate(db, file);
  const compactor = new Compactor(db, new AttributeKeys(db), new ResourceScopes(db), new SessionSummaries(db), null);
  const specs = (batch: number): SpanSpec[] =>
    Array.from({ length: 200 }, (_, i) => ({
      traceId: tid(batch * 1000 + i + 1),
      spanId: sid(batch * 1000 + i + 1),
      name: 'op',
      startMs: T0 + batch * 40 * MINUTE_MS + i * 9_000,
      durationMs: 5 + i,
      service: 'svc',
    }));
  for (let batch = 0; batch < 3; batch++) {
    compactor.compact([{ seq: batch + 1, receivedAt: T0, spans: decodeTraceRequestJson(Buffer.from(otlpJson(specs(batch)))).spans }]);
  }
  // Compacted and committed, their rollups held behind (a crash, here a close without writeAnalytics).
  assert.equal(db.prepare('SELECT count(*) FROM analytics_minutes').pluck().get(), 0);
  assert.ok((db.prepare('SELECT count(*) FROM analytics_stale').pluck().get() as number) > 0);
  db.close();
  const reopened = new Database(file);
  try {
    const again = new Compactor(reopened, new AttributeKeys(reopened), new ResourceScopes(reopened), new SessionSummaries(reopened), null);
    again.writeAnalytics();
    assert.equal(reopened.prepare('SELECT count(*) FROM analytics_stale').pluck().get(), 0);
    const tiered = new AnalyticsQueries(reopened);
    const minutes = new AnalyticsQueries(reopened, [TIERS[0]!]);
    const q = { groupBy: 'spanName' as const, from: ns(T0 - 24 * HOUR_MS), to: ns(T0 + 48 * HOUR_MS) };
    assert.equal(minutes.latency(q).groups[0]!.count, 600);
    assert.deepEqual(tiered.latency(q), minutes.latency(q));
    assert.ok((reopened.prepare('SELECT count(*) FROM analytics_days').pluck().get() as number) > 0);
    // Read back once: a second start finds nothing owed.
    reopened.close();
    const third = new Database(file);
    try {
      new Compactor(third, new AttributeKeys(third), new ResourceScopes(third), new SessionSummaries(third), null).writeAnalytics();
      assert.equal(new AnalyticsQueries(third, [TIERS[0]!]).latency(q).groups[0]!.count, 600);
    } finally {
      third.close();
    }
  } finally {
    if (reopened.open) reopened.close();
  }
});

test('a batch that rolls back after its rollups were merged counts once, when it is compacted again; the batches before it stay counted', () => {
  const db = new Database(':memory:');
  try {
    migrate(db, ':memory:');
    const compactor = new Compactor(db, new AttributeKeys(db), new ResourceScopes(db), new SessionSummaries(db), null);
    const batch = (n: number, seq: number) => ({
      seq,
      receivedAt: T0,
      spans: decodeTraceRequestJson(
        Buffer.from(otlpJson(Array.from({ length: 50 }, (_, i) => ({ traceId: tid(n * 100 + i + 1), spanId: sid(n * 100 + i + 1), name: 'op', startMs: T0 + i * 1000, service: 'svc' })))),
      ).spans,
    });
    compactor.compact([batch(1, 1)]);
    // The last statement of a batch fails (as a full disk would), after its rollups were merged.
    db.exec(`CREATE TEMP TABLE fail (on_ INTEGER); INSERT INTO fail VALUES (1);
      CREATE TEMP TRIGGER fail_watermark BEFORE UPDATE ON compaction_state WHEN (SELECT on_ FROM fail) = 1
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    assert.throws(() => compactor.compact([batch(2, 2)]), /disk is full/);
    db.exec('UPDATE fail SET on_ = 0');
    compactor.compact([batch(2, 2)]);
    compactor.writeAnalytics();
    const q = { groupBy: 'spanName' as const, from: ns(T0 - HOUR_MS), to: ns(T0 + HOUR_MS) };
    assert.equal(new AnalyticsQueries(db, [TIERS[0]!]).latency(q).groups[0]!.count, 100);
    assert.equal(new AnalyticsQueries(db).latency(q).groups[0]!.count, 100);
  } finally {
    db.close();
  }
});

test('migration 0009 builds the hour and day tiers from the minutes stored before it, and indexes the cost and token sorts', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 7);
  const insert = db.prepare('INSERT INTO analytics_minutes VALUES (?, ?, ?, ?, ?, 10, 5, 15, ?, ?)');
  const sketch = (...ms: number[]) => {
    const s = new DDSketch();
    for (const v of ms) s.add(v);
    return Buffer.from(s.encode());
  };
  const day = 20_000;
  const m0 = day * 1440 + 23 * 60; // 23:00 of the day
  insert.run(3, m0, 'svc', 2, 1, 0.5, sketch(10, 20));
  insert.run(3, m0 + 59, 'svc', 1, 0, 0.25, sketch(30));
  insert.run(3, m0 + 60, 'svc', 1, 0, 0.125, sketch(40)); // the next day
  insert.run(4, m0, 'op', 1, 0, 0, sketch(5));
  migrate(db, ':memory:', 9);
  assert.equal(db.pragma('user_version', { simple: true }), 9);
  const hours = db.prepare('SELECT dim, hour, key, spans, errors, input_tokens, total_tokens, cost_usd, sketch FROM analytics_hours ORDER BY dim, hour').all() as Array<Record<string, unknown>>;
  assert.deepEqual(hours.map(({ sketch: _s, ...r }) => r), [
    { dim: 3, hour: m0 / 60, key: 'svc', spans: 3, errors: 1, input_tokens: 20, total_tokens: 30, cost_usd: 0.75 },
    { dim: 3, hour: m0 / 60 + 1, key: 'svc', spans: 1, errors: 0, input_tokens: 10, total_tokens: 15, cost_usd: 0.125 },
    { dim: 4, hour: m0 / 60, key: 'op', spans: 1, errors: 0, input_tokens: 10, total_tokens: 15, cost_usd: 0 },
  ]);
  assert.deepEqual(Buffer.from(hours[0]!.sketch as Uint8Array), sketch(10, 20, 30));
  const days = db.prepare('SELECT dim, day, key, spans FROM analytics_days ORDER BY dim, day').all();
  assert.deepEqual(days, [{ dim: 3, day, key: 'svc', spans: 3 }, { dim: 3, day: day + 1, key: 'svc', spans: 1 }, { dim: 4, day, key: 'op', spans: 1 }]);
  for (const table of ['analytics_hours', 'analytics_days']) {
    const sql = db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(table) as string;
    assert.match(sql, /STRICT, WITHOUT ROWID/);
  }
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('\n');
  assert.match(plan('SELECT * FROM analytics_hours WHERE dim = 1 AND hour BETWEEN 5 AND 9'), /SEARCH analytics_hours USING PRIMARY KEY \(dim=\? AND hour>\? AND hour<\?\)/);
  assert.match(plan('SELECT trace_id FROM traces t ORDER BY coalesce(t.cost_usd, -1.0) DESC, t.trace_id DESC LIMIT 10'), /SCAN t USING (COVERING )?INDEX traces_by_cost_desc/);
  assert.match(plan('SELECT trace_id FROM traces t ORDER BY coalesce(t.total_tokens, -1) DESC, t.trace_id DESC LIMIT 10'), /SCAN t USING (COVERING )?INDEX traces_by_tokens_desc/);
  db.close();
});

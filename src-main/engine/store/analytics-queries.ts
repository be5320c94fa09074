/**
 * The dashboard's reads (getAnalyticsLatency, getAnalyticsTimeseries) over the rollup tiers
 * (analytics-tiers.ts): range reads of a dimension's rows, (dim, period) being each primary key's
 * prefix, merged in JS. Latency reads whole days, whole hours, then minutes at the ragged ends; a
 * time series reads the coarsest tier that tiles its buckets. Times are read at minute resolution:
 * a range covers every minute it touches.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  ANALYTICS_OTHER,
  type AnalyticsLatency,
  type AnalyticsLatencyQuery,
  type AnalyticsTimeseries,
  type AnalyticsTimeseriesQuery,
} from '../../../src-shared/contract';
import { SketchMerger } from '../../../src-shared/ddsketch';
import { ArgumentError } from '../../../src-shared/validate';
import { ANALYTICS_DIMS } from './analytics-rollups';
import { coverMinutes, TIERS, tierForBuckets, type Tier, type TierRange } from './analytics-tiers';

const NS_PER_MINUTE = 60_000_000_000n;
/** Series shown by name in a time series; the rest are summed (or merged) into ANALYTICS_OTHER. */
export const MAX_SERIES = 10;
/** The buckets a range is cut into when the caller names no width, and the most it may ask for. */
const DEFAULT_BUCKETS = 60;
export const MAX_BUCKETS = 2000;
const NICE_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
/**
 * A default width is widened to an hour or a day when the range still gets this many buckets: 24 h
 * in hours (24 rows per group, not 1,440 minutes), 30 d in days (30, not 720 hours).
 */
const MIN_TIER_BUCKETS = 24;

interface Row {
  minute: number;
  key: string;
  spans: number;
  errors: number;
  total_tokens: number;
  cost_usd: number;
  sketch: Uint8Array;
}

function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export class AnalyticsQueries {
  private readonly stmts;

  /** `tiers`: finest first; tests compare the default with minutes alone. */
  constructor(
    db: BetterSqlite3.Database,
    private readonly tiers: readonly Tier[] = TIERS,
  ) {
    const cols = (t: Tier) => `${t.column} * ${t.minutes} AS minute, key, spans, errors, total_tokens, cost_usd`;
    const where = (t: Tier) => `FROM ${t.table} WHERE dim = ? AND ${t.column} BETWEEN ? AND ?`;
    this.stmts = {
      rows: new Map(tiers.map((t) => [t, db.prepare(`SELECT ${cols(t)}, sketch ${where(t)}`)])),
      rowsNoSketch: new Map(tiers.map((t) => [t, db.prepare(`SELECT ${cols(t)} ${where(t)}`)])),
      bounds: db.prepare('SELECT min(minute) AS lo, max(minute) AS hi FROM analytics_minutes WHERE dim = ?'),
    };
  }

  /** Every row of `dim` over the tier ranges, with or without sketches. */
  private *read(dim: number, ranges: TierRange[], withSketch: boolean): Generator<Row> {
    for (const r of ranges) {
      const stmt = (withSketch ? this.stmts.rows : this.stmts.rowsNoSketch).get(r.tier)!;
      yield* stmt.iterate(dim, r.from, r.to) as IterableIterator<Row>;
    }
  }

  private minutes(from: string | undefined, to: string | undefined): [number, number] {
    const lo = from === undefined ? -Number.MAX_SAFE_INTEGER : Number(BigInt(from) / NS_PER_MINUTE);
    const hi = to === undefined ? Number.MAX_SAFE_INTEGER : Number(BigInt(to) / NS_PER_MINUTE);
    return [lo, hi];
  }

  latency(query: AnalyticsLatencyQuery): AnalyticsLatency {
    const [lo, hi] = this.minutes(query.from, query.to);
    const groups = new Map<string, { count: number; errors: number; tokens: number; cost: number; sketch: SketchMerger }>();
    for (const r of this.read(ANALYTICS_DIMS.indexOf(query.groupBy), coverMinutes(lo, hi, this.tiers), true)) {
      let g = groups.get(r.key);
      if (!g) groups.set(r.key, (g = { count: 0, errors: 0, tokens: 0, cost: 0, sketch: new SketchMerger() }));
      g.count += r.spans;
      g.errors += r.errors;
      g.tokens += r.total_tokens;
      g.cost += r.cost_usd;
      g.sketch.mergeEncoded(r.sketch);
    }
    const out = [...groups].map(([key, g]) => ({
      key,
      count: g.count,
      errorCount: g.errors,
      p50Ms: round(g.sketch.quantile(0.5) ?? 0),
      p90Ms: round(g.sketch.quantile(0.9) ?? 0),
      p95Ms: round(g.sketch.quantile(0.95) ?? 0),
      p99Ms: round(g.sketch.quantile(0.99) ?? 0),
      totalTokens: g.tokens,
      costUsd: round(g.cost, 10),
    }));
    out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    return { groups: out };
  }

  timeseries(query: AnalyticsTimeseriesQuery): AnalyticsTimeseries {
    // Without a group, the service dimension holds every span once (and every LLM call's usage).
    const dim = ANALYTICS_DIMS.indexOf(query.groupBy ?? 'service');
    let [lo, hi] = this.minutes(query.from, query.to);
    if (query.from === undefined || query.to === undefined) {
      const b = this.stmts.bounds.get(dim) as { lo: number | null; hi: number | null };
      if (b.lo === null || b.hi === null) return { bucketSeconds: query.bucket ?? 60, buckets: [] };
      if (query.from === undefined) lo = b.lo;
      if (query.to === undefined) hi = Math.max(lo, b.hi);
    }
    const span = hi - lo + 1;
    let width: number;
    if (query.bucket !== undefined) {
      width = query.bucket / 60;
      if (Math.ceil(span / width) > MAX_BUCKETS) throw new ArgumentError(`bucket ${query.bucket} s cuts the range into more than ${MAX_BUCKETS} buckets`);
    } else {
      const want = span / DEFAULT_BUCKETS;
      width = NICE_MINUTES.find((m) => m >= want) ?? Math.ceil(want / 1440) * 1440;
      for (const t of this.tiers) if (t.minutes > width && span / t.minutes >= MIN_TIER_BUCKETS) width = t.minutes;
    }
    // Buckets aligned to multiples of the width, each read whole (also where the range starts or
    // ends inside one), so the same bucket reads the same from any range and from any tier.
    const first = Math.floor(lo / width) * width;
    const count = Math.floor((hi - first) / width) + 1;
    const tier = tierForBuckets(width, this.tiers);
    const metric = query.metric;
    const withSketch = metric === 'p95Ms';
    const range = { tier, from: first / tier.minutes, to: (first + count * width) / tier.minutes - 1 };
    const rows = [...this.read(dim, [range], withSketch)];
    const valueOf = (r: Row): number =>
      metric === 'spans' ? r.spans : metric === 'errors' ? r.errors : metric === 'tokens' ? r.total_tokens : metric === 'cost' ? r.cost_usd : r.spans;
    // The series named: the keys with the largest totals (span counts for p95Ms).
    const totals = new Map<string, number>();
    for (const r of rows) {
      const key = query.groupBy === undefined ? 'all' : r.key;
      totals.set(key, (totals.get(key) ?? 0) + valueOf(r));
    }
    const named = new Set([...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_SERIES).map(([k]) => k));
    const sums: Array<Map<string, number>> = Array.from({ length: count }, () => new Map());
    const sketches: Array<Map<string, SketchMerger>> = withSketch ? Array.from({ length: count }, () => new Map()) : [];
    for (const r of rows) {
      const raw = query.groupBy === undefined ? 'all' : r.key;
      const key = named.has(raw) ? raw : ANALYTICS_OTHER;
      const i = Math.floor((r.minute - first) / width);
      if (withSketch) {
        let s = sketches[i]!.get(key);
        if (!s) sketches[i]!.set(key, (s = new SketchMerger()));
        s.mergeEncoded(r.sketch);
      } else {
        sums[i]!.set(key, (sums[i]!.get(key) ?? 0) + valueOf(r));
      }
    }
    const buckets: AnalyticsTimeseries['buckets'] = [];
    for (let i = 0; i < count; i++) {
      const values: Record<string, number> = {};
      if (withSketch) for (const [k, s] of sketches[i]!) values[k] = round(s.quantile(0.95) ?? 0);
      else for (const [k, v] of sums[i]!) values[k] = metric === 'cost' ? round(v, 10) : v;
      buckets.push({ t: (BigInt(first + i * width) * NS_PER_MINUTE).toString(), values });
    }
    return { bucketSeconds: width * 60, buckets };
  }
}

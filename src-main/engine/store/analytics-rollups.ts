/**
 * The dashboard's rollups (migrations 0007, 0009), kept at compaction: per dimension × minute × group, span
 * and error counts, LLM usage and a DDSketch of durations, and the same per hour and per day
 * (analytics-tiers.ts). Spans are accumulated in memory for the whole compaction batch and each
 * (dim, period, key) of each tier is written once at flush, in the batch's transaction. Minute
 * sketches merge in SQL through a registered function, so an upsert is one statement. Hour and day
 * rows are kept decoded in memory for the periods compaction touches (the live hour and day) and
 * written whole: merging a batch into a stored day's sketch in SQL (decode, merge, encode a sketch of
 * hundreds of bins) cost ~200 µs a row, 7× the rollups' time per span at 1M spans over 30 days.
 * The coarser tiers are fed from the minutes' accumulators, so an hour or a day is always the exact
 * merge of its minutes.
 *
 * Cardinality: at most MAX_KEYS_PER_MINUTE distinct keys per (dim, minute); later keys count in
 * ANALYTICS_OTHER (first come, not top-N: a top-N needs every key's count before the minute closes).
 * Tokens and cost count on LLM calls only (llm, embedding, reranker spans), so the sums over models,
 * services or span names equal the traces' rollups whenever usage is reported on the calls.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ANALYTICS_OTHER, type AnalyticsGroupBy, type GenAiSpan, type SpanRecord } from '../../../src-shared/contract';
import { binIndex, DDSketch } from '../../../src-shared/ddsketch';
import { serviceNameOf } from './resource-scopes';
import { TIERS } from './analytics-tiers';

/** Column `dim` of analytics_minutes: the index in this list. */
export const ANALYTICS_DIMS: readonly AnalyticsGroupBy[] = ['model', 'agent', 'tool', 'service', 'spanName'];
const DIM = { model: 0, agent: 1, tool: 2, service: 3, spanName: 4 } as const;
export const MAX_KEYS_PER_MINUTE = 100;
/** (dim, minute) key sets remembered for the bound; live data touches a few minutes at a time. */
const KNOWN_MINUTES = 256;
const MAX_KEY_LENGTH = 200;
/** Hour and day rows kept decoded (least recently written out first): live data touches a few per group. */
const KNOWN_COARSE_ROWS = 4096;

/** An hour or day row as stored. */
interface CoarseRow {
  spans: number;
  errors: number;
  input: number;
  output: number;
  total: number;
  cost: number;
  sketch: DDSketch;
}

interface Acc {
  dim: number;
  minute: number;
  key: string;
  spans: number;
  errors: number;
  input: number;
  output: number;
  total: number;
  cost: number;
  sketch: DDSketch;
}

/**
 * Seconds and nanoseconds of a unix-nanosecond decimal string, without BigInt (a BigInt parse per
 * time was the largest per-span cost here). Exact: both parts stay far below 2^53.
 */
function secondsOf(ns: string): number {
  return ns.length > 9 ? Number(ns.slice(0, -9)) : 0;
}
function nanosOf(ns: string): number {
  return Number(ns.length > 9 ? ns.slice(-9) : ns);
}

export class AnalyticsRollups {
  private readonly stmts;
  /** Per dim: minute → key → accumulator, for the batch being compacted. */
  private pending: Array<Map<number, Map<string, Acc>>> = ANALYTICS_DIMS.map(() => new Map());
  /** `${dim}:${minute}` → the keys stored or pending for it (insertion-ordered for eviction). */
  private readonly keysOf = new Map<string, Set<string>>();
  /** `${tier minutes}:${dim}:${period}:${key}` → the row as stored (see the file's comment). */
  private readonly coarseRows = new Map<string, CoarseRow>();

  constructor(db: BetterSqlite3.Database) {
    db.function('ddsketch_merge', { deterministic: true }, (a: unknown, b: unknown) => {
      const s = DDSketch.decode(a as Uint8Array);
      s.mergeEncoded(b as Uint8Array);
      return Buffer.from(s.encode());
    });
    const [minutes, ...coarser] = TIERS;
    this.stmts = {
      upsertMinute: db.prepare(`
        INSERT INTO ${minutes!.table} (dim, minute, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dim, minute, key) DO UPDATE SET
          spans = spans + excluded.spans, errors = errors + excluded.errors,
          input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          total_tokens = total_tokens + excluded.total_tokens, cost_usd = cost_usd + excluded.cost_usd,
          sketch = ddsketch_merge(sketch, excluded.sketch)`),
      coarse: coarser.map((t) => ({
        minutes: t.minutes,
        get: db.prepare(`SELECT spans, errors, input_tokens AS input, output_tokens AS output, total_tokens AS total, cost_usd AS cost, sketch
          FROM ${t.table} WHERE dim = ? AND ${t.column} = ? AND key = ?`),
        put: db.prepare(`INSERT OR REPLACE INTO ${t.table} (dim, ${t.column}, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      })),
      keys: db.prepare('SELECT key FROM analytics_minutes WHERE dim = ? AND minute = ?').pluck(),
    };
  }

  /** One inserted span (duplicates are not passed: the compactor stores a span once). */
  add(span: SpanRecord, genai: GenAiSpan | null): void {
    const s = span.startTimeUnixNano;
    const e = span.endTimeUnixNano;
    const startSec = secondsOf(s);
    const minute = Math.floor(startSec / 60);
    const ms = (secondsOf(e) - startSec) * 1e3 + (nanosOf(e) - nanosOf(s)) / 1e6;
    const bin = binIndex(ms > 0 ? ms : 0);
    const error = span.status.code === 'error';
    let usage: GenAiSpan | null = null;
    if (genai !== null) {
      const k = genai.kind;
      if (k === 'llm' || k === 'embedding' || k === 'reranker') {
        usage = genai;
        this.bump(DIM.model, minute, genai.responseModel ?? genai.requestModel ?? '(unknown)', bin, error, usage);
      } else if (k === 'agent' && genai.agentName !== undefined) {
        this.bump(DIM.agent, minute, genai.agentName, bin, error, null);
      } else if (k === 'tool' && genai.toolName !== undefined) {
        this.bump(DIM.tool, minute, genai.toolName, bin, error, null);
      }
    }
    this.bump(DIM.service, minute, serviceNameOf(span.resource), bin, error, usage);
    this.bump(DIM.spanName, minute, span.name, bin, error, usage);
  }

  private bump(dim: number, minute: number, key: string, bin: number | null, error: boolean, usage: GenAiSpan | null): void {
    let byKey = this.pending[dim]!.get(minute);
    if (byKey === undefined) this.pending[dim]!.set(minute, (byKey = new Map()));
    let acc = byKey.get(key);
    if (acc === undefined) {
      const stored = this.admit(dim, minute, key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
      acc = stored === key ? undefined : byKey.get(stored);
      if (acc === undefined) acc = { dim, minute, key: stored, spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() };
      // Later spans of this key find the accumulator (or the "(other)" one) directly.
      byKey.set(key, acc);
      if (stored !== key) byKey.set(stored, acc);
    }
    acc.spans++;
    if (error) acc.errors++;
    acc.sketch.addIndex(bin);
    if (usage !== null) {
      const input = usage.inputTokens ?? 0;
      const output = usage.outputTokens ?? 0;
      acc.input += input;
      acc.output += output;
      acc.total += usage.totalTokens ?? input + output;
      if (typeof usage.costUsd === 'number') acc.cost += usage.costUsd;
    }
  }

  /** The key as stored: itself while its (dim, minute) has room, else ANALYTICS_OTHER. */
  private admit(dim: number, minute: number, key: string): string {
    const slot = `${dim}:${minute}`;
    let keys = this.keysOf.get(slot);
    if (keys === undefined) {
      keys = new Set(this.stmts.keys.all(dim, minute) as string[]);
      this.keysOf.set(slot, keys);
      if (this.keysOf.size > KNOWN_MINUTES) this.keysOf.delete(this.keysOf.keys().next().value!);
    }
    if (keys.has(key)) return key;
    if (keys.size >= MAX_KEYS_PER_MINUTE) return ANALYTICS_OTHER;
    keys.add(key);
    return key;
  }

  /**
   * Writes the batch's accumulators: one upsert per (dim, period, key) of each tier. Inside the
   * compaction transaction. A live batch covers a minute or two, so each tier gets about as many
   * upserts as the minutes do.
   */
  flush(): void {
    const accs: Acc[] = [];
    for (const byMinute of this.pending) {
      for (const byKey of byMinute.values()) {
        // An accumulator can be listed under two keys (its own and a key sent to "(other)").
        for (const [key, a] of byKey) if (key === a.key) accs.push(a);
      }
    }
    for (const a of accs) {
      this.stmts.upsertMinute.run(a.dim, a.minute, a.key, a.spans, a.errors, a.input, a.output, a.total, a.cost, Buffer.from(a.sketch.encode()));
    }
    for (const tier of this.stmts.coarse) {
      const touched = new Map<string, { dim: number; period: number; key: string; row: CoarseRow }>();
      for (const a of accs) {
        const period = Math.floor(a.minute / tier.minutes);
        const id = `${tier.minutes}:${a.dim}:${period}:${a.key}`;
        let t = touched.get(id);
        if (t === undefined) touched.set(id, (t = { dim: a.dim, period, key: a.key, row: this.coarseRow(tier, id, a.dim, period, a.key) }));
        const r = t.row;
        r.spans += a.spans;
        r.errors += a.errors;
        r.input += a.input;
        r.output += a.output;
        r.total += a.total;
        r.cost += a.cost;
        r.sketch.merge(a.sketch);
      }
      for (const { dim, period, key, row: r } of touched.values()) {
        tier.put.run(dim, period, key, r.spans, r.errors, r.input, r.output, r.total, r.cost, Buffer.from(r.sketch.encode()));
      }
    }
    this.clearPending();
  }

  /** The stored hour or day row (zeros when there is none), remembered for the next batches. */
  private coarseRow(tier: (typeof this.stmts.coarse)[number], id: string, dim: number, period: number, key: string): CoarseRow {
    let row = this.coarseRows.get(id);
    if (row !== undefined) {
      // Most recently used last, so eviction takes the rows compaction left behind.
      this.coarseRows.delete(id);
    } else {
      const stored = tier.get.get(dim, period, key) as (Omit<CoarseRow, 'sketch'> & { sketch: Uint8Array }) | undefined;
      row = stored === undefined
        ? { spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() }
        : { ...stored, sketch: DDSketch.decode(stored.sketch) };
      if (this.coarseRows.size >= KNOWN_COARSE_ROWS) this.coarseRows.delete(this.coarseRows.keys().next().value!);
    }
    this.coarseRows.set(id, row);
    return row;
  }

  private clearPending(): void {
    this.pending = ANALYTICS_DIMS.map(() => new Map());
  }

  /** After a rolled-back batch or a delete: pending sums and remembered key sets may be wrong. */
  reset(): void {
    this.clearPending();
    this.keysOf.clear();
    this.coarseRows.clear();
  }
}

/**
 * The dashboard's rollups (migrations 0007, 0009), kept at compaction: per dimension × minute × group, span
 * and error counts, LLM usage and a DDSketch of durations, and the same per hour and per day
 * (analytics-tiers.ts). Spans are accumulated in memory for the whole compaction batch and each
 * (dim, minute, key) is upserted once at flush, in the batch's transaction; sketches merge in SQL
 * through a registered function, so an upsert is one statement.
 *
 * Hours and days are written behind: each batch's minutes merge into in-memory deltas per
 * (dim, hour, key), written out (the days' summed from them) every WRITE_BEHIND_MS, before every analytics read
 * (writeBehind) and at close. Writing them with every batch cost a merge of a large hour or day
 * sketch per group and batch: rollups 1.5–7× slower, ingest ~30 % (bench/genai-cost.ts). So that a
 * crash or a rolled-back batch never leaves an hour or day short of its minutes, a period's first
 * delta also marks it in analytics_stale, in the batch's transaction; writing the deltas clears the
 * marks, and whatever marks remain (after a crash, a rollback) are rebuilt from the minutes
 * (repairStale, analytics-tier-merge.ts). An hour or a day is thus always the exact merge of its minutes.
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
import { mergeTier } from './analytics-tier-merge';

/** Column `dim` of analytics_minutes: the index in this list. */
export const ANALYTICS_DIMS: readonly AnalyticsGroupBy[] = ['model', 'agent', 'tool', 'service', 'spanName'];
const DIM = { model: 0, agent: 1, tool: 2, service: 3, spanName: 4 } as const;
export const MAX_KEYS_PER_MINUTE = 100;
/** (dim, minute) key sets remembered for the bound; live data touches a few minutes at a time. */
const KNOWN_MINUTES = 256;
const MAX_KEY_LENGTH = 200;
/** How long hour and day deltas wait in memory at most (compaction writes them when it runs after this). */
export const WRITE_BEHIND_MS = 2000;
/** Deltas held before they are written anyway (a backfill of old data touches many periods). */
const MAX_DELTAS = 20_000;

/** One group's sums over a period: what a rollup row holds. */
interface Sums {
  dim: number;
  key: string;
  spans: number;
  errors: number;
  input: number;
  output: number;
  total: number;
  cost: number;
  sketch: DDSketch;
}

/** Not yet written to an hour (or day) row: the sums of minutes compacted since the last write. */
interface Delta extends Sums {
  period: number;
}

interface Acc extends Sums {
  minute: number;
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

/** Adds the sums and the sketch of `from` into `to`. */
function addTo(to: Omit<Delta, 'dim' | 'period' | 'key'>, from: Omit<Delta, 'dim' | 'period' | 'key'>): void {
  to.spans += from.spans;
  to.errors += from.errors;
  to.input += from.input;
  to.output += from.output;
  to.total += from.total;
  to.cost += from.cost;
  to.sketch.merge(from.sketch);
}

export class AnalyticsRollups {
  private readonly stmts;
  /** Per dim: minute → key → accumulator, for the batch being compacted. */
  private pending: Array<Map<number, Map<string, Acc>>> = ANALYTICS_DIMS.map(() => new Map());
  /** `${dim}:${minute}` → the keys stored or pending for it (insertion-ordered for eviction). */
  private readonly keysOf = new Map<string, Set<string>>();
  /** `${dim}:${hour}:${key}` → its delta (see the file's comment). */
  private deltas = new Map<string, Delta>();
  /** `${tier}:${dim}:${period}` marked in analytics_stale since the last write. */
  private readonly marked = new Set<string>();
  private lastWrite = performance.now();

  constructor(private readonly db: BetterSqlite3.Database) {
    db.function('ddsketch_merge', { deterministic: true }, (a: unknown, b: unknown) => {
      const s = DDSketch.decode(a as Uint8Array);
      s.mergeEncoded(b as Uint8Array);
      return Buffer.from(s.encode());
    });
    const upsertInto = (table: string, column: string) =>
      db.prepare(`
        INSERT INTO ${table} (dim, ${column}, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dim, ${column}, key) DO UPDATE SET
          spans = spans + excluded.spans, errors = errors + excluded.errors,
          input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          total_tokens = total_tokens + excluded.total_tokens, cost_usd = cost_usd + excluded.cost_usd,
          sketch = ddsketch_merge(sketch, excluded.sketch)`);
    const [minutes, ...coarser] = TIERS;
    this.stmts = {
      upsertMinute: upsertInto(minutes!.table, minutes!.column),
      coarse: coarser.map((t) => ({ minutes: t.minutes, upsert: upsertInto(t.table, t.column) })),
      mark: db.prepare('INSERT OR IGNORE INTO analytics_stale (tier, dim, period) VALUES (?, ?, ?)'),
      unmark: db.prepare('DELETE FROM analytics_stale WHERE tier = ? AND dim = ? AND period = ?'),
      unmarkAll: db.prepare('DELETE FROM analytics_stale'),
      stale: db.prepare('SELECT tier, dim, period FROM analytics_stale ORDER BY tier, dim, period'),
      keys: db.prepare('SELECT key FROM analytics_minutes WHERE dim = ? AND minute = ?').pluck(),
    };
    // Marks left by a crash: those periods lack minutes compacted before it.
    this.repairStale();
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
    // Into the hours only: a day's delta is summed from its hours' when written (half the merges).
    const hourMinutes = this.stmts.coarse[0]!.minutes;
    for (const a of accs) {
      const hour = Math.floor(a.minute / hourMinutes);
      const id = `${a.dim}:${hour}:${a.key}`;
      let d = this.deltas.get(id);
      if (d === undefined) {
        this.markStale(a.dim, a.minute);
        d = { dim: a.dim, period: hour, key: a.key, spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() };
        this.deltas.set(id, d);
      }
      addTo(d, a);
    }
    this.clearPending();
    if (this.deltas.size > MAX_DELTAS || performance.now() - this.lastWrite >= WRITE_BEHIND_MS) this.writeDeltas();
  }

  /** Marks the hour and the day of `minute` in analytics_stale, once until the next write. */
  private markStale(dim: number, minute: number): void {
    this.stmts.coarse.forEach((tier, t) => {
      const period = Math.floor(minute / tier.minutes);
      const at = `${t}:${dim}:${period}`;
      if (this.marked.has(at)) return;
      this.stmts.mark.run(t, dim, period);
      this.marked.add(at);
    });
  }

  /** Writes the hour and day deltas now, in a transaction of their own or the caller's (before a read, at close). */
  writeBehind(): void {
    if (this.deltas.size > 0 || this.marked.size > 0) this.db.transaction(() => this.writeDeltas())();
  }

  private writeDeltas(): void {
    const [hours, ...coarser] = this.stmts.coarse;
    const write = (stmt: BetterSqlite3.Statement, d: Delta) =>
      stmt.run(d.dim, d.period, d.key, d.spans, d.errors, d.input, d.output, d.total, d.cost, Buffer.from(d.sketch.encode()));
    for (const d of this.deltas.values()) write(hours!.upsert, d);
    for (const tier of coarser) {
      const sums = new Map<string, Delta>();
      for (const h of this.deltas.values()) {
        const period = Math.floor((h.period * hours!.minutes) / tier.minutes);
        const id = `${h.dim}:${period}:${h.key}`;
        let d = sums.get(id);
        if (d === undefined) sums.set(id, (d = { ...h, period, spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() }));
        addTo(d, h);
      }
      for (const d of sums.values()) write(tier.upsert, d);
    }
    // Only the marks of these deltas: a mark a failed repair left stays for the next one.
    for (const at of this.marked) this.stmts.unmark.run(...at.split(':').map(Number));
    this.deltas = new Map();
    this.marked.clear();
    this.lastWrite = performance.now();
  }

  /**
   * Rebuilds every hour, then every day, marked in analytics_stale from the tier below, and clears
   * the marks: after a crash or a rolled-back batch, when the deltas in memory are not to be trusted.
   */
  private repairStale(): void {
    this.db.transaction(() => {
      for (const { tier, dim, period } of this.stmts.stale.all() as Array<{ tier: number; dim: number; period: number }>) {
        mergeTier(this.db, TIERS[tier]!, TIERS[tier + 1]!, { dim, period });
      }
      this.stmts.unmarkAll.run();
    })();
  }

  private clearPending(): void {
    this.pending = ANALYTICS_DIMS.map(() => new Map());
  }

  /**
   * After a rolled-back batch or a delete: pending sums, deltas and remembered key sets may be wrong;
   * the hours and days they were for are rebuilt from the minutes.
   */
  reset(): void {
    this.clearPending();
    this.keysOf.clear();
    this.deltas = new Map();
    this.marked.clear();
    try {
      this.repairStale();
    } catch {
      // The marks stay (the disk is full, say): the next reset or start repairs them.
    }
  }
}

/**
 * The dashboard's rollups (migrations 0007, 0009), kept at compaction: per dimension × minute × group, span
 * and error counts, LLM usage and a DDSketch of durations, and the same per hour and per day
 * (analytics-tiers.ts). Spans are accumulated in memory for the whole compaction batch, then merged
 * into in-memory deltas per (dim, minute, key); sketches merge in SQL through a registered function,
 * so an upsert is one statement.
 *
 * Everything is written behind: the deltas are written out (minutes upserted, hours summed from
 * them, days from the hours) every WRITE_BEHIND_MS, before every analytics read (writeBehind), before
 * retention and deletes, and at close. Writing minutes with every batch cost ~180 upserts a batch at
 * agent-like cardinality (each a sketch merge), most of them of the same minutes again; hours and
 * days with every batch a merge of a large sketch per group and batch (rollups 1.5–7× slower, ingest
 * ~30 %, bench/genai-cost.ts).
 *
 * Nothing is lost to a crash or a rolled-back batch: the spans are. Each write records the highest
 * span row its deltas include (counter ANALYTICS_ROW, in the write's transaction); rows are numbered
 * in compaction order (compactor.ts), so the spans not yet written are those of the blocks above it,
 * and a start (or a reset after a rollback) reads them back (replay). Hours and days: a period's
 * first delta also marks it in analytics_stale, in the batch's transaction; writing clears the marks,
 * and whatever marks remain are rebuilt from the minutes (repairStale, analytics-tier-merge.ts). An
 * hour or a day is thus always the exact merge of its minutes.
 *
 * Cardinality: at most MAX_KEYS_PER_MINUTE distinct keys per (dim, minute); later keys count in
 * ANALYTICS_OTHER (first come, not top-N: a top-N needs every key's count before the minute closes).
 * Tokens and cost count on LLM calls only (llm, embedding, reranker spans), so the sums over models,
 * services or span names equal the traces' rollups whenever usage is reported on the calls.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ANALYTICS_OTHER, type AnalyticsGroupBy, type GenAiKind, type GenAiSpan, type SpanRecord } from '../../../src-shared/contract';
import { binIndex, DDSketch } from '../../../src-shared/ddsketch';
import { serviceNameOf } from './resource-scopes';
import { TIERS } from './analytics-tiers';
import { mergeTier } from './analytics-tier-merge';
import { readStoredGenAi } from './genai-facets';
import { kindAt, numberAt, stringAt, type ReadGenAi } from './span-decoding';
import type { TraceBlocks } from './trace-blocks';
import { STATUS_CODES } from '../otlp/span-batch';

/** Column `dim` of analytics_minutes: the index in this list. */
export const ANALYTICS_DIMS: readonly AnalyticsGroupBy[] = ['model', 'agent', 'tool', 'service', 'spanName'];
const DIM = { model: 0, agent: 1, tool: 2, service: 3, spanName: 4 } as const;
export const MAX_KEYS_PER_MINUTE = 100;
/** (dim, minute) key sets remembered for the bound; live data touches a few minutes at a time. */
const KNOWN_MINUTES = 256;
const MAX_KEY_LENGTH = 200;
/** How long hour and day deltas wait in memory at most (compaction writes them when it runs after this). */
export const WRITE_BEHIND_MS = 2000;
/** Minute deltas held before they are written anyway (a backfill of old data touches many minutes). */
const MAX_DELTAS = 20_000;
/** counters row: the highest span row whose spans the written rollups include (see the file's comment). */
export const ANALYTICS_ROW = 'analytics_row';
const ERROR_STATUS = STATUS_CODES.indexOf('error');

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

/** Not yet written to a minute, hour or day row: the sums of the spans compacted since the last write. */
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
  /** `${dim}:${minute}` → key → its delta (see the file's comment). */
  private minutes = new Map<string, Map<string, Delta>>();
  private deltaCount = 0;
  /** `${tier}:${dim}:${period}` marked in analytics_stale since the last write. */
  private readonly marked = new Set<string>();
  private lastWrite = performance.now();
  /** A reset could not read the spans back (the disk is full, say): the next batch tries again. */
  private replayOwed = false;

  /** blocks: where the spans not yet written are read back from (replay). */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly blocks: TraceBlocks,
  ) {
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
      // Stores written before the rollups were written behind had them all written: their mark starts at the top.
      initRow: db.prepare(`INSERT OR IGNORE INTO counters (name, value) VALUES ('${ANALYTICS_ROW}', ?)`),
      row: db.prepare(`SELECT value FROM counters WHERE name = '${ANALYTICS_ROW}'`).pluck(),
      setRow: db.prepare(`UPDATE counters SET value = ? WHERE name = '${ANALYTICS_ROW}'`),
      blocksAbove: db.prepare('SELECT first_row, span_ids, dict, block FROM all_span_blocks WHERE first_row > ? ORDER BY first_row'),
      serviceOf: db.prepare('SELECT service_name FROM resources WHERE id = ?').pluck(),
    };
    this.stmts.initRow.run(blocks.maxRow());
    // Marks left by a crash: those periods lack minutes compacted before it.
    this.repairStale();
    // Spans compacted after the last write, before a crash.
    this.replay();
  }

  /** One inserted span (duplicates are not passed: the compactor stores a span once). */
  add(span: SpanRecord, genai: GenAiSpan | null): void {
    this.addSpan(span.name, span.startTimeUnixNano, span.endTimeUnixNano, span.status.code === 'error', serviceNameOf(span.resource), genai);
  }

  /** As add, the reading taken from the span-decode worker's packed readings (span i of `read`) without building it. */
  addPacked(span: SpanRecord, read: ReadGenAi, i: number): void {
    const kind = kindAt(read, i);
    if (kind === null) {
      this.addFields(span.name, span.startTimeUnixNano, span.endTimeUnixNano, span.status.code === 'error', serviceNameOf(span.resource), null);
      return;
    }
    this.addFields(
      span.name, span.startTimeUnixNano, span.endTimeUnixNano, span.status.code === 'error', serviceNameOf(span.resource), kind,
      stringAt(read, i, 'responseModel') ?? stringAt(read, i, 'requestModel'), stringAt(read, i, 'agentName'), stringAt(read, i, 'toolName'),
      numberAt(read, i, 'inputTokens') ?? undefined, numberAt(read, i, 'outputTokens') ?? undefined, numberAt(read, i, 'totalTokens') ?? undefined,
      numberAt(read, i, 'costUsd'),
    );
  }

  /** start and end: unix nanoseconds as decimal text. */
  private addSpan(name: string, s: string, e: string, error: boolean, service: string, g: GenAiSpan | null): void {
    if (g === null) this.addFields(name, s, e, error, service, null);
    else this.addFields(name, s, e, error, service, g.kind, g.responseModel ?? g.requestModel, g.agentName, g.toolName, g.inputTokens, g.outputTokens, g.totalTokens, g.costUsd);
  }

  /**
   * The fields a span is rolled up by: model, tokens and cost count for LLM calls only (llm,
   * embedding, reranker; a model key of '(unknown)' when none is named), agent for agent spans,
   * tool for tool spans.
   */
  private addFields(
    name: string, s: string, e: string, error: boolean, service: string, kind: GenAiKind | null,
    model?: string, agent?: string, tool?: string,
    inputTokens?: number, outputTokens?: number, totalTokens?: number, cost?: number | null,
  ): void {
    const startSec = secondsOf(s);
    const minute = Math.floor(startSec / 60);
    const ms = (secondsOf(e) - startSec) * 1e3 + (nanosOf(e) - nanosOf(s)) / 1e6;
    const bin = binIndex(ms > 0 ? ms : 0);
    const usage = kind === 'llm' || kind === 'embedding' || kind === 'reranker';
    const input = usage ? (inputTokens ?? 0) : 0;
    const output = usage ? (outputTokens ?? 0) : 0;
    const total = usage ? (totalTokens ?? input + output) : 0;
    const usd = usage && typeof cost === 'number' ? cost : 0;
    if (usage) this.bump(DIM.model, minute, model ?? '(unknown)', bin, error, true, input, output, total, usd);
    else if (kind === 'agent' && agent !== undefined) this.bump(DIM.agent, minute, agent, bin, error, false, 0, 0, 0, 0);
    else if (kind === 'tool' && tool !== undefined) this.bump(DIM.tool, minute, tool, bin, error, false, 0, 0, 0, 0);
    this.bump(DIM.service, minute, service, bin, error, usage, input, output, total, usd);
    this.bump(DIM.spanName, minute, name, bin, error, usage, input, output, total, usd);
  }

  private bump(dim: number, minute: number, key: string, bin: number | null, error: boolean, usage: boolean, input: number, output: number, total: number, cost: number): void {
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
    if (usage) {
      acc.input += input;
      acc.output += output;
      acc.total += total;
      acc.cost += cost;
    }
  }

  /** The key as stored: itself while its (dim, minute) has room, else ANALYTICS_OTHER. */
  private admit(dim: number, minute: number, key: string): string {
    const slot = `${dim}:${minute}`;
    let keys = this.keysOf.get(slot);
    if (keys === undefined) {
      keys = new Set(this.stmts.keys.all(dim, minute) as string[]);
      for (const k of this.minutes.get(slot)?.keys() ?? []) keys.add(k);
      this.keysOf.set(slot, keys);
      if (this.keysOf.size > KNOWN_MINUTES) this.keysOf.delete(this.keysOf.keys().next().value!);
    }
    if (keys.has(key)) return key;
    if (keys.size >= MAX_KEYS_PER_MINUTE) return ANALYTICS_OTHER;
    keys.add(key);
    return key;
  }

  /**
   * Merges the batch's accumulators into the minute deltas, marking their hours and days stale, in
   * the compaction transaction; writes the deltas when they are due. maxRow: the highest span row
   * compacted, this batch's included.
   */
  flush(maxRow: number): void {
    if (this.replayOwed) {
      // The replay reads this batch's blocks too: its accumulators would count twice.
      this.clearPending();
      this.reset();
    }
    this.mergePending();
    if (this.deltaCount > MAX_DELTAS || performance.now() - this.lastWrite >= WRITE_BEHIND_MS) this.writeDeltas(maxRow);
  }

  private mergePending(): void {
    for (const byMinute of this.pending) {
      for (const byKey of byMinute.values()) {
        // An accumulator can be listed under two keys (its own and a key sent to "(other)").
        for (const [key, a] of byKey) if (key === a.key) this.mergeMinute(a);
      }
    }
    this.clearPending();
  }

  private mergeMinute(a: Acc): void {
    const slot = `${a.dim}:${a.minute}`;
    let byKey = this.minutes.get(slot);
    if (byKey === undefined) this.minutes.set(slot, (byKey = new Map()));
    const d = byKey.get(a.key);
    if (d === undefined) {
      this.markStale(a.dim, a.minute);
      byKey.set(a.key, { dim: a.dim, period: a.minute, key: a.key, spans: a.spans, errors: a.errors, input: a.input, output: a.output, total: a.total, cost: a.cost, sketch: a.sketch });
      this.deltaCount++;
    } else addTo(d, a);
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

  /** Writes the deltas now, in a transaction of their own or the caller's (before a read, a delete, at close). maxRow: as for flush. */
  writeBehind(maxRow: number): void {
    if (this.deltaCount > 0 || this.marked.size > 0) this.db.transaction(() => this.writeDeltas(maxRow))();
  }

  private writeDeltas(maxRow: number): void {
    const write = (stmt: BetterSqlite3.Statement, d: Delta) =>
      stmt.run(d.dim, d.period, d.key, d.spans, d.errors, d.input, d.output, d.total, d.cost, Buffer.from(d.sketch.encode()));
    let lower: Iterable<Delta> = [...this.minutes.values()].flatMap((byKey) => [...byKey.values()]);
    for (const d of lower) write(this.stmts.upsertMinute, d);
    // Each tier summed from the one below it (an hour from its minutes, a day from its hours).
    let lowerMinutes = 1;
    for (const tier of this.stmts.coarse) {
      const sums = new Map<string, Delta>();
      for (const m of lower) {
        const period = Math.floor((m.period * lowerMinutes) / tier.minutes);
        const id = `${m.dim}:${period}:${m.key}`;
        let d = sums.get(id);
        if (d === undefined) sums.set(id, (d = { ...m, period, spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() }));
        addTo(d, m);
      }
      for (const d of sums.values()) write(tier.upsert, d);
      lower = [...sums.values()];
      lowerMinutes = tier.minutes;
    }
    // Only the marks of these deltas: a mark a failed repair left stays for the next one.
    for (const at of this.marked) this.stmts.unmark.run(...at.split(':').map(Number));
    this.stmts.setRow.run(maxRow);
    this.forgetDeltas();
    this.marked.clear();
    this.lastWrite = performance.now();
  }

  /**
   * Reads back the spans compacted after the last write (the blocks above ANALYTICS_ROW) into the
   * minute deltas: at start, after a crash; after a rolled-back batch or a delete, when the deltas
   * in memory are not to be trusted.
   */
  private replay(): void {
    const above = this.stmts.row.get() as number;
    const services = new Map<number, string>();
    for (const r of this.stmts.blocksAbove.all(above) as Array<{ first_row: number; span_ids: Buffer; dict: number; block: Buffer }>) {
      const b = this.blocks.decode(r);
      for (let i = 0; i < b.n; i++) {
        const resourceId = b.resourceId(i);
        let service = services.get(resourceId);
        if (service === undefined) services.set(resourceId, (service = (this.stmts.serviceOf.get(resourceId) as string | undefined) ?? 'unknown_service'));
        const stored = b.genai(i);
        this.addSpan(b.name(i), String(b.startNs(i)), String(b.endNs(i)), b.statusCode(i) === ERROR_STATUS, service, stored === null ? null : readStoredGenAi(stored));
      }
    }
    this.mergePending();
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

  private forgetDeltas(): void {
    this.minutes = new Map();
    this.deltaCount = 0;
  }

  private clearPending(): void {
    this.pending = ANALYTICS_DIMS.map(() => new Map());
  }

  /**
   * After a rolled-back batch or a delete: pending sums, deltas and remembered key sets may be wrong;
   * the hours and days they were for are rebuilt from the minutes, and the deltas from the spans.
   */
  reset(): void {
    this.clearPending();
    this.keysOf.clear();
    this.forgetDeltas();
    this.marked.clear();
    try {
      this.repairStale();
      this.replay();
      this.replayOwed = false;
    } catch {
      // The marks stay for the next reset or start; the spans are read back by the next batch.
      this.clearPending();
      this.forgetDeltas();
      this.replayOwed = true;
    }
  }
}

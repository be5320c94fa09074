/**
 * The dashboard's rollups (migration 0006), kept at compaction: per dimension × minute × group, span
 * and error counts, LLM usage and a DDSketch of durations. Spans are accumulated in memory for the
 * whole compaction batch and each (dim, minute, key) is upserted once at flush, in the batch's
 * transaction; sketches merge in SQL through a registered function, so an upsert is one statement.
 *
 * Cardinality: at most MAX_KEYS_PER_MINUTE distinct keys per (dim, minute); later keys count in
 * ANALYTICS_OTHER (first come, not top-N: a top-N needs every key's count before the minute closes).
 * Tokens and cost count on LLM calls only (llm, embedding, reranker spans), so the sums over models,
 * services or span names equal the traces' rollups whenever usage is reported on the calls.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ANALYTICS_OTHER, type AnalyticsGroupBy, type GenAiSpan, type SpanRecord } from '../../../src-shared/contract';
import { DDSketch } from '../../../src-shared/ddsketch';
import { serviceNameOf } from './resource-scopes';

/** Column `dim` of analytics_minutes: the index in this list. */
export const ANALYTICS_DIMS: readonly AnalyticsGroupBy[] = ['model', 'agent', 'tool', 'service', 'spanName'];
const DIM = { model: 0, agent: 1, tool: 2, service: 3, spanName: 4 } as const;
export const MAX_KEYS_PER_MINUTE = 100;
/** (dim, minute) key sets remembered for the bound; live data touches a few minutes at a time. */
const KNOWN_MINUTES = 256;
const NS_PER_MINUTE = 60_000_000_000n;
const MAX_KEY_LENGTH = 200;

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

export class AnalyticsRollups {
  private readonly stmts;
  private pending = new Map<string, Acc>();
  /** `${dim}:${minute}` → the keys stored or pending for it (insertion-ordered for eviction). */
  private readonly keysOf = new Map<string, Set<string>>();

  constructor(db: BetterSqlite3.Database) {
    db.function('ddsketch_merge', { deterministic: true }, (a: unknown, b: unknown) => {
      const s = DDSketch.decode(a as Uint8Array);
      s.mergeEncoded(b as Uint8Array);
      return Buffer.from(s.encode());
    });
    this.stmts = {
      upsert: db.prepare(`
        INSERT INTO analytics_minutes (dim, minute, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dim, minute, key) DO UPDATE SET
          spans = spans + excluded.spans, errors = errors + excluded.errors,
          input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          total_tokens = total_tokens + excluded.total_tokens, cost_usd = cost_usd + excluded.cost_usd,
          sketch = ddsketch_merge(sketch, excluded.sketch)`),
      keys: db.prepare('SELECT key FROM analytics_minutes WHERE dim = ? AND minute = ?').pluck(),
    };
  }

  /** One inserted span (duplicates are not passed: the compactor stores a span once). */
  add(span: SpanRecord, genai: GenAiSpan | null): void {
    const start = BigInt(span.startTimeUnixNano);
    const minute = Number(start / NS_PER_MINUTE);
    const durNs = BigInt(span.endTimeUnixNano) - start;
    const ms = durNs > 0n ? Number(durNs) / 1e6 : 0;
    const error = span.status.code === 'error';
    let usage: GenAiSpan | null = null;
    if (genai !== null) {
      const k = genai.kind;
      if (k === 'llm' || k === 'embedding' || k === 'reranker') {
        usage = genai;
        this.bump(DIM.model, minute, genai.responseModel ?? genai.requestModel ?? '(unknown)', ms, error, usage);
      } else if (k === 'agent' && genai.agentName !== undefined) {
        this.bump(DIM.agent, minute, genai.agentName, ms, error, null);
      } else if (k === 'tool' && genai.toolName !== undefined) {
        this.bump(DIM.tool, minute, genai.toolName, ms, error, null);
      }
    }
    this.bump(DIM.service, minute, serviceNameOf(span.resource), ms, error, usage);
    this.bump(DIM.spanName, minute, span.name, ms, error, usage);
  }

  private bump(dim: number, minute: number, rawKey: string, ms: number, error: boolean, usage: GenAiSpan | null): void {
    let key = rawKey.length > MAX_KEY_LENGTH ? rawKey.slice(0, MAX_KEY_LENGTH) : rawKey;
    const id = `${dim}:${minute}:${key}`;
    let acc = this.pending.get(id);
    if (acc === undefined) {
      key = this.admit(dim, minute, key);
      const admitted = key === rawKey ? id : `${dim}:${minute}:${key}`;
      acc = this.pending.get(admitted);
      if (acc === undefined) {
        acc = { dim, minute, key, spans: 0, errors: 0, input: 0, output: 0, total: 0, cost: 0, sketch: new DDSketch() };
        this.pending.set(admitted, acc);
      }
    }
    acc.spans++;
    if (error) acc.errors++;
    acc.sketch.add(ms);
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

  /** Writes the batch's accumulators: one upsert per (dim, minute, key). Inside the compaction transaction. */
  flush(): void {
    for (const a of this.pending.values()) {
      this.stmts.upsert.run(a.dim, a.minute, a.key, a.spans, a.errors, a.input, a.output, a.total, a.cost, Buffer.from(a.sketch.encode()));
    }
    this.pending = new Map();
  }

  /** After a rolled-back batch or a delete: pending sums and remembered key sets may be wrong. */
  reset(): void {
    this.pending = new Map();
    this.keysOf.clear();
  }
}

/**
 * A trace's GenAI rollup (rollup.ts has the rule), kept current span by span: compaction extends it
 * by each batch in O(depth) a span instead of re-reading and re-summing the whole trace (which made
 * a big GenAI trace ingest slower and slower: ~10k spans/s at first, ~1.2k at a million spans). Pure.
 *
 * Invariant: after any sequence of add() calls, rollup() is the same whatever order the spans were
 * added in (test/engine/genai/rollup-state.test.ts checks that on random trees, arrival orders and
 * batchings). Usage counts on the innermost spans that carry it: a span is marked "usage below"
 * when a descendant carrying usage arrives, before or after it; a counted span that becomes marked
 * is taken back out.
 */
import type { GenAiSpan, GenAiTraceRollup, HexId } from '../../../src-shared/contract';
import type { RollupItem } from './rollup';
import { isHandoff } from '../../../src-shared/handoff';

interface Contribution {
  input: number;
  output: number;
  total: number;
  cost: number | null;
}

function carriesUsage(g: GenAiSpan): boolean {
  return g.inputTokens !== undefined || g.outputTokens !== undefined || g.totalTokens !== undefined || typeof g.costUsd === 'number';
}

export class TraceRollupState {
  private readonly parentOf = new Map<HexId, HexId | null>();
  private readonly usageBelow = new Set<HexId>();
  private readonly counted = new Map<HexId, Contribution>();
  private input = 0;
  private output = 0;
  private total = 0;
  private cost = 0;
  private pricedSpans = 0;
  private readonly models = new Set<string>();
  private readonly agents = new Set<string>();
  private llmCalls = 0;
  private toolCalls = 0;
  private session: { id: string; start: bigint } | null = null;

  /** Spans added so far (each span id once). */
  get size(): number {
    return this.parentOf.size;
  }

  /** `start` orders session ids: the earliest span naming one wins. */
  add(item: RollupItem & { start: bigint }): void {
    const { spanId, parentSpanId, genai: g } = item;
    if (this.parentOf.has(spanId)) return; // stored once: a duplicate adds nothing
    this.parentOf.set(spanId, parentSpanId);
    if (g) {
      if (g.kind === 'llm') this.llmCalls++;
      if (g.kind === 'tool' && !isHandoff(g)) this.toolCalls++;
      const model = g.responseModel ?? g.requestModel;
      if (model !== undefined && (g.kind === 'llm' || g.kind === 'embedding' || g.kind === 'reranker')) this.models.add(model);
      if (g.agentName !== undefined && g.kind === 'agent') this.agents.add(g.agentName);
      if (g.sessionId !== undefined && (this.session === null || item.start < this.session.start)) this.session = { id: g.sessionId, start: item.start };
    }
    const usage = g ? carriesUsage(g) : false;
    // Its ancestors have usage below when it carries usage, or when a descendant that does arrived
    // first (the chain above it was unknown then).
    if (usage || this.usageBelow.has(spanId)) this.markAncestors(parentSpanId);
    if (g && usage && !this.usageBelow.has(spanId)) this.count(spanId, g);
  }

  rollup(): GenAiTraceRollup {
    return {
      inputTokens: this.input,
      outputTokens: this.output,
      totalTokens: this.total,
      costUsd: this.pricedSpans > 0 ? Math.round(this.cost * 1e10) / 1e10 : null,
      models: [...this.models].sort(),
      agents: [...this.agents].sort(),
      llmCalls: this.llmCalls,
      toolCalls: this.toolCalls,
      sessionId: this.session?.id ?? null,
    };
  }

  /** Walks up until an ancestor already marked (its own ancestors are then marked too) or the chain ends. */
  private markAncestors(parent: HexId | null): void {
    for (let steps = 0; parent !== null && steps <= this.parentOf.size && !this.usageBelow.has(parent); steps++) {
      this.usageBelow.add(parent);
      this.uncount(parent);
      parent = this.parentOf.get(parent) ?? null;
    }
  }

  private count(spanId: HexId, g: GenAiSpan): void {
    const c: Contribution = {
      input: g.inputTokens ?? 0,
      output: g.outputTokens ?? 0,
      total: g.totalTokens ?? (g.inputTokens ?? 0) + (g.outputTokens ?? 0),
      cost: typeof g.costUsd === 'number' ? g.costUsd : null,
    };
    this.counted.set(spanId, c);
    this.apply(c, 1);
  }

  private uncount(spanId: HexId): void {
    const c = this.counted.get(spanId);
    if (!c) return;
    this.counted.delete(spanId);
    this.apply(c, -1);
  }

  private apply(c: Contribution, sign: 1 | -1): void {
    this.input += sign * c.input;
    this.output += sign * c.output;
    this.total += sign * c.total;
    if (c.cost !== null) {
      this.cost += sign * c.cost;
      this.pricedSpans += sign;
    }
  }
}

/**
 * The states of the traces compaction touched lately, least recently used evicted first once they
 * hold more than `maxSpans` spans together. An evicted trace is rebuilt from the store on its next
 * batch (one read, as before this cache).
 */
export class RollupStates {
  private readonly states = new Map<string, TraceRollupState>();
  private spans = 0;

  constructor(private readonly maxSpans: number) {}

  get(traceId: string): TraceRollupState | undefined {
    const s = this.states.get(traceId);
    if (s) {
      // Map order is insertion order: re-inserting makes it the most recently used.
      this.states.delete(traceId);
      this.states.set(traceId, s);
    }
    return s;
  }

  /** Call after adding spans to `state` (new or not), so the size bound holds. */
  keep(traceId: string, state: TraceRollupState, sizeBefore: number): void {
    if (!this.states.has(traceId)) this.states.set(traceId, state);
    this.spans += state.size - sizeBefore;
    for (const [id, s] of this.states) {
      if (this.spans <= this.maxSpans || id === traceId) break;
      this.states.delete(id);
      this.spans -= s.size;
    }
    if (this.spans > this.maxSpans) {
      // This trace alone is over the bound: not kept.
      this.states.delete(traceId);
      this.spans -= state.size;
    }
  }

  /** After anything that may make a kept state wrong: a rolled-back batch, retention. */
  clear(): void {
    this.states.clear();
    this.spans = 0;
  }
}

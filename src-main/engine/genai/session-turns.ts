/**
 * A session's turns and totals, from its traces' GenAI spans and its coding-agent log events
 * (agent-events.ts). Pure; the store gathers the inputs (store/session-queries.ts).
 *
 * Turns. A turn is what one prompt set off. Records are grouped by what ties them: a log event's
 * turn id (`prompt.id`, `prompt_id`, `turn.id`) and its trace id tie it to the other records with
 * either; a trace belongs to the turn whose events name it. A trace no event names is a turn of its
 * own when it holds a model, tool or agent span (an app instrumented with spans alone). A group
 * without a prompt and without a model call (Codex's nested `exec_command`, in a trace of its own)
 * joins the turn before it. Events with neither id join the latest turn begun before them.
 *
 * Calls: from spans where the turn has spans of that kind, else from log events. Where both exist
 * they are the same calls seen twice and are merged, not added: each span takes the first unmatched
 * event of the same tool call id (tools) or of a compatible model (model calls, in time order). The
 * span gives the call its place (trace, span); the event, being the CLI's own accounting, gives the
 * usage fields it has (Gemini CLI's spans leave thoughts out of the output; Codex's name no model)
 * and the cost it reports. An event no span matched is kept.
 *
 * Cost: the tool's reported cost wins (per call); else the call's span cost or the price table; a
 * session whose calls carry no cost but whose tool reported one as a metric (Claude Code's
 * `claude_code.cost.usage`) shows that.
 */
import type {
  CostSource,
  GenAiSpan,
  SessionModelCall,
  SessionSummary,
  SessionToolCall,
  SessionTurn,
} from '../../../src-shared/contract';
import type { AgentEvent, ModelCallReading, ToolCallReading } from './agent-events';

export interface SessionSpan {
  spanId: string;
  startNs: bigint;
  endNs: bigint;
  genai: GenAiSpan;
  /** Its status is error. */
  error: boolean;
}

export interface SessionTrace {
  traceId: string;
  startNs: bigint;
  endNs: bigint;
  /** The trace's GenAI spans (its other spans play no part in turns). */
  spans: SessionSpan[];
  /** Error spans of the trace, GenAI or not (a failed HTTP call under a tool counts). */
  errorSpans: number;
}

export interface SessionInputs {
  sessionId: string;
  firstNs: bigint;
  lastNs: bigint;
  serviceName: string | null;
  traces: SessionTrace[];
  /** In time order. */
  events: AgentEvent[];
  /** End users its log records name (user-id.ts); its spans' come from their GenAI readings. */
  users: Iterable<string>;
  /** Sum of the session's reported-cost metric points, when the tool sends one. */
  reportedCostUsd: number | null;
  /** The price table (with the user's overrides): USD, null when the model has no price. */
  price: (model: string | undefined, usage: { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number }) => number | null;
}

interface Group {
  events: AgentEvent[];
  traces: SessionTrace[];
  start: bigint;
}

const TURN_KINDS = new Set(['llm', 'tool', 'agent']);

class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let r = x;
    for (;;) {
      const p = this.parent.get(r);
      if (p === undefined) {
        this.parent.set(r, r);
        return r;
      }
      if (p === r) return r;
      r = p;
    }
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

function groupTurns(traces: readonly SessionTrace[], events: readonly AgentEvent[]): Group[] {
  const uf = new Groups();
  const loose: AgentEvent[] = [];
  for (const e of events) {
    const nodes = [e.turnKey === null ? null : `k:${e.turnKey}`, e.traceId === null ? null : `t:${e.traceId}`].filter((n): n is string => n !== null);
    if (nodes.length === 0) loose.push(e);
    else if (nodes.length === 2) uf.union(nodes[0]!, nodes[1]!);
    else uf.find(nodes[0]!);
  }
  const byRoot = new Map<string, Group>();
  const groupOf = (node: string, start: bigint): Group => {
    const root = uf.find(node);
    let g = byRoot.get(root);
    if (!g) byRoot.set(root, (g = { events: [], traces: [], start }));
    if (start < g.start) g.start = start;
    return g;
  };
  const named = new Set(events.flatMap((e) => (e.traceId === null ? [] : [e.traceId])));
  for (const t of traces) {
    if (!named.has(t.traceId) && !t.spans.some((s) => TURN_KINDS.has(s.genai.kind))) continue;
    groupOf(`t:${t.traceId}`, t.startNs).traces.push(t);
  }
  for (const e of events) {
    if (e.turnKey === null && e.traceId === null) continue;
    groupOf(e.turnKey === null ? `t:${e.traceId}` : `k:${e.turnKey}`, e.at).events.push(e);
  }
  const sorted = [...byRoot.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  // Fragments (no prompt, no model call) join the turn before them.
  const out: Group[] = [];
  for (const g of sorted) {
    const prev = out[out.length - 1];
    const hasPrompt = g.events.some((e) => e.type === 'prompt');
    const hasModel = g.events.some((e) => e.type === 'llm') || g.traces.some((t) => t.spans.some((s) => s.genai.kind === 'llm' || s.genai.kind === 'agent'));
    if (prev && !hasPrompt && !hasModel) {
      prev.events.push(...g.events);
      prev.traces.push(...g.traces);
    } else {
      out.push(g);
    }
  }
  for (const e of loose) {
    if (out.length === 0) out.push({ events: [], traces: [], start: e.at });
    let target = out[0]!;
    for (const g of out) if (g.start <= e.at) target = g;
    target.events.push(e);
  }
  for (const g of out) g.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return out;
}

const modelOf = (g: GenAiSpan): string | undefined => g.responseModel ?? g.requestModel;

function compatible(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function modelCall(
  span: { traceId: string; s: SessionSpan } | null,
  ev: ModelCallReading | null,
  price: SessionInputs['price'],
): SessionModelCall {
  const g = span?.s.genai;
  const pick = (e: number | undefined, s: number | undefined): number | null => e ?? s ?? null;
  const model = ev?.model ?? (g ? modelOf(g) : undefined);
  const call: SessionModelCall = {
    model: model ?? null,
    inputTokens: pick(ev?.inputTokens, g?.inputTokens),
    outputTokens: pick(ev?.outputTokens, g?.outputTokens),
    cacheReadTokens: pick(ev?.cacheReadTokens, g?.cacheReadTokens),
    cacheWriteTokens: pick(ev?.cacheWriteTokens, g?.cacheWriteTokens),
    reasoningTokens: pick(ev?.reasoningTokens, g?.reasoningTokens),
    costUsd: null,
    costSource: 'none',
    durationMs: ev?.durationMs ?? (span ? Number(span.s.endNs - span.s.startNs) / 1e6 : null),
    traceId: span?.traceId ?? null,
    spanId: span?.s.spanId ?? null,
    source: span && ev ? 'span+event' : span ? 'span' : 'event',
  };
  if (ev?.costUsd !== undefined) {
    call.costUsd = ev.costUsd;
    call.costSource = 'reported';
  } else if (typeof g?.costUsd === 'number' && !ev) {
    call.costUsd = g.costUsd;
    call.costSource = 'prices';
  } else if (call.inputTokens !== null || call.outputTokens !== null) {
    const usage: { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number } = {};
    if (call.inputTokens !== null) usage.inputTokens = call.inputTokens;
    if (call.outputTokens !== null) usage.outputTokens = call.outputTokens;
    if (call.cacheReadTokens !== null) usage.cacheReadTokens = call.cacheReadTokens;
    const usd = price(model, usage);
    if (usd !== null) {
      call.costUsd = usd;
      call.costSource = 'prices';
    }
  }
  return call;
}

interface TimedTool {
  call: SessionToolCall;
  start: bigint;
  end: bigint;
  /** Failed (`success: false`) with no error span to count it already. */
  uncountedFailure: boolean;
}

function toolCall(span: { traceId: string; s: SessionSpan } | null, ev: { at: bigint; call: ToolCallReading } | null): TimedTool {
  const g = span?.s.genai;
  const name = g?.toolName ?? ev?.call.name ?? 'unknown';
  const durationMs = ev?.call.durationMs ?? (span ? Number(span.s.endNs - span.s.startNs) / 1e6 : null);
  const end = span?.s.endNs ?? ev!.at;
  const start = span?.s.startNs ?? (durationMs === null ? end : end - BigInt(Math.round(durationMs * 1e6)));
  return {
    start,
    end,
    uncountedFailure: ev?.call.success === false && span?.s.error !== true,
    call: {
      name,
      callId: ev?.call.callId ?? g?.toolCallId ?? null,
      input: ev?.call.input ?? null,
      result: ev?.call.result ?? null,
      success: ev?.call.success ?? null,
      durationMs,
      nested: false,
      traceId: span?.traceId ?? null,
      spanId: span?.s.spanId ?? null,
      source: span && ev ? 'span+event' : span ? 'span' : 'event',
    },
  };
}

function spansOf(g: Group, kind: string): Array<{ traceId: string; s: SessionSpan }> {
  return g.traces
    .flatMap((t) => t.spans.filter((s) => s.genai.kind === kind).map((s) => ({ traceId: t.traceId, s })))
    .sort((a, b) => (a.s.startNs < b.s.startNs ? -1 : a.s.startNs > b.s.startNs ? 1 : 0));
}

function buildTurn(g: Group, index: number, price: SessionInputs['price']): SessionTurn {
  const llmEvents = g.events.flatMap((e) => (e.type === 'llm' ? [e.call] : []));
  const toolEvents = g.events.flatMap((e) => (e.type === 'tool' ? [{ at: e.at, call: e.call }] : []));

  const llmSpans = spansOf(g, 'llm');
  const usedLlm = new Set<number>();
  const llmCalls = llmSpans.map((span) => {
    const i = llmEvents.findIndex((e, k) => !usedLlm.has(k) && compatible(e.model, modelOf(span.s.genai)));
    if (i >= 0) usedLlm.add(i);
    return modelCall(span, i >= 0 ? llmEvents[i]! : null, price);
  });
  llmEvents.forEach((e, k) => {
    if (!usedLlm.has(k)) llmCalls.push(modelCall(null, e, price));
  });

  const toolSpans = spansOf(g, 'tool');
  const usedTool = new Set<number>();
  const tools = toolSpans.map((span) => {
    const id = span.s.genai.toolCallId;
    let i = id === undefined ? -1 : toolEvents.findIndex((e, k) => !usedTool.has(k) && e.call.callId === id);
    if (i < 0) i = toolEvents.findIndex((e, k) => !usedTool.has(k) && e.call.name === span.s.genai.toolName);
    if (i >= 0) usedTool.add(i);
    return toolCall(span, i >= 0 ? toolEvents[i]! : null);
  });
  toolEvents.forEach((e, k) => {
    if (!usedTool.has(k)) tools.push(toolCall(null, e));
  });
  // A call that ran wholly inside another (Codex's code-mode `exec` runs `exec_command`) is nested.
  for (const t of tools) {
    t.call.nested = tools.some((o) => o !== t && o.start <= t.start && t.end <= o.end && (o.start < t.start || t.end < o.end));
  }
  tools.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  const times = [...g.events.map((e) => e.at), ...g.traces.flatMap((t) => [t.startNs, t.endNs])];
  const startNs = times.reduce((m, t) => (t < m ? t : m), times[0] ?? 0n);
  const endNs = times.reduce((m, t) => (t > m ? t : m), times[0] ?? 0n);
  const prompt = g.events.find((e) => e.type === 'prompt');
  const answers = g.events.flatMap((e) => (e.type === 'answer' ? [e.text] : []));
  const lastText = [...llmEvents].reverse().find((c) => c.text !== undefined)?.text;
  const traceIds = [...g.traces]
    .sort((a, b) => b.spans.length - a.spans.length || (a.startNs < b.startNs ? -1 : 1))
    .map((t) => t.traceId);
  const priced = llmCalls.filter((c) => c.costUsd !== null);
  return {
    index,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    prompt: prompt?.type === 'prompt' ? (prompt.text ?? null) : null,
    answer: answers[answers.length - 1] ?? lastText ?? null,
    traceIds: [...new Set(traceIds)],
    source: llmSpans.length + toolSpans.length > 0 ? 'spans' : 'events',
    llmCalls,
    toolCalls: tools.map((t) => t.call),
    costUsd: priced.length === 0 ? null : priced.reduce((s, c) => s + c.costUsd!, 0),
    errors: g.traces.reduce((n, t) => n + t.errorSpans, 0) + tools.filter((t) => t.uncountedFailure).length,
  };
}

export function buildSession(inputs: SessionInputs): { summary: SessionSummary; turns: SessionTurn[] } {
  const turns = groupTurns(inputs.traces, inputs.events).map((g, i) => buildTurn(g, i + 1, inputs.price));
  const calls = turns.flatMap((t) => t.llmCalls);
  const sum = (f: (c: SessionModelCall) => number | null): number => calls.reduce((s, c) => s + (f(c) ?? 0), 0);
  const reported = calls.filter((c) => c.costSource === 'reported').length;
  const pricedByTable = calls.filter((c) => c.costSource === 'prices').length;
  let costUsd: number | null = reported + pricedByTable === 0 ? null : calls.reduce((s, c) => s + (c.costUsd ?? 0), 0);
  let costSource: CostSource = reported > 0 && pricedByTable > 0 ? 'mixed' : reported > 0 ? 'reported' : pricedByTable > 0 ? 'prices' : 'none';
  if (reported === 0 && inputs.reportedCostUsd !== null) {
    costUsd = inputs.reportedCostUsd;
    costSource = 'reported';
  }
  const inputTokens = sum((c) => c.inputTokens);
  const outputTokens = sum((c) => c.outputTokens);
  const models = [...new Set(calls.flatMap((c) => (c.model === null ? [] : [c.model])))].sort();
  const users = new Set(inputs.users);
  for (const t of inputs.traces) for (const s of t.spans) if (s.genai.userId !== undefined) users.add(s.genai.userId);
  // Every trace's error spans count, in a turn or not; a turn's failed tool calls only when no span did.
  const inTurns = new Set(turns.flatMap((t) => t.traceIds));
  const errorsOutsideTurns = inputs.traces.reduce((n, t) => n + (inTurns.has(t.traceId) ? 0 : t.errorSpans), 0);
  let first = inputs.firstNs;
  let last = inputs.lastNs;
  for (const t of turns) {
    if (BigInt(t.startTimeUnixNano) < first) first = BigInt(t.startTimeUnixNano);
    if (BigInt(t.endTimeUnixNano) > last) last = BigInt(t.endTimeUnixNano);
  }
  return {
    turns,
    summary: {
      sessionId: inputs.sessionId,
      turns: turns.length,
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      cacheReadTokens: sum((c) => c.cacheReadTokens),
      cacheWriteTokens: sum((c) => c.cacheWriteTokens),
      reasoningTokens: sum((c) => c.reasoningTokens),
      llmCalls: calls.length,
      toolCalls: turns.reduce((s, t) => s + t.toolCalls.filter((c) => !c.nested).length, 0),
      models,
      users: [...users].sort(),
      errors: errorsOutsideTurns + turns.reduce((n, t) => n + t.errors, 0),
      failedTurns: turns.filter((t) => t.errors > 0).length,
      costUsd,
      costSource,
      serviceName: inputs.serviceName,
      firstActivityUnixNano: first.toString(),
      lastActivityUnixNano: last.toString(),
    },
  };
}

/**
 * The MCP tools' answers as compact text for a model's context (the trace tree has its own module):
 * one line per listed thing, ids in full so the model can pass them on, long texts cut with their
 * length said. Pure.
 */
import type {
  AttributeValue,
  Attributes,
  EngineInfo,
  GenAiMessage,
  GenAiPart,
  LogListPage,
  MemoryCollectionInfo,
  MemoryStatus,
  RecalledItem,
  SearchAnswer,
  SessionDetail,
  SessionListPage,
  SessionSummary,
  SpanRecord,
  Stats,
  TraceListPage,
  TraceSummary,
} from '../../src-shared/contract';
import { formatDuration, formatTokens, formatUsd } from '../../src-shared/format';

/** Unix nanoseconds (decimal) as an ISO time to the millisecond; the text itself when it is not a number. */
export function isoOfNanos(nanos: string): string {
  if (!/^\d{1,20}$/.test(nanos)) return nanos;
  const ms = Number(BigInt(nanos) / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : nanos;
}

/** `text` on one line, cut to `max` characters with its full length said. */
export function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length} chars)` : flat;
}

/** A value as compact JSON (strings as they are), cut to `max`. */
export function valueText(value: AttributeValue | unknown, max: number): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

const plural = (n: number, word: string): string => `${formatTokens(n)} ${word}${n === 1 ? '' : 's'}`;

// ---- Traces ----

export function traceLine(t: TraceSummary): string {
  const bits = [t.traceId, isoOfNanos(t.startTimeUnixNano), formatDuration(t.durationMs)];
  if (t.serviceName !== '') bits.push(t.serviceName);
  bits.push(JSON.stringify(t.rootName));
  bits.push(`${plural(t.spanCount, 'span')}${t.errorCount > 0 ? `, ${t.errorCount} failed` : ''}`);
  const g = t.genai;
  if (g) {
    if (g.agents.length > 0) bits.push(`agents ${g.agents.join(', ')}`);
    if (g.models.length > 0) bits.push(`models ${g.models.join(', ')}`);
    if (g.llmCalls > 0 || g.toolCalls > 0) bits.push(`${plural(g.llmCalls, 'llm call')}, ${plural(g.toolCalls, 'tool call')}`);
    if (g.totalTokens > 0) bits.push(`${formatTokens(g.totalTokens)} tok`);
    if (g.costUsd !== null) bits.push(formatUsd(g.costUsd));
    if (g.sessionId !== null) bits.push(`session ${g.sessionId}`);
  }
  return bits.join(' · ');
}

export function renderTraceList(page: TraceListPage, sort: string): string {
  if (page.traces.length === 0) return 'No traces match.';
  const lines = [`${plural(page.traces.length, 'trace')}, ${sort} first${page.nextCursor ? `; more with cursor ${JSON.stringify(page.nextCursor)}` : ''}:`];
  for (const t of page.traces) lines.push(traceLine(t));
  return lines.join('\n');
}

// ---- Spans ----

export interface SpanRenderOptions {
  /** Longest text of one message part, attribute value or log body. */
  maxPartChars: number;
}

function partText(p: GenAiPart, max: number): string {
  switch (p.type) {
    case 'text':
      return valueText(p.content, max);
    case 'reasoning':
      return `(reasoning) ${valueText(p.content, max)}`;
    case 'tool_call':
      return `→ tool call ${p.name}${p.id ? ` (${p.id})` : ''}: ${valueText(p.arguments, max)}`;
    case 'tool_call_response':
      return `← tool result${p.id ? ` (${p.id})` : ''}: ${valueText(p.response, max)}`;
    case 'blob':
      return `[${p.modality} ${p.mimeType ?? ''} blob, ${p.content.length} base64 chars]`;
    case 'uri':
      return `[${p.modality} ${p.uri}]`;
    case 'file':
      return `[${p.modality} file ${p.fileId}]`;
    case 'other':
      return `[${p.originalType}] ${valueText(p.data, max)}`;
  }
}

function messagesText(messages: readonly GenAiMessage[], max: number): string[] {
  const lines: string[] = [];
  for (const m of messages) {
    const who = m.name ? `${m.role} ${m.name}` : m.role;
    if (m.parts.length === 0) lines.push(`  [${who}] (empty)`);
    m.parts.forEach((p, i) => {
      const text = partText(p, max).replace(/\n/g, '\n      ');
      lines.push(i === 0 ? `  [${who}] ${text}` : `    ${text}`);
    });
  }
  return lines;
}

/**
 * Attributes that carry the conversation in one dialect or another: when the messages were read,
 * they are printed above as the conversation, so here they are only named and measured.
 */
const MESSAGE_CARRIER = /^(gen_ai\.(input|output)\.messages|gen_ai\.system_instructions|gen_ai\.tool\.definitions|input\.value|output\.value|llm\.(input|output)_messages\..*|gen_ai\.(prompt|completion)\..*|ai\.(prompt|response)(\..*)?)$/;

function attributesText(attributes: Attributes, max: number, conversationShown: boolean): string[] {
  return Object.entries(attributes).map(([k, v]) => {
    if (conversationShown && MESSAGE_CARRIER.test(k)) {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      if (text.length > 120) return `  ${k}: (${text.length} chars, read above as messages)`;
    }
    return `  ${k}: ${valueText(v, max).replace(/\n/g, ' ')}`;
  });
}

export function renderSpan(span: SpanRecord, logs: LogListPage | null, options: SpanRenderOptions): string {
  const max = options.maxPartChars;
  const g = span.genai;
  const lines: string[] = [];
  lines.push(`span #${span.spanId} ${JSON.stringify(span.name)} in trace ${span.traceId}${span.parentSpanId ? `, parent #${span.parentSpanId}` : ' (a root)'}`);
  const service = span.resource.attributes['service.name'];
  const scope = span.scope.name !== '' ? `, scope ${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}` : '';
  lines.push(`kind: ${g ? `${g.kind} · ` : ''}OTel ${span.kind}${typeof service === 'string' ? ` · service ${service}` : ''}${scope}`);
  const start = BigInt(/^\d+$/.test(span.startTimeUnixNano) ? span.startTimeUnixNano : '0');
  const end = BigInt(/^\d+$/.test(span.endTimeUnixNano) ? span.endTimeUnixNano : '0');
  const status = span.status.code === 'error' ? `ERROR${span.status.message ? ` ${JSON.stringify(span.status.message)}` : ''}` : span.status.code;
  lines.push(`time: ${isoOfNanos(span.startTimeUnixNano)}, ${formatDuration(end > start ? Number(end - start) / 1e6 : 0)} · status ${status}`);
  if (g) {
    const bits: string[] = [];
    if (g.operation) bits.push(`operation ${g.operation}`);
    if (g.provider) bits.push(`provider ${g.provider}`);
    const model = g.responseModel ?? g.requestModel;
    if (model) bits.push(`model ${model}${g.requestModel && g.responseModel && g.requestModel !== g.responseModel ? ` (asked for ${g.requestModel})` : ''}`);
    if (g.agentName) bits.push(`agent ${g.agentName}`);
    if (g.toolName) bits.push(`tool ${g.toolName}${g.toolCallId ? ` (call ${g.toolCallId})` : ''}`);
    if (g.handoffFrom || g.handoffTo) bits.push(`handoff ${g.handoffFrom ?? '?'} → ${g.handoffTo ?? '?'}`);
    if (g.inputTokens !== undefined || g.outputTokens !== undefined) {
      const extra = [g.cacheReadTokens ? `${formatTokens(g.cacheReadTokens)} cache read` : '', g.reasoningTokens ? `${formatTokens(g.reasoningTokens)} reasoning` : ''].filter((x) => x !== '');
      bits.push(`tokens ${formatTokens(g.inputTokens ?? 0)} in / ${formatTokens(g.outputTokens ?? 0)} out${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`);
    }
    if (typeof g.costUsd === 'number') bits.push(`cost ${formatUsd(g.costUsd)}`);
    else if (g.costUsd === null) bits.push('cost: no price for this model');
    if (g.finishReasons?.length) bits.push(`finish ${g.finishReasons.join(', ')}`);
    if (g.sessionId) bits.push(`session ${g.sessionId}`);
    if (g.userId) bits.push(`user ${g.userId}`);
    if (bits.length > 0) lines.push(`genai: ${bits.join(' · ')}`);
    if (g.systemInstructions?.length) {
      lines.push('system instructions:');
      for (const p of g.systemInstructions) lines.push(`  ${partText(p, max)}`);
    }
    if (g.inputMessages?.length) lines.push('input messages:', ...messagesText(g.inputMessages, max));
    if (g.outputMessages?.length) lines.push('output messages:', ...messagesText(g.outputMessages, max));
    if (g.toolDefinitions?.length) lines.push(`tools offered: ${g.toolDefinitions.map((t) => t.name).join(', ')}`);
  }
  const attrs = Object.keys(span.attributes).length;
  lines.push(`attributes (${attrs}${span.droppedAttributesCount ? `, ${span.droppedAttributesCount} dropped by the sender` : ''}):`);
  const conversationShown = (g?.inputMessages?.length ?? 0) + (g?.outputMessages?.length ?? 0) + (g?.systemInstructions?.length ?? 0) > 0;
  lines.push(...attributesText(span.attributes, Math.min(max, 400), conversationShown));
  if (span.events.length > 0) {
    lines.push(`events (${span.events.length}):`);
    for (const e of span.events) {
      const at = /^\d+$/.test(e.timeUnixNano) && BigInt(e.timeUnixNano) >= start ? `+${formatDuration(Number(BigInt(e.timeUnixNano) - start) / 1e6)}` : isoOfNanos(e.timeUnixNano);
      const attrsText = Object.entries(e.attributes).map(([k, v]) => `${k}=${valueText(v, Math.min(max, 400))}`).join(' ');
      lines.push(`  ${at} ${e.name}${attrsText ? ` ${attrsText}` : ''}`);
    }
  }
  if (span.links.length > 0) {
    lines.push(`links (${span.links.length}):`);
    for (const l of span.links) lines.push(`  trace ${l.traceId} span #${l.spanId}${Object.keys(l.attributes).length ? ` ${valueText(l.attributes, 200)}` : ''}`);
  }
  if (logs && logs.logs.length > 0) {
    lines.push(`logs (${logs.logs.length}${logs.nextCursor ? '+, newest shown' : ''}, oldest first):`);
    for (const r of [...logs.logs].reverse()) {
      const t = r.timeUnixNano !== '0' ? r.timeUnixNano : r.observedTimeUnixNano;
      const sev = r.severityText || (r.severityNumber ? `severity ${r.severityNumber}` : '');
      const body = r.body === null ? '' : valueText(r.body, max).replace(/\n/g, ' ');
      lines.push(`  ${isoOfNanos(t)}${sev ? ` ${sev}` : ''}${r.eventName ? ` ${r.eventName}` : ''}${body ? `: ${body}` : ''}`);
    }
  }
  return lines.join('\n');
}

// ---- Sessions ----

function sessionFacts(s: SessionSummary): string {
  const bits = [plural(s.turns, 'turn'), plural(s.llmCalls, 'llm call'), plural(s.toolCalls, 'tool call'), `${formatTokens(s.totalTokens)} tok`];
  if (s.costUsd !== null) bits.push(`${formatUsd(s.costUsd)}${s.costSource === 'reported' ? ' (reported)' : ''}`);
  if (s.errors > 0) bits.push(`${plural(s.errors, 'error')} in ${plural(s.failedTurns, 'turn')}`);
  if (s.models.length > 0) bits.push(`models ${s.models.join(', ')}`);
  if (s.users.length > 0) bits.push(`${s.users.length === 1 ? 'user' : 'users'} ${s.users.join(', ')}`);
  return bits.join(' · ');
}

export function renderSessionList(page: SessionListPage): string {
  if (page.sessions.length === 0) return 'No sessions yet (a session is any trace, log record or metric point naming session.id, conversation.id or gen_ai.conversation.id).';
  const lines = [`${plural(page.sessions.length, 'session')}, most recent first${page.nextCursor ? `; more with cursor ${JSON.stringify(page.nextCursor)}` : ''}:`];
  for (const s of page.sessions) {
    lines.push(`${s.sessionId} · ${s.serviceName ?? 'unknown service'} · ${sessionFacts(s)} · ${isoOfNanos(s.firstActivityUnixNano)} → ${isoOfNanos(s.lastActivityUnixNano)}`);
  }
  return lines.join('\n');
}

export function renderSession(detail: SessionDetail, maxTurns: number): string {
  const s = detail.summary;
  const lines = [`session ${detail.sessionId} · ${s.serviceName ?? 'unknown service'} · ${sessionFacts(s)}`, `from ${isoOfNanos(s.firstActivityUnixNano)} to ${isoOfNanos(s.lastActivityUnixNano)}`];
  for (const turn of detail.turns.slice(0, maxTurns)) {
    const start = BigInt(turn.startTimeUnixNano);
    const end = BigInt(turn.endTimeUnixNano);
    const traces = turn.traceIds.length > 0 ? ` · trace ${turn.traceIds[0]}${turn.traceIds.length > 1 ? ` (+${turn.traceIds.length - 1})` : ''}` : ' · from log events';
    const errors = turn.errors > 0 ? ` · ${plural(turn.errors, 'error')}` : '';
    lines.push(`turn ${turn.index} · ${isoOfNanos(turn.startTimeUnixNano)} · ${formatDuration(end > start ? Number(end - start) / 1e6 : 0)}${turn.costUsd !== null ? ` · ${formatUsd(turn.costUsd)}` : ''}${errors}${traces}`);
    if (turn.prompt !== null) lines.push(`  prompt: ${cut(turn.prompt, 500)}`);
    if (turn.answer !== null) lines.push(`  answer: ${cut(turn.answer, 500)}`);
    if (turn.llmCalls.length > 0) {
      const models = new Map<string, number>();
      for (const c of turn.llmCalls) models.set(c.model ?? 'unknown model', (models.get(c.model ?? 'unknown model') ?? 0) + 1);
      lines.push(`  llm calls: ${[...models].map(([m, n]) => (n > 1 ? `${m} ×${n}` : m)).join(', ')}`);
    }
    if (turn.toolCalls.length > 0) {
      const tools = new Map<string, { n: number; failed: number }>();
      for (const c of turn.toolCalls) {
        const t = tools.get(c.name) ?? { n: 0, failed: 0 };
        t.n++;
        if (c.success === false) t.failed++;
        tools.set(c.name, t);
      }
      lines.push(`  tool calls: ${[...tools].map(([name, t]) => `${name}${t.n > 1 ? ` ×${t.n}` : ''}${t.failed > 0 ? ` (${t.failed} failed)` : ''}`).join(', ')}`);
    }
  }
  if (detail.turns.length > maxTurns) lines.push(`… ${detail.turns.length - maxTurns} more turns (raise maxTurns)`);
  if (detail.traces.length > 0) {
    lines.push(`traces (${detail.traces.length}${detail.truncated ? '+' : ''}):`);
    for (const t of detail.traces.slice(0, 20)) lines.push(`  ${traceLine(t)}`);
    if (detail.traces.length > 20) lines.push(`  … ${detail.traces.length - 20} more (list_traces can filter by text or service)`);
  }
  return lines.join('\n');
}

// ---- Memory ----

export function renderSearch(answer: SearchAnswer): string {
  const e = answer.embedder;
  if (answer.results.length === 0) return `No results (${answer.mode} search, embedder ${e.provider} ${e.model}).`;
  const lines = [`${plural(answer.results.length, 'result')}, best first (${answer.mode} search, embedder ${e.provider} ${e.model} ${e.dim}-d):`];
  for (const r of answer.results) {
    const bits = [r.score.toFixed(3), `trace ${r.traceId} span #${r.spanId}`, r.source, JSON.stringify(r.spanName)];
    if (r.agent) bits.push(`agent ${r.agent}`);
    if (r.model) bits.push(`model ${r.model}`);
    if (r.service) bits.push(`service ${r.service}`);
    if (r.sessionId) bits.push(`session ${r.sessionId}`);
    bits.push(isoOfNanos(r.startTimeUnixNano));
    lines.push(bits.join(' · '));
    lines.push(`  ${cut(r.snippet, 400)}`);
  }
  return lines.join('\n');
}

export function renderRecall(collection: string, items: readonly RecalledItem[]): string {
  if (items.length === 0) return `Nothing in "${collection}" matches (or the collection is empty; remember writes to it).`;
  const lines = [`${plural(items.length, 'item')} from "${collection}", best first:`];
  for (const item of items) {
    const meta = Object.keys(item.metadata).length > 0 ? ` · metadata ${valueText(item.metadata, 300)}` : '';
    lines.push(`${item.score.toFixed(3)} · #${item.id} · ${new Date(item.createdAt).toISOString()}${meta}`);
    lines.push(`  ${cut(item.text, 2000)}`);
  }
  return lines.join('\n');
}

// ---- Stats ----

export function renderStats(stats: Stats, info: EngineInfo | null, memory: MemoryStatus | null, collections: readonly MemoryCollectionInfo[] | null): string {
  const lines: string[] = [];
  if (info) lines.push(`Flowtrace ${info.version} · data in ${info.dataDir} · OTLP/HTTP ${info.otlpHttpEndpoint}${info.otlpGrpcEndpoint ? ` · OTLP/gRPC ${info.otlpGrpcEndpoint}` : ''}`);
  lines.push(`stored: ${plural(stats.traces, 'trace')}, ${plural(stats.spans, 'span')}, ${(stats.dbBytes / 1024 / 1024).toFixed(1)} MB on disk · ${plural(stats.requestsAccepted, 'export request')} accepted since start${stats.ingestPaused ? ' · INGEST PAUSED' : ''}`);
  for (const n of stats.notices) lines.push(`${n.level}: ${n.message} (${new Date(n.at).toISOString()})`);
  if (memory) {
    if (!memory.enabled) lines.push('memory: off (search, recall and remember answer with an error)');
    else {
      const e = memory.embedder;
      lines.push(`memory: ${plural(memory.items, 'remembered text')}${e ? ` · embedder ${e.provider} ${e.model} ${e.dim}-d` : ''} · backlog ${plural(memory.backlogSpans, 'span')}${memory.skippedSpans ? ` · ${memory.skippedSpans} skipped` : ''}${memory.lastError ? ` · last error: ${memory.lastError}` : ''}`);
    }
  }
  if (collections) lines.push(collections.length === 0 ? 'memory collections: none yet' : `memory collections: ${collections.map((c) => `${c.name} (${plural(c.count, 'item')})`).join(', ')}`);
  return lines.join('\n');
}

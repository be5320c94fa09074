/**
 * The normalized trace of a captured fixture as readable text, for golden files: a tree with kind,
 * model, tokens, cost and messages per span, the agent graph, and the rollup. Deterministic (no
 * ids, times or ports), one line per fact. Shared by the instrumentation fixtures
 * (test/engine/genai/fixtures.test.ts) and the framework fixtures (frameworks.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { AttributeValue, GenAiMessage, GenAiPart, GenAiSpan, LogRecordView, SpanRecord } from '../../src-shared/contract';
import { decodeTraceRequestJson } from '../../src-main/engine/otlp/decode-json';
import { decodeLogsRequestJson } from '../../src-main/engine/otlp/decode-logs';
import { normalizeSpan } from '../../src-main/engine/genai/normalize';
import { rollupTrace } from '../../src-main/engine/genai/rollup';
import { buildAgentGraph } from '../../src-main/engine/genai/graph';
import { dumpAgentGraph } from '../../src-main/engine/genai/graph-dump';

export interface Meta {
  library: string;
  version: string;
  language: string;
  dialect: string;
  sdk: { name: string; version: string };
}

export interface Normalized {
  span: SpanRecord;
  genai: GenAiSpan | null;
}

/** A fixture directory's spans, normalized with their correlated log records, in start order. */
export function loadFixture(dir: string): { items: Normalized[]; logs: LogRecordView[] } {
  const traces = decodeTraceRequestJson(readFileSync(join(dir, 'trace.otlp.json')));
  assert.equal(traces.rejected, 0, `${dir}: spans rejected: ${traces.rejectReasons.join('; ')}`);
  const logsPath = join(dir, 'logs.otlp.json');
  const logs = existsSync(logsPath) ? decodeLogsRequestJson(readFileSync(logsPath)).items : [];
  // Start order (the capture spaces its steps a few ms apart, as some instrumentations stamp whole
  // milliseconds); the file's order groups spans by instrumentation scope, which reads badly.
  const spans = [...traces.spans].sort((a, b) => compareStart(a, b));
  return { logs, items: spans.map((span) => ({ span, genai: normalizeSpan(span, logs) })) };
}

function compareStart(a: SpanRecord, b: SpanRecord): number {
  const x = BigInt(a.startTimeUnixNano);
  const y = BigInt(b.startTimeUnixNano);
  return x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name);
}

const MAX_TEXT = 60;

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT)}…` : oneLine);
}

/** Strings quoted, structured values as bare JSON: the dump shows whether arguments were parsed. */
function value(v: AttributeValue): string {
  if (typeof v === 'string') return short(v);
  const json = JSON.stringify(v);
  return json.length > MAX_TEXT ? `${json.slice(0, MAX_TEXT)}…` : json;
}

function usd(c: number | null | undefined): string {
  if (c === undefined) return '';
  if (c === null) return 'cost=no-price';
  return `cost=$${c.toFixed(10).replace(/0+$/, '').replace(/\.$/, '')}`;
}

function part(p: GenAiPart): string {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return `${p.type} ${short(p.content)}`;
    case 'tool_call':
      return `tool_call ${p.name} id=${p.id ?? '-'} args=${value(p.arguments)}`;
    case 'tool_call_response':
      return `tool_call_response id=${p.id ?? '-'} ${value(p.response)}`;
    case 'other':
      return `other(${p.originalType})`;
    default:
      return p.type;
  }
}

function messages(label: string, list: GenAiMessage[] | undefined, pad: string): string[] {
  if (!list) return [];
  const out = [`${pad}${label}: ${list.length} message${list.length === 1 ? '' : 's'}`];
  for (const m of list) {
    out.push(`${pad}  ${m.role}${m.name ? ` (${m.name})` : ''}: ${m.parts.length === 0 ? '(no parts)' : m.parts.map(part).join(' + ')}`);
  }
  return out;
}

function facts(g: GenAiSpan): string {
  const f: string[] = [`kind=${g.kind}`];
  const add = (k: string, v: string | number | undefined) => {
    if (v !== undefined) f.push(`${k}=${v}`);
  };
  add('op', g.operation);
  add('provider', g.provider);
  add('model', g.requestModel);
  if (g.responseModel !== undefined && g.responseModel !== g.requestModel) add('response_model', g.responseModel);
  add('agent', g.agentName);
  add('tool', g.toolName);
  add('call', g.toolCallId);
  if (g.handoffFrom !== undefined || g.handoffTo !== undefined) f.push(`handoff=${g.handoffFrom ?? '?'}→${g.handoffTo ?? '?'}`);
  return f.join(' ');
}

function usage(g: GenAiSpan): string {
  const f: string[] = [];
  const add = (k: string, v: number | undefined) => {
    if (v !== undefined) f.push(`${k}=${v}`);
  };
  add('tokens_in', g.inputTokens);
  add('tokens_out', g.outputTokens);
  add('cache_read', g.cacheReadTokens);
  add('reasoning', g.reasoningTokens);
  add('total', g.totalTokens);
  const cost = usd(g.costUsd);
  if (cost) f.push(cost);
  if (g.finishReasons) f.push(`finish=${g.finishReasons.join(',')}`);
  return f.join(' ');
}

export function dump(name: string, title: string, items: Normalized[], logCount: number): string {
  const lines = [
    `# ${name}`,
    `# ${title}`,
    `spans: ${items.length}, log records: ${logCount}`,
    '',
    'tree:',
  ];
  const ids = new Set(items.map((i) => i.span.spanId));
  const children = new Map<string | null, Normalized[]>();
  for (const item of items) {
    // A parent outside the fixture (never the case here, but cheap to survive) prints as a root.
    const parent = item.span.parentSpanId !== null && ids.has(item.span.parentSpanId) ? item.span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const walk = (parent: string | null, depth: number) => {
    for (const { span, genai: g } of children.get(parent) ?? []) {
      const pad = '  '.repeat(depth + 1);
      lines.push(`${pad}- ${span.name}${span.status.code === 'error' ? ' [error]' : ''}`);
      if (!g) {
        lines.push(`${pad}    (not GenAI)`);
      } else {
        lines.push(`${pad}    ${facts(g)}`);
        const u = usage(g);
        if (u) lines.push(`${pad}    ${u}`);
        const who = [g.sessionId !== undefined ? `session=${g.sessionId}` : '', g.userId !== undefined ? `user=${g.userId}` : ''].filter(Boolean).join(' ');
        if (who) lines.push(`${pad}    ${who}`);
        if (g.systemInstructions) lines.push(`${pad}    system instructions: ${g.systemInstructions.map(part).join(' + ')}`);
        lines.push(...messages('in', g.inputMessages, `${pad}    `));
        lines.push(...messages('out', g.outputMessages, `${pad}    `));
        if (g.toolDefinitions) lines.push(`${pad}    tools offered: ${g.toolDefinitions.map((t) => t.name).join(', ')}`);
      }
      walk(span.spanId, depth + 1);
    }
  };
  walk(null, 0);

  // The agent graph (nodes and typed edges), from the genai already normalized above with the logs.
  const graph = buildAgentGraph(items.map(({ span, genai }) => ({ ...span, genai })));
  lines.push('', 'agent graph:', ...dumpAgentGraph(graph).trimEnd().split('\n').map((l) => `  ${l}`));

  const r = rollupTrace(items.map(({ span, genai }) => ({ spanId: span.spanId, parentSpanId: span.parentSpanId, genai })));
  lines.push(
    '',
    'rollup:',
    `  tokens in=${r.inputTokens} out=${r.outputTokens} total=${r.totalTokens} ${r.costUsd === null ? 'cost=no-price' : usd(r.costUsd)}`,
    `  llm calls=${r.llmCalls} tool calls=${r.toolCalls}`,
    `  models: ${r.models.join(', ') || '-'}`,
    `  agents: ${r.agents.join(', ') || '-'}`,
    `  session: ${r.sessionId ?? '-'}`,
    '',
  );
  return lines.join('\n');
}


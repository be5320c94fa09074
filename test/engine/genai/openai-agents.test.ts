/**
 * The OpenAI Agents SDK's handoff spans (dialects/openai-agents.ts) and the graph rules that use them
 * (docs/genai-graph.md, handoff): explicit from/to attributes, a from-only span whose target is the
 * `transfer_to_<agent>` call its agent's LLM asked for, OpenInference's `handoff to` span read as a
 * handoff rather than a tool call; and OpenInference messages sending `content` and `contents` both.
 * The captured runs are test/fixtures/frameworks/py-openai-agents@*.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, SpanRecord } from '../../../src-shared/contract';
import { buildAgentGraph, handoffTarget, type GraphSpan } from '../../../src-main/engine/genai/graph';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

const BASE = 1700000000000000000n;

function mk(id: string, attributes: Attributes, o: { parent?: string; start?: number; name?: string } = {}): SpanRecord {
  const s = span({ name: o.name ?? id, spanId: id, parentSpanId: o.parent ?? null, attributes });
  const start = o.start ?? 0;
  s.startTimeUnixNano = String(BASE + BigInt(start) * 1_000_000n);
  s.endTimeUnixNano = String(BASE + BigInt(start + 10) * 1_000_000n);
  return s;
}

const agent = (name: string): Attributes => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name });
const llmAsking = (...tools: string[]): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: tools.map((name, i) => ({ type: 'tool_call', id: `call_${i}`, name, arguments: {} })) }]),
});
/** OpenLLMetry's handoff span: the target is not known when the SDK starts it. */
const fromOnly = (from: string): Attributes => ({ 'traceloop.span.kind': 'handoff', 'gen_ai.operation.name': 'handoff', 'gen_ai.handoff.from_agent': from, 'gen_ai.agent.name': from });
/** OTel contrib's: both agents, and the instrumentation's configured default agent name. */
const fromTo = (from: string, to: string): Attributes => ({
  'gen_ai.operation.name': 'agent_handoff', 'gen_ai.agent.name': 'OpenAI Agent', 'gen_ai.handoff.from_agent': from, 'gen_ai.handoff.to_agent': to,
});
const handoffs = (spans: GraphSpan[]): string[] => buildAgentGraph(spans).edges.filter((e) => e.type === 'handoff').map((e) => `${e.from}->${e.to}`);

describe('OpenAI Agents SDK handoff spans: reading', () => {
  test('gen_ai.handoff.from_agent / to_agent are read, at index scope too (the rollup leaves handoffs out of tool calls)', () => {
    const s = mk('h', fromTo('Triage Agent', 'Billing Agent'), { name: 'agent_handoff OpenAI Agent' });
    const g = normalizeSpan(s);
    assert.equal(g?.handoffFrom, 'Triage Agent');
    assert.equal(g?.handoffTo, 'Billing Agent');
    assert.equal(handoffTarget(g!, s.name), 'Billing Agent');
    const index = normalizeSpan(s, undefined, { scope: 'index' });
    assert.equal(index?.handoffFrom, 'Triage Agent');
    assert.equal(index?.handoffTo, 'Billing Agent');
  });

  test("OpenInference's `handoff to` TOOL span: from = input.value, to = output.value, and no tool call messages", () => {
    const s = mk('h', { 'openinference.span.kind': 'TOOL', 'input.value': 'Triage Agent', 'output.value': 'Billing Agent' }, { name: 'handoff to Billing Agent' });
    const g = normalizeSpan(s);
    assert.equal(g?.kind, 'tool');
    assert.deepEqual([g?.handoffFrom, g?.handoffTo], ['Triage Agent', 'Billing Agent']);
    assert.equal(g?.inputMessages, undefined);
    assert.equal(g?.outputMessages, undefined);
  });

  test("OpenInference JS's handoff span: tool name handoff_to_<agent>, agents as {from_agent} / {to_agent} JSON", () => {
    const s = mk('h', { 'openinference.span.kind': 'TOOL', 'tool.name': 'handoff_to_Billing Agent', 'input.value': '{"from_agent":"Triage Agent"}', 'output.value': '{"to_agent":"Billing Agent"}' }, { name: 'handoff to Billing Agent' });
    const g = normalizeSpan(s);
    assert.deepEqual([g?.handoffFrom, g?.handoffTo], ['Triage Agent', 'Billing Agent']);
    assert.equal(g?.inputMessages, undefined);
  });

  test('an OpenInference AGENT span without agent.name is named by graph.node.id; other kinds are not', () => {
    assert.equal(normalizeSpan(mk('a', { 'openinference.span.kind': 'AGENT', 'graph.node.id': 'Triage Agent' }, { name: 'Triage Agent' }))?.agentName, 'Triage Agent');
    assert.equal(normalizeSpan(mk('a', { 'openinference.span.kind': 'AGENT', 'agent.name': 'triage', 'graph.node.id': 'node-1' }))?.agentName, 'triage');
    assert.equal(normalizeSpan(mk('c', { 'openinference.span.kind': 'CHAIN', 'graph.node.id': 'router' }))?.agentName, undefined);
  });

  test('an OpenInference tool with a name, or not named handoff, stays a tool call', () => {
    const named = normalizeSpan(mk('t', { 'openinference.span.kind': 'TOOL', 'tool.name': 'handoff to x', 'input.value': '{"a":1}' }, { name: 'handoff to x' }));
    assert.equal(named?.handoffTo, undefined);
    assert.equal(named?.inputMessages?.[0]?.parts[0]?.type, 'tool_call');
    const other = normalizeSpan(mk('t', { 'openinference.span.kind': 'TOOL', 'input.value': '{"a":1}' }, { name: 'handoffs_lookup' }));
    assert.equal(other?.handoffFrom, undefined);
    assert.equal(other?.inputMessages?.[0]?.parts[0]?.type, 'tool_call');
  });

  test('OpenInference message with content and the same text in contents reads one text part; different texts stay', () => {
    const base = { 'openinference.span.kind': 'LLM', 'llm.output_messages.0.message.role': 'assistant' };
    const same = normalizeSpan(mk('l', { ...base, 'llm.output_messages.0.message.content': 'paid', 'llm.output_messages.0.message.contents.0.message_content.type': 'text', 'llm.output_messages.0.message.contents.0.message_content.text': 'paid' }));
    assert.deepEqual(same?.outputMessages?.[0]?.parts, [{ type: 'text', content: 'paid' }]);
    const differ = normalizeSpan(mk('l', { ...base, 'llm.output_messages.0.message.content': 'paid', 'llm.output_messages.0.message.contents.0.message_content.type': 'text', 'llm.output_messages.0.message.contents.0.message_content.text': 'unpaid' }));
    assert.equal(differ?.outputMessages?.[0]?.parts.length, 2);
  });
});

describe('OpenAI Agents SDK handoff spans: graph', () => {
  test('explicit from/to (OTel contrib): from the nearest agent ancestor to the next agent of that name', () => {
    const spans = [
      mk('w', { 'gen_ai.operation.name': 'invoke_agent' }, { name: 'Billing support' }),
      mk('t', agent('Triage Agent'), { parent: 'w', start: 1 }),
      mk('u', { 'gen_ai.operation.name': 'unknown' }, { parent: 't', start: 2 }),
      mk('h', fromTo('Triage Agent', 'Billing Agent'), { parent: 'u', start: 5 }),
      mk('b', agent('Billing Agent'), { parent: 'w', start: 12 }),
    ];
    assert.deepEqual(handoffs(spans), ['t->b']);
  });

  test('explicit from, no agent ancestor: from the latest agent of that name started at or before it', () => {
    const spans = [mk('t', agent('Triage Agent')), mk('h', fromTo('Triage Agent', 'Billing Agent'), { start: 5 }), mk('b', agent('Billing Agent'), { start: 12 })];
    assert.deepEqual(handoffs(spans), ['t->b']);
  });

  test("from only (OpenLLMetry): the target is the transfer_to_<agent> its agent's latest LLM call asked for", () => {
    const spans = [
      mk('w', { 'traceloop.span.kind': 'workflow' }, { name: 'Agent Workflow' }),
      mk('t', agent('Triage Agent'), { parent: 'w', start: 1 }),
      mk('l', llmAsking('transfer_to_billing_agent'), { parent: 't', start: 2 }),
      mk('h', fromOnly('Triage Agent'), { parent: 't', start: 5 }),
      mk('r', agent('Refunds Agent'), { parent: 'w', start: 11 }),
      mk('b', agent('Billing Agent'), { parent: 'w', start: 12 }),
    ];
    assert.deepEqual(handoffs(spans), ['t->b']);
  });

  test('from only: no edge when the LLM call asked for no transfer, or for two different ones, or there is none', () => {
    const run = (llm: Attributes | null) => [
      mk('t', agent('Triage Agent')),
      ...(llm ? [mk('l', llm, { parent: 't', start: 1 })] : []),
      mk('h', fromOnly('Triage Agent'), { parent: 't', start: 5 }),
      mk('b', agent('Billing Agent'), { start: 12 }),
      mk('r', agent('Refunds Agent'), { start: 13 }),
    ];
    assert.deepEqual(handoffs(run(llmAsking('lookup_invoice'))), []);
    assert.deepEqual(handoffs(run(llmAsking('transfer_to_billing_agent', 'transfer_to_refunds_agent'))), []);
    assert.deepEqual(handoffs(run(null)), []);
  });
});

/**
 * The acceptance line, on hand-written samples (samples.ts): the same agent run expressed
 * in OTel GenAI, OpenInference and OpenLLMetry normalizes to the same genai fields, tokens, cost
 * and session. The only difference allowed is what a dialect cannot express (OpenLLMetry has no
 * tool call id on a tool span), and it is spelled out below.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiMessage, GenAiSpan } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { rollupTrace } from '../../../src-main/engine/genai/rollup';
import { ANSWER, ASK, IDS, SESSION, SYSTEM, USER, agentRun, type Dialect } from './samples';

const toolCall = { type: 'tool_call', id: 'call_1', name: 'search_hotels', arguments: { city: 'Paris' } } as const;
const history: GenAiMessage[] = [
  { role: 'system', parts: [{ type: 'text', content: SYSTEM }] },
  { role: 'user', parts: [{ type: 'text', content: ASK }] },
];
const llmCommon = {
  kind: 'llm',
  operation: 'chat',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  responseModel: 'gpt-4o-mini-2024-07-18',
  sessionId: SESSION,
  userId: USER,
} as const;

const EXPECTED: Record<'agent' | 'llm1' | 'tool' | 'llm2', GenAiSpan> = {
  agent: {
    kind: 'agent',
    operation: 'invoke_agent',
    agentName: 'planner',
    sessionId: SESSION,
    userId: USER,
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: ASK }] }],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }],
  },
  llm1: {
    ...llmCommon,
    inputTokens: 120,
    outputTokens: 30,
    cacheReadTokens: 20,
    totalTokens: 150,
    // gpt-4o-mini: 100 uncached × $0.15 + 20 cached × $0.075 + 30 out × $0.60, per million.
    costUsd: 0.0000345,
    finishReasons: ['tool_call'],
    inputMessages: history,
    outputMessages: [{ role: 'assistant', parts: [toolCall] }],
  },
  tool: {
    kind: 'tool',
    operation: 'execute_tool',
    toolName: 'search_hotels',
    toolCallId: 'call_1',
    sessionId: SESSION,
    userId: USER,
    inputMessages: [{ role: 'assistant', parts: [toolCall] }],
    outputMessages: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { hotels: ['Ritz'] } }] }],
  },
  llm2: {
    ...llmCommon,
    inputTokens: 200,
    outputTokens: 15,
    totalTokens: 215,
    costUsd: 0.000039,
    finishReasons: ['stop'],
    inputMessages: [
      ...history,
      { role: 'assistant', parts: [toolCall] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { hotels: ['Ritz'] } }] },
    ],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }],
  },
};

/** What a dialect cannot say: OpenLLMetry's decorated tool span carries no tool call id. */
function expectedFor(dialect: Dialect, which: keyof typeof EXPECTED): GenAiSpan {
  const e = structuredClone(EXPECTED[which]);
  if (dialect === 'openllmetry' && which === 'tool') {
    delete e.toolCallId;
    e.inputMessages = [{ role: 'assistant', parts: [{ ...toolCall, id: null }] }];
    e.outputMessages = [{ role: 'tool', parts: [{ type: 'tool_call_response', id: null, response: { hotels: ['Ritz'] } }] }];
  }
  return e;
}

const DIALECTS: Dialect[] = ['otel', 'openinference', 'openllmetry'];

describe('the same agent run in three dialects (hand-written samples)', () => {
  for (const dialect of DIALECTS) {
    for (const which of ['agent', 'llm1', 'tool', 'llm2'] as const) {
      test(`${dialect}: ${which} span normalizes to the shared expectation`, () => {
        assert.deepEqual(normalizeSpan(agentRun(dialect)[which]), expectedFor(dialect, which));
      });
    }
  }

  test('the three trace rollups are equal: tokens, cost, models, agents, calls, session', () => {
    const rollups = DIALECTS.map((dialect) => {
      const run = agentRun(dialect);
      return rollupTrace([run.agent, run.llm1, run.tool, run.llm2].map((s) => ({ spanId: s.spanId, parentSpanId: s.parentSpanId, genai: normalizeSpan(s) })));
    });
    const expected = {
      inputTokens: 320,
      outputTokens: 45,
      totalTokens: 365,
      costUsd: 0.0000735,
      models: ['gpt-4o-mini-2024-07-18'],
      agents: ['planner'],
      llmCalls: 2,
      toolCalls: 1,
      sessionId: SESSION,
    };
    for (const r of rollups) assert.deepEqual(r, expected);
  });

  test('normalizing leaves every span exactly as sent', () => {
    for (const dialect of DIALECTS) {
      const run = agentRun(dialect);
      const before = structuredClone(run);
      for (const s of Object.values(run)) normalizeSpan(s);
      assert.deepEqual(run, before);
    }
  });

  test('the sample ids are wired as a tree under the agent', () => {
    const run = agentRun('otel');
    assert.equal(run.llm1.parentSpanId, IDS.agent);
    assert.equal(run.tool.parentSpanId, IDS.agent);
  });
});

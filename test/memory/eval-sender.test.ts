/**
 * The memory evaluation runs arrive as Flowtrace reads GenAI: sent as real OTLP by the official SDK
 * exporter (test/support/memory-eval-sender.ts) to a real engine, every message, tool call with its
 * arguments, tool result and failure of every run is in the spans' GenAI reading, where the memory
 * takes its texts from. If a message did not come through, the quality bench would measure nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, startTestEngine } from '../support/engine';
import { sendEvalRuns, type SentEvalRun } from '../support/memory-eval-sender';
import { EVAL_RUNS, type EvalRun, type EvalToolCall } from '../fixtures/memory/eval-runs';
import type { Engine } from '../../src-main/engine';
import type { GenAiMessage, GenAiPart, SpanRecord } from '../../src-shared/contract';

const runById = (id: string): EvalRun => EVAL_RUNS.find((r) => r.id === id)!;

const partsOf = (messages: GenAiMessage[] | undefined): GenAiPart[] => (messages ?? []).flatMap((m) => m.parts);
const textsOf = (messages: GenAiMessage[] | undefined): string[] =>
  partsOf(messages).flatMap((p) => (p.type === 'text' ? [p.content] : []));

describe('memory eval sender', () => {
  let engine: Engine;
  let rest: Awaited<ReturnType<typeof startTestApiServer>>;
  let sent: Map<string, SentEvalRun>;
  before(async () => {
    engine = await startTestEngine();
    rest = await startTestApiServer(engine);
    sent = await sendEvalRuns(engine.info.otlpHttpEndpoint, EVAL_RUNS);
  });
  after(async () => {
    rest.close();
    await engine.close();
  });

  const getSpan = async (traceId: string, spanId: string): Promise<SpanRecord> => {
    const res = await fetch(`${rest.base}/api/v1/traces/${traceId}/spans/${spanId}`);
    assert.equal(res.status, 200, `span ${spanId}`);
    return (await res.json()) as SpanRecord;
  };

  test('every run is one trace: its agent span, then one span per step', async () => {
    assert.equal(sent.size, EVAL_RUNS.length);
    assert.equal(new Set([...sent.values()].map((s) => s.traceId)).size, EVAL_RUNS.length);
    for (const run of EVAL_RUNS) {
      const { traceId, spanIds } = sent.get(run.id)!;
      const detail = await engine.getTrace(traceId);
      assert.ok(detail, run.id);
      assert.equal(spanIds.length, run.steps.length + 1, run.id);
      assert.deepEqual(detail.spans.map((s) => s.spanId).sort(), [...spanIds].sort(), run.id);
    }
  });

  test('the agent span names the agent, the conversation and the service; a failed run says why', async () => {
    const run = runById('checkout-payment-timeout');
    const { traceId, spanIds } = sent.get(run.id)!;
    const root = await getSpan(traceId, spanIds[0]!);
    assert.equal(root.name, 'invoke_agent checkout_assistant');
    assert.equal(root.resource.attributes['service.name'], 'shop-checkout');
    assert.equal(root.genai?.kind, 'agent');
    assert.equal(root.genai?.agentName, 'checkout_assistant');
    assert.equal(root.genai?.sessionId, 'cart-5530-xz');
    assert.deepEqual(root.status, { code: 'error', message: 'checkout aborted: charge outcome unknown' });
  });

  test('an LLM call reads its prompts and the tool calls it asks for; the next one reads the failure it got back', async () => {
    const run = runById('hotel-search-timeout');
    const { traceId, spanIds } = sent.get(run.id)!;
    const [first, failed, second] = await Promise.all(spanIds.slice(1).map((id) => getSpan(traceId, id)));
    assert.equal(first!.genai?.kind, 'llm');
    assert.equal(first!.genai?.requestModel, 'gpt-4o');
    assert.deepEqual(first!.genai?.inputMessages?.map((m) => m.role), ['system', 'user']);
    assert.match(textsOf(first!.genai?.inputMessages).join(' '), /Parque das Nacoes conference centre/);
    const askedFor = partsOf(first!.genai?.outputMessages).find((p) => p.type === 'tool_call');
    const search = run.steps[1] as EvalToolCall;
    assert.deepEqual(askedFor?.type === 'tool_call' ? { name: askedFor.name, arguments: askedFor.arguments } : null, { name: 'search_hotels', arguments: search.arguments });

    assert.equal(failed!.name, 'execute_tool search_hotels');
    assert.equal(failed!.genai?.toolName, 'search_hotels');
    assert.equal(failed!.status.code, 'error');
    assert.match(failed!.status.message, /did not respond within 8000 ms/);
    assert.deepEqual(failed!.events.map((e) => [e.name, e.attributes['exception.type']]), [['exception', 'TimeoutError']]);
    assert.ok(partsOf(failed!.genai?.inputMessages).some((p) => p.type === 'tool_call'), 'the failed call still shows its arguments');

    const toolTurn = second!.genai?.inputMessages?.find((m) => m.role === 'tool');
    assert.deepEqual(toolTurn?.parts[0], { type: 'tool_call_response', id: 'call_0_0', response: { error: 'hotel inventory API did not respond within 8000 ms (upstream hotelbeds)' } });
    assert.match(textsOf(second!.genai?.outputMessages).join(' '), /^Sorry, the hotel inventory service did not respond in time/);
  });

  test('a tool call reads its arguments and its result', async () => {
    const run = runById('duplicate-charge-refund');
    const { traceId, spanIds } = sent.get(run.id)!;
    const refund = await getSpan(traceId, spanIds[3]!);
    assert.equal(refund.name, 'execute_tool issue_refund');
    const call = partsOf(refund.genai?.inputMessages).find((p) => p.type === 'tool_call');
    assert.deepEqual(call && call.type === 'tool_call' ? call.arguments : null, { charge: 'ch_2', amount: 15.99, reason: 'duplicate' });
    const response = partsOf(refund.genai?.outputMessages).find((p) => p.type === 'tool_call_response');
    assert.deepEqual(response && response.type === 'tool_call_response' ? response.response : null, { refund_id: 're_7731', status: 'succeeded', eta_days: 5 });
  });

  test('every message, tool call, result and failure of every run is in its spans', async () => {
    for (const run of EVAL_RUNS) {
      const { traceId, spanIds } = sent.get(run.id)!;
      const byId = new Map((await engine.getTrace(traceId))!.spans.map((s) => [s.spanId, s]));
      for (const [i, step] of run.steps.entries()) {
        const span = byId.get(spanIds[i + 1]!)!;
        const where = `${run.id} step ${i}`;
        if (step.kind === 'llm') {
          assert.equal(span.genai?.kind, 'llm', where);
          const inputs = textsOf(span.genai?.inputMessages);
          for (const m of step.input) assert.ok(inputs.includes(m.text), `${where}: input "${m.text.slice(0, 40)}…"`);
          assert.deepEqual(textsOf(span.genai?.outputMessages), step.output.map((m) => m.text), where);
        } else {
          assert.equal(span.genai?.toolName, step.name, where);
          const call = partsOf(span.genai?.inputMessages).find((p) => p.type === 'tool_call');
          assert.deepEqual(call?.type === 'tool_call' ? call.arguments : undefined, step.arguments, where);
          const response = partsOf(span.genai?.outputMessages).find((p) => p.type === 'tool_call_response');
          assert.deepEqual(response?.type === 'tool_call_response' ? response.response : undefined, step.result, where);
        }
        if (step.error) {
          assert.deepEqual(span.status, { code: 'error', message: step.error.message }, where);
          assert.equal(span.events.find((e) => e.name === 'exception')?.attributes['exception.message'], step.error.message, where);
        } else {
          assert.notEqual(span.status.code, 'error', where);
        }
      }
    }
  });
});

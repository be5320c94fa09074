/**
 * GenAI normalization wired into the store: agent turns recorded with the official OTel SDK (OTel
 * GenAI attributes) and sent with the official OTLP exporters are read back with `genai` per span,
 * a rollup per trace (tokens, cost from the shipped price table, models, agents, calls, session),
 * GenAI list filters, sessions, rollups that merge across requests, and log records merged at read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTestEngine } from '../../support/engine';
import { exportSpans } from '../../support/otel';
import { exportOnce } from '../../support/otel-signals';
import { recordGenAiTurn, recordPlainTrace, TURN_USAGE, type GenAiTurnOptions } from '../../support/otel-genai';
import type { Engine } from '../../../src-main/engine';
import type { GenAiTraceRollup, TraceListQuery } from '../../../src-shared/contract';

/** gpt-4o-mini in resources/genai-prices.json: 0.15 in / 0.6 out USD per million tokens. */
const MINI_TURN_USD = (TURN_USAGE.input * 0.15 + TURN_USAGE.output * 0.6) / 1e6;
/** claude-3-5-haiku: 0.8 in / 4 out. */
const HAIKU_TURN_USD = (TURN_USAGE.input * 0.8 + TURN_USAGE.output * 4) / 1e6;

function turnRollup(over: Partial<GenAiTraceRollup>): GenAiTraceRollup {
  return {
    inputTokens: TURN_USAGE.input,
    outputTokens: TURN_USAGE.output,
    totalTokens: TURN_USAGE.input + TURN_USAGE.output,
    costUsd: MINI_TURN_USD,
    models: ['gpt-4o-mini'],
    agents: ['planner'],
    llmCalls: 2,
    toolCalls: 1,
    sessionId: null,
    ...over,
  };
}

const byName = (spans: readonly ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

describe('GenAI in the store', () => {
  let engine: Engine;
  const send = async (options: GenAiTurnOptions, protocol: 'protobuf' | 'json' = 'protobuf') => {
    const sent = recordGenAiTurn(options);
    await exportSpans(engine.info.otlpHttpEndpoint, protocol, sent.spans);
    return sent;
  };

  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine.close();
  });

  for (const protocol of ['protobuf', 'json'] as const) {
    test(`${protocol}: each span carries its genai reading and the trace its rollup`, async () => {
      const sent = await send({ serviceName: `genai-${protocol}`, sessionId: `conv-${protocol}` }, protocol);
      const detail = await engine.getTrace(sent.traceId);
      assert.ok(detail);
      const [root, chat1, tool, chat2] = detail.spans;
      assert.deepEqual(root?.genai, { kind: 'agent', operation: 'invoke_agent', provider: 'openai', agentName: 'planner', sessionId: `conv-${protocol}` });
      assert.deepEqual(chat1?.genai, {
        kind: 'llm',
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini',
        inputTokens: 1000,
        outputTokens: 200,
        totalTokens: 1200,
        costUsd: (1000 * 0.15 + 200 * 0.6) / 1e6,
        sessionId: `conv-${protocol}`,
        finishReasons: ['tool_call'],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Find a hotel in Lisbon' }] }],
      });
      assert.equal(tool?.genai?.kind, 'tool');
      assert.equal(tool?.genai?.toolName, 'search_hotels');
      assert.equal(tool?.genai?.toolCallId, 'call_1');
      assert.equal(chat2?.genai?.inputTokens, 500);
      // Raw attributes stay as sent.
      assert.equal(chat1?.attributes['gen_ai.usage.input_tokens'], 1000);
      // getSpan reads the same.
      assert.deepEqual(await engine.getSpan(sent.traceId, chat1!.spanId), chat1);

      const listed = await engine.listTraces({ service: `genai-${protocol}` });
      assert.equal(listed.traces.length, 1);
      assert.deepEqual(listed.traces[0]?.genai, turnRollup({ sessionId: `conv-${protocol}` }));
    });
  }

  test('a trace without GenAI markers has no genai on its spans or its summary', async () => {
    const sent = recordPlainTrace('genai-plain');
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    const detail = await engine.getTrace(sent.traceId);
    assert.equal(detail?.spans.length, 2);
    for (const span of detail!.spans) assert.ok(!('genai' in span), `${span.name} has no genai key`);
    const summary = (await engine.listTraces({ service: 'genai-plain' })).traces[0];
    assert.ok(summary && !('genai' in summary));
    assert.deepEqual(await engine.listSessions({}).then((p) => p.sessions.filter((s) => s.sessionId === 'web-session-1')), [], 'session.id alone is not GenAI');
  });

  test('a trace whose spans arrive in two requests: the rollup merges, counting an agent that repeats its children once', async () => {
    const sent = recordGenAiTurn({ serviceName: 'genai-split', sessionId: 'conv-split', agentReportsTotals: true });
    const [chat1, chat2] = byName(sent.spans, 'chat ');
    const [tool] = byName(sent.spans, 'execute_tool ');
    const [agent] = byName(sent.spans, 'invoke_agent ');
    // Children end first, so exporters send them first; the agent span carrying the totals comes last.
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', [chat1!, tool!]);
    const first = (await engine.listTraces({ service: 'genai-split' })).traces[0]?.genai;
    assert.deepEqual(first, {
      inputTokens: 1000, outputTokens: 200, totalTokens: 1200, costUsd: (1000 * 0.15 + 200 * 0.6) / 1e6,
      models: ['gpt-4o-mini'], agents: [], llmCalls: 1, toolCalls: 1, sessionId: 'conv-split',
    });
    await exportSpans(engine.info.otlpHttpEndpoint, 'json', [chat2!, agent!]);
    const merged = (await engine.listTraces({ service: 'genai-split' })).traces[0];
    assert.equal(merged?.spanCount, 4);
    assert.deepEqual(merged?.genai, turnRollup({ sessionId: 'conv-split' }), 'sums of both requests, the agent totals not added again');
    // The same turn in one request rolls up the same.
    const whole = await send({ serviceName: 'genai-whole', sessionId: 'conv-whole', agentReportsTotals: true });
    assert.deepEqual((await engine.listTraces({ service: 'genai-whole' })).traces[0]?.genai, turnRollup({ sessionId: 'conv-whole' }));
    assert.ok(whole.traceId);
  });

  test('GenAI log records that arrive after their span are merged into its genai when read', async () => {
    const sent = await send({ serviceName: 'genai-logs' });
    const [, chat2] = byName(sent.spans, 'chat ');
    const unmerged = await engine.getSpan(sent.traceId, chat2!.spanContext().spanId);
    assert.equal(unmerged?.genai?.outputMessages, undefined);

    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'genai-logs' }),
      processors: [new SimpleLogRecordProcessor({ exporter: memory })],
    });
    const inSpan = trace.setSpanContext(context.active(), { traceId: sent.traceId, spanId: chat2!.spanContext().spanId, traceFlags: TraceFlags.SAMPLED });
    provider.getLogger('genai').emit({
      context: inSpan,
      severityNumber: SeverityNumber.INFO,
      eventName: 'gen_ai.choice',
      body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hotel Avenida is booked.' } },
    });
    await provider.forceFlush();
    await exportOnce(new ProtoLogExporter({ url: `${engine.info.otlpHttpEndpoint}/v1/logs` }), [...memory.getFinishedLogRecords()]);
    await provider.shutdown();

    const merged = await engine.getSpan(sent.traceId, chat2!.spanContext().spanId);
    assert.deepEqual(merged?.genai?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'Hotel Avenida is booked.' }] }]);
    assert.equal(merged?.genai?.inputTokens, 500, 'the rest of the reading is unchanged');
    const inTrace = (await engine.getTrace(sent.traceId))?.spans.find((s) => s.spanId === chat2!.spanContext().spanId);
    assert.deepEqual(inTrace?.genai, merged?.genai);
  });

  describe('list filters', () => {
    const ids: Record<'mini' | 'haiku' | 'plain', string> = { mini: '', haiku: '', plain: '' };
    before(async () => {
      ids.mini = (await send({ serviceName: 'genai-filters', sessionId: 'conv-f1' })).traceId;
      ids.haiku = (await send({ serviceName: 'genai-filters', agentName: 'booker', model: 'claude-3-5-haiku', toolName: 'book_room', toolFails: true })).traceId;
      const plain = recordPlainTrace('genai-filters');
      await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', plain.spans);
      ids.plain = plain.traceId;
    });
    const found = async (query: TraceListQuery) =>
      (await engine.listTraces({ service: 'genai-filters', ...query })).traces.map((t) => Object.entries(ids).find(([, id]) => id === t.traceId)?.[0]).sort();

    test('model (request or response, exact), agent, tool and kind', async () => {
      assert.deepEqual(await found({ model: 'gpt-4o-mini' }), ['mini']);
      assert.deepEqual(await found({ model: 'gpt-4o' }), [], 'exact, not a prefix');
      assert.deepEqual(await found({ agent: 'booker' }), ['haiku']);
      assert.deepEqual(await found({ agent: 'nobody' }), []);
      assert.deepEqual(await found({ tool: 'book_room' }), ['haiku']);
      assert.deepEqual(await found({ tool: 'search_hotels', agent: 'booker' }), [], 'filters AND');
      assert.deepEqual(await found({ kind: 'tool' }), ['haiku', 'mini']);
      assert.deepEqual(await found({ kind: 'retriever' }), []);
    });

    test('has-error, tokens ≥ and cost ≥', async () => {
      assert.deepEqual(await found({ hasError: true }), ['haiku']);
      // The plain trace of a service that sends GenAI spans is internal (the noise rule): listed on request.
      assert.deepEqual(await found({ hasError: false }), ['mini']);
      assert.deepEqual(await found({ hasError: false, internal: true }), ['mini', 'plain']);
      await assert.rejects(engine.listTraces({ hasError: true, status: 'ok' }), /hasError contradicts status/);
      assert.deepEqual(await found({ minTokens: 1800 }), ['haiku', 'mini']);
      assert.deepEqual(await found({ minTokens: 1801 }), []);
      assert.deepEqual(await found({ minCostUsd: 0.001 }), ['haiku']);
      assert.deepEqual(await found({ minCostUsd: 0.01 }), []);
      const haiku = (await engine.listTraces({ service: 'genai-filters', agent: 'booker' })).traces[0];
      assert.equal(haiku?.genai?.costUsd, HAIKU_TURN_USD);
      await assert.rejects(engine.listTraces({ kind: 'robot' as never }), /kind must be one of/);
      await assert.rejects(engine.listTraces({ minTokens: -1 }), /minTokens/);
    });
  });

  test('sessions: turns grouped by session id, newest activity first, each in time order, with their users and errors', async () => {
    const t0 = Date.now() - 60_000;
    const a1 = await send({ serviceName: 'genai-sessions', sessionId: 'conv-A', startMs: t0, userId: 'user-7' });
    const b1 = await send({ serviceName: 'genai-sessions', sessionId: 'conv-B', startMs: t0 + 1000, model: 'claude-3-5-haiku' });
    const a2 = await send({ serviceName: 'genai-sessions', sessionId: 'conv-A', startMs: t0 + 2000, userId: 'user-3', toolFails: true });
    const page = await engine.listSessions({ limit: 500 });
    const mine = page.sessions.filter((s) => s.sessionId === 'conv-A' || s.sessionId === 'conv-B');
    assert.deepEqual(mine.map((s) => s.sessionId), ['conv-A', 'conv-B']);
    // Per-call costs summed: equal to the trace rollups' up to float rounding.
    assert.ok(Math.abs(mine[0]!.costUsd! - 2 * MINI_TURN_USD) < 1e-15);
    assert.deepEqual({ ...mine[0], costUsd: 2 * MINI_TURN_USD }, {
      sessionId: 'conv-A',
      turns: 2,
      inputTokens: 2 * TURN_USAGE.input,
      outputTokens: 2 * TURN_USAGE.output,
      totalTokens: 2 * (TURN_USAGE.input + TURN_USAGE.output),
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      llmCalls: 4,
      toolCalls: 2,
      models: ['gpt-4o-mini'],
      users: ['user-3', 'user-7'],
      errors: 1,
      failedTurns: 1,
      costUsd: 2 * MINI_TURN_USD,
      costSource: 'prices',
      serviceName: 'genai-sessions',
      firstActivityUnixNano: String(BigInt(t0) * 1_000_000n),
      lastActivityUnixNano: String(BigInt(t0 + 2040) * 1_000_000n),
    });
    assert.ok(Math.abs(mine[1]!.costUsd! - HAIKU_TURN_USD) < 1e-15);
    const detail = await engine.getSession('conv-A');
    assert.deepEqual(detail?.traces.map((t) => t.traceId), [a1.traceId, a2.traceId]);
    // No log events: each trace is a turn, read from its spans.
    assert.deepEqual(detail?.turns.map((t) => [t.traceIds, t.source, t.llmCalls.length, t.toolCalls.length, t.errors]), [
      [[a1.traceId], 'spans', 2, 1, 0],
      [[a2.traceId], 'spans', 2, 1, 1],
    ]);
    assert.deepEqual(detail?.summary, mine[0], 'the list shows the summary the session page builds');
    assert.equal(detail?.truncated, false);
    assert.equal(detail?.traces[0]?.genai?.sessionId, 'conv-A');
    assert.equal(await engine.getSession('conv-none'), null);
    assert.ok(b1.traceId);

    // Pages follow the cursor without gaps or repeats.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await engine.listSessions({ limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...p.sessions.map((s) => s.sessionId));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, page.sessions.map((s) => s.sessionId));
    await assert.rejects(engine.listSessions({ cursor: 'bogus' }), /cursor/);
  });
});

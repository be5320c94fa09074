/**
 * Compare on two real agent runs (recorded with the OTel JS SDK, sent by its OTLP exporter to a
 * real engine, read back over REST) that differ by exactly one tool call and one answer: the
 * comparison finds exactly that, and every other step is `same`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompareResult } from '../../src-shared/contract';
import { recordAgentRun, type AgentRun } from '../support/agent-run';
import { startTestApiServer, startTestEngine, eventually } from '../support/engine';
import { exportSpans } from '../support/otel';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Awaited<ReturnType<typeof startTestApiServer>>;
let a: AgentRun;
let b: AgentRun;
const ANSWER_B = 'Your trip: TP 553 on 16 May (176 EUR each way) and 3 nights at Casa do Principe (435 EUR). Sunny, 24 °C. Total about 787 EUR for two.';

before(async () => {
  engine = await startTestEngine();
  api = await startTestApiServer(engine);
  const now = Date.now();
  a = recordAgentRun({ startMs: now - 120_000 });
  b = recordAgentRun({ startMs: now - 60_000, extraTool: true, finalAnswer: ANSWER_B });
  await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', a.spans);
  await exportSpans(engine.info.otlpHttpEndpoint, 'json', b.spans);
  await eventually(async () => ((await engine.getTrace(b.traceId))?.spans.length === b.spans.length ? true : null));
});

after(async () => {
  api.close();
  await engine.close();
});

test('two runs differing by one tool call and one answer: exactly one added tool step and one changed LLM step', async () => {
  const res = await fetch(`${api.base}/api/v1/compare?a=${a.traceId}&b=${b.traceId}`);
  assert.equal(res.status, 200);
  const r = (await res.json()) as CompareResult;
  const notSame = r.steps.filter((s) => s.status !== 'same');
  assert.deepEqual(notSame.map((s) => `${s.status} ${s.kind} ${s.name} ${s.agent}`), ['added tool get_weather travel_planner', 'changed llm gpt-4o travel_planner']);
  const [added, changed] = notSame as [CompareResult['steps'][number], CompareResult['steps'][number]];
  assert.equal(added.a, undefined);
  assert.equal(added.b?.spanName, 'execute_tool get_weather');
  assert.equal(changed.a?.spanId, a.ids.finalChat);
  assert.equal(changed.b?.spanId, b.ids.finalChat);
  assert.deepEqual(changed.diffs?.map((d) => d.field), ['output']);
  assert.match(changed.diffs![0]!.a!, /Total about 787 EUR for two\.$/);
  assert.match(changed.diffs![0]!.b!, /Sunny, 24 °C/);

  // Everything else is the same, step for step: 2 agents, 5 LLM calls, the tool calls of run a.
  const same = r.steps.filter((s) => s.status === 'same');
  assert.equal(same.filter((s) => s.kind === 'agent').length, 2);
  assert.equal(same.filter((s) => s.kind === 'llm').length, 4);
  assert.equal(same.filter((s) => s.kind === 'tool').length, 6);
  assert.ok(same.every((s) => s.a && s.b && s.delta.tokens === 0 && s.delta.durationMs === 0));
  assert.deepEqual(new Set(same.map((s) => s.agent)), new Set([null, 'travel_planner', 'booking_agent']));

  // Totals as the trace list's rollups count them.
  const list = await engine.listTraces({});
  for (const [side, run] of [['a', a], ['b', b]] as const) {
    const rollup = list.traces.find((t) => t.traceId === run.traceId)!.genai!;
    assert.equal(r.totals[side].tokens, rollup.totalTokens);
    assert.equal(r.totals[side].costUsd, rollup.costUsd);
    assert.equal(r.totals[side].llmCalls, rollup.llmCalls);
    assert.equal(r.totals[side].toolCalls, rollup.toolCalls);
    assert.equal(r.totals[side].errors, 1);
    assert.equal(r.totals[side].traceId, run.traceId);
  }
  assert.equal(r.totals.b.toolCalls, r.totals.a.toolCalls + 1);
});

test('the engine answers the same as REST; unknown is 404 (null), a malformed id 400', async () => {
  const direct = await engine.compareTraces(a.traceId, b.traceId);
  const rest = (await (await fetch(`${api.base}/api/v1/compare?a=${a.traceId}&b=${b.traceId}`)).json()) as CompareResult;
  assert.deepEqual(direct, rest);
  const unknown = '0'.repeat(31) + '1';
  assert.equal(await engine.compareTraces(a.traceId, unknown), null);
  assert.equal((await fetch(`${api.base}/api/v1/compare?a=${unknown}&b=${b.traceId}`)).status, 404);
  assert.equal((await fetch(`${api.base}/api/v1/compare?a=${a.traceId}`)).status, 400);
  assert.equal((await fetch(`${api.base}/api/v1/compare?a=nothex&b=${b.traceId}`)).status, 400);
  // A run against itself: nothing but same.
  const self = (await engine.compareTraces(a.traceId, a.traceId))!;
  assert.ok(self.steps.every((s) => s.status === 'same'));
});

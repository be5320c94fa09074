/**
 * `GET /api/v1/traces/{id}/graph`: the agent graph of a stored trace over real sockets, sent by the
 * official OTLP exporter: nodes by GenAI kind with `calls` edges, a failing tool marked, repeated
 * tool calls folded on request, and clear errors for unknown traces and bad options.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startTestApiServer, startTestEngine } from '../support/engine';
import { exportSpans } from '../support/otel';
import { recordGenAiTurn } from '../support/otel-genai';
import type { Engine } from '../../src-main/engine';
import type { AgentGraph } from '../../src-shared/contract';

/** An agent that calls the same tool `calls` times, recorded by the real SDK. */
function recordRepeatedToolCalls(calls: number) {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'graph-repeats' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('graph-test');
  const root = tracer.startSpan('invoke_agent crawler', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'crawler' } });
  const inRoot = trace.setSpan(context.active(), root);
  for (let i = 0; i < calls; i++) {
    tracer
      .startSpan('execute_tool fetch_page', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch_page', 'gen_ai.tool.call.id': `call_${i}` } }, inRoot)
      .end();
  }
  root.end();
  return { traceId: root.spanContext().traceId, spans: memory.getFinishedSpans() };
}

describe('agent graph over REST', () => {
  let engine: Engine;
  let rest: Awaited<ReturnType<typeof startTestApiServer>>;
  let base: string;
  before(async () => {
    engine = await startTestEngine();
    rest = await startTestApiServer(engine);
    base = rest.base;
  });
  after(async () => {
    rest.close();
    await engine.close();
  });

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  test('an agent turn: agent → llm, tool, llm by calls edges; the failing tool is marked', async () => {
    const sent = recordGenAiTurn({ serviceName: 'graph-turn', toolFails: true });
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    const { status, body } = await get(`/api/v1/traces/${sent.traceId}/graph`);
    assert.equal(status, 200);
    const graph = body as AgentGraph;
    assert.deepEqual(graph.nodes.map((n) => [n.kind, n.label]), [
      ['agent', 'planner'],
      ['llm', 'gpt-4o-mini'],
      ['tool', 'search_hotels'],
      ['llm', 'gpt-4o-mini'],
    ]);
    const agent = graph.nodes[0]!;
    const calls = graph.edges.filter((e) => e.type === 'calls');
    assert.equal(calls.length, 3);
    assert.ok(calls.every((e) => e.from === agent.id));
    const tool = graph.nodes[2]!;
    assert.equal(tool.status, 'error');
    assert.equal(tool.errorMessage, 'hotel API timed out');
    assert.equal(graph.nodes[1]!.inputTokens, 1000);
  });

  test('?collapse=N folds repeated tool calls into one node with a count', async () => {
    const sent = recordRepeatedToolCalls(12);
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    const full = (await get(`/api/v1/traces/${sent.traceId}/graph`)).body as AgentGraph;
    assert.equal(full.nodes.length, 13);
    const folded = (await get(`/api/v1/traces/${sent.traceId}/graph?collapse=5`)).body as AgentGraph;
    assert.equal(folded.nodes.length, 2);
    const tools = folded.nodes.find((n) => n.kind === 'tool')!;
    assert.equal(tools.count, 12);
    assert.equal(tools.collapsedSpanIds.length, 12);
    assert.equal(folded.edges.find((e) => e.type === 'calls')?.count, 12);
  });

  test('unknown trace is 404; a bad collapse value is 400 with the reason', async () => {
    assert.equal((await get(`/api/v1/traces/${'e'.repeat(32)}/graph`)).status, 404);
    const bad = await get(`/api/v1/traces/${'e'.repeat(32)}/graph?collapse=1`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /collapse must be 0 or an integer 2\.\.10000/);
    assert.equal((await get(`/api/v1/traces/${'e'.repeat(32)}/graph?depth=3`)).status, 400);
  });
});

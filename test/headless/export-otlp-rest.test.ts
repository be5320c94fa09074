/**
 * `GET /api/v1/traces/{id}/otlp` end to end: the official OTel JS exporters send a varied trace
 * (every attribute type the SDK lets through, maps and bytes on the resource, events, links to
 * another trace, an error, a parent that never arrived, two services and several scopes, limits that
 * drop data) to one engine; the exported JSON, posted to a second, fresh engine's OTLP receiver,
 * comes back as the same trace span for span, GenAI included.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, createTraceState, SpanKind, SpanStatusCode, trace, TraceFlags, type AttributeValue } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Engine } from '../../src-main/engine';
import type { TraceDetail } from '../../src-shared/contract';
import { eventually, post, startTestApiServer, startTestEngine } from '../support/engine';
import { exportSpans } from '../support/otel';

const OTHER_TRACE = 'a1'.repeat(16);
const MISSING_PARENT = 'dead00000000beef';

/** Two services of one agent run, recorded by real TracerProviders; times are explicit and distinct. */
function recordVariedTrace(): { traceId: string; spanCount: number; planner: ReadableSpan[]; tools: ReadableSpan[] } {
  const t0 = Date.now() - 60_000;
  const at = (ms: number) => new Date(t0 + ms);
  const plannerMemory = new InMemorySpanExporter();
  const planner = new TracerProvider({
    // Resource attributes are not sanitized by the SDK, so maps and bytes reach the exporter (kvlistValue, bytesValue).
    resource: resourceFromAttributes({
      'service.name': 'planner-svc',
      'service.version': '2.1.0',
      'host.cpus': 8,
      'deployment.labels': { team: 'agents', tier: 2, canary: false } as unknown as AttributeValue,
      'build.digest': new Uint8Array([0, 1, 2, 250, 255]) as unknown as AttributeValue,
      'build.blob': new Uint8Array(70 * 1024).fill(7) as unknown as AttributeValue,
    }),
    spanLimits: { attributeCountLimit: 12, eventCountLimit: 2, linkCountLimit: 2 },
    spanProcessors: [new SimpleSpanProcessor({ exporter: plannerMemory })],
  });
  const agentTracer = planner.getTracer('agent-framework', '0.9.1');
  const llmTracer = planner.getTracer('openai-instrumentation');

  // The run continues a request whose span never reached us: a remote parent with a trace state.
  const remote = trace.setSpanContext(context.active(), {
    traceId: 'c0ffee'.padEnd(32, '7'),
    spanId: MISSING_PARENT,
    traceFlags: TraceFlags.SAMPLED,
    traceState: createTraceState('vendor=flowtrace,rojo=00f067aa0ba902b7'),
    isRemote: true,
  });
  const root = agentTracer.startSpan(
    'invoke_agent planner',
    {
      kind: SpanKind.SERVER,
      startTime: at(0),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'planner',
        'gen_ai.conversation.id': 'conv-42',
        text: 'héllo ✓ <b>markup</b>',
        long: 'x'.repeat(70 * 1024),
        int: 42,
        negative: -7,
        double: 3.25,
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        bool: true,
        strings: ['a', 'b', ''],
        numbers: [1, 2, 3],
        doubles: [0.5, 1.5],
        bools: [true, false],
        overLimit: 'dropped',
        overLimit2: 'dropped too',
      },
      links: [
        // Over the link limit: the SDK keeps the newest links, so the first one is dropped (and counted).
        { context: { traceId: OTHER_TRACE, spanId: 'b4'.repeat(8), traceFlags: 0 }, attributes: { dropped: true } },
        { context: { traceId: OTHER_TRACE, spanId: 'b2'.repeat(8), traceFlags: 1, traceState: createTraceState('other=1') }, attributes: { 'link.kind': 'follows_from', attempt: 2 } },
        { context: { traceId: OTHER_TRACE, spanId: 'b3'.repeat(8), traceFlags: 0 } },
      ],
    },
    remote,
  );
  root.addEvent('start', { step: 1 }, at(1));
  root.addEvent('thinking', {}, at(2));
  root.addEvent('over the event limit', {}, at(3));
  const inRoot = trace.setSpan(context.active(), root);
  const chat = llmTracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      startTime: at(10),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 80,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Book Lisbon' }] }]),
      },
    },
    inRoot,
  );
  chat.addEvent('gen_ai.choice', { 'gen_ai.choice.finish_reason': 'tool_calls', index: 0 }, at(15));
  chat.setStatus({ code: SpanStatusCode.OK });
  chat.end(at(20));

  const toolsMemory = new InMemorySpanExporter();
  const tools = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tools-svc' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: toolsMemory })],
  });
  const tool = tools.getTracer('tool-runner', '1.0.0').startSpan(
    'execute_tool search_hotels',
    {
      kind: SpanKind.CONSUMER,
      startTime: at(21),
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_hotels', 'gen_ai.tool.call.id': 'call_1' },
    },
    inRoot,
  );
  tool.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'hotel API timed out' }, at(25));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
  tool.end(at(30));
  const producer = tools.getTracer('queue').startSpan('enqueue retry', { kind: SpanKind.PRODUCER, startTime: at(31) }, inRoot);
  producer.end(at(32));
  root.end(at(40));

  return { traceId: root.spanContext().traceId, spanCount: 4, planner: plannerMemory.getFinishedSpans(), tools: toolsMemory.getFinishedSpans() };
}

describe('export a trace as OTLP/JSON over REST', () => {
  let source: Engine;
  let target: Engine;
  let rest: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    [source, target] = await Promise.all([startTestEngine(), startTestEngine()]);
    rest = await startTestApiServer(source);
  });
  after(async () => {
    rest.close();
    await Promise.all([source.close(), target.close()]);
  });

  test('the exported JSON re-imports into a fresh engine as the same trace, span for span', async () => {
    const sent = recordVariedTrace();
    // Both encodings on the way in: protobuf keeps NaN/Infinity, JSON is what a browser SDK sends.
    await exportSpans(source.info.otlpHttpEndpoint, 'protobuf', sent.planner);
    await exportSpans(source.info.otlpHttpEndpoint, 'json', sent.tools);
    const original = await eventually(async () => {
      const t = await source.getTrace(sent.traceId);
      return t && t.spans.length === sent.spanCount ? t : null;
    });
    // The trace really is varied: the cases this test exists for are present in what was stored.
    const root = original.spans.find((s) => s.name === 'invoke_agent planner')!;
    assert.equal(root.parentSpanId, MISSING_PARENT);
    assert.equal(root.traceState, 'vendor=flowtrace,rojo=00f067aa0ba902b7');
    assert.equal(root.droppedAttributesCount, 5);
    assert.equal(root.droppedEventsCount, 1);
    assert.equal(root.droppedLinksCount, 1);
    assert.deepEqual(root.links.map((l) => [l.spanId, l.traceState, l.attributes]), [['b2'.repeat(8), 'other=1', { 'link.kind': 'follows_from', attempt: 2 }], ['b3'.repeat(8), '', {}]]);
    assert.deepEqual(root.resource.attributes['deployment.labels'], { team: 'agents', tier: 2, canary: false });
    assert.equal(root.resource.attributes['build.digest'], 'AAEC+v8=');
    assert.equal(root.attributes.nan, 'NaN');
    assert.ok((root.resource.attributes['build.blob'] as string).length > 64 * 1024, 'bytes stored longer than any string may be');
    assert.equal(new Set(original.spans.map((s) => s.resource.attributes['service.name'])).size, 2);
    assert.equal(new Set(original.spans.map((s) => s.scope.name)).size, 4);
    assert.deepEqual(original.spans.map((s) => s.genai?.kind ?? null), ['agent', 'llm', 'tool', null]);
    assert.equal(original.spans.find((s) => s.genai?.kind === 'llm')?.genai?.inputTokens, 1200);

    const res = await fetch(`${rest.base}/api/v1/traces/${sent.traceId}/otlp`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="trace-${sent.traceId}.otlp.json"`);
    const json = await res.text();
    const request = JSON.parse(json) as { resourceSpans: Array<{ scopeSpans: unknown[] }> };
    assert.equal(request.resourceSpans.length, 2, 'one entry per resource');
    assert.deepEqual(request.resourceSpans.map((r) => r.scopeSpans.length).sort(), [2, 2]);
    assert.equal(json, await source.exportTraceOtlp(sent.traceId), 'REST serves the contract method’s text');

    const answer = await post(`${target.info.otlpHttpEndpoint}/v1/traces`, json, { 'content-type': 'application/json' });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString()) as unknown, {}, 'no span rejected, nothing trimmed');
    const reimported: TraceDetail = await eventually(async () => {
      const t = await target.getTrace(sent.traceId);
      return t && t.spans.length === sent.spanCount ? t : null;
    });
    // Span for span; the audit digest is over each store's own encoding, so it differs by store.
    assert.deepEqual({ ...reimported, audit: undefined }, { ...original, audit: undefined });
    assert.deepEqual(await target.listTraces({}), await source.listTraces({}), 'the list row (rollup, cost, counts) is the same too');
  });

  test('an unknown trace is a 404 JSON error, a malformed id a 400', async () => {
    const missing = await fetch(`${rest.base}/api/v1/traces/${'0f'.repeat(16)}/otlp`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'trace not found' });
    assert.equal(await source.exportTraceOtlp('0f'.repeat(16)), null);
    const bad = await fetch(`${rest.base}/api/v1/traces/not-hex/otlp`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /traceId/);
  });
});

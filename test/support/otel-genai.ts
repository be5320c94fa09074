/**
 * A GenAI agent turn recorded with the official OpenTelemetry JS SDK, with OTel GenAI semantic
 * convention attributes (current names): an agent invocation that calls a model, a tool, and the
 * model again, with token usage and a conversation (session) id. Times are explicit so turns of one
 * session have a known order. Sent with the real OTLP exporters (test/support/otel.ts).
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SentTrace } from './otel';

export interface GenAiTurnOptions {
  serviceName: string;
  sessionId?: string;
  agentName?: string;
  model?: string;
  toolName?: string;
  /** The tool call fails (status error). */
  toolFails?: boolean;
  /** The end user (`user.id` on the agent span). */
  userId?: string;
  /** Unix ms the turn starts at; each span starts 10 ms after the previous one. */
  startMs?: number;
  /**
   * The agent span repeats its children's usage as its own (several frameworks do); the rollup
   * must not count it twice.
   */
  agentReportsTotals?: boolean;
}

/** Usage of the two model calls of a turn. */
export const TURN_USAGE = { calls: [{ input: 1000, output: 200 }, { input: 500, output: 100 }], input: 1500, output: 300 };

export function recordGenAiTurn(options: GenAiTurnOptions): SentTrace {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('flowtrace-genai-tests', '1.0.0');
  const model = options.model ?? 'gpt-4o-mini';
  const agent = options.agentName ?? 'planner';
  const tool = options.toolName ?? 'search_hotels';
  const t0 = options.startMs ?? Date.now();
  const at = (i: number) => new Date(t0 + i * 10);
  const session = options.sessionId === undefined ? {} : { 'gen_ai.conversation.id': options.sessionId };

  const root = tracer.startSpan(`invoke_agent ${agent}`, {
    kind: SpanKind.INTERNAL,
    startTime: at(0),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'gen_ai.provider.name': 'openai',
      ...session,
      ...(options.userId === undefined ? {} : { 'user.id': options.userId }),
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const chat = (i: number, usage: { input: number; output: number }, finish: string) => {
    const span = tracer.startSpan(
      `chat ${model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: at(i),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': model,
          'gen_ai.response.model': model,
          'gen_ai.usage.input_tokens': usage.input,
          'gen_ai.usage.output_tokens': usage.output,
          'gen_ai.response.finish_reasons': [finish],
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Find a hotel in Lisbon' }] }]),
          ...session,
        },
      },
      inRoot,
    );
    span.end(at(i + 0.5));
  };
  chat(1, TURN_USAGE.calls[0]!, 'tool_calls');
  const toolSpan = tracer.startSpan(
    `execute_tool ${tool}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: at(2),
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'gen_ai.tool.call.id': 'call_1', ...session },
    },
    inRoot,
  );
  if (options.toolFails) toolSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
  toolSpan.end(at(2.5));
  chat(3, TURN_USAGE.calls[1]!, 'stop');
  if (options.agentReportsTotals) {
    root.setAttributes({ 'gen_ai.usage.input_tokens': TURN_USAGE.input, 'gen_ai.usage.output_tokens': TURN_USAGE.output });
  }
  root.end(at(4));
  const spans = memory.getFinishedSpans();
  return { traceId: root.spanContext().traceId, spanIds: spans.map((s) => s.spanContext().spanId), spans };
}

/** A trace without any GenAI marker: an HTTP server span and a database call. */
export function recordPlainTrace(serviceName: string): SentTrace {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('flowtrace-genai-tests', '1.0.0');
  const root = tracer.startSpan('GET /hotels', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'session.id': 'web-session-1' } });
  tracer.startSpan('SELECT hotels', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, trace.setSpan(context.active(), root)).end();
  root.end();
  const spans = memory.getFinishedSpans();
  return { traceId: root.spanContext().traceId, spanIds: spans.map((s) => s.spanContext().spanId), spans };
}

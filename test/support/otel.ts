/**
 * Sends real OTLP with the official OpenTelemetry JS SDK and exporters, the way a user's agent would.
 * Spans are recorded by a real TracerProvider, then handed to the real OTLP exporter; the promise
 * settles with the exporter's own verdict, so "acknowledged" means what it means for a user.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';

export type OtlpHttpProtocol = 'protobuf' | 'json';

export interface SentTrace {
  traceId: string;
  spanIds: string[];
  spans: ReadableSpan[];
}

export interface AgentTraceOptions {
  serviceName?: string;
  rootName?: string;
  /** Extra tool calls under the agent, to make bigger traces. */
  toolCalls?: number;
  /** The exporter's own deadline, retries included (its default is 10 s). */
  timeoutMillis?: number;
}

/** Records a small agent run (agent → LLM call → failing tool call → LLM call) with the real SDK. */
export function recordAgentTrace(options: AgentTraceOptions = {}): SentTrace {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'travel-agent' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('flowtrace-tests', '1.0.0');
  const root = tracer.startSpan(options.rootName ?? 'invoke_agent planner', {
    kind: SpanKind.INTERNAL,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 812,
        'gen_ai.usage.output_tokens': 64,
        'gen_ai.request.temperature': 0.2,
      },
    },
    inRoot,
  );
  llm.addEvent('gen_ai.choice', { 'gen_ai.choice.finish_reason': 'tool_calls' });
  llm.end();
  const tool = tracer.startSpan(
    'execute_tool search_hotels',
    { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.tool.name': 'search_hotels', 'gen_ai.tool.call.id': 'call_1' } },
    inRoot,
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
  tool.end();
  for (let i = 0; i < (options.toolCalls ?? 0); i++) {
    tracer.startSpan(`execute_tool lookup_${i}`, { attributes: { 'gen_ai.tool.name': `lookup_${i}` } }, inRoot).end();
  }
  tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.request.model': 'gpt-4o-mini' } }, inRoot).end();
  root.end();
  const spans = memory.getFinishedSpans();
  return {
    traceId: root.spanContext().traceId,
    spanIds: spans.map((s) => s.spanContext().spanId),
    spans,
  };
}

/** Exports spans through the official OTLP/HTTP exporter for `protocol`; rejects unless it reports success. */
export async function exportSpans(otlpHttpBase: string, protocol: OtlpHttpProtocol, spans: ReadableSpan[], timeoutMillis?: number): Promise<void> {
  const url = `${otlpHttpBase.replace(/\/$/, '')}/v1/traces`;
  const config = timeoutMillis === undefined ? { url } : { url, timeoutMillis };
  const exporter = protocol === 'protobuf' ? new ProtoExporter(config) : new JsonExporter(config);
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(spans, (result) => {
        if (result.code === 0) resolve();
        else reject(result.error ?? new Error(`export failed with code ${result.code}`));
      });
    });
  } finally {
    await exporter.shutdown();
  }
}

/** Records an agent trace and exports it; resolves once the exporter got its success answer. */
export async function sendAgentTrace(
  otlpHttpBase: string,
  protocol: OtlpHttpProtocol,
  options: AgentTraceOptions = {},
): Promise<SentTrace> {
  const sent = recordAgentTrace(options);
  await exportSpans(otlpHttpBase, protocol, sent.spans, options.timeoutMillis);
  return sent;
}

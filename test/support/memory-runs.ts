/**
 * Agent runs for memory tests, recorded with the official OTel JS SDK in the OTel GenAI
 * conventions (messages as `gen_ai.input.messages` / `gen_ai.output.messages`, a tool call with its
 * arguments and result), so what Flowtrace remembers comes through the real ingest path.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SentTrace } from './otel';

export interface ConversationRun {
  service: string;
  agent: string;
  session: string;
  user: string;
  assistant: string;
  tool?: { name: string; arguments: Record<string, unknown>; result: string };
  /** The tool call fails with this message. */
  error?: string;
}

export interface RecordedRun extends SentTrace {
  llmSpanId: string;
}

const text = (role: string, content: string) => JSON.stringify([{ role, parts: [{ type: 'text', content }] }]);

export function recordConversation(run: ConversationRun): RecordedRun {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': run.service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('flowtrace-memory-tests', '1.0.0');
  const session = { 'gen_ai.conversation.id': run.session };
  const root = tracer.startSpan(`invoke_agent ${run.agent}`, {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': run.agent, ...session },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 40,
        'gen_ai.input.messages': text('user', run.user),
        'gen_ai.output.messages': text('assistant', run.assistant),
        ...session,
      },
    },
    inRoot,
  );
  llm.end();
  if (run.tool) {
    const tool = tracer.startSpan(
      `execute_tool ${run.tool.name}`,
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': run.tool.name,
          'gen_ai.tool.call.id': 'call_1',
          'gen_ai.tool.call.arguments': JSON.stringify(run.tool.arguments),
          'gen_ai.tool.call.result': run.tool.result,
          ...session,
        },
      },
      inRoot,
    );
    if (run.error) tool.setStatus({ code: SpanStatusCode.ERROR, message: run.error });
    tool.end();
  }
  root.end();
  const spans = exporter.getFinishedSpans();
  return { traceId: root.spanContext().traceId, spanIds: spans.map((s) => s.spanContext().spanId), spans, llmSpanId: llm.spanContext().spanId };
}

/** Three runs about different things; the first is what the paraphrase queries look for. */
export const MEMORY_RUNS: ConversationRun[] = [
  {
    service: 'travel-agent',
    agent: 'booking',
    session: 'sess-hotel',
    user: 'Book me a hotel room in Lisbon for next Friday.',
    assistant: 'The booking service timed out twice, so I could not reserve the room in Lisbon.',
    tool: { name: 'reserve_room', arguments: { city: 'Lisbon', nights: 2 }, result: 'error: upstream booking service timed out after 30 s' },
    error: 'booking service timed out',
  },
  {
    service: 'support-bot',
    agent: 'billing',
    session: 'sess-refund',
    user: 'I was charged twice for my subscription this month.',
    assistant: 'I refunded the duplicate payment of 12 euros to your card.',
    tool: { name: 'issue_refund', arguments: { amount: 12, currency: 'EUR' }, result: 'refund issued' },
  },
  {
    service: 'data-pipeline',
    agent: 'etl',
    session: 'sess-etl',
    user: 'Load yesterday\'s sales export into the warehouse.',
    assistant: 'Imported 48,210 rows of sales data into the warehouse table.',
  },
];

/** Shares no content word with MEMORY_RUNS[0]. */
export const PARAPHRASE_OF_FIRST = 'accommodation reservation backend never answered';

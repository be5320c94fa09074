/**
 * Small agent runs for funnel tests, recorded by the official OTel SDK with explicit start times so
 * the order of steps is what the test says. A run is one trace: a root span, then its children at
 * the given offsets (ms after the root starts). Sent with the real OTLP exporter (otel.ts).
 */
import { context, trace, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';

export type FunnelSpan =
  | { agent: string; at: number; fails?: boolean; attributes?: Attributes }
  | { tool: string; at: number; fails?: boolean }
  | { llm: string; at: number; fails?: boolean }
  | { plain: string; at: number; fails?: boolean };

export interface FunnelRunSpec {
  /** ms since the epoch at which the root starts. */
  startMs: number;
  spans: FunnelSpan[];
  /** Put on every span as gen_ai.conversation.id. */
  sessionId?: string;
  /** The root span's name; `run` when not given. */
  rootName?: string;
}

function nameAndAttributes(s: FunnelSpan): [string, Attributes] {
  if ('agent' in s) return [`invoke_agent ${s.agent}`, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': s.agent, ...s.attributes }];
  if ('tool' in s) return [`execute_tool ${s.tool}`, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': s.tool }];
  if ('llm' in s) return [`chat ${s.llm}`, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': s.llm, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }];
  return [s.plain, {}];
}

/** Records the runs; returns their trace ids (in the order given) and the spans to export. */
export function recordFunnelRuns(serviceName: string, runs: FunnelRunSpec[]): { traceIds: string[]; spans: ReadableSpan[] } {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('funnel-test');
  const traceIds: string[] = [];
  for (const run of runs) {
    const session: Attributes = run.sessionId ? { 'gen_ai.conversation.id': run.sessionId } : {};
    const end = run.startMs + Math.max(0, ...run.spans.map((s) => s.at)) + 100;
    const root = tracer.startSpan(run.rootName ?? 'run', { startTime: run.startMs, attributes: session }, context.active());
    const inRoot = trace.setSpan(context.active(), root);
    for (const s of run.spans) {
      const [name, attributes] = nameAndAttributes(s);
      const span = tracer.startSpan(name, { startTime: run.startMs + s.at, attributes: { ...attributes, ...session } }, inRoot);
      if (s.fails) span.setStatus({ code: SpanStatusCode.ERROR, message: `${name} failed` });
      span.end(run.startMs + s.at + 50);
    }
    root.end(end);
    traceIds.push(root.spanContext().traceId);
  }
  return { traceIds, spans: memory.getFinishedSpans() };
}

/**
 * The hand-counted set (README "Funnels"): for [agent planner → tool search_hotels → tool book_hotel]
 * 7 runs, 6 reach step 1, 4 step 2, 2 step 3; outcomes 2 completed, 1 failed (r3: a model call
 * fails after its search), 3 abandoned. r6 searches before planning (does not count as step 2), r7
 * never plans. r1, r3, r5 carry user.tier=gold on the agent span.
 */
export function handCountedRuns(baseMs: number): FunnelRunSpec[] {
  const gold = { 'user.tier': 'gold' };
  return [
    { startMs: baseMs, spans: [{ agent: 'planner', at: 1, attributes: gold }, { tool: 'search_hotels', at: 10 }, { tool: 'book_hotel', at: 20 }] },
    { startMs: baseMs + 10_000, spans: [{ agent: 'planner', at: 1 }, { tool: 'search_hotels', at: 10 }, { tool: 'book_hotel', at: 20 }] },
    { startMs: baseMs + 20_000, spans: [{ agent: 'planner', at: 1, attributes: gold }, { tool: 'search_hotels', at: 10 }, { llm: 'gpt-4o-mini', at: 20, fails: true }] },
    { startMs: baseMs + 30_000, spans: [{ agent: 'planner', at: 1 }, { tool: 'search_hotels', at: 10 }] },
    { startMs: baseMs + 40_000, spans: [{ agent: 'planner', at: 1, attributes: gold }] },
    { startMs: baseMs + 50_000, spans: [{ tool: 'search_hotels', at: 1 }, { agent: 'planner', at: 10 }] },
    { startMs: baseMs + 60_000, spans: [{ tool: 'search_hotels', at: 1 }, { tool: 'book_hotel', at: 10 }] },
  ];
}

export const HAND_COUNTED_STEPS = [
  { type: 'agent', value: 'planner' },
  { type: 'tool', value: 'search_hotels' },
  { type: 'tool', value: 'book_hotel' },
] as const;

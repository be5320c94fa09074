/**
 * Sends the memory evaluation runs (test/fixtures/memory/eval-runs.ts) as real OTLP: each run is
 * recorded by the official OpenTelemetry JS SDK as one trace in the current OTel GenAI conventions
 * and exported with the official OTLP/HTTP exporter (test/support/otel.ts), as an agent would.
 *
 * The trace: `invoke_agent <agent>` (agent name, provider, conversation id) over its steps in order.
 * An LLM call is `chat <model>` with `gen_ai.input.messages` (the conversation so far: system and
 * user prompts, earlier answers with their tool_call parts, tool results as `tool` messages) and
 * `gen_ai.output.messages` (the answer, and the tool_call parts it asks for). A tool call is
 * `execute_tool <name>` with `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result` as JSON.
 * A failure sets the span's status to error with its message, `error.type`, and an `exception` event.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  agentSpanName,
  llmSpanName,
  toolCallsAfter,
  toolResponse,
  toolSpanName,
  type EvalFailure,
  type EvalLlmCall,
  type EvalRun,
  type EvalToolCall,
} from '../fixtures/memory/eval-runs';
import { exportSpans, type OtlpHttpProtocol } from './otel';

/** What was sent for one run: its trace, and its span ids (the agent span first, then one per step in order). */
export interface SentEvalRun {
  traceId: string;
  spanIds: string[];
}

export interface RecordedEvalRun extends SentEvalRun {
  spans: ReadableSpan[];
}

/** A message in the OTel GenAI JSON schema for `gen_ai.input.messages` / `gen_ai.output.messages`. */
interface GenAiJsonMessage {
  role: string;
  parts: Array<Record<string, unknown>>;
  finish_reason?: string;
}

const LLM_MS = 900;
const TOOL_MS = 250;
const GAP_MS = 20;

const textMessage = (role: string, content: string): GenAiJsonMessage => ({ role, parts: [{ type: 'text', content }] });

/** A rough token count (≈ 1.4 tokens a word), so spans carry plausible usage. */
function tokensOf(messages: readonly GenAiJsonMessage[]): number {
  return Math.ceil(JSON.stringify(messages).split(/\s+/).length * 1.4);
}

function fail(span: Span, failure: EvalFailure, atMs: number): void {
  span.setAttribute('error.type', failure.type);
  span.addEvent('exception', { 'exception.type': failure.type, 'exception.message': failure.message }, atMs);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}

/** Records one run with the real SDK; the run starts at `startMs` (unix ms). */
export function recordEvalRun(run: EvalRun, startMs: number): RecordedEvalRun {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': run.service, 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('flowtrace-memory-eval', '1.0.0');
  const session = { 'gen_ai.conversation.id': run.sessionId };
  const root = tracer.startSpan(agentSpanName(run), {
    kind: SpanKind.INTERNAL,
    startTime: startMs,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': run.agent, 'gen_ai.provider.name': run.provider, ...session },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const stepSpans: Span[] = [];
  const callIds = new Map<EvalToolCall, string>();
  const history: GenAiJsonMessage[] = [];
  let at = startMs + GAP_MS;

  const recordLlm = (call: EvalLlmCall, index: number): Span => {
    const input = [...history, ...call.input.map((m) => textMessage(m.role, m.text))];
    const asked = toolCallsAfter(run, index);
    asked.forEach((t, i) => callIds.set(t, `call_${index}_${i}`));
    const parts: Array<Record<string, unknown>> = call.output.map((m) => ({ type: 'text', content: m.text }));
    for (const t of asked) parts.push({ type: 'tool_call', id: callIds.get(t), name: t.name, arguments: t.arguments });
    const finish = asked.length > 0 ? 'tool_call' : 'stop';
    const output: GenAiJsonMessage[] = call.error || parts.length === 0 ? [] : [{ role: 'assistant', parts, finish_reason: finish }];
    const span = tracer.startSpan(llmSpanName(call), {
      kind: SpanKind.CLIENT,
      startTime: at,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': run.provider,
        'gen_ai.request.model': call.model,
        'gen_ai.input.messages': JSON.stringify(input),
        ...session,
        ...(call.error
          ? {}
          : {
              'gen_ai.response.model': call.model,
              'gen_ai.response.finish_reasons': [finish],
              'gen_ai.output.messages': JSON.stringify(output),
              'gen_ai.usage.input_tokens': tokensOf(input),
              'gen_ai.usage.output_tokens': tokensOf(output),
            }),
      },
    }, inRoot);
    history.splice(0, history.length, ...input, ...output);
    return span;
  };

  const recordTool = (call: EvalToolCall): Span => {
    const id = callIds.get(call) ?? `call_${stepSpans.length}`;
    // Structured results as JSON; a text result as the text itself, as instrumentations send it.
    const resultText = typeof call.result === 'string' ? call.result : JSON.stringify(call.result);
    const result = call.result === undefined ? {} : { 'gen_ai.tool.call.result': resultText };
    const span = tracer.startSpan(toolSpanName(call), {
      kind: SpanKind.INTERNAL,
      startTime: at,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': call.name,
        'gen_ai.tool.call.id': id,
        'gen_ai.tool.call.arguments': JSON.stringify(call.arguments),
        ...result,
        ...session,
      },
    }, inRoot);
    // Only a result the model asked for joins the conversation (a run may fetch before its first call).
    if (callIds.has(call)) history.push({ role: 'tool', parts: [{ type: 'tool_call_response', id, response: toolResponse(call) }] });
    return span;
  };

  run.steps.forEach((step, index) => {
    const span = step.kind === 'llm' ? recordLlm(step, index) : recordTool(step);
    const end = at + (step.durationMs ?? (step.kind === 'llm' ? LLM_MS : TOOL_MS));
    if (step.error) fail(span, step.error, end);
    span.end(end);
    stepSpans.push(span);
    at = end + GAP_MS;
  });
  if (run.error) fail(root, run.error, at);
  root.end(at);

  const spanIds = [root, ...stepSpans].map((s) => s.spanContext().spanId);
  return { traceId: root.spanContext().traceId, spanIds, spans: memory.getFinishedSpans() };
}

export interface SendEvalRunsOptions {
  protocol?: OtlpHttpProtocol;
  /** Unix ms the first run starts at; runs start a minute apart. Default: so the last run starts a minute ago. */
  startMs?: number;
}

/**
 * Records each run and exports it through the official OTLP/HTTP exporter to `otlpHttpEndpoint`
 * (`http://host:port`); resolves once every export was acknowledged, with each run's trace and span ids.
 */
export async function sendEvalRuns(otlpHttpEndpoint: string, runs: readonly EvalRun[], options: SendEvalRunsOptions = {}): Promise<Map<string, SentEvalRun>> {
  const first = options.startMs ?? Date.now() - (runs.length + 1) * 60_000;
  const sent = new Map<string, SentEvalRun>();
  for (const [i, run] of runs.entries()) {
    const recorded = recordEvalRun(run, first + i * 60_000);
    await exportSpans(otlpHttpEndpoint, options.protocol ?? 'protobuf', recorded.spans);
    sent.set(run.id, { traceId: recorded.traceId, spanIds: recorded.spanIds });
  }
  return sent;
}

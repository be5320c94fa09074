/**
 * HAND-WRITTEN dialect samples (not captured from instrumentation; real fixtures come with the
 * wiring step). One agent run — the `planner` agent asks gpt-4o-mini, which requests the
 * `search_hotels` tool; the tool runs; a second call answers — written out three times, in OTel
 * GenAI, OpenInference and OpenLLMetry attribute names as ../shared/reference/genai-semconv.md
 * lists them, plus builders for spans and log records.
 */
import type { Attributes, LogRecordView, SpanEvent, SpanRecord } from '../../../src-shared/contract';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

export function span(init: { name: string; attributes: Attributes; spanId?: string; parentSpanId?: string | null; events?: SpanEvent[] }): SpanRecord {
  return {
    traceId: TRACE_ID,
    spanId: init.spanId ?? 'b7ad6b7169203331',
    parentSpanId: init.parentSpanId ?? null,
    traceState: '',
    name: init.name,
    kind: 'client',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    status: { code: 'unset', message: '' },
    attributes: init.attributes,
    droppedAttributesCount: 0,
    events: init.events ?? [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': 'travel-agent' }, droppedAttributesCount: 0 },
    scope: { name: 'hand-written', version: '0', attributes: {}, droppedAttributesCount: 0 },
  };
}

export function event(name: string, attributes: Attributes, at = 1): SpanEvent {
  return { timeUnixNano: String(1700000000000000000n + BigInt(at)), name, attributes, droppedAttributesCount: 0 };
}

export function logRecord(eventName: string, body: LogRecordView['body'], opts: { at?: number; spanId?: string; attributes?: Attributes } = {}): LogRecordView {
  return {
    traceId: TRACE_ID,
    spanId: opts.spanId ?? 'b7ad6b7169203331',
    timeUnixNano: String(1700000000000000000n + BigInt(opts.at ?? 1)),
    observedTimeUnixNano: '1700000000000000000',
    severityNumber: 9,
    severityText: 'INFO',
    body,
    attributes: { 'gen_ai.system': 'openai', ...(opts.attributes ?? {}) },
    droppedAttributesCount: 0,
    flags: 1,
    eventName,
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scope: { name: 'hand-written', version: '0', attributes: {}, droppedAttributesCount: 0 },
  };
}

export const IDS = { agent: '1000000000000001', llm1: '1000000000000002', tool: '1000000000000003', llm2: '1000000000000004' };
export const SESSION = 'sess-42';
export const USER = 'user-7';
export const SYSTEM = 'You are a travel planner.';
export const ASK = 'Find a hotel in Paris';
export const ANSWER = 'The Ritz has a room.';
export const ARGS_JSON = '{"city":"Paris"}';
export const RESULT_JSON = '{"hotels":["Ritz"]}';

export type Dialect = 'otel' | 'openinference' | 'openllmetry';

interface RunSpans {
  agent: SpanRecord;
  llm1: SpanRecord;
  tool: SpanRecord;
  llm2: SpanRecord;
}

function run(attrs: { agent: Attributes; llm1: Attributes; tool: Attributes; llm2: Attributes }, names: { agent: string; llm: string; tool: string }): RunSpans {
  return {
    agent: span({ name: names.agent, spanId: IDS.agent, attributes: attrs.agent }),
    llm1: span({ name: names.llm, spanId: IDS.llm1, parentSpanId: IDS.agent, attributes: attrs.llm1 }),
    tool: span({ name: names.tool, spanId: IDS.tool, parentSpanId: IDS.agent, attributes: attrs.tool }),
    llm2: span({ name: names.llm, spanId: IDS.llm2, parentSpanId: IDS.agent, attributes: attrs.llm2 }),
  };
}

/** OTel GenAI, current names (semantic-conventions-genai), content as JSON-string attributes. */
function otelRun(): RunSpans {
  const common = { 'gen_ai.conversation.id': SESSION, 'user.id': USER };
  const llm = { ...common, 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' };
  const toolCall = { type: 'tool_call', id: 'call_1', name: 'search_hotels', arguments: { city: 'Paris' } };
  const history = [
    { role: 'system', parts: [{ type: 'text', content: SYSTEM }] },
    { role: 'user', parts: [{ type: 'text', content: ASK }] },
  ];
  return run(
    {
      agent: {
        ...common,
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'planner',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: ASK }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }]),
      },
      llm1: {
        ...llm,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 20,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.input.messages': JSON.stringify(history),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [toolCall] }]),
      },
      tool: {
        ...common,
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search_hotels',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.call.arguments': ARGS_JSON,
        'gen_ai.tool.call.result': RESULT_JSON,
      },
      llm2: {
        ...llm,
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.output_tokens': 15,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.input.messages': JSON.stringify([
          ...history,
          { role: 'assistant', parts: [toolCall] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { hotels: ['Ritz'] } }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }]),
      },
    },
    { agent: 'invoke_agent planner', llm: 'chat gpt-4o-mini', tool: 'execute_tool search_hotels' },
  );
}

/** OpenInference: span kinds, flattened llm.*_messages, input/output.value, llm.token_count.*. */
function openInferenceRun(): RunSpans {
  const common = { 'session.id': SESSION, 'user.id': USER };
  const llm = {
    ...common,
    'openinference.span.kind': 'LLM',
    'llm.provider': 'openai',
    'llm.system': 'openai',
    'llm.model_name': 'gpt-4o-mini-2024-07-18',
    'llm.invocation_parameters': '{"model":"gpt-4o-mini","temperature":0}',
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': SYSTEM,
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.content': ASK,
  };
  return run(
    {
      agent: { ...common, 'openinference.span.kind': 'AGENT', 'agent.name': 'planner', 'input.value': ASK, 'input.mime_type': 'text/plain', 'output.value': ANSWER, 'output.mime_type': 'text/plain' },
      llm1: {
        ...llm,
        'llm.token_count.prompt': 120,
        'llm.token_count.completion': 30,
        'llm.token_count.total': 150,
        'llm.token_count.prompt_details.cache_read': 20,
        'llm.finish_reason': 'tool_calls',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search_hotels',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': ARGS_JSON,
        'input.value': '{"model":"gpt-4o-mini","messages":[]}',
        'input.mime_type': 'application/json',
      },
      tool: { ...common, 'openinference.span.kind': 'TOOL', 'tool.name': 'search_hotels', 'tool_call.id': 'call_1', 'input.value': ARGS_JSON, 'output.value': RESULT_JSON },
      llm2: {
        ...llm,
        'llm.token_count.prompt': 200,
        'llm.token_count.completion': 15,
        'llm.token_count.total': 215,
        'llm.finish_reason': 'stop',
        'llm.input_messages.2.message.role': 'assistant',
        'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'call_1',
        'llm.input_messages.2.message.tool_calls.0.tool_call.function.name': 'search_hotels',
        'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': ARGS_JSON,
        'llm.input_messages.3.message.role': 'tool',
        'llm.input_messages.3.message.tool_call_id': 'call_1',
        'llm.input_messages.3.message.content': RESULT_JSON,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': ANSWER,
      },
    },
    { agent: 'planner', llm: 'ChatCompletion', tool: 'search_hotels' },
  );
}

/** OpenLLMetry: traceloop.* on decorated spans, legacy names on LLM spans (gen_ai.system, prompt_tokens, indexed prompts). */
function openLLMetryRun(): RunSpans {
  const common = { 'traceloop.association.properties.session_id': SESSION, 'traceloop.association.properties.user_id': USER, 'traceloop.workflow.name': 'trip' };
  const llm = {
    ...common,
    'llm.request.type': 'chat',
    'gen_ai.system': 'OpenAI',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.prompt.0.role': 'system',
    'gen_ai.prompt.0.content': SYSTEM,
    'gen_ai.prompt.1.role': 'user',
    'gen_ai.prompt.1.content': ASK,
  };
  return run(
    {
      agent: {
        ...common,
        'traceloop.span.kind': 'agent',
        'traceloop.entity.name': 'planner',
        'traceloop.entity.input': JSON.stringify({ args: [ASK], kwargs: {} }),
        'traceloop.entity.output': JSON.stringify(ANSWER),
      },
      llm1: {
        ...llm,
        'gen_ai.usage.prompt_tokens': 120,
        'gen_ai.usage.completion_tokens': 30,
        'gen_ai.usage.cache_read_input_tokens': 20,
        'llm.usage.total_tokens': 150,
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.id': 'call_1',
        'gen_ai.completion.0.tool_calls.0.name': 'search_hotels',
        'gen_ai.completion.0.tool_calls.0.arguments': ARGS_JSON,
      },
      tool: {
        ...common,
        'traceloop.span.kind': 'tool',
        'traceloop.entity.name': 'search_hotels',
        'traceloop.entity.input': JSON.stringify({ args: [], kwargs: { city: 'Paris' } }),
        'traceloop.entity.output': RESULT_JSON,
      },
      llm2: {
        ...llm,
        'gen_ai.usage.prompt_tokens': 200,
        'gen_ai.usage.completion_tokens': 15,
        'gen_ai.usage.total_tokens': 215,
        'gen_ai.prompt.2.role': 'assistant',
        'gen_ai.prompt.2.tool_calls.0.id': 'call_1',
        'gen_ai.prompt.2.tool_calls.0.name': 'search_hotels',
        'gen_ai.prompt.2.tool_calls.0.arguments': ARGS_JSON,
        'gen_ai.prompt.3.role': 'tool',
        'gen_ai.prompt.3.tool_call_id': 'call_1',
        'gen_ai.prompt.3.content': RESULT_JSON,
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': ANSWER,
        'gen_ai.completion.0.finish_reason': 'stop',
      },
    },
    { agent: 'planner.agent', llm: 'openai.chat', tool: 'search_hotels.tool' },
  );
}

export function agentRun(dialect: Dialect): RunSpans {
  if (dialect === 'otel') return otelRun();
  if (dialect === 'openinference') return openInferenceRun();
  return openLLMetryRun();
}

/**
 * A scripted fake of the OpenAI Responses API for capturing Codex CLI
 * (test/fixtures/coding-agents/README.md): `POST /v1/responses` as SSE stream (what Codex sends)
 * or JSON, following a plan (coding-agent-model.ts); `GET /v1/models` answers an empty list and `POST /v1/analytics/…` an empty object. A
 * tool step becomes a `function_call` item, or a `custom_tool_call` when the tool is offered as a
 * custom (freeform) tool; its input is then the plan's `input.input`.
 */
import type { ServerResponse } from 'node:http';
import { PlanCursor, pieces, sendJson, startFakeServer, usageFor, type CodingPlan, type FakeServer, type ModelCallTruth, type ToolResultTruth } from './coding-agent-model';

const CREATED = 1700000000;

function wireUsage(n: number) {
  const u = usageFor(n, 'openai.responses');
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output,
  };
}

interface ToolSpec { type?: unknown; name?: unknown; tools?: ToolSpec[] }

/**
 * The tools a request offers: its `tools`, and those of `additional_tools` input items (Codex's
 * "responses lite" requests carry them there, grouped in namespaces), by name with their type.
 */
function offeredTools(body: Record<string, unknown>): { names: string[]; kinds: Map<string, string> } {
  const kinds = new Map<string, string>();
  const walk = (tools: ToolSpec[]) => {
    for (const t of tools) {
      if (t.type === 'namespace' && Array.isArray(t.tools)) walk(t.tools);
      else {
        const name = typeof t.name === 'string' ? t.name : typeof t.type === 'string' ? t.type : undefined;
        if (name !== undefined) kinds.set(name, typeof t.type === 'string' ? t.type : 'function');
      }
    }
  };
  if (Array.isArray(body.tools)) walk(body.tools as ToolSpec[]);
  for (const item of Array.isArray(body.input) ? (body.input as Array<{ tools?: unknown }>) : []) {
    if (Array.isArray(item.tools)) walk(item.tools as ToolSpec[]);
  }
  return { names: [...kinds.keys()], kinds };
}

/** Tool outputs in the request's input items after the last function call (the results sent back). */
function toolResults(body: Record<string, unknown>): ToolResultTruth[] {
  const items = Array.isArray(body.input) ? (body.input as Array<Record<string, unknown>>) : [];
  let start = 0;
  items.forEach((item, i) => {
    if (item.type === 'message' && item.role === 'user') start = i + 1;
  });
  return items.slice(start).flatMap((item) => {
    if (typeof item.type !== 'string' || !item.type.endsWith('_output')) return [];
    const out = item.output;
    return [{ id: String(item.call_id), output: typeof out === 'string' ? out : JSON.stringify(out) }];
  });
}

export async function startFakeOpenAiResponses(plan: CodingPlan): Promise<FakeServer> {
  const calls: ModelCallTruth[] = [];
  const cursor = new PlanCursor(plan);

  const respond = (body: Record<string, unknown>, res: ServerResponse): void => {
    const n = calls.length + 1;
    const offered = offeredTools(body);
    const reply = cursor.reply(n, offered.names, JSON.stringify(body), (_name, k) => `call_fake_${String(k).padStart(2, '0')}`);
    const requestModel = typeof body.model === 'string' ? body.model : '';
    const model = plan.responseModel ?? requestModel;
    const id = `resp_fake_${String(n).padStart(2, '0')}`;
    const stream = body.stream === true;
    const usage = wireUsage(n);
    calls.push({
      n, api: 'openai.responses', path: '/v1/responses', stream, requestModel, responseModel: model, responseId: id,
      toolsOffered: offered.names, agentLoop: offered.names.length > 0, usage: usageFor(n, 'openai.responses'), wireUsage: usage,
      toolCalls: reply.toolCall ? [reply.toolCall] : [], toolResults: toolResults(body), text: reply.text ?? null, reportedCostUsd: null,
    });
    const call = reply.toolCall;
    const custom = call !== undefined && offered.kinds.get(call.name) === 'custom';
    const itemId = `${call ? (custom ? 'ctc' : 'fc') : 'msg'}_fake_${String(n).padStart(2, '0')}`;
    const text = reply.text ?? '';
    const item = call
      ? custom
        ? { id: itemId, type: 'custom_tool_call', status: 'completed', call_id: call.id, name: call.name, input: String(call.input.input ?? '') }
        : { id: itemId, type: 'function_call', status: 'completed', call_id: call.id, name: call.name, arguments: JSON.stringify(call.input) }
      : { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
    const response = (status: string, output: unknown[], withUsage: boolean) => ({
      id, object: 'response', created_at: CREATED, status, model, output, parallel_tool_calls: false, tool_choice: 'auto', tools: [],
      usage: withUsage ? usage : null,
    });
    if (!stream) {
      sendJson(res, 200, response('completed', [item], true));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_fake_${String(n).padStart(2, '0')}` });
    let seq = 0;
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
    event('response.created', { response: response('in_progress', [], false) });
    event('response.in_progress', { response: response('in_progress', [], false) });
    if (call && !custom) {
      const args = JSON.stringify(call.input);
      event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
      event('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta: args });
      event('response.function_call_arguments.done', { item_id: itemId, output_index: 0, arguments: args });
    } else if (call) {
      const input = String(call.input.input ?? '');
      event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', input: '' } });
      event('response.custom_tool_call_input.delta', { item_id: itemId, output_index: 0, delta: input });
      event('response.custom_tool_call_input.done', { item_id: itemId, output_index: 0, input });
    } else {
      event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      event('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const delta of pieces(text)) event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta });
      event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text });
      event('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    }
    event('response.output_item.done', { output_index: 0, item });
    event('response.completed', { response: response('completed', [item], true) });
    res.end();
  };

  return startFakeServer(
    'openai.responses',
    calls,
    [
      { method: 'POST', path: /^(?:\/v1)?\/responses$/, name: 'model', handle: (_req, body, res) => respond(body as Record<string, unknown>, res) },
      { method: 'GET', path: /^(?:\/v1)?\/models$/, name: 'models', handle: (_req, _body, res) => sendJson(res, 200, { object: 'list', data: [], models: [] }) },
      // Codex reports each turn's cost to its provider; accepted and logged, not modelled.
      { method: 'POST', path: /^(?:\/v1)?\/analytics\//, name: 'analytics', handle: (_req, _body, res) => sendJson(res, 200, {}) },
    ],
    (res, method, path) => sendJson(res, 404, { error: { message: `no route ${method} ${path}`, type: 'invalid_request_error', code: 'not_found' } }),
  );
}

/**
 * A scripted fake of the Anthropic Messages API for capturing Claude Code
 * (test/fixtures/coding-agents/README.md): `POST /v1/messages` as JSON or SSE stream, following a
 * plan (coding-agent-model.ts), plus the stubs Claude Code calls on the side (`/api/hello`,
 * `count_tokens`). Ids count up per server, so a capture run twice answers the same content.
 */
import type { ServerResponse } from 'node:http';
import { PlanCursor, pieces, sendJson, startFakeServer, usageFor, type CodingPlan, type FakeServer, type ModelCallTruth, type ToolResultTruth } from './coding-agent-model';

function wireUsage(n: number) {
  const u = usageFor(n, 'anthropic.messages');
  return {
    input_tokens: u.uncachedInput,
    cache_creation_input_tokens: u.cacheWrite ?? 0,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
    service_tier: 'standard',
  };
}

/** The tool results in the request's last user message. */
function toolResults(body: Record<string, unknown>): ToolResultTruth[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const last = messages.at(-1);
  if (last?.role !== 'user' || !Array.isArray(last.content)) return [];
  return (last.content as Array<Record<string, unknown>>).flatMap((block) => {
    if (block.type !== 'tool_result') return [];
    const content = block.content;
    const output = typeof content === 'string'
      ? content
      : Array.isArray(content) ? (content as Array<{ text?: unknown }>).map((c) => (typeof c.text === 'string' ? c.text : '')).join('') : '';
    return [{ id: String(block.tool_use_id), output }];
  });
}

function offeredTools(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name?: unknown }>) : [];
  return tools.flatMap((t) => (typeof t?.name === 'string' ? [t.name] : []));
}

export async function startFakeAnthropic(plan: CodingPlan): Promise<FakeServer> {
  const calls: ModelCallTruth[] = [];
  const cursor = new PlanCursor(plan);

  const messages = (body: Record<string, unknown>, res: ServerResponse): void => {
    const n = calls.length + 1;
    const offered = offeredTools(body);
    const reply = cursor.reply(n, offered, JSON.stringify(body), (_name, k) => `toolu_fake_${String(k).padStart(2, '0')}`);
    const requestModel = typeof body.model === 'string' ? body.model : '';
    const model = plan.responseModel ?? requestModel;
    const id = `msg_fake_${String(n).padStart(2, '0')}`;
    const stream = body.stream === true;
    const usage = wireUsage(n);
    calls.push({
      n, api: 'anthropic.messages', path: '/v1/messages', stream, requestModel, responseModel: model, responseId: id,
      toolsOffered: offered, agentLoop: offered.length > 0, usage: usageFor(n, 'anthropic.messages'), wireUsage: usage,
      toolCalls: reply.toolCall ? [reply.toolCall] : [], toolResults: toolResults(body), text: reply.text ?? null, reportedCostUsd: null,
    });
    const stopReason = reply.toolCall ? 'tool_use' : 'end_turn';
    const headers = { 'request-id': `req_fake_${String(n).padStart(2, '0')}`, 'anthropic-organization-id': 'fake-org' };
    if (!stream) {
      const content = reply.toolCall
        ? [{ type: 'tool_use', id: reply.toolCall.id, name: reply.toolCall.name, input: reply.toolCall.input }]
        : [{ type: 'text', text: reply.text ?? '' }];
      sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage }, headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    });
    if (reply.toolCall) {
      event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: reply.toolCall.id, name: reply.toolCall.name, input: {} } });
      const json = JSON.stringify(reply.toolCall.input);
      const half = Math.ceil(json.length / 2);
      event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } });
      event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(half) } });
    } else {
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      event('ping', {});
      for (const text of pieces(reply.text ?? '')) event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    }
    event('content_block_stop', { index: 0 });
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage });
    event('message_stop', {});
    res.end();
  };

  return startFakeServer(
    'anthropic.messages',
    calls,
    [
      { method: 'POST', path: /^\/v1\/messages$/, name: 'model', handle: (_req, body, res) => messages(body as Record<string, unknown>, res) },
      { method: 'POST', path: /^\/v1\/messages\/count_tokens$/, name: 'count_tokens', handle: (_req, _body, res) => sendJson(res, 200, { input_tokens: 1000 }) },
      { method: 'HEAD', path: /^\/api\/hello$/, name: 'hello', handle: (_req, _body, res) => res.writeHead(200).end() },
      { method: 'GET', path: /^\/api\/hello$/, name: 'hello', handle: (_req, _body, res) => sendJson(res, 200, { message: 'hello' }) },
    ],
    (res, method, path) => sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${method} ${path}` } }),
  );
}

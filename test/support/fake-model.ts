/**
 * A scripted fake OpenAI-compatible model server for capturing agent-framework fixtures: the real
 * framework and its real instrumentation run against it, only the model is fake. It follows a
 * plan, a list of steps taken in order, one per chat request:
 *
 * - `{ tool, arguments }`: answer with that tool call, if the request offers a tool of that name;
 *   if it does not (a framework's side call, a sub-agent without that tool), the request gets the
 *   plain answer and the step waits for a request that does.
 * - `{ text }`: answer with that text (for frameworks that parse replies, e.g. ReAct).
 * - Plan done: every further request gets the plan's `answer`.
 *
 * Every call is logged as the run's own truth (`truth()`): the number of model calls, the usage
 * returned (distinct per call: call n reports 100 + 10n input tokens of which 10(n-1) cached, and
 * 20 + n output tokens) and the tool calls asked for. Fixture tests compare what Flowtrace reads
 * with this log. Chat Completions (JSON and SSE streaming, with the usage chunk when asked for) and
 * embeddings; ids count up per server so a capture run twice gives the same content. The OpenAI
 * Responses API (`/v1/responses`, JSON only: a streaming request is refused) follows the same plan
 * and logs the same truth, for SDKs that default to it (the OpenAI Agents SDK).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson as sendJsonWith } from './coding-agent-model';

const sendJson = (res: ServerResponse, status: number, body: unknown): void => sendJsonWith(res, status, body, { 'x-request-id': 'req_fake' });

export type PlanStep = { tool: string; arguments: Record<string, unknown> } | { text: string };

export interface Plan {
  steps: PlanStep[];
  /** The reply once the plan is done (and to requests a tool step cannot take). */
  answer: string;
  /** The response model (default: the request's model, with `gpt-4o-mini` dated as OpenAI does). */
  responseModel?: string;
}

export interface ModelCallTruth {
  n: number;
  path: string;
  requestModel: string;
  responseModel: string;
  stream: boolean;
  toolsOffered: string[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  toolCalls: Array<{ id: string; name: string; arguments: Record<string, unknown> }>;
  text: string | null;
}

export interface RunTruth {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** Every tool call the model asked for, in order. */
  toolCalls: Array<{ id: string; name: string; arguments: Record<string, unknown> }>;
  calls: ModelCallTruth[];
  embeddingCalls: number;
}

export interface FakeModel {
  /** Base URL including `/v1`, as SDKs take it (`baseURL` / `base_url` / `OPENAI_BASE_URL`). */
  baseUrl: string;
  truth(): RunTruth;
  close(): Promise<void>;
}

const CREATED = 1700000000;

export function usageFor(n: number): { input: number; output: number; cacheRead: number } {
  return { input: 100 + 10 * n, output: 20 + n, cacheRead: 10 * (n - 1) };
}

function datedModel(requested: unknown): string {
  const m = typeof requested === 'string' && requested !== '' ? requested : 'gpt-4o-mini';
  return m === 'gpt-4o-mini' ? 'gpt-4o-mini-2024-07-18' : m;
}

function toolsOffered(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  const names: string[] = [];
  for (const t of tools) {
    if (typeof t !== 'object' || t === null) continue;
    const fn = (t as { function?: { name?: unknown } }).function;
    const name = fn?.name ?? (t as { name?: unknown }).name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

export async function startFakeModel(plan: Plan): Promise<FakeModel> {
  const calls: ModelCallTruth[] = [];
  let next = 0;
  let embeddingCalls = 0;

  /** The reply to call n: the plan's next step if this request can take it. */
  const decide = (offered: string[]): { toolCall?: { name: string; arguments: Record<string, unknown> }; text?: string } => {
    const step = plan.steps[next];
    if (step === undefined) return { text: plan.answer };
    if ('text' in step) {
      next++;
      return { text: step.text };
    }
    if (!offered.includes(step.tool)) return { text: plan.answer };
    next++;
    return { toolCall: { name: step.tool, arguments: step.arguments } };
  };

  const chat = (body: Record<string, unknown>, res: ServerResponse): void => {
    const n = calls.length + 1;
    const offered = toolsOffered(body);
    const reply = decide(offered);
    const usage = usageFor(n);
    const requestModel = typeof body.model === 'string' ? body.model : '';
    const model = plan.responseModel ?? datedModel(body.model);
    const id = `chatcmpl-fake-${n}`;
    const toolCalls = reply.toolCall ? [{ id: `call_${reply.toolCall.name}_${n}`, ...reply.toolCall }] : [];
    const stream = body.stream === true;
    calls.push({
      n, path: '/v1/chat/completions', requestModel, responseModel: model, stream, toolsOffered: offered,
      inputTokens: usage.input, outputTokens: usage.output, cacheReadTokens: usage.cacheRead, toolCalls, text: reply.text ?? null,
    });
    const wireUsage = {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cacheRead, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const wireCalls = toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const base = { id, created: CREATED, model, system_fingerprint: 'fp_fake' };
    if (!stream) {
      sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: toolCalls.length > 0 ? { role: 'assistant', content: null, refusal: null, tool_calls: wireCalls } : { role: 'assistant', content: reply.text, refusal: null },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage: wireUsage,
        service_tier: 'default',
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'req_fake' });
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const usageField = includeUsage ? { usage: null } : {};
    const chunk = (choices: unknown[], extra: Record<string, unknown> = usageField) =>
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: toolCalls.length > 0 ? null : '' }, logprobs: null, finish_reason: null }]);
    if (toolCalls.length === 0) {
      for (const piece of (reply.text ?? '').match(/\S+\s*/g) ?? []) chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]);
    } else {
      wireCalls.forEach((c, index) => {
        chunk([{ index: 0, delta: { tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]);
        chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: c.function.arguments } }] }, logprobs: null, finish_reason: null }]);
      });
    }
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]);
    if (includeUsage) chunk([], { usage: wireUsage });
    res.end('data: [DONE]\n\n');
  };

  /** The Responses API's answer to call n: a `function_call` output item or an assistant `message`. */
  const responses = (body: Record<string, unknown>, res: ServerResponse): void => {
    if (body.stream === true) {
      sendJson(res, 400, { error: { message: 'the fake model answers /v1/responses without streaming only', type: 'invalid_request_error' } });
      return;
    }
    const n = calls.length + 1;
    const offered = toolsOffered(body);
    const reply = decide(offered);
    const usage = usageFor(n);
    const requestModel = typeof body.model === 'string' ? body.model : '';
    const model = plan.responseModel ?? datedModel(body.model);
    const toolCalls = reply.toolCall ? [{ id: `call_${reply.toolCall.name}_${n}`, ...reply.toolCall }] : [];
    calls.push({
      n, path: '/v1/responses', requestModel, responseModel: model, stream: false, toolsOffered: offered,
      inputTokens: usage.input, outputTokens: usage.output, cacheReadTokens: usage.cacheRead, toolCalls, text: reply.text ?? null,
    });
    const output = toolCalls.length > 0
      ? toolCalls.map((c) => ({ type: 'function_call', id: `fc_fake_${n}`, call_id: c.id, name: c.name, arguments: JSON.stringify(c.arguments), status: 'completed' }))
      : [{ type: 'message', id: `msg_fake_${n}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text ?? '', annotations: [] }] }];
    sendJson(res, 200, {
      id: `resp_fake_${n}`, object: 'response', created_at: CREATED, status: 'completed', model, output,
      error: null, incomplete_details: null, instructions: body.instructions ?? null, metadata: {}, parallel_tool_calls: true,
      temperature: 1, top_p: 1, tool_choice: body.tool_choice ?? 'auto', tools: Array.isArray(body.tools) ? body.tools : [], text: { format: { type: 'text' } }, truncation: 'disabled',
      usage: {
        input_tokens: usage.input, input_tokens_details: { cached_tokens: usage.cacheRead },
        output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output,
      },
    });
  };

  const embeddings = (body: Record<string, unknown>, res: ServerResponse): void => {
    embeddingCalls++;
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((_, index) => {
      const vector = [0.125, -0.25, 0.5, index + embeddingCalls / 1000];
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
    });
    const tokens = 8 * inputs.length;
    sendJson(res, 200, { object: 'list', data, model: typeof body.model === 'string' ? body.model : 'text-embedding-3-small', usage: { prompt_tokens: tokens, total_tokens: tokens } });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const text = (await readBody(req)).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        sendJson(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
        return;
      }
      const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method === 'POST' && /\/chat\/completions$/.test(path)) chat(obj, res);
      else if (req.method === 'POST' && /\/embeddings$/.test(path)) embeddings(obj, res);
      else if (req.method === 'POST' && /\/responses$/.test(path)) responses(obj, res);
      else if (req.method === 'GET' && /\/models$/.test(path)) sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: CREATED, owned_by: 'fake' }] });
      else sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'fake server error', type: 'server_error' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    truth: () => ({
      modelCalls: calls.length,
      inputTokens: calls.reduce((s, c) => s + c.inputTokens, 0),
      outputTokens: calls.reduce((s, c) => s + c.outputTokens, 0),
      cacheReadTokens: calls.reduce((s, c) => s + c.cacheReadTokens, 0),
      toolCalls: calls.flatMap((c) => c.toolCalls),
      calls,
      embeddingCalls,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

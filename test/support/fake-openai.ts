/**
 * A fake OpenAI-compatible HTTP server for capturing fixtures with real SDKs and instrumentations:
 * only the model is fake. Answers are deterministic so a capture run twice gives the same trace
 * content: a chat request whose last message is not a tool result asks for `search_hotels`; one
 * that carries the tool result answers in text. Streaming (`stream: true`) sends the same answer as
 * SSE chunks, with a final usage chunk when `stream_options.include_usage` is set, as OpenAI does.
 * Ids count up per server (`chatcmpl-fake-1`, …), so they depend on call order only.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson as sendJsonWith } from './coding-agent-model';

const sendJson = (res: ServerResponse, status: number, body: unknown): void => sendJsonWith(res, status, body, { 'x-request-id': 'req_fake' });

export const FAKE_CREATED = 1700000000;
export const FAKE_TOOL_CALL_ID = 'call_fake_search_hotels_1';
export const FAKE_TOOL_ARGUMENTS = '{"city":"Paris","max_price":300}';
export const FAKE_ANSWER = 'The Hotel Lutetia in Paris has a room for 280 EUR a night.';

/** Usage the fake model reports, per turn: the tool-call turn, then the answer turn. */
export const FAKE_USAGE = {
  toolCall: { prompt_tokens: 120, completion_tokens: 30, cached_tokens: 20 },
  answer: { prompt_tokens: 180, completion_tokens: 25, cached_tokens: 60 },
  embeddings: { prompt_tokens: 8 },
} as const;

export interface FakeOpenAI {
  /** Base URL including `/v1`, as SDKs take it (`baseURL` / `base_url`). */
  baseUrl: string;
  /** Every request received, for assertions: method, path and parsed JSON body. */
  requests: Array<{ method: string; path: string; body: unknown }>;
  close(): Promise<void>;
}

interface ChatMessage {
  role?: unknown;
}

interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

/** `gpt-4o-mini` → the dated snapshot OpenAI answers with, so response and request models differ as in real traffic. */
function responseModel(requested: unknown): string {
  const m = typeof requested === 'string' && requested !== '' ? requested : 'gpt-4o-mini';
  return m === 'gpt-4o-mini' ? 'gpt-4o-mini-2024-07-18' : m;
}

function usageOf(turn: { prompt_tokens: number; completion_tokens: number; cached_tokens: number }) {
  return {
    prompt_tokens: turn.prompt_tokens,
    completion_tokens: turn.completion_tokens,
    total_tokens: turn.prompt_tokens + turn.completion_tokens,
    prompt_tokens_details: { cached_tokens: turn.cached_tokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: FakeOpenAI['requests'] = [];
  let chatCount = 0;
  let embeddingCount = 0;

  const chat = (body: ChatRequest, res: ServerResponse): void => {
    chatCount++;
    const id = `chatcmpl-fake-${chatCount}`;
    const model = responseModel(body.model);
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    // The tool result is in the history: the model answers. Otherwise it asks for the tool.
    const answering = messages.length > 0 && messages[messages.length - 1]?.role === 'tool';
    const turn = answering ? FAKE_USAGE.answer : FAKE_USAGE.toolCall;
    const toolCall = { id: FAKE_TOOL_CALL_ID, type: 'function', function: { name: 'search_hotels', arguments: FAKE_TOOL_ARGUMENTS } };
    const finishReason = answering ? 'stop' : 'tool_calls';
    const base = { id, created: FAKE_CREATED, model, system_fingerprint: 'fp_fake' };

    if (body.stream !== true) {
      sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: answering
              ? { role: 'assistant', content: FAKE_ANSWER, refusal: null }
              : { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall] },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage: usageOf(turn),
        service_tier: 'default',
      });
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'req_fake' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
    const includeUsage = body.stream_options?.include_usage === true;
    const usage = includeUsage ? { usage: null } : {};
    chunk([{ index: 0, delta: { role: 'assistant', content: answering ? '' : null }, logprobs: null, finish_reason: null }], usage);
    if (answering) {
      // Split on word boundaries so the instrumentation has to reassemble the text.
      for (const piece of FAKE_ANSWER.match(/\S+\s*/g) ?? []) {
        chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }], usage);
      }
    } else {
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall, function: { name: 'search_hotels', arguments: '' } }] }, logprobs: null, finish_reason: null }], usage);
      const half = Math.floor(FAKE_TOOL_ARGUMENTS.length / 2);
      for (const piece of [FAKE_TOOL_ARGUMENTS.slice(0, half), FAKE_TOOL_ARGUMENTS.slice(half)]) {
        chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }], usage);
      }
    }
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }], usage);
    if (includeUsage) chunk([], { usage: usageOf(turn) });
    res.end('data: [DONE]\n\n');
  };

  const embeddings = (body: { model?: unknown; input?: unknown; encoding_format?: unknown }, res: ServerResponse): void => {
    embeddingCount++;
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    // SDKs ask for base64 by default (smaller on the wire) and decode it themselves.
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((_, index) => {
      const vector = [0.125, -0.25, 0.5, index + embeddingCount / 1000];
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const model = typeof body.model === 'string' ? body.model : 'text-embedding-3-small';
    sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: FAKE_USAGE.embeddings.prompt_tokens * inputs.length, total_tokens: FAKE_USAGE.embeddings.prompt_tokens * inputs.length } });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const text = (await readBody(req)).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        sendJson(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
        return;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({ method: req.method ?? '', path, body });
      const obj = typeof body === 'object' && body !== null ? body : {};
      if (req.method === 'POST' && path === '/v1/chat/completions') chat(obj as ChatRequest, res);
      else if (req.method === 'POST' && path === '/v1/embeddings') embeddings(obj, res);
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
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

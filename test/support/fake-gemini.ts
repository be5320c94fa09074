/**
 * A scripted fake of the Gemini API (`generativelanguage`, v1beta) for capturing Gemini CLI
 * (test/fixtures/coding-agents/README.md): `models/{model}:generateContent` (JSON) and
 * `:streamGenerateContent?alt=sse` (SSE), following a plan (coding-agent-model.ts), plus
 * `:countTokens`. Usage goes on the last chunk of a stream, as the final figure.
 */
import type { ServerResponse } from 'node:http';
import { PlanCursor, pieces, sendJson, startFakeServer, usageFor, type CodingPlan, type FakeServer, type ModelCallTruth, type ToolResultTruth } from './coding-agent-model';

type Part = Record<string, unknown>;
interface Content { role?: string; parts?: Part[] }

function wireUsage(n: number) {
  const u = usageFor(n, 'gemini.generateContent');
  const thoughts = u.reasoning ?? 0;
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - thoughts,
    totalTokenCount: u.input + u.output,
    cachedContentTokenCount: u.cacheRead,
    thoughtsTokenCount: thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: u.cacheRead }],
  };
}

function offeredTools(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ functionDeclarations?: Array<{ name?: unknown }> }>) : [];
  return tools.flatMap((t) => (t.functionDeclarations ?? []).flatMap((f) => (typeof f.name === 'string' ? [f.name] : [])));
}

/** The function responses in the request's last user turn. */
function toolResults(body: Record<string, unknown>): ToolResultTruth[] {
  const contents = Array.isArray(body.contents) ? (body.contents as Content[]) : [];
  const last = contents.at(-1);
  if (last?.role !== 'user') return [];
  return (last.parts ?? []).flatMap((part) => {
    const fr = part.functionResponse as { id?: unknown; name?: unknown; response?: Record<string, unknown> } | undefined;
    if (fr === undefined) return [];
    const out = fr.response?.output ?? fr.response?.result ?? fr.response;
    return [{ id: String(fr.id ?? fr.name), output: typeof out === 'string' ? out : JSON.stringify(out) }];
  });
}

export async function startFakeGemini(plan: CodingPlan): Promise<FakeServer> {
  const calls: ModelCallTruth[] = [];
  const cursor = new PlanCursor(plan);

  const generate = (model: string, stream: boolean, body: Record<string, unknown>, res: ServerResponse): void => {
    const n = calls.length + 1;
    const offered = offeredTools(body);
    const reply = cursor.reply(n, offered, JSON.stringify(body), (name, k) => `call_${name}_${k}`);
    const responseModel = plan.responseModel ?? model;
    const responseId = `fake-response-${String(n).padStart(2, '0')}`;
    const usage = wireUsage(n);
    calls.push({
      n, api: 'gemini.generateContent', path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent' : 'generateContent'}`, stream,
      requestModel: model, responseModel, responseId, toolsOffered: offered, agentLoop: offered.length > 0,
      usage: usageFor(n, 'gemini.generateContent'), wireUsage: usage,
      toolCalls: reply.toolCall ? [reply.toolCall] : [], toolResults: toolResults(body), text: reply.text ?? null, reportedCostUsd: null,
    });
    const candidate = (parts: Part[], finish: boolean) => ({
      content: { role: 'model', parts },
      ...(finish ? { finishReason: 'STOP' } : {}),
      index: 0,
    });
    const response = (parts: Part[], last: boolean) => ({
      candidates: [candidate(parts, last)],
      ...(last ? { usageMetadata: usage } : {}),
      modelVersion: responseModel,
      responseId,
    });
    const callPart = reply.toolCall ? { functionCall: { id: reply.toolCall.id, name: reply.toolCall.name, args: reply.toolCall.input } } : null;
    if (!stream) {
      sendJson(res, 200, response(callPart ? [callPart] : [{ text: reply.text ?? '' }], true));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (parts: Part[], last: boolean) => res.write(`data: ${JSON.stringify(response(parts, last))}\r\n\r\n`);
    if (callPart) chunk([callPart], true);
    else {
      const texts = pieces(reply.text ?? '');
      texts.forEach((text, i) => chunk([{ text }], i === texts.length - 1));
    }
    res.end();
  };

  const route = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
  return startFakeServer(
    'gemini.generateContent',
    calls,
    [
      {
        method: 'POST', path: route, name: 'model',
        handle: (req, body, res) => {
          const [, model = '', method = ''] = route.exec((req.url ?? '').split('?')[0] ?? '') ?? [];
          generate(decodeURIComponent(model), method === 'streamGenerateContent', body as Record<string, unknown>, res);
        },
      },
      { method: 'POST', path: /^\/v1(?:beta|alpha)?\/models\/[^/:]+:countTokens$/, name: 'countTokens', handle: (_req, _body, res) => sendJson(res, 200, { totalTokens: 1000 }) },
    ],
    (res, method, path) => sendJson(res, 404, { error: { code: 404, message: `no route ${method} ${path}`, status: 'NOT_FOUND' } }),
  );
}

/**
 * What the fake model servers for coding-agent CLIs share (fake-anthropic.ts,
 * fake-openai-responses.ts, fake-gemini.ts; test/fixtures/coding-agents/README.md): the plan, the
 * usage each call answers with, and the run's truth. Only the model is fake: the real CLI runs
 * against it and exports its own telemetry, which a fixture test later checks against this truth.
 *
 * Usage is distinct per call and per field (call n: input 3000 + 100n of which 2000 + 10n cache
 * reads and 500 + n cache writes, output 20 + 3n of which 5 + n reasoning), so a reader that takes
 * one field for another, or one call's value for another's, is caught. A field the API cannot
 * express (no cache writes in OpenAI or Gemini, no separate reasoning count in Anthropic) is null
 * in the truth and absent on the wire.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface CodingPlanStep {
  /** The tool's name as the CLI offers it (`Bash`, `shell`, `run_shell_command`, …). */
  tool: string;
  /** The tool call's input, as the model would send it. */
  input: Record<string, unknown>;
}

export interface CodingPlan {
  /** Tool calls, one per agent-loop request, in order; a request that offers no such tool does not take a step. */
  steps: CodingPlanStep[];
  /** The text answer once the steps are done, and to every request that offers no tools (side calls) but those below. */
  answer: string;
  /**
   * Replies to side calls (requests offering no tools) that want a particular shape, e.g. Gemini
   * CLI's routing classifier, which asks for JSON and retries for a minute and a half on anything
   * else: the first whose `match` occurs in the request body's text answers with its `text`.
   */
  sideReplies?: Array<{ match: string; text: string }>;
  /** The model the response names (default: the requested one). */
  responseModel?: string;
}

export type ApiName = 'anthropic.messages' | 'openai.responses' | 'gemini.generateContent';

export interface UsageTruth {
  /** All input tokens, cached ones included. */
  input: number;
  /** Input tokens neither read from nor written to the cache (Anthropic's `input_tokens`). */
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number | null;
  /** All output tokens, reasoning included. */
  output: number;
  reasoning: number | null;
}

export interface ToolCallTruth {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultTruth {
  id: string;
  output: string;
}

export interface ModelCallTruth {
  n: number;
  api: ApiName;
  path: string;
  stream: boolean;
  requestModel: string;
  responseModel: string;
  responseId: string;
  toolsOffered: string[];
  /** A call that offers tools is part of the agent loop; one that offers none is a side call (titles, checks). */
  agentLoop: boolean;
  usage: UsageTruth;
  /** The usage object exactly as it went on the wire (for streams: the final one). */
  wireUsage: unknown;
  toolCalls: ToolCallTruth[];
  /** Tool results the request carried back (for the call after a tool call): what the tool really returned. */
  toolResults: ToolResultTruth[];
  text: string | null;
  /** These APIs report no cost; the CLI's reported cost is its own computation. */
  reportedCostUsd: null;
}

export interface RequestTruth {
  method: string;
  path: string;
  /** What answered: `model` (a model call), or the stub that answered it. */
  answeredBy: string;
  status: number;
}

export interface RunTruth {
  api: ApiName;
  modelCalls: number;
  agentLoopCalls: number;
  sideCalls: number;
  usage: { input: number; uncachedInput: number; cacheRead: number; cacheWrite: number | null; output: number; reasoning: number | null };
  /** Every tool call the model asked for, in order. */
  toolCalls: ToolCallTruth[];
  /** Every tool result the CLI sent back, in order. */
  toolResults: ToolResultTruth[];
  calls: ModelCallTruth[];
  /** Every HTTP request the CLI made to the fake server, in order (model calls and the rest). */
  requests: RequestTruth[];
  note: string;
}

export function usageFor(n: number, api: ApiName): UsageTruth {
  const input = 3000 + 100 * n;
  const cacheRead = 2000 + 10 * n;
  const cacheWrite = api === 'anthropic.messages' ? 500 + n : null;
  return {
    input,
    uncachedInput: input - cacheRead - (cacheWrite ?? 0),
    cacheRead,
    cacheWrite,
    output: 20 + 3 * n,
    reasoning: api === 'anthropic.messages' ? null : 5 + n,
  };
}

export interface Reply {
  toolCall?: ToolCallTruth;
  text?: string;
}

/** Follows the plan: the next step if this request offers its tool, else a side reply or the answer. */
export class PlanCursor {
  private next = 0;
  constructor(private readonly plan: CodingPlan) {}

  reply(n: number, offered: string[], requestText: string, idFor: (name: string, n: number) => string): Reply {
    if (offered.length === 0) {
      const side = this.plan.sideReplies?.find((r) => requestText.includes(r.match));
      if (side !== undefined) return { text: side.text };
    }
    const step = this.plan.steps[this.next];
    if (step === undefined || !offered.includes(step.tool)) return { text: this.plan.answer };
    this.next++;
    return { toolCall: { id: idFor(step.tool, n), name: step.tool, input: step.input } };
  }
}

export interface Route {
  method: string;
  /** Matched against the path without the query. */
  path: RegExp;
  /** `model` for model calls; any other name for stubs. */
  name: string;
  handle: (req: IncomingMessage, body: unknown, res: ServerResponse) => void;
}

export interface FakeServer {
  /** `http://127.0.0.1:port`, no trailing slash. */
  origin: string;
  truth(): RunTruth;
  close(): Promise<void>;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sumUsage(calls: ModelCallTruth[]): RunTruth['usage'] {
  const sum = (f: (u: UsageTruth) => number | null): number | null => {
    const values = calls.map((c) => f(c.usage));
    return values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0);
  };
  return {
    input: sum((u) => u.input) ?? 0,
    uncachedInput: sum((u) => u.uncachedInput) ?? 0,
    cacheRead: sum((u) => u.cacheRead) ?? 0,
    cacheWrite: sum((u) => u.cacheWrite),
    output: sum((u) => u.output) ?? 0,
    reasoning: sum((u) => u.reasoning),
  };
}

/**
 * One HTTP server for a fake API: routes in order, the first match answers, anything else gets a
 * 404 in the API's error shape; every request is logged.
 */
export async function startFakeServer(api: ApiName, calls: ModelCallTruth[], routes: Route[], notFound: (res: ServerResponse, method: string, path: string) => void): Promise<FakeServer> {
  const requests: RequestTruth[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      let raw = await readBody(req);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const path = (req.url ?? '').split('?')[0] ?? '';
      const method = req.method ?? 'GET';
      const route = routes.find((r) => r.method === method && r.path.test(path));
      const entry: RequestTruth = { method, path, answeredBy: route?.name ?? 'none', status: 0 };
      requests.push(entry);
      res.on('finish', () => (entry.status = res.statusCode));
      if (route === undefined) {
        notFound(res, method, path);
        return;
      }
      let body: unknown = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = raw;
        }
      }
      route.handle(req, body, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake server error: ${String(e)}` } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    truth: () => ({
      api,
      modelCalls: calls.length,
      agentLoopCalls: calls.filter((c) => c.agentLoop).length,
      sideCalls: calls.filter((c) => !c.agentLoop).length,
      usage: sumUsage(calls),
      toolCalls: calls.flatMap((c) => c.toolCalls),
      toolResults: calls.flatMap((c) => c.toolResults),
      calls,
      requests,
      note: 'Written by the fake model server, never by hand. Usage per call: see test/support/coding-agent-model.ts (usageFor). The API reports no cost; any cost in the telemetry is the CLI\'s own.',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Splits a text into the pieces a stream sends (word by word, spaces kept). */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

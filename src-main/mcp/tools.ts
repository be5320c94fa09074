/**
 * The MCP tools: one table entry each (name, description, zod input schema, handler), over any
 * client of the contract (the in-process engine behind `/mcp`, the REST client behind `flowtrace
 * mcp`). Handlers answer compact text for a model's context. Anything that goes wrong (an unknown
 * id, a bad filter, Flowtrace not running) comes back as a tool error (`isError`) with the message
 * a person would need; a tool never throws out of its handler, so the server never goes down.
 */
import * as z from 'zod/v4';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { GENAI_KINDS, type FlowtraceApi, type SearchQuery, type TraceListQuery } from '../../src-shared/contract';
import { loadTraceTree } from './load-trace-tree';
import { renderTraceTree } from './trace-tree';
import { renderRecall, renderSearch, renderSession, renderSessionList, renderSpan, renderStats, renderTraceList } from './render';

/** What the tools use of the contract: the engine and the REST client both provide it. */
export type McpApi = Pick<
  FlowtraceApi,
  | 'listTraces'
  | 'getTraceOutline'
  | 'getAgentGraph'
  | 'getSpan'
  | 'listLogs'
  | 'listSessions'
  | 'getSession'
  | 'search'
  | 'recall'
  | 'remember'
  | 'getStats'
  | 'getInfo'
  | 'getMemoryStatus'
  | 'listMemoryCollections'
>;

/** A mistake in the tool's arguments, said to the model as it is. */
class ToolInputError extends Error {}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, min: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3 };

/**
 * A time a model can write: unix nanoseconds, an ISO 8601 time, or how long ago ("90m", "2h", "7d").
 * `now` is a parameter so tests can pin it.
 */
export function timeToNanos(value: string, field: string, now = Date.now()): string {
  const v = value.trim();
  if (/^\d{1,20}$/.test(v)) return v;
  const rel = RELATIVE.exec(v);
  const ms = rel ? now - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]! : Date.parse(v);
  if (!Number.isFinite(ms) || ms < 0) throw new ToolInputError(`${field} must be an ISO 8601 time (2026-05-17T10:00:00Z), a time ago (30m, 2h, 7d) or unix nanoseconds, not ${JSON.stringify(value)}`);
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

const traceId = z.string().describe('Trace id: 32 hex characters, as list_traces, search or get_session give them.');
const spanId = z.string().describe('Span id: 16 hex characters, as get_trace shows them after # (without the #).');
const time = (what: string) => z.string().optional().describe(`${what}: an ISO 8601 time (2026-05-17T10:00:00Z), a time ago (30m, 2h, 7d) or unix nanoseconds.`);
const collection = z.string().describe('Collection name: 1-64 letters, digits, ".", "_" or "-" (e.g. "notes", "project-facts").');

const listTracesShape = {
  limit: z.number().int().min(1).max(500).optional().describe('Traces per page, 1-500 (default 20).'),
  cursor: z.string().optional().describe('The cursor the previous page ended with, to read the next one (same filters and sort).'),
  sort: z.enum(['newest', 'oldest', 'longest', 'shortest', 'cost', 'tokens']).optional().describe('newest (default) or oldest by start time; longest or shortest by duration; cost or tokens, most first.'),
  q: z.string().optional().describe('Full text: every word occurs (as a prefix, any case) somewhere in the trace: span names, attribute values, status messages, event text.'),
  service: z.string().optional().describe('Exact service.name of the root span.'),
  rootName: z.string().optional().describe('Exact name of the root span.'),
  spanName: z.string().optional().describe('Some span has exactly this name.'),
  status: z.enum(['error', 'ok']).optional().describe('error: some span failed; ok: none did.'),
  hasError: z.boolean().optional().describe('true = status error, false = status ok.'),
  minDurationMs: z.number().min(0).optional().describe('The trace took at least this many milliseconds.'),
  maxDurationMs: z.number().min(0).optional().describe('The trace took at most this many milliseconds.'),
  startFrom: time('Traces that started at or after this time'),
  startTo: time('Traces that started at or before this time'),
  attributes: z.record(z.string(), z.string()).optional().describe('Some span has attribute KEY equal to VALUE, for each pair (e.g. {"http.response.status_code": "500"}).'),
  model: z.string().optional().describe('Some LLM, embedding or reranker call used exactly this model (as sent: gpt-4o-mini does not match gpt-4o-mini-2024-07-18).'),
  agent: z.string().optional().describe('Some agent span has exactly this agent name.'),
  tool: z.string().optional().describe('Some tool span has exactly this tool name.'),
  kind: z.enum(GENAI_KINDS).optional().describe('Some span is GenAI of this kind.'),
  minTokens: z.number().min(0).optional().describe("The trace's total tokens are at least this."),
  minCostUsd: z.number().min(0).optional().describe("The trace's cost is at least this many USD."),
  internal: z.boolean().optional().describe("Also list internal traces (a coding agent's auth, config and file-system traces with no GenAI span)."),
};

const getTraceShape = {
  traceId,
  depth: z.number().int().min(1).max(1000).optional().describe('Levels of the tree to show (1 = the top spans only). Default: as deep as fits the answer (about 6k tokens).'),
  expand: z.string().optional().describe('A span id: show only its subtree, with each of its children on its own line (repeats are otherwise folded as ×N). Use it to open a folded run or a part cut for size.'),
};

const getSpanShape = {
  traceId,
  spanId,
  logs: z.boolean().optional().describe('Include the log records emitted inside the span (default true).'),
  full: z.boolean().optional().describe('Do not cut long texts (messages, attribute values, log bodies) at 2,000 characters; default false.'),
};

const listSessionsShape = {
  limit: z.number().int().min(1).max(500).optional().describe('Sessions per page, 1-500 (default 20).'),
  cursor: z.string().optional().describe('The cursor the previous page ended with.'),
};

const getSessionShape = {
  sessionId: z.string().describe('The session (conversation) id, as list_sessions or list_traces show it.'),
  maxTurns: z.number().int().min(1).max(1000).optional().describe('Turns to show, from the first (default 50).'),
};

const searchShape = {
  q: z.string().optional().describe('What to look for, in your own words: matched by meaning and by words (e.g. "the booking service timed out"). Needed unless similarTraceId is given.'),
  mode: z.enum(['hybrid', 'semantic', 'text']).optional().describe('hybrid (default): meaning and words fused; semantic: meaning only; text: words only.'),
  limit: z.number().int().min(1).max(100).optional().describe('Results, 1-100 (default 10).'),
  service: z.string().optional().describe('Only runs of this service.'),
  model: z.string().optional().describe('Only spans of this model.'),
  agent: z.string().optional().describe('Only spans of this agent.'),
  session: z.string().optional().describe('Only this session.'),
  startFrom: time('Only spans that started at or after this time'),
  startTo: time('Only spans that started at or before this time'),
  similarTraceId: z.string().optional().describe('Instead of q: find runs like this trace (never the trace itself).'),
  similarSpanId: z.string().optional().describe('With similarTraceId: find spans like this one.'),
};

const recallShape = {
  collection,
  query: z.string().min(1).describe('What to recall, in your own words; matched by meaning.'),
  k: z.number().int().min(1).max(100).optional().describe('Items to return, 1-100 (default 5).'),
  filter: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional()
    .describe('Only items whose metadata has each of these top-level values exactly (e.g. {"project": "billing"}).'),
};

const rememberShape = {
  collection,
  text: z.string().min(1).max(32_768).describe('The text to remember (up to 32,768 characters): a fact, a decision, a fix that worked.'),
  metadata: z.record(z.string(), z.unknown()).optional().describe('A JSON object kept with the text (up to 16 KB); recall can filter on its top-level values.'),
};

type Shape = Record<string, z.ZodType>;

interface ToolSpec<S extends Shape> {
  name: string;
  title: string;
  description: string;
  inputSchema: S;
  annotations: ToolAnnotations;
  run: (api: McpApi, args: z.infer<z.ZodObject<S>>) => Promise<string>;
}

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const GET_TRACE_HINT = '×N: N same-named siblings folded. To see more: get_trace with expand=<span id> (a subtree, every child listed) or a larger depth; get_span for one span\'s messages, attributes, events and logs.';

function defineTool<S extends Shape>(spec: ToolSpec<S>): ToolSpec<S> {
  return spec;
}

export const TOOLS = [
  defineTool({
    name: 'list_traces',
    title: 'List traces',
    description:
      'List the agent runs (traces) Flowtrace has stored, newest first, one line each: trace id, start, duration, service, root span, spans and failures, agents, models, LLM and tool calls, tokens, cost, session. ' +
      'Every filter is optional and all must hold: full text (q), status/hasError, duration and start-time ranges, service, root or span name, span attributes, model, agent, tool, GenAI kind, minimum tokens or cost. ' +
      'Use get_trace on an id to see the run as a tree.',
    inputSchema: listTracesShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const { startFrom, startTo, limit, ...rest } = args;
      const query: TraceListQuery = { ...rest, limit: limit ?? 20 };
      if (startFrom !== undefined) query.startFrom = timeToNanos(startFrom, 'startFrom');
      if (startTo !== undefined) query.startTo = timeToNanos(startTo, 'startTo');
      return renderTraceList(await api.listTraces(query), query.sort ?? 'newest');
    },
  }),
  defineTool({
    name: 'get_trace',
    title: 'Get a trace as a tree',
    description:
      'One trace as a compact tree, one line per span: kind (agent, llm, tool, retriever, …, or span for plain spans), name, span id (#…), duration, model, tokens (in→out), cost, and failures marked ✗ ERROR with their message. ' +
      'Typed edges of the agent graph are written on the lines: ⇒/⇐ handoff between agents, → result read by (a tool result going to an LLM call), ↻ retry of, ↪ fallback for. ' +
      'Repeated siblings are folded as ×N with their total duration and failures. A header gives the totals and lists every failed span. The answer stays under about 8k tokens whatever the trace size; ' +
      'parts cut for size say how many spans (and failures) they hold: open them with expand=<span id>, or limit the levels with depth.',
    inputSchema: getTraceShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const tree = await loadTraceTree(api, args.traceId, {
        ...(args.depth !== undefined ? { depth: args.depth } : {}),
        ...(args.expand !== undefined && args.expand !== '' ? { expand: args.expand.replace(/^#/, '') } : {}),
      });
      if (!tree) throw new ToolInputError(`No trace ${args.traceId} is stored; list_traces or search give the ids of stored traces.`);
      return renderTraceTree(tree, { hint: GET_TRACE_HINT });
    },
  }),
  defineTool({
    name: 'get_span',
    title: 'Get one span',
    description:
      'Everything about one span: what it is (GenAI kind, model, provider, agent, tool and call id, tokens, cost, finish reasons, session), its timing and status, ' +
      'the LLM conversation (system instructions, input and output messages with tool calls and results), the tools offered, every attribute, its events (exceptions included), links, and the log records emitted inside it. ' +
      'Long texts are cut at 2,000 characters unless full is true.',
    inputSchema: getSpanShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const id = args.spanId.replace(/^#/, '');
      const span = await api.getSpan(args.traceId, id);
      if (!span) throw new ToolInputError(`No span ${id} in trace ${args.traceId} (or no such trace); get_trace lists a trace's span ids.`);
      const logs = args.logs === false ? null : await api.listLogs({ traceId: span.traceId, spanId: span.spanId, limit: 50 });
      return renderSpan(span, logs, { maxPartChars: args.full ? 65_536 : 2000 });
    },
  }),
  defineTool({
    name: 'list_sessions',
    title: 'List sessions',
    description:
      'The sessions (multi-turn conversations of an agent or a coding CLI such as Claude Code, Codex or Gemini CLI), most recent activity first: session id, service, turns, LLM and tool calls, tokens, cost, errors (and in how many turns), models, users, first and last activity.',
    inputSchema: listSessionsShape,
    annotations: READ_ONLY,
    run: async (api, args) => renderSessionList(await api.listSessions({ limit: args.limit ?? 20, ...(args.cursor !== undefined ? { cursor: args.cursor } : {}) })),
  }),
  defineTool({
    name: 'get_session',
    title: 'Get a session',
    description:
      "One session turn by turn: each turn's prompt and answer, its LLM calls by model, its tool calls (with failures), cost and trace id; then the session's traces. Use get_trace on a turn's trace for its tree.",
    inputSchema: getSessionShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const detail = await api.getSession(args.sessionId);
      if (!detail) throw new ToolInputError(`No session ${JSON.stringify(args.sessionId)}; list_sessions gives the session ids.`);
      return renderSession(detail, args.maxTurns ?? 50);
    },
  }),
  defineTool({
    name: 'search',
    title: 'Search what agents said and did',
    description:
      'Search the stored runs by meaning and by words: conversation turns, tool calls with their results, and errors. Describe what you look for in your own words (no need to know the exact wording). ' +
      'Filters: service, model, agent, session, start-time range. With similarTraceId (and similarSpanId) instead of q, finds the runs most like that one. ' +
      'Each result gives its trace and span ids (for get_trace, get_span), what kind of text matched, and a snippet.',
    inputSchema: searchShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const { startFrom, startTo, similarTraceId, similarSpanId, limit, ...rest } = args;
      if ((rest.q === undefined || rest.q.trim() === '') && similarTraceId === undefined) throw new ToolInputError('search needs q (what to look for) or similarTraceId.');
      if (similarSpanId !== undefined && similarTraceId === undefined) throw new ToolInputError('similarSpanId goes with similarTraceId.');
      const query: SearchQuery = { ...rest, limit: limit ?? 10 };
      if (startFrom !== undefined) query.startFrom = timeToNanos(startFrom, 'startFrom');
      if (startTo !== undefined) query.startTo = timeToNanos(startTo, 'startTo');
      if (similarTraceId !== undefined) query.similarTo = similarSpanId !== undefined ? { traceId: similarTraceId, spanId: similarSpanId } : { traceId: similarTraceId };
      return renderSearch(await api.search(query));
    },
  }),
  defineTool({
    name: 'recall',
    title: 'Recall from a memory collection',
    description:
      'Recall texts from a memory collection (notes that you, other agents or people stored with remember), by meaning: the best matches first with their score, id, time and metadata. ' +
      'filter keeps only items whose metadata has those values. stats lists the collections.',
    inputSchema: recallShape,
    annotations: READ_ONLY,
    run: async (api, args) => {
      const answer = await api.recall(args.collection, { query: args.query, ...(args.k !== undefined ? { k: args.k } : {}), ...(args.filter !== undefined ? { filter: args.filter } : {}) });
      return renderRecall(args.collection, answer.items);
    },
  }),
  defineTool({
    name: 'remember',
    title: 'Remember a text',
    description:
      'Store a text in a memory collection (created on first use) so it can be recalled later by meaning, by you or another agent: a fact about the project, a decision, a fix that worked. Optional metadata (a JSON object) can be filtered on by recall. Answers the new item\'s id.',
    inputSchema: rememberShape,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async (api, args) => {
      const { id } = await api.remember(args.collection, { text: args.text, ...(args.metadata !== undefined ? { metadata: args.metadata } : {}) });
      return `Remembered in "${args.collection}" as #${id}.`;
    },
  }),
  defineTool({
    name: 'stats',
    title: 'Flowtrace status',
    description:
      "What Flowtrace holds and how it is doing: version, data directory, OTLP endpoints to send traces to, traces and spans stored, disk use, store notices (a full disk, a damaged file), the memory's state and its collections.",
    inputSchema: {},
    annotations: READ_ONLY,
    run: async (api) => {
      const [stats, info, memory, collections] = await Promise.all([
        api.getStats(),
        api.getInfo().catch(() => null),
        api.getMemoryStatus().catch(() => null),
        api.listMemoryCollections().catch(() => null),
      ]);
      return renderStats(stats, info, memory, memory?.enabled === false ? null : collections);
    },
  }),
];

export const TOOL_NAMES = TOOLS.map((t) => t.name);

function toolError(err: unknown): CallToolResult {
  const message = err instanceof Error ? err.message : String(err);
  return { isError: true, content: [{ type: 'text', text: message }] };
}

export function registerTools(server: McpServer, api: McpApi): void {
  for (const tool of TOOLS as ReadonlyArray<ToolSpec<Shape>>) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: tool.annotations },
      async (args: z.infer<z.ZodObject<Shape>>): Promise<CallToolResult> => {
        try {
          return { content: [{ type: 'text', text: await tool.run(api, args) }] };
        } catch (err) {
          return toolError(err);
        }
      },
    );
  }
}

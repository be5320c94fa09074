/**
 * `flowtrace tail`: spans as they arrive, one line each. The WebSocket's ingest ticks
 * (`/api/v1/ws`, at most ten a second) name the traces that changed; each is read again
 * (`GET /api/v1/traces/{id}`) and its spans not printed yet are printed. Polling was the rejected
 * alternative: a tick arrives within ~100 ms of the commit and costs nothing while nothing arrives.
 *
 * What is new: a trace first seen after tail started is printed whole (an agent run, or a file
 * being imported); one that was already running prints only the spans that ended since tail
 * started. Ticks naming more than 100 traces, and reconnects, fall back to the newest traces.
 */
import WebSocket from 'ws';
import type { IngestTick, SpanRecord, TraceDetail, TraceListPage } from '../../src-shared/contract';
import { costLabel, formatDuration, formatTokens } from '../../src-shared/format';
import { ApiClient, apiBase, URL_OPTIONS, URL_USAGE } from './api-client';
import { out, parse, UsageError, type Command } from './command';
import { clip, clockMs, nanosToMs, style, useColour, type Style } from './term';

export interface SpanFilter {
  service?: string;
  agent?: string;
  model?: string;
  tool?: string;
  kind?: string;
  status?: 'ok' | 'error';
}

/** A span with what its line shows that the span alone does not carry. */
export interface TailSpan {
  span: SpanRecord;
  /** The span's own agent, else the nearest agent above it. */
  agent: string | null;
}

const serviceOf = (span: SpanRecord): string => {
  const name = span.resource.attributes['service.name'];
  return typeof name === 'string' ? name : '';
};

/** Each span of the trace with its agent (the nearest ancestor that names one). */
export function withAgents(spans: readonly SpanRecord[]): TailSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const agentOf = (span: SpanRecord): string | null => {
    const seen = new Set<string>();
    for (let at: SpanRecord | undefined = span; at && !seen.has(at.spanId); at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
      seen.add(at.spanId); // a parent cycle ends the walk
      if (at.genai?.agentName) return at.genai.agentName;
    }
    return null;
  };
  return spans.map((span) => ({ span, agent: agentOf(span) }));
}

export function matches({ span, agent }: TailSpan, f: SpanFilter): boolean {
  if (f.service !== undefined && serviceOf(span) !== f.service) return false;
  if (f.agent !== undefined && agent !== f.agent) return false;
  if (f.model !== undefined && span.genai?.requestModel !== f.model && span.genai?.responseModel !== f.model) return false;
  if (f.tool !== undefined && span.genai?.toolName !== f.tool) return false;
  if (f.kind !== undefined && span.genai?.kind !== f.kind) return false;
  if (f.status === 'error' && span.status.code !== 'error') return false;
  if (f.status === 'ok' && span.status.code === 'error') return false;
  return true;
}

/** time  service  agent  kind  name  model  tokens  cost  duration  [error], in fixed columns. */
export function spanLine({ span, agent }: TailSpan, s: Style): string {
  const g = span.genai;
  const failed = span.status.code === 'error';
  const durationMs = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
  const cols = [
    s.dim(clockMs(nanosToMs(span.endTimeUnixNano))),
    clip(serviceOf(span), 16).padEnd(16),
    clip(agent ?? '', 14).padEnd(14),
    g ? s.cyan(g.kind.padEnd(9)) : s.dim(span.kind.padEnd(9)),
    clip(span.name, 34).padEnd(34),
    clip(g?.responseModel ?? g?.requestModel ?? '', 20).padEnd(20),
    (g?.totalTokens !== undefined ? `${formatTokens(g.totalTokens)} tok` : '').padStart(11),
    (g ? (costLabel(g.costUsd, g.totalTokens !== undefined) ?? '') : '').padStart(9),
    formatDuration(durationMs).padStart(9),
  ];
  const line = cols.join('  ');
  return failed ? `${line}  ${s.red(s.bold(`ERROR${span.status.message ? `: ${clip(span.status.message.replace(/\s+/g, ' '), 80)}` : ''}`))}` : line;
}

export const TAIL_HEADER = ['TIME'.padEnd(12), 'SERVICE'.padEnd(16), 'AGENT'.padEnd(14), 'KIND'.padEnd(9), 'SPAN'.padEnd(34), 'MODEL'.padEnd(20), 'TOKENS'.padStart(11), 'COST'.padStart(9), 'DURATION'.padStart(9)].join('  ');

/**
 * Which spans of a trace to print now. `printed` holds what was printed (or passed over) before;
 * `cutoffMs`: a trace first seen with spans that ended before it was already running when tail
 * started, and only its later spans are new. A trace entirely older than the cutoff arrived whole
 * (an import, a clock far behind) and is printed whole.
 */
export function newSpans(trace: TraceDetail, printed: Set<string> | undefined, cutoffMs: number): { fresh: SpanRecord[]; skip: SpanRecord[] } {
  const unseen = trace.spans.filter((s) => !printed?.has(s.spanId));
  if (printed !== undefined) return { fresh: unseen, skip: [] };
  const endsAfter = (s: SpanRecord) => nanosToMs(s.endTimeUnixNano) >= cutoffMs;
  if (!unseen.some(endsAfter)) return { fresh: unseen, skip: [] };
  return { fresh: unseen.filter(endsAfter), skip: unseen.filter((s) => !endsAfter(s)) };
}

const MAX_TRACES_REMEMBERED = 5000;
const FETCH_CONCURRENCY = 4;
/** Spans that ended a little before tail started still count as new (commit and tick latency). */
const START_SLACK_MS = 2000;

export const tailCommand: Command = {
  name: 'tail',
  synopsis: 'tail [filters]',
  summary: 'follow spans live as they arrive (Ctrl-C stops)',
  usage: `Usage: flowtrace tail [filters] [--json]

Follows the running Flowtrace live: one line per span as it arrives, with its end time, service,
agent, kind, name, model, tokens, cost and duration; failed spans in red with their message.
Filters apply to each span. A trace that starts while tail runs is printed whole; one that was
already running shows the spans that end from now on. Ctrl-C stops it (exit 0).

Filters:
  --service NAME   the span's service.name
  --agent A        the span's agent (its own, or the nearest agent span above it)
  --model M        model calls of this model (request or response model)
  --tool T         tool calls of this tool
  --kind K         GenAI spans of this kind: agent, llm, tool, retriever, embedding, …
  --status S       error (failed spans only) or ok
Options:
${URL_USAGE.replace('the API\'s answer as JSON, for scripts', 'one span per line as the API gives it (JSON lines)')}
Examples:
  flowtrace tail
  flowtrace tail --status error --service travel-agent
`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      ...URL_OPTIONS,
      service: { type: 'string' },
      agent: { type: 'string' },
      model: { type: 'string' },
      tool: { type: 'string' },
      kind: { type: 'string' },
      status: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`takes no arguments, only options (got "${positionals[0]}")`);
    if (values.status !== undefined && values.status !== 'ok' && values.status !== 'error') throw new UsageError(`--status must be ok or error, not "${values.status}"`);
    const filter: SpanFilter = {};
    for (const key of ['service', 'agent', 'model', 'tool', 'kind'] as const) if (values[key] !== undefined) filter[key] = values[key];
    if (values.status !== undefined) filter.status = values.status as 'ok' | 'error';
    const api = new ApiClient(apiBase(values));
    await api.get('/api/v1/health'); // a clear "no Flowtrace answers at …" before anything else
    return follow(api, filter, values.json === true);
  },
};

async function follow(api: ApiClient, filter: SpanFilter, json: boolean): Promise<number> {
  const s = style(useColour());
  const note = (line: string) => process.stderr.write(`${s.dim(line)}\n`);
  const printed = new Map<string, Set<string>>();
  let cutoffMs = Date.now() - START_SLACK_MS;
  const pending = new Set<string>();
  let catchUp = false;
  let pumping: Promise<void> | null = null;
  let stopping = false;
  let socket: WebSocket | null = null;
  let retryTimer: NodeJS.Timeout | null = null;

  if (!json) out(s.bold(TAIL_HEADER));

  const remember = (traceId: string): Set<string> => {
    let set = printed.get(traceId);
    if (set) {
      printed.delete(traceId); // most recently touched goes last
    } else set = new Set();
    printed.set(traceId, set);
    if (printed.size > MAX_TRACES_REMEMBERED) printed.delete(printed.keys().next().value!);
    return set;
  };

  const show = (trace: TraceDetail) => {
    const { fresh, skip } = newSpans(trace, printed.get(trace.traceId), cutoffMs);
    const set = remember(trace.traceId);
    for (const span of skip) set.add(span.spanId);
    if (fresh.length === 0) return;
    const withAgent = new Map(withAgents(trace.spans).map((t) => [t.span.spanId, t]));
    const ordered = [...fresh].sort((a, b) => (BigInt(a.endTimeUnixNano) < BigInt(b.endTimeUnixNano) ? -1 : 1));
    for (const span of ordered) {
      set.add(span.spanId);
      const item = withAgent.get(span.spanId)!;
      if (!matches(item, filter)) continue;
      out(json ? JSON.stringify(span) : spanLine(item, s));
    }
  };

  const pump = async () => {
    while ((pending.size > 0 || catchUp) && !stopping) {
      const ids = [...pending];
      pending.clear();
      if (catchUp) {
        catchUp = false;
        const page = await api.get<TraceListPage>('/api/v1/traces?limit=100&internal=true');
        for (const t of page.traces) if (!ids.includes(t.traceId)) ids.push(t.traceId);
      }
      for (let i = 0; i < ids.length && !stopping; i += FETCH_CONCURRENCY) {
        const traces = await Promise.all(
          ids.slice(i, i + FETCH_CONCURRENCY).map(async (id) => {
            const res = await api.fetch('GET', `/api/v1/traces/${id}`);
            return res.ok ? ((await res.json()) as TraceDetail) : null; // 404: deleted meanwhile
          }),
        );
        for (const trace of traces) if (trace && !stopping) show(trace);
      }
    }
  };

  const kick = () => {
    pumping ??= pump()
      .catch((err: unknown) => {
        note(`flowtrace tail: ${(err as Error).message}`);
      })
      .finally(() => {
        pumping = null;
        if ((pending.size > 0 || catchUp) && !stopping) kick();
      });
  };

  const wsUrl = `${api.base.replace(/^http/, 'ws')}/api/v1/ws`;
  let lost = false;
  let opened = false;
  const connect = (delayMs: number) => {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.on('open', () => {
      // Said once the socket is open: from here on no span is missed (scripts wait for this line).
      if (!opened) note(`following spans at ${api.base} (Ctrl-C to stop)`);
      opened = true;
      if (lost) {
        note('reconnected');
        lost = false;
        catchUp = true; // what arrived while away
        kick();
      }
    });
    ws.on('message', (data) => {
      let msg: { type?: string; tick?: IngestTick };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.type !== 'ingest' || !msg.tick) return;
      for (const id of msg.tick.traceIds) pending.add(id);
      if (msg.tick.truncated) catchUp = true;
      kick();
    });
    ws.on('error', () => {
      // 'close' follows and decides what to do.
    });
    ws.on('close', () => {
      if (stopping) return;
      if (!lost) {
        note(`connection to ${api.base} lost; reconnecting…`);
        lost = true;
        cutoffMs = Date.now() - START_SLACK_MS;
      }
      retryTimer = setTimeout(() => connect(Math.min(5000, delayMs * 2)), delayMs);
    });
  };
  connect(500);

  return new Promise<number>((resolve) => {
    const stop = () => {
      if (stopping) {
        process.exit(0); // a second Ctrl-C while a read is still in flight
      }
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.removeAllListeners('close');
      socket?.on('error', () => undefined);
      socket?.terminate();
      void (pumping ?? Promise.resolve()).finally(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

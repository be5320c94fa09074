/**
 * `flowtrace traces`: the trace list of the running Flowtrace, as a table (or the API's JSON),
 * newest first, with the list's filters. More than one page (500) is read page by page.
 */
import type { TraceListPage, TraceListQuery, TraceSummary } from '../../src-shared/contract';
import { costLabel, formatDuration, formatTokens } from '../../src-shared/format';
import { traceListSearchParams } from '../../src-shared/trace-list-params';
import { ApiClient, apiBase, URL_OPTIONS, URL_USAGE } from './api-client';
import { out, parse, positiveInt, UsageError, type Command } from './command';
import { FILTER_OPTIONS, FILTER_USAGE, traceFilters } from './filters';
import { nanosToMs, shortTime, style, table, useColour, type Column } from './term';

const PAGE_MAX = 500;

/** Up to `limit` traces matching `query`, following cursors; nextCursor is where a further read would go on. */
export async function listTraces(api: ApiClient, query: TraceListQuery, limit: number): Promise<TraceListPage> {
  const traces: TraceSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const params = traceListSearchParams({ ...query, limit: Math.min(PAGE_MAX, limit - traces.length), ...(cursor ? { cursor } : {}) });
    const page = await api.get<TraceListPage>(`/api/v1/traces?${params}`);
    traces.push(...page.traces);
    if (page.nextCursor === null || traces.length >= limit) return { traces, nextCursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

const SORTS = ['newest', 'oldest', 'longest', 'shortest', 'cost', 'tokens'] as const;

export const tracesCommand: Command = {
  name: 'traces',
  synopsis: 'traces [filters]',
  summary: 'list traces, newest first, with the UI\'s filters',
  usage: `Usage: flowtrace traces [filters] [--limit N] [--sort ORDER] [--json]

Lists the running Flowtrace's traces, newest first: start, trace id, service, root span, duration,
spans, errors, tokens and cost. Filters combine (all must hold).

Filters:
${FILTER_USAGE}
Options:
  --limit N        at most N traces (default 20; more than 500 are read page by page)
  --sort ORDER     newest (default), oldest, longest, shortest, cost or tokens (most first)
${URL_USAGE}
Examples:
  flowtrace traces --status error --since 2h
  flowtrace traces --agent planner --model gpt-4o-mini --limit 100 --json
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...URL_OPTIONS, ...FILTER_OPTIONS, limit: { type: 'string' }, sort: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`takes no arguments, only options (got "${positionals[0]}"); full text is --q "${positionals.join(' ')}"`);
    const limit = positiveInt(values.limit, '--limit') ?? 20;
    const query = traceFilters(values);
    if (values.sort !== undefined) {
      if (!(SORTS as readonly string[]).includes(values.sort)) throw new UsageError(`--sort must be ${SORTS.join(', ')}, not "${values.sort}"`);
      query.sort = values.sort as TraceListQuery['sort'];
    }
    const page = await listTraces(new ApiClient(apiBase(values)), query, limit);
    if (values.json) {
      out(JSON.stringify(page));
      return 0;
    }
    if (page.traces.length === 0) {
      out(Object.keys(query).length > 0 ? 'no traces match' : 'no traces yet: point an OpenTelemetry exporter at Flowtrace (see the README)');
      return 0;
    }
    const s = style(useColour());
    const columns: Column<TraceSummary>[] = [
      { title: 'STARTED', cell: (t) => shortTime(nanosToMs(t.startTimeUnixNano)) },
      { title: 'TRACE ID', cell: (t) => t.traceId },
      { title: 'SERVICE', cell: (t) => t.serviceName, flex: true, min: 10 },
      { title: 'ROOT', cell: (t) => t.rootName, flex: true, min: 16 },
      { title: 'DURATION', cell: (t) => formatDuration(t.durationMs), align: 'right' },
      { title: 'SPANS', cell: (t) => formatTokens(t.spanCount), align: 'right' },
      { title: 'ERRORS', cell: (t) => (t.errorCount > 0 ? String(t.errorCount) : ''), align: 'right', paint: (text) => s.red(text) },
      { title: 'TOKENS', cell: (t) => (t.genai ? formatTokens(t.genai.totalTokens) : ''), align: 'right' },
      { title: 'COST', cell: (t) => (t.genai ? (costLabel(t.genai.costUsd, t.genai.totalTokens > 0) ?? '') : ''), align: 'right' },
    ];
    for (const line of table(page.traces, columns, process.stdout.columns ?? 200, s)) out(line);
    if (page.nextCursor !== null) out(s.dim(`(more traces match: --limit ${Math.min(limit * 2, limit + 500)} shows more)`));
    return 0;
  },
};

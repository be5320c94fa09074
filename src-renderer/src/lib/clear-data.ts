// Clear data, the pure part: what the data store keeps once a trace (or everything) is deleted, and
// the line that says what went. The engine's tick makes views re-read anyway; these drop the deleted
// rows at once, so the list never shows a trace that is gone while the tick is on its way.
import type { DeletedCounts } from '../../../src-shared/contract';
import type { ListState } from '../state/list-state';

interface CachedData<TraceEntry, Span> {
  list: ListState;
  traces: Record<string, TraceEntry>;
  spans: Record<string, Span>;
}

/** The store without one trace: its list row, its loaded outline and graph, its spans' records. */
export function withoutTrace<TraceEntry, Span>(data: CachedData<TraceEntry, Span>, traceId: string): CachedData<TraceEntry, Span> {
  const traces = { ...data.traces };
  delete traces[traceId];
  const prefix = `${traceId}/`;
  const spans = Object.fromEntries(Object.entries(data.spans).filter(([key]) => !key.startsWith(prefix)));
  return { list: { ...data.list, traces: data.list.traces.filter((t) => t.traceId !== traceId) }, traces, spans };
}

/** The store after everything was deleted: an empty list (still keyed by its filters), no cached traces. */
export function emptied<TraceEntry, Span>(data: CachedData<TraceEntry, Span>): CachedData<TraceEntry, Span> {
  return { list: { ...data.list, traces: [], nextCursor: null }, traces: {}, spans: {} };
}

/** "1 trace", "1,200 traces". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "Deleted 2 traces, 14 spans and 3 log records." Zero counts are left out (traces and spans always say). */
export function deletedSummary(c: DeletedCounts): string {
  const parts = [plural(c.traces, 'trace'), plural(c.spans, 'span')];
  if (c.logs > 0) parts.push(plural(c.logs, 'log record'));
  if (c.metricPoints > 0) parts.push(plural(c.metricPoints, 'metric point'));
  return `Deleted ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}.`;
}

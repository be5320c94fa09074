/**
 * The trace-list filters, as `traces`, `tail` and `export --since` take them: each flag maps to one
 * field of TraceListQuery (src-shared/contract.ts), which the server validates and explains. Times
 * are relative (`30m`, `2h`, `7d` ago) or absolute (`2026-05-01`, `2026-05-01T14:00`, local time).
 */
import type { TraceListQuery } from '../../src-shared/contract';
import { UsageError } from './command';

export const FILTER_OPTIONS = {
  service: { type: 'string' },
  q: { type: 'string' },
  model: { type: 'string' },
  agent: { type: 'string' },
  tool: { type: 'string' },
  kind: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  attr: { type: 'string', multiple: true },
  internal: { type: 'boolean' },
} as const;

export const FILTER_USAGE = `  --service NAME   the root span's service.name
  --q WORDS        full text: every word occurs somewhere in the trace
  --model M        some model call used exactly this model
  --agent A        some agent span is this agent
  --tool T         some tool span called this tool
  --kind K         some span is GenAI of this kind (agent, llm, tool, retriever, …)
  --status S       error (some span failed) or ok (none did)
  --since WHEN     started at or after WHEN: 30s, 15m, 2h, 7d, 1w ago, or 2026-05-01[T14:00]
  --until WHEN     started at or before WHEN (same forms)
  --attr K=V       some span has attribute K equal to V (repeatable)
  --internal       include internal traces (a coding agent's auth and file traces)
`;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** WHEN as unix nanoseconds (decimal string). */
export function parseWhen(value: string, flag: string, now = Date.now()): string {
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(value.trim());
  let ms: number;
  if (rel) ms = now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim())) {
    // A date alone is local midnight (Date.parse would read it as UTC).
    const text = value.trim().replace(' ', 'T');
    ms = Date.parse(/T/.test(text) ? text : `${text}T00:00`);
  } else ms = NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} must be a duration ago (30s, 15m, 2h, 7d, 1w) or a date (2026-05-01, 2026-05-01T14:00), not "${value}"`);
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

export type FilterValues = { [K in keyof typeof FILTER_OPTIONS]?: (typeof FILTER_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof FILTER_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export function traceFilters(values: FilterValues, now = Date.now()): TraceListQuery {
  const query: TraceListQuery = {};
  if (values.service !== undefined) query.service = values.service;
  if (values.q !== undefined) query.q = values.q;
  if (values.model !== undefined) query.model = values.model;
  if (values.agent !== undefined) query.agent = values.agent;
  if (values.tool !== undefined) query.tool = values.tool;
  if (values.kind !== undefined) query.kind = values.kind as TraceListQuery['kind'];
  if (values.status !== undefined) {
    if (values.status !== 'ok' && values.status !== 'error') throw new UsageError(`--status must be ok or error, not "${values.status}"`);
    query.status = values.status;
  }
  if (values.since !== undefined) query.startFrom = parseWhen(values.since, '--since', now);
  if (values.until !== undefined) query.startTo = parseWhen(values.until, '--until', now);
  for (const pair of values.attr ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attr must be KEY=VALUE, not "${pair}"`);
    (query.attributes ??= {})[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (values.internal) query.internal = true;
  return query;
}

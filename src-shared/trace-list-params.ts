/**
 * TraceListQuery ↔ the REST query string of `GET /api/v1/traces`, written once for the server and
 * the browser client. Attribute filters travel as repeated `attr=key=value` (split at the first `=`).
 * The server still validates the result with parseTraceListQuery.
 */
import type { TraceListQuery } from './contract';

const SCALAR_FIELDS = [
  'limit', 'cursor', 'sort', 'service', 'q', 'rootName', 'spanName', 'status',
  'minDurationMs', 'maxDurationMs', 'startFrom', 'startTo',
  'model', 'agent', 'tool', 'kind', 'hasError', 'minTokens', 'minCostUsd', 'internal', 'feedback', 'label',
] as const satisfies ReadonlyArray<keyof TraceListQuery>;

export function traceListSearchParams(query: TraceListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of SCALAR_FIELDS) {
    const v = query[field];
    if (v !== undefined && v !== '') params.set(field, String(v));
  }
  for (const [key, value] of Object.entries(query.attributes ?? {})) params.append('attr', `${key}=${value}`);
  return params;
}

/** Raw (unvalidated) query object from a query string; unknown names are kept so validation can name them. */
export function traceListQueryFromParams(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of params) {
    if (name === 'attr') {
      const eq = value.indexOf('=');
      const attrs = (out.attributes ??= {}) as Record<string, string>;
      if (eq <= 0) attrs[value] = '';
      else attrs[value.slice(0, eq)] = value.slice(eq + 1);
    } else out[name] = value;
  }
  return out;
}

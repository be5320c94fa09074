// Pure pieces of the Logs page: the engine query for a route's filters, and a record as a list row
// (time, level, label, one-line body, where it links). Tested in test/renderer/logs-page.test.ts.
import type { AttributeValue, LogListQuery, LogRecordView } from '../../../../src-shared/contract';
import { attributeText, serviceName } from '../attributes';
import { severityLabel, severityLevel, type SeverityLevel } from '../detail/severity';
import type { Route } from '../route';
import { rangeKey, rangeWindow, type TimeRange } from '../time-range';
import type { LogsRoute, SeverityFloor } from './route';

/** Records per page; the list grows by this on "Load more" and refreshes as many as it shows. */
export const LOG_PAGE = 200;
/** A live refresh re-reads at most this many (the engine's page limit); older pages are dropped. */
export const LOG_REFRESH_MAX = 1000;

/** The lowest OTLP SeverityNumber of each level (TRACE 1–4, DEBUG 5–8, … FATAL 21–24). */
export const SEVERITY_MIN: Record<SeverityFloor, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

export function logQuery(route: LogsRoute, range: TimeRange, nowMs: number, limit: number, cursor?: string): LogListQuery {
  const query: LogListQuery = { limit: Math.max(1, Math.min(LOG_REFRESH_MAX, limit)) };
  if (route.q.trim() !== '') query.q = route.q.trim();
  if (route.service !== '') query.service = route.service;
  if (route.severity) query.minSeverity = SEVERITY_MIN[route.severity];
  Object.assign(query, rangeWindow(range, nowMs));
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

/** Same filters (the key a loaded page belongs to); the time range counts, "now" does not. */
export function logsKey(route: LogsRoute, range: TimeRange): string {
  return JSON.stringify([route.q.trim(), route.service, route.severity, rangeKey(range)]);
}

export interface LogRow {
  /** The record's time, or its observed time when it has none (as the engine orders it). */
  timeNs: string;
  level: SeverityLevel;
  label: string;
  service: string;
  /** The body on one line: strings as sent (newlines folded), anything else as JSON; '' when absent. */
  summary: string;
  eventName: string;
  /** The trace (and span) it was logged in, as a link target; null outside a span. */
  link: Route | null;
  attributeCount: number;
}

const SUMMARY_MAX = 500;

export function bodySummary(body: AttributeValue): string {
  if (body === null || body === undefined) return '';
  const text = attributeText(body).replace(/\s*\n\s*/g, ' ⏎ ');
  return text.length > SUMMARY_MAX ? `${text.slice(0, SUMMARY_MAX)}…` : text;
}

export function logRow(log: LogRecordView): LogRow {
  return {
    timeNs: log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano,
    level: severityLevel(log.severityNumber),
    label: severityLabel(log.severityNumber, log.severityText),
    service: serviceName(log.resource.attributes),
    summary: bodySummary(log.body),
    eventName: log.eventName,
    link: log.traceId ? { view: 'trace', traceId: log.traceId, spanId: log.spanId } : null,
    attributeCount: Object.keys(log.attributes).length,
  };
}

/** Services seen in the loaded records plus the one filtered on, sorted: the service picker's options. */
export function servicesOf(logs: readonly LogRecordView[], known: readonly string[], current: string): string[] {
  const all = new Set(known);
  for (const l of logs) {
    const name = serviceName(l.resource.attributes);
    if (name) all.add(name);
  }
  if (current) all.add(current);
  return [...all].sort();
}

/**
 * React keys for the rows that stay with their record when a live refresh puts newer ones above it
 * (an index would move an unfolded row's state onto another record). Records carry no id: the key
 * is what tells them apart, and identical records are numbered in list order.
 */
export function logKeys(logs: readonly LogRecordView[]): string[] {
  const seen = new Map<string, number>();
  return logs.map((l) => {
    const base = `${l.observedTimeUnixNano}|${l.timeUnixNano}|${l.traceId ?? ''}|${l.spanId ?? ''}|${l.severityNumber}|${bodySummary(l.body).slice(0, 80)}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

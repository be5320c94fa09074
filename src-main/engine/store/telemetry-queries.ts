/**
 * The read side of log records and metric points. Pages are keyset-paginated on (time, id), so page
 * N costs the same as page 1; every filter is a bound parameter. Ids leave as lowercase hex and
 * nanoseconds as decimal text, converted in SQL as the span queries do.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  AttributeValue,
  LogListPage,
  LogListQuery,
  LogRecordView,
  MetricExemplar,
  MetricNameInfo,
  MetricPointPage,
  MetricPointQuery,
  MetricPointView,
  ResourceInfo,
  ScopeInfo,
} from '../../../src-shared/contract';
import { ArgumentError, DEFAULT_TELEMETRY_PAGE } from '../../../src-shared/validate';
import { doubleValue, intValue } from '../otlp/common-protobuf';
import { metricTypeOf, temporalityName } from '../otlp/decode-metrics';
import type { AttributeKeys } from './attribute-codec';

interface LogRow {
  id: number;
  trace_id: string;
  span_id: string;
  time_ns: string;
  observed_ns: string;
  at_ns: string;
  severity_number: number;
  severity_text: string;
  body: string;
  attrs: string;
  dropped_attributes_count: number;
  flags: number;
  event_name: string;
  resource_id: number;
  scope_id: number;
}

/** Read with safeIntegers (for `value`), so every INTEGER column arrives as a bigint. */
interface PointRow {
  id: bigint;
  name: string;
  description: string;
  unit: string;
  type: bigint;
  temporality: bigint;
  is_monotonic: bigint;
  metadata: string | null;
  start_ns: string;
  time_ns: string;
  attrs: string;
  flags: bigint;
  value: bigint | number | null;
  data: string | null;
  exemplars: string | null;
  resource_id: bigint;
  scope_id: bigint;
}

const LOG_COLUMNS = `SELECT l.id, lower(hex(l.trace_id)) AS trace_id, lower(hex(l.span_id)) AS span_id,
  CAST(l.time_ns AS TEXT) AS time_ns, CAST(l.observed_ns AS TEXT) AS observed_ns, CAST(l.at_ns AS TEXT) AS at_ns,
  l.severity_number, l.severity_text, l.body, l.attrs, l.dropped_attributes_count, l.flags, l.event_name,
  l.resource_id, l.scope_id
  FROM logs l`;

const POINT_COLUMNS = `SELECT m.id, m.name, m.description, m.unit, m.type, m.temporality, m.is_monotonic, m.metadata,
  CAST(m.start_ns AS TEXT) AS start_ns, CAST(m.time_ns AS TEXT) AS time_ns, m.attrs, m.flags, m.value, m.data,
  m.exemplars, m.resource_id, m.scope_id
  FROM metric_points m`;

/** Resources and scopes come from the span queries' cache. */
export interface ResourceScopeLookup {
  resourceOf(id: number): ResourceInfo;
  scopeOf(id: number): ScopeInfo;
}

interface Cursor {
  ns: bigint;
  id: number;
}

function encodeCursor(kind: 'l' | 'm', ns: string, id: number): string {
  return Buffer.from(`${kind}:${ns}:${id}`).toString('base64url');
}

function decodeCursor(kind: 'l' | 'm', cursor: string): Cursor {
  const m = /^([lm]):(\d{1,20}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m || m[1] !== kind) throw new ArgumentError('cursor is not one this server issued for this list');
  return { ns: BigInt(m[2]!), id: Number(m[3]) };
}

/** MetricNumber from the `value` column: exact integers stay exact; Infinity keeps its name. */
function valueOf(v: bigint | number | null): number | string | null {
  if (v === null) return null;
  return typeof v === 'bigint' ? intValue(v) : doubleValue(v);
}

export class TelemetryQueries {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  private readonly stmts;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
    private readonly lookup: ResourceScopeLookup,
  ) {
    this.stmts = {
      names: db.prepare(`SELECT name, count(*) AS points, CAST(max(time_ns) AS TEXT) AS last_ns
        FROM metric_points GROUP BY name ORDER BY name`),
      newestOfName: db.prepare('SELECT type, unit, description FROM metric_points WHERE name = ? ORDER BY time_ns DESC, id DESC LIMIT 1'),
      // logs_by_trace; a record is GenAI when its event name (or, from older SDKs, its event.name
      // attribute, stored in attrs) starts with gen_ai. — the same test normalizeSpan applies.
      genAiLogsOfTrace: db.prepare(`${LOG_COLUMNS} WHERE l.trace_id = @trace AND (@span IS NULL OR l.span_id = @span)
        AND (substr(l.event_name, 1, 7) = 'gen_ai.' OR (l.event_name = '' AND instr(l.attrs, '"gen_ai.') > 0))
        ORDER BY l.id LIMIT 5000`),
      // logs_by_session: a session's records in time order (its log events make turns).
      logsOfSession: db.prepare(`${LOG_COLUMNS} WHERE l.session_id = ? ORDER BY l.at_ns, l.id LIMIT ?`),
    };
  }

  /** A session's log records, oldest first, at most `limit`. */
  logsOfSession(sessionId: string, limit: number): LogRecordView[] {
    return (this.stmts.logsOfSession.all(sessionId, limit) as LogRow[]).map((r) => this.logOf(r));
  }

  /** The GenAI log records of a trace (or one span of it), at most 5000, for read-time normalization. */
  genAiLogsOfTrace(traceId: Buffer, spanId?: Buffer): LogRecordView[] {
    return (this.stmts.genAiLogsOfTrace.all({ trace: traceId, span: spanId ?? null }) as LogRow[]).map((r) => this.logOf(r));
  }

  listLogs(query: LogListQuery): LogListPage {
    const limit = query.limit ?? DEFAULT_TELEMETRY_PAGE;
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.traceId !== undefined) {
      where.push('l.trace_id = ?');
      params.push(Buffer.from(query.traceId, 'hex'));
    }
    if (query.spanId !== undefined) {
      where.push('l.span_id = ?');
      params.push(Buffer.from(query.spanId, 'hex'));
    }
    if (query.from !== undefined) {
      where.push('l.at_ns >= ?');
      params.push(BigInt(query.from));
    }
    if (query.to !== undefined) {
      where.push('l.at_ns <= ?');
      params.push(BigInt(query.to));
    }
    if (query.q !== undefined) {
      // A scan of the rows the other filters leave; logs here are an agent's, not a fleet's.
      where.push('(instr(lower(l.body), ?) > 0 OR instr(lower(l.severity_text), ?) > 0 OR instr(lower(l.event_name), ?) > 0)');
      const q = query.q.toLowerCase();
      params.push(q, q, q);
    }
    if (query.service !== undefined) {
      // Resources are few (one per process that exported): the subquery is a handful of ids.
      where.push('l.resource_id IN (SELECT id FROM resources WHERE service_name = ?)');
      params.push(query.service);
    }
    if (query.minSeverity !== undefined) {
      where.push('l.severity_number >= ?');
      params.push(query.minSeverity);
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor('l', query.cursor);
      where.push('(l.at_ns < ? OR (l.at_ns = ? AND l.id < ?))');
      params.push(c.ns, c.ns, c.id);
    }
    const sql = `${LOG_COLUMNS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY l.at_ns DESC, l.id DESC LIMIT ?`;
    params.push(limit + 1);
    const rows = this.statement(sql, false).all(...params) as LogRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      logs: page.map((r) => this.logOf(r)),
      nextCursor: more && last ? encodeCursor('l', last.at_ns, last.id) : null,
    };
  }

  listMetricPoints(query: MetricPointQuery): MetricPointPage {
    const limit = query.limit ?? DEFAULT_TELEMETRY_PAGE;
    const where = ['m.name = ?'];
    const params: unknown[] = [query.name];
    if (query.from !== undefined) {
      where.push('m.time_ns >= ?');
      params.push(BigInt(query.from));
    }
    if (query.to !== undefined) {
      where.push('m.time_ns <= ?');
      params.push(BigInt(query.to));
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor('m', query.cursor);
      where.push('(m.time_ns > ? OR (m.time_ns = ? AND m.id > ?))');
      params.push(c.ns, c.ns, c.id);
    }
    const sql = `${POINT_COLUMNS} WHERE ${where.join(' AND ')} ORDER BY m.time_ns, m.id LIMIT ?`;
    params.push(limit + 1);
    const rows = this.statement(sql, true).all(...params) as PointRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      points: page.map((r) => this.pointOf(r)),
      nextCursor: more && last ? encodeCursor('m', last.time_ns, Number(last.id)) : null,
    };
  }

  listMetricNames(): MetricNameInfo[] {
    const rows = this.stmts.names.all() as Array<{ name: string; points: number; last_ns: string }>;
    return rows.map((r) => {
      const newest = this.stmts.newestOfName.get(r.name) as { type: number; unit: string; description: string };
      return {
        name: r.name,
        type: metricTypeOf(newest.type),
        unit: newest.unit,
        description: newest.description,
        pointCount: r.points,
        lastTimeUnixNano: r.last_ns,
      };
    });
  }

  /** One statement per combination of filters (a few dozen at most), cached by SQL text. */
  private statement(sql: string, safeIntegers: boolean): BetterSqlite3.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (safeIntegers) stmt.safeIntegers(true);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  private logOf(r: LogRow): LogRecordView {
    return {
      traceId: r.trace_id === '' ? null : r.trace_id,
      spanId: r.span_id === '' ? null : r.span_id,
      timeUnixNano: r.time_ns,
      observedTimeUnixNano: r.observed_ns,
      severityNumber: r.severity_number,
      severityText: r.severity_text,
      body: JSON.parse(r.body) as AttributeValue,
      attributes: this.keys.decode(r.attrs),
      droppedAttributesCount: r.dropped_attributes_count,
      flags: r.flags,
      eventName: r.event_name,
      resource: this.lookup.resourceOf(r.resource_id),
      scope: this.lookup.scopeOf(r.scope_id),
    };
  }

  private pointOf(r: PointRow): MetricPointView {
    const type = metricTypeOf(Number(r.type));
    const shape: unknown = r.data === null ? null : JSON.parse(r.data);
    return {
      name: r.name,
      description: r.description,
      unit: r.unit,
      type,
      metadata: r.metadata === null ? {} : (JSON.parse(r.metadata) as MetricPointView['metadata']),
      aggregationTemporality: temporalityName(Number(r.temporality)),
      isMonotonic: r.is_monotonic === 1n,
      startTimeUnixNano: r.start_ns,
      timeUnixNano: r.time_ns,
      attributes: this.keys.decode(r.attrs),
      flags: Number(r.flags),
      value: valueOf(r.value),
      histogram: type === 'histogram' ? (shape as MetricPointView['histogram']) : null,
      exponentialHistogram: type === 'exponentialHistogram' ? (shape as MetricPointView['exponentialHistogram']) : null,
      summary: type === 'summary' ? (shape as MetricPointView['summary']) : null,
      exemplars: r.exemplars === null ? [] : (JSON.parse(r.exemplars) as MetricExemplar[]),
      resource: this.lookup.resourceOf(Number(r.resource_id)),
      scope: this.lookup.scopeOf(Number(r.scope_id)),
    };
  }
}

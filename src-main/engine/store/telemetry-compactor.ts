/**
 * L0 → L1 for log records and metric data points. `insert` must run inside the compaction
 * transaction of its slice of the log: the worker wraps it and the span compactor (which advances
 * the watermark past every entry of the slice, spans or not) in one transaction, so a crash leaves
 * a slice either wholly indexed or wholly above the watermark for replay.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LogRecordView, MetricNumber, MetricPointView } from '../../../src-shared/contract';
import { METRIC_TYPE_FIELDS, TEMPORALITIES } from '../otlp/decode-metrics';
import type { AttributeKeys } from './attribute-codec';
import type { ResourceScopes } from './resource-scopes';
import { sessionIdOf } from '../genai/session-id';
import type { SessionSummaries } from './session-summaries';

/** One accepted logs or metrics request, decoded. */
export interface AcceptedTelemetry {
  receivedAt: number;
  logs: readonly LogRecordView[];
  points: readonly MetricPointView[];
}

export interface TelemetryInserted {
  insertedLogs: number;
  insertedMetricPoints: number;
}

const INT64_MAX = 2n ** 63n - 1n;

/** Unsigned nanoseconds into a signed INTEGER column: past 2262 is clamped rather than failing the slice forever. */
export function nsParam(ns: string): bigint {
  const v = BigInt(ns);
  return v > INT64_MAX ? INT64_MAX : v;
}

/**
 * A gauge or sum value for the `value` column: integers as INTEGER (exact sums in SQL), doubles as
 * REAL. better-sqlite3 binds every JS number as REAL, hence the BigInt.
 */
export function valueParam(v: MetricNumber | null): bigint | number | null {
  if (v === null || v === 'NaN') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return BigInt(v);
}

/**
 * Log records or metric points named the session (session_id, first ns, last ns, received at): the
 * row is created or its bounds widened (sessions, migration 0005), and its summary marked stale (0008).
 */
const SESSION_UPSERT = `INSERT INTO sessions (session_id, first_ns, last_ns, last_received_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (session_id) DO UPDATE SET first_ns = min(first_ns, excluded.first_ns), last_ns = max(last_ns, excluded.last_ns),
    last_received_at = max(last_received_at, excluded.last_received_at)`;

interface SessionBounds {
  first: bigint;
  last: bigint;
  receivedAt: number;
}

function widen(sessions: Map<string, SessionBounds>, id: string, at: bigint, receivedAt: number): void {
  const b = sessions.get(id);
  if (b === undefined) sessions.set(id, { first: at, last: at, receivedAt });
  else {
    if (at < b.first) b.first = at;
    if (at > b.last) b.last = at;
    if (receivedAt > b.receivedAt) b.receivedAt = receivedAt;
  }
}

export class TelemetryCompactor {
  private readonly stmts;

  constructor(
    db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
    private readonly resourceScopes: ResourceScopes,
    private readonly summaries: SessionSummaries,
  ) {
    this.stmts = {
      insertLog: db.prepare(`
        INSERT INTO logs (trace_id, span_id, time_ns, observed_ns, at_ns, severity_number, severity_text, body, attrs,
          dropped_attributes_count, flags, event_name, resource_id, scope_id, received_at, session_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertPoint: db.prepare(`
        INSERT INTO metric_points (name, description, unit, type, temporality, is_monotonic, metadata, start_ns, time_ns,
          attrs, flags, value, data, exemplars, exemplar_trace_id, exemplar_span_id, resource_id, scope_id, received_at, session_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      touchSession: db.prepare(SESSION_UPSERT),
    };
  }

  /** Inside a write transaction only. */
  insert(batches: readonly AcceptedTelemetry[]): TelemetryInserted {
    const out: TelemetryInserted = { insertedLogs: 0, insertedMetricPoints: 0 };
    // One upsert per session these batches name, not one per record: a CLI's records of one run
    // all name the same session.
    const sessions = new Map<string, SessionBounds>();
    for (const batch of batches) {
      for (const log of batch.logs) this.insertLog(log, batch.receivedAt, sessions);
      for (const point of batch.points) this.insertPoint(point, batch.receivedAt, sessions);
      out.insertedLogs += batch.logs.length;
      out.insertedMetricPoints += batch.points.length;
    }
    for (const [id, b] of sessions) {
      this.stmts.touchSession.run(id, b.first, b.last, b.receivedAt);
      this.summaries.touch(id, b.first, b.last);
    }
    return out;
  }

  private insertLog(log: LogRecordView, receivedAt: number, sessions: Map<string, SessionBounds>): void {
    const time = nsParam(log.timeUnixNano);
    const observed = nsParam(log.observedTimeUnixNano);
    const at = time === 0n ? observed : time;
    const session = sessionIdOf(log.attributes, log.resource.attributes);
    if (session !== null) widen(sessions, session, at, receivedAt);
    this.stmts.insertLog.run(
      log.traceId === null ? null : Buffer.from(log.traceId, 'hex'),
      log.spanId === null ? null : Buffer.from(log.spanId, 'hex'),
      time,
      observed,
      at,
      log.severityNumber,
      log.severityText,
      JSON.stringify(log.body),
      this.keys.encode(log.attributes),
      log.droppedAttributesCount,
      log.flags,
      log.eventName,
      this.resourceScopes.resourceId(log.resource),
      this.resourceScopes.scopeId(log.scope),
      receivedAt,
      session,
    );
  }

  private insertPoint(p: MetricPointView, receivedAt: number, sessions: Map<string, SessionBounds>): void {
    const shape = p.histogram ?? p.exponentialHistogram ?? p.summary;
    const linked = p.exemplars.find((e) => e.traceId !== null);
    const session = sessionIdOf(p.attributes, p.resource.attributes);
    if (session !== null) widen(sessions, session, nsParam(p.timeUnixNano), receivedAt);
    this.stmts.insertPoint.run(
      p.name,
      p.description,
      p.unit,
      METRIC_TYPE_FIELDS[p.type],
      Math.max(0, TEMPORALITIES.indexOf(p.aggregationTemporality)),
      p.isMonotonic ? 1 : 0,
      Object.keys(p.metadata).length > 0 ? JSON.stringify(p.metadata) : null,
      nsParam(p.startTimeUnixNano),
      nsParam(p.timeUnixNano),
      this.keys.encode(p.attributes),
      p.flags,
      valueParam(p.value),
      shape ? JSON.stringify(shape) : null,
      p.exemplars.length > 0 ? JSON.stringify(p.exemplars) : null,
      linked ? Buffer.from(linked.traceId!, 'hex') : null,
      linked?.spanId ? Buffer.from(linked.spanId, 'hex') : null,
      this.resourceScopes.resourceId(p.resource),
      this.resourceScopes.scopeId(p.scope),
      receivedAt,
      session,
    );
  }
}

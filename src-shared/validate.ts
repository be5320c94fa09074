/**
 * Argument checks at the trust boundary (IPC handlers, REST). Everything arriving from a renderer
 * or an HTTP client is `unknown` until it passes through here. Throws ArgumentError with a message
 * fit to show the caller.
 */
import {
  ANNOTATION_NAMES,
  ANALYTICS_GROUPS,
  ANALYTICS_METRICS,
  CLEAR_ALL_CONFIRMATION,
  FEEDBACK_FILTERS,
  GENAI_KINDS,
  RECEIVER_KINDS,
  type AnnotationInput,
  type AnnotationValue,
  type AnalyticsLatencyQuery,
  type AnalyticsTimeseriesQuery,
  type AgentGraphOptions,
  type HexId,
  type LogListQuery,
  type MemoryItemInput,
  type MetricPointQuery,
  type RecallQuery,
  type ReceiverKind,
  type ReceiverRetry,
  type SearchMode,
  type SearchQuery,
  type SessionListQuery,
  type TraceListQuery,
  type TraceSort,
} from './contract';

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

const TRACE_ID = /^[0-9a-f]{32}$/;
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

export function parseTraceId(value: unknown): HexId {
  if (typeof value !== 'string') throw new ArgumentError('traceId must be a string');
  const id = value.toLowerCase();
  if (!TRACE_ID.test(id)) throw new ArgumentError('traceId must be 32 hex characters');
  return id;
}

function optionalString(obj: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ArgumentError(`${key} must be a string`);
  if (v.length > max) throw new ArgumentError(`${key} is longer than ${max} characters`);
  return v;
}

const SPAN_ID = /^[0-9a-f]{16}$/;
const SORTS: readonly TraceSort[] = ['newest', 'oldest', 'longest', 'shortest', 'cost', 'tokens'];
const QUERY_FIELDS = new Set([
  'limit', 'cursor', 'sort', 'service', 'q', 'rootName', 'spanName', 'status',
  'minDurationMs', 'maxDurationMs', 'startFrom', 'startTo', 'attributes',
  'model', 'agent', 'tool', 'kind', 'hasError', 'minTokens', 'minCostUsd', 'internal', 'feedback', 'label',
]);

export function parseSpanId(value: unknown): HexId {
  if (typeof value !== 'string') throw new ArgumentError('spanId must be a string');
  const id = value.toLowerCase();
  if (!SPAN_ID.test(id)) throw new ArgumentError('spanId must be 16 hex characters');
  return id;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** Numbers may arrive as strings (REST query parameters). */
function optionalNumber(obj: Record<string, unknown>, key: string, check: (n: number) => boolean, rule: string): number | undefined {
  const v = obj[key];
  if (!present(v)) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || !check(n)) throw new ArgumentError(`${key} must be ${rule}`);
  return n;
}

/** SQLite's INTEGER is signed: the store keeps times past 2^63 − 1 (the year 2262) as that. */
const MAX_STORED_NANOS = 9223372036854775807n;

function optionalNanos(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (!present(v)) return undefined;
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v) || BigInt(v) > 18446744073709551615n) {
    throw new ArgumentError(`${key} must be unix nanoseconds as a decimal string`);
  }
  // A bound past it (an OTLP time is unsigned 64-bit) means the same as it, and binding more fails.
  return BigInt(v) > MAX_STORED_NANOS ? MAX_STORED_NANOS.toString() : v;
}

function optionalEnum<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const v = obj[key];
  if (!present(v)) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new ArgumentError(`${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Booleans may arrive as the strings `true`/`false` (REST query parameters). */
function optionalBoolean(obj: Record<string, unknown>, key: string): boolean | undefined {
  const v = obj[key];
  if (!present(v)) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ArgumentError(`${key} must be true or false`);
}

function optionalAttributes(obj: Record<string, unknown>): Record<string, string> | undefined {
  const v = obj.attributes;
  if (!present(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ArgumentError('attributes must be an object of key → value strings');
  const out: Record<string, string> = {};
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 20) throw new ArgumentError('at most 20 attribute filters');
  for (const [key, value] of entries) {
    if (typeof value !== 'string' || key === '' || key.length > 256 || value.length > 256) {
      throw new ArgumentError('each attribute filter needs a key and a string value of at most 256 characters');
    }
    out[key] = value;
  }
  return out;
}

export function parseTraceListQuery(value: unknown): TraceListQuery {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArgumentError('query must be an object');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!QUERY_FIELDS.has(key)) throw new ArgumentError(`unknown query field "${key}"`);
  }
  const query: TraceListQuery = {};
  const set = <K extends keyof TraceListQuery>(key: K, v: TraceListQuery[K] | undefined) => {
    if (v !== undefined) query[key] = v;
  };
  set('limit', optionalNumber(obj, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PAGE, `an integer from 1 to ${MAX_PAGE}`));
  set('cursor', optionalString(obj, 'cursor', 300));
  set('sort', optionalEnum(obj, 'sort', SORTS));
  set('service', optionalString(obj, 'service', 1000));
  set('q', optionalString(obj, 'q', 1000));
  set('rootName', optionalString(obj, 'rootName', 1000));
  set('spanName', optionalString(obj, 'spanName', 1000));
  set('status', optionalEnum(obj, 'status', ['error', 'ok'] as const));
  set('minDurationMs', optionalNumber(obj, 'minDurationMs', (n) => n >= 0, 'a number of milliseconds ≥ 0'));
  set('maxDurationMs', optionalNumber(obj, 'maxDurationMs', (n) => n >= 0, 'a number of milliseconds ≥ 0'));
  set('startFrom', optionalNanos(obj, 'startFrom'));
  set('startTo', optionalNanos(obj, 'startTo'));
  set('attributes', optionalAttributes(obj));
  set('model', optionalString(obj, 'model', 1000));
  set('agent', optionalString(obj, 'agent', 1000));
  set('tool', optionalString(obj, 'tool', 1000));
  set('kind', optionalEnum(obj, 'kind', GENAI_KINDS));
  set('hasError', optionalBoolean(obj, 'hasError'));
  // hasError is the GenAI-facing name of status; both at once must say the same thing.
  if (query.hasError !== undefined && query.status !== undefined && query.hasError !== (query.status === 'error')) {
    throw new ArgumentError('hasError contradicts status');
  }
  set('minTokens', optionalNumber(obj, 'minTokens', (n) => Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER, 'an integer ≥ 0'));
  set('minCostUsd', optionalNumber(obj, 'minCostUsd', (n) => n >= 0, 'a number of USD ≥ 0'));
  set('internal', optionalBoolean(obj, 'internal'));
  set('feedback', optionalEnum(obj, 'feedback', FEEDBACK_FILTERS));
  set('label', optionalString(obj, 'label', MAX_LABEL));
  return query;
}

/** Turns of one session returned at most; a longer session says `truncated`. */
export const MAX_SESSION_TRACES = 1000;
const SESSION_QUERY_FIELDS = new Set(['limit', 'cursor']);

export function parseSessionListQuery(value: unknown): SessionListQuery {
  const obj = queryObject(value, SESSION_QUERY_FIELDS);
  const query: SessionListQuery = {};
  const limit = optionalNumber(obj, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PAGE, `an integer from 1 to ${MAX_PAGE}`);
  if (limit !== undefined) query.limit = limit;
  const cursor = optionalString(obj, 'cursor', 2000);
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

/** Session ids are whatever the producer chose (any text); only their length is bounded. */
export function parseSessionId(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ArgumentError('sessionId must be a non-empty string');
  if (value.length > 1000) throw new ArgumentError('sessionId is longer than 1000 characters');
  return value;
}

export function parseAgentGraphOptions(value: unknown): AgentGraphOptions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArgumentError('graph options must be an object');
  const { collapse, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new ArgumentError(`unknown graph option ${unknown[0]}`);
  if (collapse === undefined || collapse === 0 || collapse === '0' || collapse === '') return {};
  const n = typeof collapse === 'string' ? Number(collapse) : collapse;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 10_000) throw new ArgumentError('collapse must be 0 or an integer 2..10000');
  return { collapse: n };
}

/** Log and metric pages: rows are small, and a chart wants many points at once. */
export const MAX_TELEMETRY_PAGE = 1000;
export const DEFAULT_TELEMETRY_PAGE = 100;

function queryObject(value: unknown, fields: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArgumentError('query must be an object');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!fields.has(key)) throw new ArgumentError(`unknown query field "${key}"`);
  }
  return obj;
}

function telemetryLimit(obj: Record<string, unknown>): number | undefined {
  return optionalNumber(obj, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_TELEMETRY_PAGE, `an integer from 1 to ${MAX_TELEMETRY_PAGE}`);
}

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && BigInt(from) > BigInt(to)) throw new ArgumentError('from must not be after to');
}

const LOG_QUERY_FIELDS = new Set(['traceId', 'spanId', 'q', 'service', 'minSeverity', 'from', 'to', 'limit', 'cursor']);

export function parseLogListQuery(value: unknown): LogListQuery {
  const obj = queryObject(value, LOG_QUERY_FIELDS);
  const query: LogListQuery = {};
  if (present(obj.traceId)) query.traceId = parseTraceId(obj.traceId);
  if (present(obj.spanId)) {
    // Spans are identified within their trace; the index is (trace, span).
    if (query.traceId === undefined) throw new ArgumentError('spanId needs traceId');
    query.spanId = parseSpanId(obj.spanId);
  }
  const q = optionalString(obj, 'q', 1000);
  if (q !== undefined) query.q = q;
  const service = optionalString(obj, 'service', 1000);
  if (service !== undefined) query.service = service;
  const minSeverity = optionalNumber(obj, 'minSeverity', (n) => Number.isInteger(n) && n >= 1 && n <= 24, 'an integer from 1 to 24');
  if (minSeverity !== undefined) query.minSeverity = minSeverity;
  readTimePage(obj, query);
  return query;
}

/** The time range and page fields logs and metric points share. */
function readTimePage(obj: Record<string, unknown>, query: { from?: string; to?: string; limit?: number; cursor?: string }): void {
  const from = optionalNanos(obj, 'from');
  const to = optionalNanos(obj, 'to');
  checkRange(from, to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  const limit = telemetryLimit(obj);
  if (limit !== undefined) query.limit = limit;
  const cursor = optionalString(obj, 'cursor', 300);
  if (cursor !== undefined) query.cursor = cursor;
}

// ---- Analytics (the dashboard's rollups) ----

const LATENCY_FIELDS = new Set(['groupBy', 'from', 'to']);
const TIMESERIES_FIELDS = new Set(['metric', 'groupBy', 'bucket', 'from', 'to']);

function readRange(obj: Record<string, unknown>, query: { from?: string; to?: string }): void {
  const from = optionalNanos(obj, 'from');
  const to = optionalNanos(obj, 'to');
  checkRange(from, to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
}

export function parseAnalyticsLatencyQuery(value: unknown): AnalyticsLatencyQuery {
  const obj = queryObject(value, LATENCY_FIELDS);
  const groupBy = optionalEnum(obj, 'groupBy', ANALYTICS_GROUPS);
  if (groupBy === undefined) throw new ArgumentError(`groupBy is required: one of ${ANALYTICS_GROUPS.join(', ')}`);
  const query: AnalyticsLatencyQuery = { groupBy };
  readRange(obj, query);
  return query;
}

/** A week in seconds: the widest bucket. */
const MAX_BUCKET_SECONDS = 7 * 24 * 3600;

export function parseAnalyticsTimeseriesQuery(value: unknown): AnalyticsTimeseriesQuery {
  const obj = queryObject(value, TIMESERIES_FIELDS);
  const metric = optionalEnum(obj, 'metric', ANALYTICS_METRICS);
  if (metric === undefined) throw new ArgumentError(`metric is required: one of ${ANALYTICS_METRICS.join(', ')}`);
  const query: AnalyticsTimeseriesQuery = { metric };
  const groupBy = optionalEnum(obj, 'groupBy', ANALYTICS_GROUPS);
  if (groupBy !== undefined) query.groupBy = groupBy;
  const bucket = optionalNumber(obj, 'bucket', (n) => Number.isInteger(n) && n >= 60 && n <= MAX_BUCKET_SECONDS && n % 60 === 0,
    `seconds, a multiple of 60 from 60 to ${MAX_BUCKET_SECONDS}`);
  if (bucket !== undefined) query.bucket = bucket;
  readRange(obj, query);
  return query;
}

const METRIC_QUERY_FIELDS = new Set(['name', 'from', 'to', 'limit', 'cursor']);

export function parseMetricPointQuery(value: unknown): MetricPointQuery {
  const obj = queryObject(value, METRIC_QUERY_FIELDS);
  const name = optionalString(obj, 'name', 1000);
  if (name === undefined) throw new ArgumentError('name is required');
  const query: MetricPointQuery = { name };
  readTimePage(obj, query);
  return query;
}

// ---- Memory (docs/memory.md) ----

const SEARCH_FIELDS = new Set(['q', 'mode', 'limit', 'service', 'model', 'agent', 'session', 'startFrom', 'startTo', 'similarTo']);
const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'text'];
export const MAX_SEARCH_RESULTS = 100;
const MAX_QUERY_TEXT = 2000;

export function parseSearchQuery(value: unknown): SearchQuery {
  const obj = queryObject(value, SEARCH_FIELDS);
  const query: SearchQuery = {};
  const q = optionalString(obj, 'q', MAX_QUERY_TEXT)?.trim();
  if (q) query.q = q;
  const mode = optionalEnum(obj, 'mode', SEARCH_MODES);
  if (mode !== undefined) query.mode = mode;
  const limit = optionalNumber(obj, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_SEARCH_RESULTS, `an integer from 1 to ${MAX_SEARCH_RESULTS}`);
  if (limit !== undefined) query.limit = limit;
  for (const key of ['service', 'model', 'agent', 'session'] as const) {
    const v = optionalString(obj, key, 1000);
    if (v !== undefined) query[key] = v;
  }
  const startFrom = optionalNanos(obj, 'startFrom');
  const startTo = optionalNanos(obj, 'startTo');
  checkRange(startFrom, startTo);
  if (startFrom !== undefined) query.startFrom = startFrom;
  if (startTo !== undefined) query.startTo = startTo;
  if (present(obj.similarTo)) {
    const like = obj.similarTo;
    if (typeof like !== 'object' || like === null || Array.isArray(like)) throw new ArgumentError('similarTo must be {traceId, spanId?}');
    const { traceId, spanId, ...rest } = like as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new ArgumentError(`unknown similarTo field "${Object.keys(rest)[0]}"`);
    query.similarTo = present(spanId) ? { traceId: parseTraceId(traceId), spanId: parseSpanId(spanId) } : { traceId: parseTraceId(traceId) };
  }
  if (query.q === undefined && query.similarTo === undefined) throw new ArgumentError('search needs q (what to look for) or similarTo');
  if (query.q !== undefined && query.similarTo !== undefined) throw new ArgumentError('give q or similarTo, not both');
  return query;
}

const COLLECTION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseCollectionName(value: unknown): string {
  if (typeof value !== 'string' || !COLLECTION.test(value)) {
    throw new ArgumentError('a collection name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  // GET /api/v1/memory/status is the memory's status, not a collection's items.
  if (value === 'status') throw new ArgumentError('"status" is reserved; choose another collection name');
  return value;
}

export const MAX_MEMORY_TEXT = 32_768;
const MAX_METADATA_JSON = 16_384;

export function parseMemoryItemInput(value: unknown): MemoryItemInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError('a memory item must be an object {text, metadata?}');
  const { text, metadata, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new ArgumentError(`unknown memory item field "${Object.keys(rest)[0]}"`);
  if (typeof text !== 'string' || text.trim() === '') throw new ArgumentError('text must be a non-empty string');
  if (text.length > MAX_MEMORY_TEXT) throw new ArgumentError(`text is longer than ${MAX_MEMORY_TEXT} characters`);
  if (metadata === undefined || metadata === null) return { text };
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new ArgumentError('metadata must be a JSON object');
  if (JSON.stringify(metadata).length > MAX_METADATA_JSON) throw new ArgumentError(`metadata is larger than ${MAX_METADATA_JSON} bytes as JSON`);
  return { text, metadata: metadata as Record<string, unknown> };
}

export function parseRecallQuery(value: unknown): RecallQuery {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError('recall needs an object {query, k?, filter?}');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!['query', 'k', 'filter'].includes(key)) throw new ArgumentError(`unknown recall field "${key}"`);
  if (typeof obj.query !== 'string' || obj.query.trim() === '') throw new ArgumentError('query must be a non-empty string');
  if (obj.query.length > MAX_QUERY_TEXT) throw new ArgumentError(`query is longer than ${MAX_QUERY_TEXT} characters`);
  const out: RecallQuery = { query: obj.query };
  const k = optionalNumber(obj, 'k', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_SEARCH_RESULTS, `an integer from 1 to ${MAX_SEARCH_RESULTS}`);
  if (k !== undefined) out.k = k;
  if (present(obj.filter)) {
    if (typeof obj.filter !== 'object' || Array.isArray(obj.filter)) throw new ArgumentError('filter must be an object of metadata key → value');
    const filter: Record<string, string | number | boolean | null> = {};
    for (const [key, v] of Object.entries(obj.filter as Record<string, unknown>)) {
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ArgumentError(`filter value of "${key}" must be a string, number, boolean or null`);
      filter[key] = v;
    }
    out.filter = filter;
  }
  return out;
}

export function parseMemoryItemId(value: unknown): string {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) throw new ArgumentError('a memory item id is a positive integer');
  return value;
}

export function parseMemoryPage(value: unknown): { limit: number; cursor?: string } {
  const obj = queryObject(value, new Set(['limit', 'cursor']));
  const limit = optionalNumber(obj, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PAGE, `an integer from 1 to ${MAX_PAGE}`) ?? DEFAULT_PAGE;
  const cursor = optionalString(obj, 'cursor', 200);
  return cursor === undefined ? { limit } : { limit, cursor };
}

// ---- Clear data ----

/** clearAllData's argument: the confirmation word, exactly (REST: `?confirm=delete-everything`). */
export function parseClearAllConfirmation(value: unknown): typeof CLEAR_ALL_CONFIRMATION {
  if (value !== CLEAR_ALL_CONFIRMATION) throw new ArgumentError(`deleting everything needs confirm=${CLEAR_ALL_CONFIRMATION}`);
  return CLEAR_ALL_CONFIRMATION;
}

// ---- Feedback (annotations) ----

const MAX_ANNOTATION_NAME = 64;
const MAX_LABEL = 64;
const MAX_LABELS = 20;
/** A note, a corrected output or a comment; a whole model answer fits, a file dump does not. */
const MAX_ANNOTATION_TEXT = 32 * 1024;
/** A custom annotation's value, serialized. */
const MAX_CUSTOM_VALUE = 16 * 1024;
const ANNOTATION_ID = /^[0-9a-f]{16}$/;
const ANNOTATION_FIELDS = new Set(['traceId', 'spanId', 'name', 'value', 'comment']);

function text(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ArgumentError(`${what} must be a non-empty string`);
  if (value.length > max) throw new ArgumentError(`${what} is longer than ${max} characters`);
  return value;
}

/** The value an annotation of this name may carry (see AnnotationValue in the contract). */
function annotationValue(name: string, value: unknown): AnnotationValue {
  switch (name as (typeof ANNOTATION_NAMES)[number]) {
    case 'thumbs':
      if (value !== 'up' && value !== 'down') throw new ArgumentError('a thumbs value is "up" or "down"');
      return value;
    case 'rating':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) throw new ArgumentError('a rating is an integer from 1 to 5');
      return value;
    case 'label': {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LABELS) throw new ArgumentError(`a label value is a list of 1 to ${MAX_LABELS} labels`);
      return [...new Set(list.map((l) => text(l, 'a label', MAX_LABEL).trim()))];
    }
    case 'note':
      return text(value, 'a note', MAX_ANNOTATION_TEXT);
    case 'correction':
      return text(value, 'a corrected output', MAX_ANNOTATION_TEXT);
    default: {
      if (value === undefined) throw new ArgumentError('value is required');
      const json = JSON.stringify(value);
      if (json.length > MAX_CUSTOM_VALUE) throw new ArgumentError(`a custom annotation's value is larger than ${MAX_CUSTOM_VALUE / 1024} KB`);
      return JSON.parse(json) as AnnotationValue;
    }
  }
}

/** annotate's argument; the REST body of POST /api/v1/annotations. */
export function parseAnnotationInput(value: unknown): AnnotationInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError('an annotation must be an object');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!ANNOTATION_FIELDS.has(key)) throw new ArgumentError(`unknown annotation field "${key}"`);
  const name = text(obj.name, 'name', MAX_ANNOTATION_NAME);
  if (name !== name.trim()) throw new ArgumentError('name must not start or end with spaces');
  const input: AnnotationInput = { traceId: parseTraceId(obj.traceId), name, value: annotationValue(name, obj.value) };
  if (present(obj.spanId)) input.spanId = parseSpanId(obj.spanId);
  if (present(obj.comment)) input.comment = text(obj.comment, 'comment', MAX_ANNOTATION_TEXT);
  return input;
}

export function parseAnnotationId(value: unknown): string {
  if (typeof value !== 'string' || !ANNOTATION_ID.test(value.toLowerCase())) throw new ArgumentError('an annotation id is 16 hex characters');
  return value.toLowerCase();
}

export function parseReceiverKind(value: unknown): ReceiverKind {
  if (typeof value !== 'string' || !(RECEIVER_KINDS as readonly string[]).includes(value)) {
    throw new ArgumentError(`a receiver is one of ${RECEIVER_KINDS.join(', ')}`);
  }
  return value as ReceiverKind;
}

/** retryReceiver's options; the REST body of POST /api/v1/receivers/{kind}/retry (empty: the same port). */
export function parseReceiverRetry(value: unknown): ReceiverRetry {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArgumentError('a retry must be an object');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (key !== 'port') throw new ArgumentError(`unknown retry field "${key}"`);
  if (obj.port === undefined || obj.port === 'next') return obj.port === 'next' ? { port: 'next' } : {};
  if (typeof obj.port !== 'number' || !Number.isInteger(obj.port) || obj.port < 1 || obj.port > 65_535) {
    throw new ArgumentError('port is a whole number from 1 to 65535, or "next" for the first free port above the current one');
  }
  return { port: obj.port };
}

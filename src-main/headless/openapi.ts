/**
 * The REST API's one route table and the OpenAPI 3.1 document built from it (served at
 * GET /api/v1/openapi.json). The router answers only what this table lists: any other path under
 * /api/ is 404 and any other method 405 (api-server.ts asks `routeMethods` before it dispatches), so
 * a route cannot be served without being documented; test/headless/openapi.test.ts calls every
 * operation here against a real server and checks each answer against its schema, so a documented
 * route cannot go unserved or answer another shape. Rejected: dispatching from this table too, which
 * would rewrite the router that the MCP and CLI work shares; the gate gives the same guarantee.
 */
import { ANALYTICS_GROUPS, ANALYTICS_METRICS, CLEAR_ALL_CONFIRMATION, FEEDBACK_FILTERS, GENAI_KINDS } from '../../src-shared/contract';
import { TRACE_OUTLINE_MEDIA_TYPE } from '../../src-shared/trace-outline-binary';
import { ANNOTATION_ID_PATTERN, ref, SCHEMAS, SPAN_ID_PATTERN, TRACE_ID_PATTERN, type JsonSchema } from './openapi-schemas';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description: string;
  schema: JsonSchema;
  style?: 'form';
  explode?: boolean;
}

interface Response {
  description: string;
  /** The JSON body's schema; absent for 204 and the WebSocket's 101. */
  schema?: JsonSchema;
  /** Another media type the route answers instead of JSON when the request's Accept names it. */
  alternative?: { mediaType: string; schema: JsonSchema };
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface ApiRoute {
  method: HttpMethod;
  /** An OpenAPI path template; each `{name}` is one URL-encoded path segment. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'status' | 'traces' | 'feedback' | 'sessions' | 'telemetry' | 'analytics' | 'memory' | 'data';
  parameters?: Parameter[];
  requestBody?: { description: string; schema: JsonSchema };
  responses: Record<string, Response>;
  /** The WebSocket's messages (an extension: OpenAPI has no WebSocket). */
  'x-websocket-message'?: JsonSchema;
}

const error = (description: string): Response => ({ description, schema: ref('Error') });
const ok = (schema: string, description = 'OK'): Response => ({ description, schema: ref(schema) });
const BAD_REQUEST = error('A parameter is malformed or unknown; `error` names it.');
const NOT_FOUND_TRACE = error('No such trace.');
const FOREIGN = error('A foreign browser page (its Origin is not this server), or a Host that is not a loopback name.');
const NOT_JSON = error('The body is not `content-type: application/json`.');
const TOO_LARGE = error('The body is larger than 128 KB.');
const MEMORY_OFF = error('The memory is off (`--no-memory`) or not available.');

const path = (name: string, description: string, schema: JsonSchema): Parameter => ({ name, in: 'path', required: true, description, schema });
const query = (name: string, description: string, schema: JsonSchema = { type: 'string' }): Parameter => ({ name, in: 'query', description, schema });
const TRACE_ID = path('traceId', '32 hex characters.', { type: 'string', pattern: TRACE_ID_PATTERN });
const SPAN_ID = path('spanId', '16 hex characters.', { type: 'string', pattern: SPAN_ID_PATTERN });
const SESSION_ID = path('sessionId', 'The session id as sent (any text), URL-encoded.', { type: 'string', minLength: 1, maxLength: 1000 });
const COLLECTION = path('collection', '1–64 of letters, digits, `.`, `_`, `-`; `status` is reserved.', { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const NANOS: JsonSchema = { type: 'string', pattern: '^\\d{1,20}$' };
const page = (max: number, byDefault: number): Parameter[] => [
  query('limit', `1–${max}, default ${byDefault}.`, { type: 'integer', minimum: 1, maximum: max, default: byDefault }),
  query('cursor', '`nextCursor` of the previous page (same filters).'),
];

/** Writes and deletes: refused to foreign pages (Origin), and to a foreign Host like every route. */
const WRITE_NOTE = 'Refused (403) to any browser Origin but this server\'s own, so a web page cannot call it.';

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get', path: '/api/v1/health', operationId: 'getHealth', tag: 'status', summary: 'Whether the server is up, and the store state',
    responses: { 200: ok('Health') },
  },
  { method: 'get', path: '/api/v1/stats', operationId: 'getStats', tag: 'status', summary: 'Totals: spans, traces, requests, database size, notices', responses: { 200: ok('Stats') } },
  { method: 'get', path: '/api/v1/info', operationId: 'getInfo', tag: 'status', summary: 'Version, OTLP endpoints, data directory', responses: { 200: ok('EngineInfo') } },
  { method: 'get', path: '/api/v1/settings', operationId: 'getSettings', tag: 'status', summary: 'The saved settings, which wait for a restart, and which a flag overrides', responses: { 200: ok('SettingsView') } },
  {
    method: 'put', path: '/api/v1/settings', operationId: 'updateSettings', tag: 'status', summary: 'Change settings',
    description: `Checks every field (400 names each wrong one, and nothing is saved), applies what applies at once (OTLP ports rebind, retention runs), saves the rest for the next start. ${WRITE_NOTE}`,
    requestBody: { description: 'The settings to change.', schema: ref('SettingsPatch') },
    responses: {
      200: ok('SettingsView', 'Saved.'),
      400: { description: 'A field is wrong; `fields` says which and why.', schema: ref('SettingsRefusal') },
      403: FOREIGN, 413: TOO_LARGE, 415: NOT_JSON,
    },
  },
  {
    method: 'get', path: '/api/v1/settings/prices', operationId: 'getPrices', tag: 'status', summary: 'Your model prices beside the shipped table',
    responses: { 200: ok('PricesView') },
  },
  {
    method: 'put', path: '/api/v1/settings/prices', operationId: 'updatePrices', tag: 'status', summary: 'Replace your model prices',
    description: `The whole list, replacing the saved one (an empty object drops it). Checks every model (400 names each wrong one, and nothing is saved). Costs are worked out as spans are stored, so saved prices price spans stored after the next start (\`restartNeeded\`). ${WRITE_NOTE}`,
    requestBody: { description: 'Model name → USD per million tokens.', schema: ref('PriceList') },
    responses: {
      200: ok('PricesView', 'Saved.'),
      400: { description: 'A model is wrong; `fields` says which (by model name) and why.', schema: ref('SettingsRefusal') },
      403: FOREIGN, 413: TOO_LARGE, 415: NOT_JSON,
    },
  },
  {
    method: 'delete', path: '/api/v1/settings/prices', operationId: 'resetPrices', tag: 'status', summary: 'Drop your model prices (the shipped table alone, from the next start)',
    description: WRITE_NOTE,
    responses: { 200: ok('PricesView', 'Dropped.'), 403: FOREIGN },
  },
  {
    method: 'get', path: '/api/v1/settings/redaction', operationId: 'getRedaction', tag: 'status', summary: 'The redaction rules and what each detector does',
    responses: { 200: ok('RedactionView') },
  },
  {
    method: 'get', path: '/api/v1/settings/forwarding', operationId: 'getForwarding', tag: 'status', summary: 'The upstream OTLP endpoints forwarded to, and how each is doing',
    responses: { 200: ok('ForwardingView') },
  },
  {
    method: 'put', path: '/api/v1/settings/forwarding', operationId: 'updateForwarding', tag: 'status', summary: 'Replace the upstream OTLP endpoints',
    description: `Saved and in effect at once (docs/forwarding.md): a new endpoint gets what arrives from now on; one removed lets go of what it had not been sent. Forwarding sends your data off this machine, so the edit needs the OTLP token (403 without it, or when none is saved). ${WRITE_NOTE}`,
    requestBody: { description: 'The token and the whole list.', schema: ref('ForwardingUpdate') },
    responses: {
      200: ok('ForwardingView', 'Saved; forwarding to the new list.'),
      400: { description: 'An endpoint is wrong; `fields` names each (`endpoints.0.url`).', schema: ref('SettingsRefusal') },
      403: error('No OTLP token given, or not the saved one; or a foreign Origin or Host.'), 413: TOO_LARGE, 415: NOT_JSON,
    },
  },
  {
    method: 'put', path: '/api/v1/settings/redaction', operationId: 'updateRedaction', tag: 'status', summary: 'Replace the redaction rules',
    description: `The whole rules file (docs/redaction.md). A bad line refuses the edit (400: \`fields.rules\` names the line) and the rules in force stay. Saved rules apply to the next request received; what is stored already stays as it was stored. ${WRITE_NOTE}`,
    requestBody: { description: 'The rules text.', schema: ref('RedactionRules') },
    responses: {
      200: ok('RedactionView', 'Saved; in force for the next request.'),
      400: { description: 'A line is wrong; `fields.rules` says which and why.', schema: ref('SettingsRefusal') },
      403: FOREIGN, 413: TOO_LARGE, 415: NOT_JSON,
    },
  },
  {
    method: 'post', path: '/api/v1/receivers/{kind}/retry', operationId: 'retryReceiver', tag: 'status', summary: 'Bind an OTLP receiver again, on its port or another',
    description: `For a receiver whose port was busy (health and info say which): its port once freed, a given port, or the first free one above. A listening receiver moves only once the new port is bound. ${WRITE_NOTE}`,
    parameters: [path('kind', 'Which receiver.', { type: 'string', enum: ['otlp-http', 'otlp-grpc'] })],
    requestBody: { description: 'Where to bind; `{}` for the same port.', schema: ref('ReceiverRetry') },
    responses: {
      200: ok('ReceiverStatus', "The receiver's state now: `listening`, or still `busy`/`failed` with why."),
      400: BAD_REQUEST, 403: FOREIGN, 409: error('A listening receiver could not move; it stays on its port.'), 413: TOO_LARGE, 415: NOT_JSON,
    },
  },
  {
    method: 'get', path: '/api/v1/openapi.json', operationId: 'getOpenApi', tag: 'status', summary: 'This document',
    responses: { 200: ok('OpenApiDocument') },
  },
  {
    method: 'get', path: '/api/v1/traces', operationId: 'listTraces', tag: 'traces', summary: 'The trace list, filtered and paged',
    description: 'Every filter must hold (AND). Internal traces (no GenAI span, from a service that sent GenAI spans) are left out unless `internal=true` or the query searches.',
    parameters: [
      ...page(500, 50),
      query('sort', '`newest` (default, by start), `oldest`, `longest`, `shortest`, `cost` or `tokens` (the GenAI usage, most first; traces without it last).', {
        type: 'string', enum: ['newest', 'oldest', 'longest', 'shortest', 'cost', 'tokens'],
      }),
      query('service', 'Exact `service.name` of the root span.'),
      query('q', 'Full text: every word (a prefix, any case) occurs in the trace.'),
      query('rootName', 'Exact name of the root span.'),
      query('spanName', 'Some span has exactly this name.'),
      query('status', '`error`: some span failed; `ok`: none did.', { type: 'string', enum: ['error', 'ok'] }),
      query('minDurationMs', 'Trace duration at least this.', { type: 'number', minimum: 0 }),
      query('maxDurationMs', 'Trace duration at most this.', { type: 'number', minimum: 0 }),
      query('startFrom', 'Trace start at or after, unix nanoseconds.', NANOS),
      query('startTo', 'Trace start at or before, unix nanoseconds.', NANOS),
      { ...query('attr', '`key=value`, repeatable: some span has attribute `key` equal to `value`.', { type: 'array', items: { type: 'string' } }), style: 'form', explode: true },
      query('model', 'Some LLM, embedding or reranker span has exactly this request or response model.'),
      query('agent', 'Some agent span has exactly this agent name.'),
      query('tool', 'Some tool span has exactly this tool name.'),
      query('kind', 'Some span is GenAI of this kind.', { type: 'string', enum: GENAI_KINDS }),
      query('hasError', '`true` ≡ `status=error`, `false` ≡ `status=ok`.', { type: 'boolean' }),
      query('minTokens', "The trace's GenAI total tokens at least this.", { type: 'integer', minimum: 0 }),
      query('minCostUsd', "The trace's GenAI cost at least this, USD.", { type: 'number', minimum: 0 }),
      query('internal', '`true` also lists internal traces.', { type: 'boolean' }),
      query('feedback', 'Annotations: `up`/`down` some thumbs up/down, `any` some annotation, `none` none.', { type: 'string', enum: FEEDBACK_FILTERS }),
      query('label', 'Some `label` annotation carries exactly this label.', { type: 'string', maxLength: 64 }),
    ],
    responses: { 200: ok('TraceListPage'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}', operationId: 'getTrace', tag: 'traces', summary: 'Every span of a trace, in start order',
    parameters: [TRACE_ID], responses: { 200: ok('TraceDetail'), 400: BAD_REQUEST, 404: NOT_FOUND_TRACE },
  },
  {
    method: 'delete', path: '/api/v1/traces/{traceId}', operationId: 'deleteTrace', tag: 'data', summary: 'Delete a trace',
    description: `Its spans, events, links, full text and the log records logged in it, in one transaction; its remembered texts leave the memory shortly after. ${WRITE_NOTE}`,
    parameters: [TRACE_ID], responses: { 200: ok('DeletedCounts'), 400: BAD_REQUEST, 403: FOREIGN, 404: NOT_FOUND_TRACE },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/audit', operationId: 'getTraceAudit', tag: 'traces', summary: 'The trace beside its audit trail',
    description: 'Every stored block of the trace hashed again and compared with the digest recorded when it was written: `verified`, `altered`, `partly-recorded` or `not-recorded`, and the trace\'s digest (README "Audit trail").',
    parameters: [TRACE_ID], responses: { 200: ok('TraceAudit'), 400: BAD_REQUEST, 404: NOT_FOUND_TRACE },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/outline', operationId: 'getTraceOutline', tag: 'traces', summary: 'The trace for drawing, in columns',
    description:
      `JSON unless the request's \`Accept\` names \`${TRACE_OUTLINE_MEDIA_TYPE}\`: then the same columns in a binary form ` +
      '(about half the bytes, no parsing; layout and version in src-shared/trace-outline-binary.ts). Errors are JSON either way.',
    parameters: [TRACE_ID],
    responses: {
      200: { ...ok('TraceOutline'), alternative: { mediaType: TRACE_OUTLINE_MEDIA_TYPE, schema: { type: 'string', format: 'binary', description: 'The binary outline: header "FTOL", version, span count, then aligned little-endian columns and UTF-8 string lists.' } } },
      400: BAD_REQUEST,
      404: NOT_FOUND_TRACE,
    },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/graph', operationId: 'getAgentGraph', tag: 'traces', summary: 'The agent graph of a trace',
    parameters: [TRACE_ID, query('collapse', 'Fold at least this many same-shape siblings into one node (2–10000; 0: none).', { type: 'integer', minimum: 0, maximum: 10_000 })],
    responses: { 200: ok('AgentGraph'), 400: BAD_REQUEST, 404: NOT_FOUND_TRACE },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/otlp', operationId: 'exportTraceOtlp', tag: 'traces', summary: 'The trace as OTLP/JSON, a download',
    parameters: [TRACE_ID],
    responses: {
      200: { ...ok('OtlpTraceExport', 'The trace as an ExportTraceServiceRequest, re-importable by any OTLP receiver.'), headers: { 'content-disposition': { description: '`attachment; filename="trace-{traceId}.otlp.json"`', schema: { type: 'string' } } } },
      400: BAD_REQUEST,
      404: NOT_FOUND_TRACE,
    },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/annotations', operationId: 'listAnnotations', tag: 'feedback', summary: "The trace's annotations, oldest first",
    description: 'Its spans\' too; empty for an unknown trace.',
    parameters: [TRACE_ID], responses: { 200: ok('AnnotationList'), 400: BAD_REQUEST },
  },
  {
    method: 'post', path: '/api/v1/annotations', operationId: 'annotate', tag: 'feedback', summary: 'Annotate a trace or one of its spans',
    description: `Thumbs, a rating, labels, a note, a corrected output, or a custom name. ${WRITE_NOTE}`,
    requestBody: { description: 'The annotation.', schema: ref('AnnotationInput') },
    responses: { 201: ok('Annotation', 'Stored.'), 400: BAD_REQUEST, 403: FOREIGN, 404: error('No such trace or span.'), 413: TOO_LARGE, 415: NOT_JSON },
  },
  {
    method: 'delete', path: '/api/v1/annotations/{id}', operationId: 'deleteAnnotation', tag: 'feedback', summary: 'Delete an annotation',
    description: WRITE_NOTE, parameters: [path('id', 'The annotation id.', { type: 'string', pattern: ANNOTATION_ID_PATTERN })],
    responses: { 204: { description: 'Deleted.' }, 400: BAD_REQUEST, 403: FOREIGN, 404: error('No such annotation.') },
  },
  {
    method: 'get', path: '/api/v1/traces/{traceId}/spans/{spanId}', operationId: 'getSpan', tag: 'traces', summary: 'One span',
    parameters: [TRACE_ID, SPAN_ID], responses: { 200: ok('Span'), 400: BAD_REQUEST, 404: error('No such span.') },
  },
  {
    method: 'get', path: '/api/v1/compare', operationId: 'compareTraces', tag: 'traces', summary: "Two runs' agents, LLM calls and tool calls aligned",
    description: 'Steps align by the agent they run in, name and order; `changed` steps carry the differing prompt, output, tool arguments or result, model or status as text.',
    parameters: [
      { ...query('a', 'The first trace (32 hex).', { type: 'string', pattern: TRACE_ID_PATTERN }), required: true },
      { ...query('b', 'The second trace (32 hex).', { type: 'string', pattern: TRACE_ID_PATTERN }), required: true },
    ],
    responses: { 200: ok('CompareResult'), 400: BAD_REQUEST, 404: error('Either trace is unknown.') },
  },
  {
    method: 'get', path: '/api/v1/sessions', operationId: 'listSessions', tag: 'sessions', summary: 'Sessions (conversations), most recent activity first',
    parameters: page(500, 50), responses: { 200: ok('SessionListPage'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/sessions/{sessionId}', operationId: 'getSession', tag: 'sessions', summary: 'One session: totals, turns, traces',
    parameters: [SESSION_ID], responses: { 200: ok('SessionDetail'), 400: BAD_REQUEST, 404: error('Nothing names this session.') },
  },
  {
    method: 'delete', path: '/api/v1/sessions/{sessionId}', operationId: 'deleteSession', tag: 'data', summary: 'Delete a session',
    description: `The traces that name it (and those its log events were logged in, unless they name another session), its log records and metric points, in one transaction. ${WRITE_NOTE}`,
    parameters: [SESSION_ID], responses: { 200: ok('DeletedCounts'), 400: BAD_REQUEST, 403: FOREIGN, 404: error('Nothing names this session.') },
  },
  {
    method: 'delete', path: '/api/v1/data', operationId: 'clearAllData', tag: 'data', summary: 'Delete everything',
    description: `Every trace, log record, metric point and session; the database file is then compacted. Memory collections written with \`remember\` stay. ${WRITE_NOTE}`,
    parameters: [{ ...query('confirm', `Must be \`${CLEAR_ALL_CONFIRMATION}\`.`, { type: 'string', const: CLEAR_ALL_CONFIRMATION }), required: true }],
    responses: { 200: ok('DeletedCounts'), 400: error(`confirm=${CLEAR_ALL_CONFIRMATION} is missing.`), 403: FOREIGN },
  },
  {
    method: 'get', path: '/api/v1/logs', operationId: 'listLogs', tag: 'telemetry', summary: 'OTLP log records, newest first',
    parameters: [
      query('traceId', 'Logged in this trace.', { type: 'string', pattern: TRACE_ID_PATTERN }),
      query('spanId', 'Logged in this span (needs traceId).', { type: 'string', pattern: SPAN_ID_PATTERN }),
      query('q', 'Case-insensitive substring of the body, severity text or event name.'),
      query('service', 'Exact `service.name` of the record\'s resource.'),
      query('minSeverity', 'Severity number at least this (1–24; 13 = WARN and above).', { type: 'integer', minimum: 1, maximum: 24 }),
      query('from', 'At or after, unix nanoseconds (the record time, or its observed time).', NANOS),
      query('to', 'At or before, unix nanoseconds.', NANOS),
      ...page(1000, 100),
    ],
    responses: { 200: ok('LogListPage'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/metrics', operationId: 'listMetricPoints', tag: 'telemetry', summary: "One metric's data points, oldest first",
    parameters: [
      { ...query('name', 'Exact metric name.'), required: true },
      query('from', 'Point time at or after, unix nanoseconds.', NANOS),
      query('to', 'Point time at or before, unix nanoseconds.', NANOS),
      ...page(1000, 100),
    ],
    responses: { 200: ok('MetricPointPage'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/funnel', operationId: 'runFunnel', tag: 'traces', summary: 'A funnel: where runs drop off between ordered steps',
    description: 'Each step is matched by agent, tool, span name or attribute (and optionally GenAI kind); a step counts only when its span starts after the previous step’s. A read, so the steps travel as one JSON-encoded parameter.',
    parameters: [
      { ...query('steps', 'JSON list of 1–8 steps: `[{"type":"agent","value":"planner"},{"type":"tool","value":"search"},{"type":"attribute","key":"user.tier","value":"gold"}]`; `type` is agent, tool, spanName or attribute, `kind` optional.'), required: true },
      query('mode', 'A run is a trace (default) or a session (its traces in the range, in time order).', { type: 'string', enum: ['traces', 'sessions'] }),
      query('from', 'Trace start at or after, unix nanoseconds.', NANOS),
      query('to', 'Trace start at or before, unix nanoseconds.', NANOS),
      query('service', 'Exact service name of the trace root.'),
      query('runLimit', 'Runs listed behind each number, 1–500, default 50 (counts are exact).', { type: 'integer', minimum: 1, maximum: 500, default: 50 }),
    ],
    responses: { 200: ok('FunnelResult'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/analytics/latency', operationId: 'getAnalyticsLatency', tag: 'analytics', summary: 'Span counts, errors and latency percentiles per group',
    description: 'From the per-minute rollups kept at ingest (never a scan of spans); times read at minute resolution.',
    parameters: [
      { ...query('groupBy', 'The dimension.', { type: 'string', enum: [...ANALYTICS_GROUPS] }), required: true },
      query('from', 'Span start at or after, unix nanoseconds (its minute).', NANOS),
      query('to', 'Span start at or before, unix nanoseconds (its minute).', NANOS),
    ],
    responses: { 200: ok('AnalyticsLatency'), 400: BAD_REQUEST },
  },
  {
    method: 'get', path: '/api/v1/analytics/timeseries', operationId: 'getAnalyticsTimeseries', tag: 'analytics', summary: 'One metric over time per group',
    description: 'From the per-minute rollups; `p95Ms` merges the minutes\' sketches per bucket. Absent `from`/`to`: the stored range.',
    parameters: [
      { ...query('metric', 'What to count.', { type: 'string', enum: [...ANALYTICS_METRICS] }), required: true },
      query('groupBy', 'The dimension; absent: one series, `all`.', { type: 'string', enum: [...ANALYTICS_GROUPS] }),
      query('bucket', 'Bucket width in seconds, a multiple of 60; absent: about 60 buckets.', { type: 'integer', minimum: 60, maximum: 604800 }),
      query('from', 'Span start at or after, unix nanoseconds (its minute).', NANOS),
      query('to', 'Span start at or before, unix nanoseconds (its minute).', NANOS),
    ],
    responses: { 200: ok('AnalyticsTimeseries'), 400: BAD_REQUEST },
  },
  { method: 'get', path: '/api/v1/metrics/names', operationId: 'listMetricNames', tag: 'telemetry', summary: 'Every metric stored', responses: { 200: ok('MetricNameList') } },
  {
    method: 'get', path: '/api/v1/ws', operationId: 'ingestSocket', tag: 'status', summary: 'WebSocket: ingest ticks',
    description: 'Upgrade to a WebSocket; the server pushes an `IngestMessage` (x-websocket-message) at most ten times a second while data arrives or is deleted. A handshake from a foreign Origin or Host is refused with a bare 403.',
    responses: { 101: { description: 'Switching protocols.' }, 403: { description: 'A foreign Origin or Host (no body).' }, 426: error('A plain GET: this route needs a WebSocket handshake.') },
    'x-websocket-message': ref('IngestMessage'),
  },
  {
    method: 'get', path: '/api/v1/search', operationId: 'search', tag: 'memory', summary: 'Search what runs said and did, by meaning and by words',
    description: 'Needs `q`, or `similarTrace` (and `similarSpan`) to find runs like that one.',
    parameters: [
      query('q', 'What to look for.'),
      query('mode', 'Default `hybrid`.', { type: 'string', enum: ['hybrid', 'semantic', 'text'] }),
      query('limit', '1–100, default 20.', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
      query('service', 'Exact service name.'),
      query('model', 'Exact model.'),
      query('agent', 'Exact agent name.'),
      query('session', 'Exact session id.'),
      query('startFrom', 'Span start at or after, unix nanoseconds.', NANOS),
      query('startTo', 'Span start at or before, unix nanoseconds.', NANOS),
      query('similarTrace', 'Instead of q: runs like this trace.', { type: 'string', pattern: TRACE_ID_PATTERN }),
      query('similarSpan', 'With similarTrace: runs like this span.', { type: 'string', pattern: SPAN_ID_PATTERN }),
    ],
    responses: { 200: ok('SearchAnswer'), 400: BAD_REQUEST, 500: MEMORY_OFF },
  },
  { method: 'get', path: '/api/v1/memory', operationId: 'listMemoryCollections', tag: 'memory', summary: 'Memory collections', responses: { 200: ok('MemoryCollectionList'), 500: MEMORY_OFF } },
  { method: 'get', path: '/api/v1/memory/status', operationId: 'getMemoryStatus', tag: 'memory', summary: "The memory's state", responses: { 200: ok('MemoryStatus') } },
  {
    method: 'get', path: '/api/v1/memory/{collection}', operationId: 'listMemoryItems', tag: 'memory', summary: "A collection's items, newest first",
    parameters: [COLLECTION, ...page(500, 50)], responses: { 200: ok('MemoryItemPage'), 400: BAD_REQUEST, 500: MEMORY_OFF },
  },
  {
    method: 'post', path: '/api/v1/memory/{collection}', operationId: 'remember', tag: 'memory', summary: 'Remember a text',
    description: WRITE_NOTE, parameters: [COLLECTION], requestBody: { description: 'The text and its metadata.', schema: ref('MemoryItemInput') },
    responses: { 201: ok('Remembered', 'Stored and embedded: recall finds it now.'), 400: BAD_REQUEST, 403: FOREIGN, 413: TOO_LARGE, 415: NOT_JSON, 500: MEMORY_OFF },
  },
  {
    method: 'post', path: '/api/v1/memory/{collection}/recall', operationId: 'recall', tag: 'memory', summary: 'Recall the items closest in meaning to a query',
    description: WRITE_NOTE, parameters: [COLLECTION], requestBody: { description: 'The query.', schema: ref('RecallQuery') },
    responses: { 200: ok('RecallAnswer'), 400: BAD_REQUEST, 403: FOREIGN, 413: TOO_LARGE, 415: NOT_JSON, 500: MEMORY_OFF },
  },
  {
    method: 'delete', path: '/api/v1/memory/{collection}/{id}', operationId: 'forget', tag: 'memory', summary: 'Forget an item',
    description: WRITE_NOTE, parameters: [COLLECTION, path('id', 'The item id.', { type: 'string', pattern: '^[1-9]\\d{0,15}$' })],
    responses: { 204: { description: 'Forgotten.' }, 400: BAD_REQUEST, 403: FOREIGN, 404: error('No such item.'), 500: MEMORY_OFF },
  },
];

/** Every answer may also be these (the Host check runs first; 405 for a method the path lacks). */
const COMMON_RESPONSES: Record<string, Response> = {
  403: FOREIGN,
  405: error('The path exists, not with this method; `Allow` lists the methods it has.'),
  500: error('The engine failed; `error` says why.'),
};

const TAGS: Array<{ name: ApiRoute['tag']; description: string }> = [
  { name: 'status', description: 'Health, totals, where things are, live ticks' },
  { name: 'traces', description: 'Traces and spans' },
  { name: 'feedback', description: 'Annotations of traces and spans: thumbs, ratings, labels, notes, corrected outputs' },
  { name: 'sessions', description: 'Conversations across traces, log records and metric points' },
  { name: 'telemetry', description: 'OTLP log records and metric points' },
  { name: 'analytics', description: 'The dashboard: per-minute rollups of spans kept at ingest' },
  { name: 'memory', description: 'Search by meaning and memory collections (docs/memory.md)' },
  { name: 'data', description: 'Clear data: delete a trace, a session, or everything' },
];

function segmentsOf(template: string): string[] {
  return template.split('/');
}

/** Whether a request path (raw, still URL-encoded) fits a route template: each `{x}` takes one non-empty segment. */
export function matchesTemplate(template: string, path: string): boolean {
  const want = segmentsOf(template);
  const got = path.split('/');
  if (want.length !== got.length) return false;
  return want.every((w, i) => (w.startsWith('{') && w.endsWith('}') ? got[i] !== '' : w === got[i]));
}

/**
 * The methods the table has for a path under /api/ (upper case, HEAD wherever GET is); empty when
 * no route fits, so the router answers 404, or 405 with these as `Allow`.
 */
export function routeMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const r of API_ROUTES) {
    if (!matchesTemplate(r.path, path)) continue;
    methods.add(r.method.toUpperCase());
    if (r.method === 'get') methods.add('HEAD');
  }
  return [...methods];
}

function jsonContent(schema: JsonSchema): { 'application/json': { schema: JsonSchema } } {
  return { 'application/json': { schema } };
}

function operationOf(route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries({ ...COMMON_RESPONSES, ...route.responses })) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.schema ? { content: { ...jsonContent(r.schema), ...(r.alternative ? { [r.alternative.mediaType]: { schema: r.alternative.schema } } : {}) } } : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.parameters ? { parameters: route.parameters } : {}),
    ...(route.requestBody ? { requestBody: { required: true, description: route.requestBody.description, content: jsonContent(route.requestBody.schema) } } : {}),
    responses,
    ...(route['x-websocket-message'] ? { 'x-websocket-message': route['x-websocket-message'] } : {}),
  };
}

/** The OpenAPI 3.1 document of every route in API_ROUTES. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operationOf(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowtrace REST API',
      version,
      description:
        'The API of a running Flowtrace (the desktop app or `flowtrace serve`), on loopback. JSON everywhere; ids are lowercase hex, ' +
        'nanosecond timestamps decimal strings. Every request with a Host that is not a loopback name is refused (403); routes that ' +
        'write or delete also refuse any browser Origin but the server\'s own.',
    },
    tags: TAGS,
    paths,
    components: { schemas: SCHEMAS },
  };
}

/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 takes them) of what the REST API answers, one per contract
 * type of src-shared/contract.ts. `object<T>()` takes one entry per key of T, and an optional key
 * must be wrapped in `optional()`: a field added to, removed from or made optional in the contract
 * without the same change here does not compile. The value schemas (formats, ranges, enums) are
 * written by hand; test/headless/openapi.test.ts holds them to real answers. Objects stay open
 * (no additionalProperties: false) so clients keep working when a field is added; the test closes
 * them, so a field the server sends and the document does not name fails it.
 */
import type {
  AgentGraph,
  AgentGraphEdge,
  AgentGraphExternalLink,
  AgentGraphNode,
  CompareFieldDiff,
  CompareResult,
  CompareRunTotals,
  CompareStep,
  CompareStepSide,
  Annotation,
  AnnotationInput,
  DeletedCounts,
  FeedbackSummary,
  EmbedderInfo,
  EngineInfo,
  ExponentialBuckets,
  ExponentialHistogramValue,
  FlowtraceApi,
  FunnelResult,
  FunnelRun,
  FunnelRunSet,
  FunnelStep,
  FunnelStepResult,
  AnalyticsLatency,
  AnalyticsLatencyGroup,
  AnalyticsTimeseries,
  GenAiMessage,
  GenAiPart,
  GenAiSpan,
  GenAiToolDefinition,
  GenAiTraceRollup,
  HistogramValue,
  IngestTick,
  LogListPage,
  LogRecordView,
  MemoryCollectionInfo,
  MemoryItem,
  MemoryItemInput,
  MemoryStatus,
  MetricExemplar,
  MetricNameInfo,
  MetricPointPage,
  MetricPointView,
  RecalledItem,
  RecallQuery,
  ResourceInfo,
  ScopeInfo,
  SearchAnswer,
  SearchResult,
  SessionDetail,
  SessionListPage,
  SessionModelCall,
  SessionSummary,
  SessionToolCall,
  SessionTurn,
  SpanEvent,
  SpanLink,
  SpanRecord,
  Stats,
  StoreNotice,
  SummaryValue,
  TraceAudit,
  TraceDetail,
  TraceListPage,
  TraceSummary,
  ReceiverStatus,
} from '../../src-shared/contract';
import { ANNOTATION_NAMES, GENAI_KINDS, RECEIVER_KINDS } from '../../src-shared/contract';
import type { TraceOutline } from '../../src-shared/trace-outline';
import type { ModelPrice, PricesView } from '../../src-shared/prices';
import type { RedactionDetectorView, RedactionView } from '../../src-shared/redaction';
import type { ForwardEndpointStatus, ForwardEndpointView, ForwardingView } from '../../src-shared/forwarding';
import type { NotificationSettings, Settings, SettingsView } from '../../src-shared/settings';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** The part of JSON Schema 2020-12 this document uses. No index signature: a misspelt keyword does not compile. */
export interface JsonSchema {
  $ref?: string;
  type?: JsonType | JsonType[];
  description?: string;
  enum?: ReadonlyArray<string | number | boolean | null>;
  const?: string | number | boolean | null;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: string | number | boolean;
  format?: string;
}

interface Optional {
  optional: JsonSchema;
}

/** One schema per key of T; optional keys (and only they) wrapped in optional(). */
type Fields<T> = { [K in keyof T]-?: Pick<T, K> extends Required<Pick<T, K>> ? JsonSchema : Optional };

export function optional(schema: JsonSchema): Optional {
  return { optional: schema };
}

export function object<T>(description: string, fields: Fields<T>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(fields) as Array<[string, JsonSchema | Optional]>) {
    if ('optional' in field) properties[key] = field.optional;
    else {
      properties[key] = field;
      required.push(key);
    }
  }
  return { type: 'object', description, properties, required };
}

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string): JsonSchema => (description ? { type: 'string', description } : { type: 'string' });
const int = (description?: string): JsonSchema => (description ? { type: 'integer', minimum: 0, description } : { type: 'integer', minimum: 0 });
const num = (description?: string): JsonSchema => (description ? { type: 'number', description } : { type: 'number' });
const bool = (description?: string): JsonSchema => (description ? { type: 'boolean', description } : { type: 'boolean' });
const list = (items: JsonSchema, description?: string): JsonSchema => (description ? { type: 'array', items, description } : { type: 'array', items });
const oneOfEnum = (values: readonly string[], description?: string): JsonSchema => (description ? { type: 'string', enum: values, description } : { type: 'string', enum: values });

/** `T | null`: a type list for plain schemas, anyOf beside a $ref. */
export function nullable(schema: JsonSchema): JsonSchema {
  if (schema.$ref !== undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const out: JsonSchema = { ...schema, type: [...types, 'null'] };
  // An enum must list null too, or null fails it.
  if (schema.enum) out.enum = [...schema.enum, null];
  return out;
}

export const TRACE_ID_PATTERN = '^[0-9a-f]{32}$';
export const SPAN_ID_PATTERN = '^[0-9a-f]{16}$';
export const ANNOTATION_ID_PATTERN = '^[0-9a-f]{16}$';
const traceId: JsonSchema = { $ref: '#/components/schemas/TraceId' };
const spanId: JsonSchema = { $ref: '#/components/schemas/SpanId' };
const nano: JsonSchema = { $ref: '#/components/schemas/UnixNano' };
const attributes: JsonSchema = { $ref: '#/components/schemas/Attributes' };
const anyValue: JsonSchema = { $ref: '#/components/schemas/AttributeValue' };
const metricNumber: JsonSchema = { $ref: '#/components/schemas/MetricNumber' };
const nextCursor = nullable(str('Pass as `cursor` for the next page (same filters); null on the last page.'));
const usd = nullable(num('USD; null when nothing could be priced.'));
const tokens = nullable(int());

/** What GET /api/v1/health answers: the store's state and what the shell adds (ApiServerOptions.health). */
export interface HealthAnswer {
  status: 'ok' | 'degraded';
  version: string;
  notices: StoreNotice[];
  ingestPaused?: boolean;
  otlpHttpEndpoint?: string;
  receivers: ReceiverStatus[];
  forwarding: ForwardEndpointStatus[];
}

type Answer<K extends keyof FlowtraceApi> = FlowtraceApi[K] extends (...args: never[]) => Promise<infer R> ? NonNullable<R> : never;

const genAiPart = (type: GenAiPart['type'], fields: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties: { type: { const: type }, ...fields },
  required: ['type', ...Object.keys(fields)],
});

/** Each schema of components.schemas, by name. */
export const SCHEMAS: Record<string, JsonSchema> = {
  Error: object<{ error: string }>('Every 4xx/5xx answer of /api/v1 (except a refused WebSocket handshake).', {
    error: str('What went wrong, fit to show a person.'),
  }),
  TraceId: { type: 'string', pattern: TRACE_ID_PATTERN, description: 'A trace id: 32 lowercase hex characters.' },
  SpanId: { type: 'string', pattern: SPAN_ID_PATTERN, description: 'A span id: 16 lowercase hex characters.' },
  UnixNano: { type: 'string', pattern: '^\\d{1,20}$', description: 'Unix nanoseconds as decimal text (they overflow a JSON number).' },
  AttributeValue: { description: 'An OTLP AnyValue as JSON: string, number, boolean, null, array or object. 64-bit integers beyond ±2^53 are decimal strings; bytes are base64.' },
  Attributes: { type: 'object', additionalProperties: anyValue, description: 'Attributes by key, as sent.' },
  MetricNumber: { type: ['number', 'string'], description: 'A number, or decimal text for an int64 beyond ±2^53, or "NaN", "Infinity", "-Infinity".' },

  Health: object<HealthAnswer>('The server is up; `degraded` while the newest store notice is an error (a quarantined file, a full disk) or a receiver does not listen (its port is busy).', {
    status: oneOfEnum(['ok', 'degraded']),
    version: str(),
    notices: list(ref('StoreNotice')),
    ingestPaused: optional(bool('OTLP requests get 503 while true.')),
    otlpHttpEndpoint: optional(str('What OTEL_EXPORTER_OTLP_ENDPOINT should be set to.')),
    receivers: list(ref('ReceiverStatus'), 'Both OTLP receivers; `degraded` while one does not listen.'),
    forwarding: list(ref('ForwardEndpointStatus'), 'Each upstream endpoint forwarded to: its lag and last error (docs/forwarding.md).'),
  }),
  ReceiverStatus: object<ReceiverStatus>('One OTLP receiver: listening, or why not. A busy port never stops Flowtrace.', {
    kind: oneOfEnum(RECEIVER_KINDS),
    state: oneOfEnum(['listening', 'busy', 'failed'], '`busy`: another program holds the port; `failed`: any other bind error.'),
    host: str(),
    port: { type: 'integer', minimum: 0, maximum: 65_535, description: 'The bound port while listening; else the port it tried.' },
    endpoint: nullable(str('What an exporter should be pointed at; null while not listening.')),
    error: optional(str('Why it does not listen.')),
    holder: optional(nullable(str('Who holds a busy port, e.g. "otelcol (pid 812)", when the system says.'))),
  }),
  Settings: object<Settings>('The saved settings (docs: README "Settings").', {
    otlpHttpPort: { type: 'integer', minimum: 1, maximum: 65_535, description: 'Applies at once: the receiver rebinds.' },
    otlpGrpcPort: { type: 'integer', minimum: 1, maximum: 65_535, description: 'Applies at once: the receiver rebinds.' },
    otlpHost: str('Address both OTLP receivers bind (restart); anything but loopback needs a token.'),
    retentionDays: { type: 'number', exclusiveMinimum: 0, description: 'Applies at once.' },
    retentionGb: { type: 'number', exclusiveMinimum: 0, description: 'Applies at once.' },
    durability: oneOfEnum(['normal', 'full'], 'Restart.'),
    embedder: {
      description: 'Restart.',
      oneOf: [
        { type: 'object', properties: { kind: { enum: ['local', 'off'] } }, required: ['kind'] },
        { type: 'object', properties: { kind: { const: 'openai' }, url: str(), model: str() }, required: ['kind', 'url', 'model'] },
      ],
    },
    dailyBudgetUsd: nullable(num('USD per day; null: no budget.')),
    theme: oneOfEnum(['system', 'light', 'dark']),
    launchAtLogin: bool('Desktop app only.'),
    notifications: object<NotificationSettings>('Desktop notifications, each on or off.', {
      errorBurst: bool(),
      budget: bool(),
      storage: bool(),
      quarantine: bool(),
    }),
  }),
  SettingsView: object<SettingsView>('The saved settings, and what of them is not in effect.', {
    settings: ref('Settings'),
    otlpTokenSet: bool('Whether an OTLP token is saved; the token itself is never sent back.'),
    restartNeeded: list(str(), 'Saved, but in effect only after a restart.'),
    overridden: list(str(), 'Set for this run by a flag or environment variable, which wins over the saved value.'),
  }),
  SettingsPatch: {
    type: 'object',
    description: 'Any subset of Settings; `otlpToken` (at least 16 characters, no spaces; null removes it) is written but never read back.',
    properties: { otlpToken: { type: ['string', 'null'] } },
  },
  ModelPrice: object<ModelPrice>('USD per million tokens.', {
    input: { type: 'number', minimum: 0 },
    output: { type: 'number', minimum: 0 },
    cacheRead: optional(nullable({ type: 'number', minimum: 0, description: 'Cached input; null or absent: priced as input.' })),
  }),
  PriceList: { type: 'object', additionalProperties: ref('ModelPrice'), description: 'Model name → its price.' },
  PricesView: object<PricesView>('Your model prices beside the shipped table.', {
    shipped: object<PricesView['shipped']>('The table that ships with Flowtrace.', {
      date: str('When its prices were read (YYYY-MM-DD).'),
      source: str('Where they were read.'),
      models: ref('PriceList'),
    }),
    yours: ref('PriceList'),
    restartNeeded: bool('Your saved prices differ from the ones this run prices with; they apply after a restart.'),
    overridden: bool('A --prices flag sets this run\'s prices; yours are kept for a run without it.'),
  }),
  RedactionRules: object<{ rules: string }>('The whole rules file, replacing the saved one.', {
    rules: str('One rule a line (docs/redaction.md); at most 64 KiB.'),
  }),
  RedactionView: object<RedactionView>('The redaction rules file and what it sets.', {
    rules: str('redaction.rules as saved (a commented example while there is none).'),
    detectors: {
      type: 'array',
      description: 'Every built-in detector and what the rules do with what it finds.',
      items: object<RedactionDetectorView>('A built-in detector.', {
        id: str('Its name in rules and in flowtrace.redacted.rules.'),
        group: { type: 'string', enum: ['secrets', 'pii'] },
        label: str('What it finds.'),
        action: { type: 'string', enum: ['mask', 'hash', 'drop', 'off'] },
      }),
    },
    valueRules: { type: 'integer', minimum: 0, description: 'Your patterns over string values.' },
    keyRules: { type: 'integer', minimum: 0, description: 'Your globs over attribute keys.' },
    offForThisRun: bool('--no-redaction: this run stores what it receives as it came; the saved rules wait.'),
  }),
  ForwardEndpointStatus: object<ForwardEndpointStatus>('How forwarding to one upstream endpoint is doing.', {
    url: str(),
    state: oneOfEnum(['delivering', 'idle', 'retrying'], '`retrying`: the upstream is unreachable or asked to wait; requests wait in the store, in order.'),
    lagRequests: int('Requests stored and not delivered yet.'),
    lagBytes: int('Their bytes.'),
    lagMs: int('How long the oldest of them has waited; 0 when none wait.'),
    deliveredRequests: int('Delivered since Flowtrace started.'),
    refusedRequests: int('Refused by the upstream (a 4xx other than 429, a gRPC error that is not retryable) since start: not sent again.'),
    droppedRequests: int('Dropped past the disk bound, ever (a notice says when).'),
    lastDeliveredAt: nullable(int('Unix ms.')),
    lastError: nullable(object<{ message: string; at: number }>('The last failure.', { message: str(), at: int('Unix ms.') })),
    nextAttemptAt: nullable(int('Unix ms: the next attempt while retrying.')),
  }),
  ForwardEndpointView: object<ForwardEndpointView>('An upstream endpoint as configured (header values are never sent back).', {
    url: str('http(s)://host:port[/path] (OTLP/HTTP, `/v1/traces` etc. appended), grpc://host:port or grpcs://host:port (OTLP/gRPC, TLS).'),
    protocol: oneOfEnum(['http', 'grpc']),
    headerNames: list(str()),
    compression: oneOfEnum(['gzip', 'none']),
  }),
  ForwardingView: object<ForwardingView>('The upstream endpoints and how each is doing.', {
    endpoints: list(ref('ForwardEndpointView')),
    overridden: bool('`serve --forward` sets this run\'s endpoints; the saved ones wait for a run without it.'),
    maxBacklogBytes: int('An endpoint\'s backlog past this drops its oldest requests, with a notice.'),
    status: list(ref('ForwardEndpointStatus')),
    tokenSet: bool('Whether an OTLP token is saved or in use; changing the endpoints needs it.'),
  }),
  ForwardingUpdate: {
    type: 'object',
    description: 'The whole list of endpoints, and the OTLP token (forwarding sends data off this machine).',
    properties: {
      token: { type: 'string', description: 'The OTLP token (Settings → Receivers, or --otlp-token).' },
      endpoints: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            url: { type: 'string' },
            headers: { type: ['object', 'null'], additionalProperties: { type: 'string' }, description: 'Sent with every request; left out or null keeps the saved ones of the same URL.' },
            compression: { type: 'string', enum: ['gzip', 'none'], default: 'gzip' },
          },
          required: ['url'],
        },
      },
    },
    required: ['token', 'endpoints'],
  },
  SettingsRefusal: object<{ error: string; fields: Record<string, string> }>('A refused edit: nothing was saved.', {
    error: str('Every wrong field, in one line.'),
    fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'One message per wrong field, by its name.' },
  }),
  ReceiverRetry: {
    type: 'object',
    additionalProperties: false,
    description: 'Empty: the same port (once freed). `port`: that port, or "next" for the first free one above the current.',
    properties: { port: { oneOf: [{ type: 'integer', minimum: 1, maximum: 65_535 }, { const: 'next' }] } },
  },
  StoreNotice: object<StoreNotice>('Something the user must know about the store; newest last.', {
    level: oneOfEnum(['warning', 'error']),
    message: str(),
    at: int('Unix ms.'),
  }),
  Stats: object<Stats>('Totals and the store state.', {
    spans: int(),
    traces: int(),
    requestsAccepted: int('Export requests acknowledged since the engine started.'),
    ingestPaused: bool(),
    dbBytes: int('The database file plus its write-ahead log.'),
    notices: list(ref('StoreNotice')),
    forwarding: list(ref('ForwardEndpointStatus'), 'Each upstream endpoint forwarded to; empty when none.'),
  }),
  EngineInfo: object<EngineInfo>('Where the receivers listen and where the data lives.', {
    version: str(),
    otlpHttpEndpoint: str('e.g. http://127.0.0.1:4318; while its port is busy, the port Flowtrace waits to bind (see receivers).'),
    otlpGrpcEndpoint: nullable(str('null while no gRPC receiver runs.')),
    receivers: list(ref('ReceiverStatus')),
    dataDir: str(),
    apiUrl: optional(str('Where this Flowtrace serves the REST API, WebSocket and UI, e.g. http://127.0.0.1:9600.')),
  }),

  GenAiTraceRollup: object<GenAiTraceRollup>("A trace's GenAI totals, usage counted once on the innermost spans that report it.", {
    inputTokens: int(),
    outputTokens: int(),
    totalTokens: int(),
    costUsd: usd,
    models: list(str(), 'Distinct, sorted.'),
    agents: list(str(), 'Distinct, sorted.'),
    llmCalls: int(),
    toolCalls: int(),
    sessionId: nullable(str('Of the earliest span that names one.')),
  }),
  TraceSummary: object<TraceSummary>('One trace in a list.', {
    traceId,
    rootName: str(),
    serviceName: str(),
    startTimeUnixNano: nano,
    durationMs: num(),
    spanCount: int(),
    errorCount: int(),
    genai: optional(ref('GenAiTraceRollup')),
    feedback: optional(ref('FeedbackSummary')),
  }),
  FeedbackSummary: object<FeedbackSummary>("Every annotation of the trace (its spans' too), folded.", {
    count: int('Annotations of any name.'),
    up: int('Thumbs up.'),
    down: int('Thumbs down.'),
    rating: nullable({ type: 'number', minimum: 1, maximum: 5, description: 'Mean rating; null when none.' }),
    ratingCount: int(),
    labels: list(str(), 'Distinct, sorted.'),
    hasNote: bool(),
    hasCorrection: bool(),
  }),
  TraceListPage: object<TraceListPage>('A page of the trace list.', { traces: list(ref('TraceSummary')), nextCursor }),

  SpanEvent: object<SpanEvent>('A span event.', { timeUnixNano: nano, name: str(), attributes, droppedAttributesCount: int() }),
  SpanLink: object<SpanLink>('A link to another span (maybe of another trace, maybe never arrived).', {
    traceId,
    spanId,
    traceState: str(),
    attributes,
    droppedAttributesCount: int(),
  }),
  Resource: object<ResourceInfo>('The OTLP resource that sent it.', { attributes, droppedAttributesCount: int() }),
  Scope: object<ScopeInfo>('The instrumentation scope.', { name: str(), version: str(), attributes, droppedAttributesCount: int() }),
  GenAiPart: {
    description: 'One part of a message (the OTel GenAI message schema, camelCase); unknown part types are kept as `other`.',
    oneOf: [
      genAiPart('text', { content: str() }),
      genAiPart('reasoning', { content: str() }),
      genAiPart('tool_call', { id: nullable(str()), name: str(), arguments: anyValue }),
      genAiPart('tool_call_response', { id: nullable(str()), response: anyValue }),
      genAiPart('blob', { mimeType: nullable(str()), modality: str(), content: str() }),
      genAiPart('uri', { mimeType: nullable(str()), modality: str(), uri: str() }),
      genAiPart('file', { mimeType: nullable(str()), modality: str(), fileId: str() }),
      genAiPart('other', { originalType: str(), data: attributes }),
    ],
  },
  GenAiMessage: object<GenAiMessage>('A chat message.', {
    role: str('`system`, `user`, `assistant`, `tool`, or as sent.'),
    parts: list(ref('GenAiPart')),
    name: optional(str()),
  }),
  GenAiToolDefinition: object<GenAiToolDefinition>('A tool offered to the model.', {
    name: str(),
    type: optional(str()),
    description: optional(str()),
    parameters: optional(anyValue),
  }),
  GenAiSpan: object<GenAiSpan>('What the span means as GenAI (docs/genai-normalization.md); a field is absent when not known.', {
    kind: oneOfEnum(GENAI_KINDS),
    operation: optional(str()),
    provider: optional(str()),
    requestModel: optional(str()),
    responseModel: optional(str()),
    inputTokens: optional(int('Cached input included.')),
    outputTokens: optional(int('Reasoning included.')),
    cacheReadTokens: optional(int()),
    cacheWriteTokens: optional(int()),
    reasoningTokens: optional(int()),
    totalTokens: optional(int()),
    costUsd: optional(nullable(num('USD; null: tokens known, model has no price.'))),
    agentName: optional(str()),
    toolName: optional(str()),
    toolCallId: optional(str()),
    handoffFrom: optional(str()),
    handoffTo: optional(str()),
    sessionId: optional(str()),
    userId: optional(str()),
    finishReasons: optional(list(str())),
    inputMessages: optional(list(ref('GenAiMessage'))),
    outputMessages: optional(list(ref('GenAiMessage'))),
    systemInstructions: optional(list(ref('GenAiPart'))),
    toolDefinitions: optional(list(ref('GenAiToolDefinition'))),
  }),
  Span: object<SpanRecord>('One span, as sent, with its GenAI reading.', {
    traceId,
    spanId,
    parentSpanId: nullable({ ...spanId, description: 'null for a root; may name a span that never arrived.' }),
    traceState: str(),
    name: str(),
    kind: oneOfEnum(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']),
    startTimeUnixNano: nano,
    endTimeUnixNano: nano,
    status: object<SpanRecord['status']>('The span status.', { code: oneOfEnum(['unset', 'ok', 'error']), message: str() }),
    attributes,
    droppedAttributesCount: int(),
    events: list(ref('SpanEvent')),
    droppedEventsCount: int(),
    links: list(ref('SpanLink')),
    droppedLinksCount: int(),
    resource: ref('Resource'),
    scope: ref('Scope'),
    genai: optional(ref('GenAiSpan')),
  }),
  TraceDetail: object<TraceDetail>('Every span of a trace, in start order.', { traceId, spans: list(ref('Span')), audit: optional(ref('TraceAudit')) }),
  TraceAudit: object<TraceAudit>('The stored spans beside what the audit trail recorded as they arrived.', {
    state: { type: 'string', enum: ['verified', 'altered', 'partly-recorded', 'not-recorded'] },
    digest: nullable({ type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 over the recorded block digests, in arrival order.' }),
  }),
  TraceOutline: object<TraceOutline>('The trace for drawing: one entry per span in every array, in tree order (src-shared/trace-outline.ts).', {
    traceId,
    startTimeUnixNano: nano,
    durationMs: num(),
    spanIds: list(spanId),
    parentIndex: list({ type: 'integer', minimum: -1 }, '−1 for a root.'),
    depth: list(int()),
    childCount: list(int()),
    startMs: list(num(), 'From startTimeUnixNano.'),
    durationsMs: list(num()),
    nameIndex: list(int()),
    names: list(str()),
    serviceIndex: list(int()),
    services: list(str()),
    status: list({ type: 'integer', enum: [0, 1, 2] }, '0 unset, 1 ok, 2 error.'),
    statusMessage: list(str()),
    kindIndex: list(int()),
    kinds: list(str(), 'kinds[0] is "" (not GenAI).'),
    promoted: list({ type: 'integer', enum: [0, 1, 2] }, '1: the parent never arrived; 2: a parent cycle.'),
  }),

  AgentGraphNode: object<AgentGraphNode>('One GenAI span (or a fold of repeats) in the agent graph.', {
    id: spanId,
    spanId,
    kind: oneOfEnum(GENAI_KINDS),
    label: str(),
    spanName: str(),
    parentId: nullable(spanId),
    startTimeUnixNano: nano,
    endTimeUnixNano: nano,
    durationMs: num(),
    status: oneOfEnum(['unset', 'ok', 'error']),
    errorMessage: nullable(str()),
    errorCount: int(),
    model: nullable(str()),
    inputTokens: tokens,
    outputTokens: tokens,
    totalTokens: tokens,
    costUsd: usd,
    count: int('Spans behind this node: more than 1 for a fold.'),
    collapsedSpanIds: list(spanId),
  }),
  AgentGraphEdge: object<AgentGraphEdge>('A typed edge between two nodes.', {
    id: str(),
    type: oneOfEnum(['calls', 'handoff', 'tool_result', 'retry_of', 'fallback_of', 'link']),
    from: spanId,
    to: spanId,
    match: optional(oneOfEnum(['call_id', 'tool_name'])),
    count: int(),
  }),
  AgentGraphExternalLink: object<AgentGraphExternalLink>('A span link to a span outside this graph.', { from: spanId, traceId, spanId, attributes }),
  AgentGraph: object<AgentGraph>('The agent graph of a trace (docs/genai-graph.md).', {
    traceId: nullable(traceId),
    nodes: list(ref('AgentGraphNode')),
    edges: list(ref('AgentGraphEdge')),
    externalLinks: list(ref('AgentGraphExternalLink')),
  }),
  OtlpTraceExport: {
    type: 'object',
    description: 'An OTLP/JSON ExportTraceServiceRequest (opentelemetry-proto, JSON encoding), which any OTLP receiver accepts.',
    properties: {
      resourceSpans: list({ type: 'object' }),
      annotations: list(ref('Annotation'), "Flowtrace's feedback on the trace, when there is any; OTLP receivers ignore it."),
      audit: { ...ref('TraceAudit'), description: 'The trace beside its audit trail, with its digest, when any of it was recorded; OTLP receivers ignore it.' },
    },
    required: ['resourceSpans'],
  },

  SessionSummary: object<SessionSummary>('One conversation: every trace, log record and metric point naming the session id.', {
    sessionId: str(),
    turns: int(),
    inputTokens: int('Cache reads and writes included.'),
    outputTokens: int('Reasoning included.'),
    totalTokens: int(),
    cacheReadTokens: int(),
    cacheWriteTokens: int(),
    reasoningTokens: int(),
    llmCalls: int(),
    toolCalls: int(),
    models: list(str()),
    users: list(str(), 'Distinct end users (user.id, enduser.id and each GenAI dialect\'s own), sorted.'),
    errors: int('Error spans in its traces, plus failed tool calls no error span counts.'),
    failedTurns: int('Turns with at least one error.'),
    costUsd: usd,
    costSource: oneOfEnum(['reported', 'prices', 'mixed', 'none']),
    serviceName: nullable(str()),
    firstActivityUnixNano: nano,
    lastActivityUnixNano: nano,
  }),
  SessionListPage: object<SessionListPage>('A page of sessions, most recent activity first.', { sessions: list(ref('SessionSummary')), nextCursor }),
  SessionModelCall: object<SessionModelCall>('A model call of a turn.', {
    model: nullable(str()),
    inputTokens: tokens,
    outputTokens: tokens,
    cacheReadTokens: tokens,
    cacheWriteTokens: tokens,
    reasoningTokens: tokens,
    costUsd: usd,
    costSource: oneOfEnum(['reported', 'prices', 'none']),
    durationMs: nullable(num()),
    traceId: nullable(traceId),
    spanId: nullable(spanId),
    source: oneOfEnum(['span', 'event', 'span+event']),
  }),
  SessionToolCall: object<SessionToolCall>('A tool call of a turn.', {
    name: str(),
    callId: nullable(str()),
    input: anyValue,
    result: anyValue,
    success: nullable(bool()),
    durationMs: nullable(num()),
    nested: bool('Ran inside another tool call: shown, not counted.'),
    traceId: nullable(traceId),
    spanId: nullable(spanId),
    source: oneOfEnum(['span', 'event', 'span+event']),
  }),
  SessionTurn: object<SessionTurn>('A prompt and what answered it.', {
    index: int('From 1.'),
    startTimeUnixNano: nano,
    endTimeUnixNano: nano,
    prompt: nullable(str()),
    answer: nullable(str()),
    traceIds: list(traceId),
    source: oneOfEnum(['spans', 'events']),
    llmCalls: list(ref('SessionModelCall')),
    toolCalls: list(ref('SessionToolCall')),
    costUsd: usd,
    errors: int('Error spans in its traces, plus failed tool calls no error span counts.'),
  }),
  SessionDetail: object<SessionDetail>('One session: totals, turns and traces.', {
    sessionId: str(),
    summary: ref('SessionSummary'),
    turns: list(ref('SessionTurn')),
    traces: list(ref('TraceSummary'), 'In start order, at most 1000.'),
    truncated: bool('More than 1000 traces.'),
  }),

  LogRecord: object<LogRecordView>('An OTLP log record as stored.', {
    traceId: nullable(traceId),
    spanId: nullable(spanId),
    timeUnixNano: nano,
    observedTimeUnixNano: nano,
    severityNumber: { type: 'integer', minimum: 0, maximum: 24 },
    severityText: str(),
    body: anyValue,
    attributes,
    droppedAttributesCount: int(),
    flags: int(),
    eventName: str(),
    resource: ref('Resource'),
    scope: ref('Scope'),
  }),
  LogListPage: object<LogListPage>('A page of log records, newest first.', { logs: list(ref('LogRecord')), nextCursor }),
  HistogramValue: object<HistogramValue>('A histogram data point.', {
    count: int(),
    sum: nullable(metricNumber),
    min: nullable(metricNumber),
    max: nullable(metricNumber),
    bucketCounts: list(int()),
    explicitBounds: list(metricNumber),
  }),
  ExponentialBuckets: object<ExponentialBuckets>('Buckets of an exponential histogram.', { offset: { type: 'integer' }, bucketCounts: list(int()) }),
  ExponentialHistogramValue: object<ExponentialHistogramValue>('An exponential histogram data point.', {
    count: int(),
    sum: nullable(metricNumber),
    min: nullable(metricNumber),
    max: nullable(metricNumber),
    scale: { type: 'integer' },
    zeroCount: int(),
    zeroThreshold: metricNumber,
    positive: ref('ExponentialBuckets'),
    negative: ref('ExponentialBuckets'),
  }),
  SummaryValue: object<SummaryValue>('A summary data point.', {
    count: int(),
    sum: metricNumber,
    quantileValues: list(object<SummaryValue['quantileValues'][number]>('A quantile.', { quantile: metricNumber, value: metricNumber })),
  }),
  MetricExemplar: object<MetricExemplar>('An exemplar of a data point.', {
    timeUnixNano: nano,
    value: nullable(metricNumber),
    traceId: nullable(traceId),
    spanId: nullable(spanId),
    filteredAttributes: attributes,
  }),
  MetricPoint: object<MetricPointView>("One data point of an OTLP metric, with its metric's description; one value field set, per `type`.", {
    name: str(),
    description: str(),
    unit: str(),
    type: oneOfEnum(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']),
    metadata: attributes,
    aggregationTemporality: oneOfEnum(['unspecified', 'delta', 'cumulative']),
    isMonotonic: bool(),
    startTimeUnixNano: nano,
    timeUnixNano: nano,
    attributes,
    flags: int(),
    value: nullable(metricNumber),
    histogram: nullable(ref('HistogramValue')),
    exponentialHistogram: nullable(ref('ExponentialHistogramValue')),
    summary: nullable(ref('SummaryValue')),
    exemplars: list(ref('MetricExemplar')),
    resource: ref('Resource'),
    scope: ref('Scope'),
  }),
  MetricPointPage: object<MetricPointPage>('A page of data points, oldest first.', { points: list(ref('MetricPoint')), nextCursor }),
  MetricNameInfo: object<MetricNameInfo>('A stored metric.', {
    name: str(),
    type: oneOfEnum(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']),
    unit: str(),
    description: str(),
    pointCount: int(),
    lastTimeUnixNano: nano,
  }),
  MetricNameList: list(ref('MetricNameInfo'), 'Every metric name stored, alphabetically.'),

  AnalyticsLatencyGroup: object<AnalyticsLatencyGroup>('One group over the range, from the per-minute rollups.', {
    key: str('The model, agent, tool, service or span name; `(other)` past the per-minute bound on groups.'),
    count: int('Spans.'),
    errorCount: int('Spans with status error.'),
    p50Ms: num('Duration percentile (ms) from merged DDSketches: within 1 % of the exact value.'),
    p90Ms: num(),
    p95Ms: num(),
    p99Ms: num(),
    totalTokens: int('Tokens of the group\'s LLM calls (llm, embedding, reranker spans).'),
    costUsd: num('USD of the group\'s LLM calls.'),
  }),
  AnalyticsLatency: object<AnalyticsLatency>('Latency and counts per group, most spans first.', { groups: list(ref('AnalyticsLatencyGroup')) }),
  AnalyticsTimeseries: object<AnalyticsTimeseries>('One metric per time bucket and group.', {
    bucketSeconds: int('Bucket width.'),
    buckets: list(
      object<AnalyticsTimeseries['buckets'][number]>('A bucket; groups with nothing in it are absent.', {
        t: nano,
        values: { type: 'object', additionalProperties: { type: 'number' }, description: 'Group key → value (at most 10 keys and `(other)`).' },
      }),
      'Every bucket of the range, oldest first.',
    ),
  }),

  EmbedderInfo: object<EmbedderInfo>('The embedder behind the vectors: one index per (provider, model, dim).', {
    provider: str('`local`, `openai` or `hashing` (tests).'),
    model: str(),
    dim: int(),
  }),
  SearchResult: object<SearchResult>('A remembered text that matched, with the span it came from.', {
    traceId,
    spanId,
    score: num('Higher is better; comparable within one answer.'),
    snippet: str(),
    sessionId: optional(str()),
    source: oneOfEnum(['message', 'tool', 'error']),
    spanName: str(),
    agent: optional(str()),
    model: optional(str()),
    service: optional(str()),
    startTimeUnixNano: nano,
  }),
  SearchAnswer: object<SearchAnswer>('Search results, best first.', {
    results: list(ref('SearchResult')),
    embedder: ref('EmbedderInfo'),
    mode: oneOfEnum(['hybrid', 'semantic', 'text'], 'The mode used: `text` when vectors were asked for but are not ready.'),
  }),
  MemoryCollectionInfo: object<MemoryCollectionInfo>('A memory collection.', { name: str(), count: int(), updatedAt: nullable(int('Unix ms of the newest item.')) }),
  MemoryCollectionList: object<{ collections: MemoryCollectionInfo[] }>('Every memory collection.', { collections: list(ref('MemoryCollectionInfo')) }),
  MemoryStatus: object<MemoryStatus>("The memory's state: its lag behind ingest, the index, the embedder.", {
    enabled: bool(),
    embedder: nullable(ref('EmbedderInfo')),
    items: int(),
    backlogSpans: int(),
    skippedSpans: int(),
    lastError: nullable(str()),
  }),
  MemoryItem: object<MemoryItem>('A remembered item.', {
    id: { type: 'string', pattern: '^[1-9]\\d*$' },
    collection: str(),
    text: str(),
    metadata: { type: 'object', description: 'As given.' },
    createdAt: int('Unix ms.'),
  }),
  MemoryItemPage: object<Answer<'listMemoryItems'>>("A page of a collection's items, newest first.", { items: list(ref('MemoryItem')), nextCursor }),
  MemoryItemInput: object<MemoryItemInput>('What to remember.', {
    text: { type: 'string', minLength: 1, maxLength: 32_768 },
    metadata: optional({ type: 'object', description: 'Kept as given (≤ 16 KB as JSON); recall filters match its top-level values.' }),
  }),
  Remembered: object<Answer<'remember'>>('The new item.', { id: { type: 'string', pattern: '^[1-9]\\d*$' } }),
  RecallQuery: object<RecallQuery>('What to recall.', {
    query: { type: 'string', minLength: 1, maxLength: 2000 },
    k: optional({ type: 'integer', minimum: 1, maximum: 100, default: 5 }),
    filter: optional({ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] }, description: 'Metadata keys that must equal these values.' }),
  }),
  RecalledItem: object<RecalledItem>('An item and how close it is to the query.', {
    id: { type: 'string', pattern: '^[1-9]\\d*$' },
    collection: str(),
    text: str(),
    metadata: { type: 'object' },
    createdAt: int('Unix ms.'),
    score: { type: 'number', minimum: -1, maximum: 1, description: 'Cosine similarity.' },
  }),
  RecallAnswer: object<Answer<'recall'>>('Recalled items, closest first.', { items: list(ref('RecalledItem')) }),

  AnnotationValue: {
    description: '`thumbs`: "up" | "down"; `rating`: an integer 1–5; `label`: a list of 1–20 labels (each ≤ 64 characters); `note`, `correction`: text ≤ 32 KB; a custom name: any JSON (≤ 16 KB).',
  },
  AnnotationInput: object<AnnotationInput>('An annotation to store.', {
    traceId,
    spanId: optional(spanId),
    name: { type: 'string', minLength: 1, maxLength: 64, description: `${ANNOTATION_NAMES.join(', ')}, or a custom name.` },
    value: ref('AnnotationValue'),
    comment: optional({ type: 'string', maxLength: 32_768 }),
  }),
  Annotation: object<Annotation>('Feedback on a trace or one of its spans.', {
    id: { type: 'string', pattern: ANNOTATION_ID_PATTERN },
    traceId,
    spanId: nullable(spanId),
    name: str(),
    value: ref('AnnotationValue'),
    comment: nullable(str()),
    createdAt: int('Unix ms.'),
  }),
  AnnotationList: object<{ annotations: Annotation[] }>("A trace's annotations, oldest first.", { annotations: list(ref('Annotation')) }),
  DeletedCounts: object<DeletedCounts>("What a delete removed. The deleted traces' remembered texts go from the memory shortly after.", {
    traces: int(),
    spans: int(),
    logs: int('Log records logged in a deleted trace, and a deleted session’s own.'),
    metricPoints: int('A deleted session’s data points.'),
  }),
  CompareStepSide: object<CompareStepSide>('One side of a compared step: the span in its own trace.', {
    spanId,
    spanName: str(),
    startMs: num('ms from the trace start.'),
    durationMs: num(),
    status: oneOfEnum(['unset', 'ok', 'error']),
    tokens,
    costUsd: usd,
    model: nullable(str()),
  }),
  CompareFieldDiff: object<CompareFieldDiff>('A field that differs, as text; null where a side has none.', {
    field: oneOfEnum(['model', 'input', 'output', 'arguments', 'result', 'status']),
    a: nullable(str()),
    b: nullable(str()),
  }),
  CompareStep: object<CompareStep>('One aligned step: `removed` has only `a`, `added` only `b`.', {
    status: oneOfEnum(['same', 'changed', 'added', 'removed']),
    kind: oneOfEnum(['agent', 'llm', 'tool']),
    name: str('Agent or tool name; model for an LLM call.'),
    agent: nullable(str('The agent the step runs in.')),
    depth: int('Nesting under agents.'),
    a: optional(ref('CompareStepSide')),
    b: optional(ref('CompareStepSide')),
    diffs: optional(list(ref('CompareFieldDiff'))),
    delta: {
      type: 'object',
      description: 'b − a; a missing side counts as 0.',
      properties: { tokens: num(), costUsd: num(), durationMs: num() },
      required: ['tokens', 'costUsd', 'durationMs'],
    },
  }),
  CompareRunTotals: object<CompareRunTotals>("One run's totals.", {
    traceId,
    rootName: str(),
    serviceName: str(),
    startTimeUnixNano: nano,
    sessionId: nullable(str()),
    tokens: int(),
    costUsd: usd,
    durationMs: num(),
    spanCount: int(),
    llmCalls: int(),
    toolCalls: int(),
    errors: int(),
  }),
  CompareResult: object<CompareResult>("Two runs' steps aligned, and their totals.", {
    steps: list(ref('CompareStep')),
    totals: { type: 'object', properties: { a: ref('CompareRunTotals'), b: ref('CompareRunTotals') }, required: ['a', 'b'] },
  }),
  FunnelStep: object<FunnelStep>('One funnel step: what a span must be to reach it.', {
    type: oneOfEnum(['agent', 'tool', 'spanName', 'attribute']),
    value: str('Agent name, tool name, span name or attribute value, exactly.'),
    key: optional(str('The attribute key (attribute steps only).')),
    kind: optional(oneOfEnum(GENAI_KINDS, 'The span must also be GenAI of this kind.')),
  }),
  FunnelRun: object<FunnelRun>('A run behind a funnel number.', {
    id: str('Trace id, or session id (mode sessions).'),
    traceId,
    rootName: str(),
    startTimeUnixNano: nano,
    reached: int('Steps reached.'),
    outcome: nullable(oneOfEnum(['completed', 'abandoned', 'failed'], 'null: did not reach the first step.')),
  }),
  FunnelRunSet: object<FunnelRunSet>('How many runs, and the newest `runLimit` of them.', { count: int(), runs: list(ref('FunnelRun')) }),
  FunnelStepResult: object<FunnelStepResult>('One step: reached, dropped, conversion.', {
    step: ref('FunnelStep'),
    reached: ref('FunnelRunSet'),
    dropped: ref('FunnelRunSet'),
    conversionFromPrevious: num('0..1'),
    conversionFromFirst: num('0..1'),
  }),
  FunnelResult: object<FunnelResult>('A funnel: per step, and the outcomes of the runs that reached the first step.', {
    mode: oneOfEnum(['traces', 'sessions']),
    runs: int('Runs in the range (and service).'),
    steps: list(ref('FunnelStepResult')),
    outcomes: object<FunnelResult['outcomes']>('By outcome.', { completed: ref('FunnelRunSet'), abandoned: ref('FunnelRunSet'), failed: ref('FunnelRunSet') }),
  }),
  IngestTick: object<IngestTick>('Pushed after commits, at most ten times a second.', {
    spans: int(),
    traces: int(),
    newSpans: int('Acknowledged since the previous tick.'),
    newLogRecords: int('Log records stored since the previous tick.'),
    newMetricPoints: int('Metric points stored since the previous tick.'),
    traceIds: list(traceId, 'Touched since the previous tick, at most 100.'),
    truncated: bool('More traces were touched, or data was deleted: re-read what you show.'),
  }),
  IngestMessage: object<{ type: 'ingest'; tick: IngestTick }>('A WebSocket message of /api/v1/ws.', { type: { const: 'ingest' }, tick: ref('IngestTick') }),
  OpenApiDocument: {
    type: 'object',
    description: 'This document.',
    properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' }, components: { type: 'object' }, tags: list({ type: 'object' }) },
    required: ['openapi', 'info', 'paths', 'components'],
  },
};

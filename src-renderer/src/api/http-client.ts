// FlowtraceApi over the headless server's REST routes (same origin as the page). Responses are
// shape-checked just enough that a server bug surfaces as a clear message, not as a blank view.
import type { RedactionView } from '../../../src-shared/redaction';
import type { ForwardingUpdate, ForwardingView } from '../../../src-shared/forwarding';
import type { TraceOutline } from '../../../src-shared/trace-outline';
import { TRACE_OUTLINE_MEDIA_TYPE } from '../../../src-shared/trace-outline-binary';
import type { PriceList, PricesView } from '../../../src-shared/prices';
import { SettingsError, type SettingsPatch, type SettingsView } from '../../../src-shared/settings';
import type {
  AgentGraph,
  AgentGraphOptions,
  Annotation,
  AnnotationInput,
  AnalyticsLatency,
  AnalyticsLatencyQuery,
  AnalyticsTimeseries,
  AnalyticsTimeseriesQuery,
  CLEAR_ALL_CONFIRMATION,
  CollectionName,
  CompareResult,
  DeletedCounts,
  EngineInfo,
  FlowtraceApi,
  FunnelQuery,
  FunnelResult,
  ReceiverKind,
  ReceiverRetry,
  ReceiverStatus,
  HexId,
  LogListPage,
  LogListQuery,
  MemoryCollectionInfo,
  MemoryItem,
  MemoryItemInput,
  MemoryStatus,
  MetricNameInfo,
  MetricPointPage,
  MetricPointQuery,
  RecalledItem,
  RecallQuery,
  SearchAnswer,
  SearchQuery,
  SessionDetail,
  SessionListPage,
  SessionListQuery,
  SpanRecord,
  Stats,
  TraceAudit,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
} from '../../../src-shared/contract';
import { traceListSearchParams } from '../../../src-shared/trace-list-params';
import { funnelQueryToParams } from '../../../src-shared/funnel';
import { searchParams } from '../lib/search/query';
import { setConnection } from './connection';
import { IngestSocket } from './ingest-socket';
import { decodeOutline } from './outline-decoder';

const BASE = '/api/v1';

/** A non-2xx answer; `message` is the server's own `{"error"}` text when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** An ApiError, or a SettingsError when a refused edit names its fields (the page shows each beside its field). */
async function errorFrom(res: Response): Promise<ApiError | SettingsError> {
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
      message = (body as { error: string }).error;
    }
    const fields = body && typeof body === 'object' ? (body as { fields?: unknown }).fields : undefined;
    if (res.status === 400 && fields && typeof fields === 'object') return new SettingsError(fields as Record<string, string>);
  } catch {
    // Not JSON (a proxy page, an empty body): the status line is the best we have.
  }
  return new ApiError(message, res.status);
}

async function getJson(path: string, notFoundAsNull = false): Promise<unknown> {
  const res = await fetch(BASE + path, { headers: { accept: 'application/json' } });
  if (notFoundAsNull && res.status === 404) return null;
  if (!res.ok) throw await errorFrom(res);
  return res.json();
}

/**
 * A write (POST, PUT, DELETE). The server takes writes only from its own page: a same-origin fetch
 * sends that Origin by itself. `null` for 204 No Content.
 */
async function send(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(BASE + path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) throw await errorFrom(res);
  if (res.status === 204 || res.status === 404) return { status: res.status, body: null };
  return { status: res.status, body: await res.json() };
}

const memoryPath = (collection: CollectionName) => `/memory/${encodeURIComponent(collection)}`;

/** Clear data: DELETE on a data route, its counts, or null for 404 (no such trace or session). */
async function deleteData(path: string): Promise<DeletedCounts | null> {
  const { status, body } = await send('DELETE', path);
  if (status === 404) return null;
  return expectObject(body, path, ['traces', 'spans', 'logs', 'metricPoints']) as unknown as DeletedCounts;
}

function expectArray(obj: Record<string, unknown>, key: string, path: string): void {
  if (!Array.isArray(obj[key])) throw new Error(`unexpected response from ${BASE}${path}: ${key} is not an array`);
}

function expectObject(value: unknown, path: string, keys: string[]): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`unexpected response from ${BASE}${path}: not an object`);
  }
  const obj = value as Record<string, unknown>;
  const missing = keys.filter((k) => !(k in obj));
  if (missing.length > 0) {
    throw new Error(`unexpected response from ${BASE}${path}: missing ${missing.join(', ')}`);
  }
  return obj;
}

export function traceListSearch(query: TraceListQuery): string {
  const s = traceListSearchParams(query).toString();
  return s ? `?${s}` : '';
}

/** Log and metric queries are flat: every set field is one query parameter. */
function flatSearch(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function createHttpApi(): FlowtraceApi {
  const socket = new IngestSocket(
    () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${BASE}/ws`,
    () => api.getStats(),
    (status) => setConnection(status.open ? 'connected' : 'lost', status.open ? null : status.retryAt),
  );
  const api: FlowtraceApi = {
    async listTraces(query: TraceListQuery): Promise<TraceListPage> {
      const path = `/traces${traceListSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['traces', 'nextCursor']);
      if (!Array.isArray(obj.traces)) throw new Error(`unexpected response from ${BASE}${path}: traces is not an array`);
      return obj as unknown as TraceListPage;
    },
    async getTrace(traceId: HexId): Promise<TraceDetail | null> {
      const path = `/traces/${encodeURIComponent(traceId)}`;
      const body = await getJson(path, true);
      if (body === null) return null;
      const obj = expectObject(body, path, ['traceId', 'spans']);
      if (!Array.isArray(obj.spans)) throw new Error(`unexpected response from ${BASE}${path}: spans is not an array`);
      return obj as unknown as TraceDetail;
    },
    async getTraceAudit(traceId: HexId): Promise<TraceAudit | null> {
      const path = `/traces/${encodeURIComponent(traceId)}/audit`;
      const body = await getJson(path, true);
      return body === null ? null : (expectObject(body, path, ['state', 'digest']) as unknown as TraceAudit);
    },
    async getTraceOutline(traceId: HexId): Promise<TraceOutline | null> {
      const path = `/traces/${encodeURIComponent(traceId)}/outline`;
      // Binary, decoded in a worker: a 1M-span outline as JSON is ~60 MB parsed on this thread.
      // JSON stays acceptable, for a server from before the binary form.
      const res = await fetch(BASE + path, { headers: { accept: `${TRACE_OUTLINE_MEDIA_TYPE}, application/json;q=0.5` } });
      if (res.status === 404) return null;
      if (!res.ok) throw await errorFrom(res);
      if (res.headers.get('content-type') === TRACE_OUTLINE_MEDIA_TYPE) return decodeOutline(new Uint8Array(await res.arrayBuffer()));
      const body: unknown = await res.json();
      const obj = expectObject(body, path, ['traceId', 'spanIds', 'parentIndex']);
      if (!Array.isArray(obj.spanIds)) throw new Error(`unexpected response from ${BASE}${path}: spanIds is not an array`);
      return obj as unknown as TraceOutline;
    },
    async getSpan(traceId: HexId, spanId: HexId): Promise<SpanRecord | null> {
      const path = `/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`;
      const body = await getJson(path, true);
      if (body === null) return null;
      return expectObject(body, path, ['traceId', 'spanId']) as unknown as SpanRecord;
    },
    async listSessions(query: SessionListQuery): Promise<SessionListPage> {
      const path = `/sessions${flatSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['sessions', 'nextCursor']);
      if (!Array.isArray(obj.sessions)) throw new Error(`unexpected response from ${BASE}${path}: sessions is not an array`);
      return obj as unknown as SessionListPage;
    },
    async compareTraces(a: HexId, b: HexId): Promise<CompareResult | null> {
      const path = `/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
      const body = await getJson(path, true);
      if (body === null) return null;
      const obj = expectObject(body, path, ['steps', 'totals']);
      if (!Array.isArray(obj.steps)) throw new Error(`unexpected response from ${BASE}${path}: steps is not an array`);
      return obj as unknown as CompareResult;
    },
    async getAgentGraph(traceId: HexId, options: AgentGraphOptions = {}): Promise<AgentGraph | null> {
      const path = `/traces/${encodeURIComponent(traceId)}/graph${options.collapse ? `?collapse=${options.collapse}` : ''}`;
      const body = await getJson(path, true);
      if (body === null) return null;
      const obj = expectObject(body, path, ['nodes', 'edges']);
      if (!Array.isArray(obj.nodes) || !Array.isArray(obj.edges)) throw new Error(`unexpected response from ${BASE}${path}: nodes/edges are not arrays`);
      return obj as unknown as AgentGraph;
    },
    async getSession(sessionId: string): Promise<SessionDetail | null> {
      const path = `/sessions/${encodeURIComponent(sessionId)}`;
      const body = await getJson(path, true);
      if (body === null) return null;
      const obj = expectObject(body, path, ['sessionId', 'traces']);
      if (!Array.isArray(obj.traces)) throw new Error(`unexpected response from ${BASE}${path}: traces is not an array`);
      return obj as unknown as SessionDetail;
    },
    async getStats(): Promise<Stats> {
      return expectObject(await getJson('/stats'), '/stats', ['spans', 'traces']) as unknown as Stats;
    },
    async getInfo(): Promise<EngineInfo> {
      return expectObject(await getJson('/info'), '/info', ['otlpHttpEndpoint']) as unknown as EngineInfo;
    },
    async listLogs(query: LogListQuery): Promise<LogListPage> {
      const path = `/logs${flatSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['logs', 'nextCursor']);
      if (!Array.isArray(obj.logs)) throw new Error(`unexpected response from ${BASE}${path}: logs is not an array`);
      return obj as unknown as LogListPage;
    },
    async listMetricPoints(query: MetricPointQuery): Promise<MetricPointPage> {
      const path = `/metrics${flatSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['points', 'nextCursor']);
      if (!Array.isArray(obj.points)) throw new Error(`unexpected response from ${BASE}${path}: points is not an array`);
      return obj as unknown as MetricPointPage;
    },
    async getAnalyticsLatency(query: AnalyticsLatencyQuery): Promise<AnalyticsLatency> {
      const path = `/analytics/latency${flatSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['groups']);
      expectArray(obj, 'groups', path);
      return obj as unknown as AnalyticsLatency;
    },
    async getAnalyticsTimeseries(query: AnalyticsTimeseriesQuery): Promise<AnalyticsTimeseries> {
      const path = `/analytics/timeseries${flatSearch(query)}`;
      const obj = expectObject(await getJson(path), path, ['bucketSeconds', 'buckets']);
      expectArray(obj, 'buckets', path);
      return obj as unknown as AnalyticsTimeseries;
    },
    async listMetricNames(): Promise<MetricNameInfo[]> {
      const body = await getJson('/metrics/names');
      if (!Array.isArray(body)) throw new Error(`unexpected response from ${BASE}/metrics/names: not an array`);
      return body as MetricNameInfo[];
    },
    async exportTraceOtlp(traceId: HexId): Promise<string | null> {
      const res = await fetch(`${BASE}/traces/${encodeURIComponent(traceId)}/otlp`, { headers: { accept: 'application/json' } });
      if (res.status === 404) return null;
      if (!res.ok) throw await errorFrom(res);
      return res.text();
    },
    async search(query: SearchQuery): Promise<SearchAnswer> {
      const params = searchParams(query).toString();
      const path = `/search${params ? `?${params}` : ''}`;
      const obj = expectObject(await getJson(path), path, ['results', 'embedder', 'mode']);
      expectArray(obj, 'results', path);
      return obj as unknown as SearchAnswer;
    },
    async listMemoryCollections(): Promise<MemoryCollectionInfo[]> {
      const obj = expectObject(await getJson('/memory'), '/memory', ['collections']);
      expectArray(obj, 'collections', '/memory');
      return obj.collections as MemoryCollectionInfo[];
    },
    async remember(collection: CollectionName, item: MemoryItemInput): Promise<{ id: string }> {
      const path = memoryPath(collection);
      const { status, body } = await send('POST', path, item);
      if (status === 404) throw new ApiError(`no route ${BASE}${path}`, 404);
      const obj = expectObject(body, path, ['id']);
      return { id: String(obj.id) };
    },
    async recall(collection: CollectionName, query: RecallQuery): Promise<{ items: RecalledItem[] }> {
      const path = `${memoryPath(collection)}/recall`;
      const { status, body } = await send('POST', path, query);
      // A collection nobody wrote to yet recalls nothing.
      if (status === 404) return { items: [] };
      const obj = expectObject(body, path, ['items']);
      expectArray(obj, 'items', path);
      return obj as unknown as { items: RecalledItem[] };
    },
    async listMemoryItems(collection: CollectionName, options: { limit?: number; cursor?: string } = {}): Promise<{ items: MemoryItem[]; nextCursor: string | null }> {
      const path = `${memoryPath(collection)}${flatSearch(options)}`;
      const body = await getJson(path, true);
      if (body === null) return { items: [], nextCursor: null };
      const obj = expectObject(body, path, ['items', 'nextCursor']);
      expectArray(obj, 'items', path);
      return obj as unknown as { items: MemoryItem[]; nextCursor: string | null };
    },
    async forget(collection: CollectionName, id: string): Promise<boolean> {
      const { status } = await send('DELETE', `${memoryPath(collection)}/${encodeURIComponent(id)}`);
      return status !== 404;
    },
    async getMemoryStatus(): Promise<MemoryStatus> {
      return expectObject(await getJson('/memory/status'), '/memory/status', ['enabled', 'items', 'backlogSpans']) as unknown as MemoryStatus;
    },
    deleteTrace(traceId: HexId): Promise<DeletedCounts | null> {
      return deleteData(`/traces/${encodeURIComponent(traceId)}`);
    },
    deleteSession(sessionId: string): Promise<DeletedCounts | null> {
      return deleteData(`/sessions/${encodeURIComponent(sessionId)}`);
    },
    async clearAllData(confirm: typeof CLEAR_ALL_CONFIRMATION): Promise<DeletedCounts> {
      const path = `/data?confirm=${encodeURIComponent(confirm)}`;
      const counts = await deleteData(path);
      if (counts === null) throw new Error(`unexpected 404 from ${BASE}${path}`);
      return counts;
    },
    async annotate(input: AnnotationInput): Promise<Annotation | null> {
      const { status, body } = await send('POST', '/annotations', input);
      if (status === 404) return null;
      return expectObject(body, '/annotations', ['id', 'traceId', 'name']) as unknown as Annotation;
    },
    async listAnnotations(traceId: HexId): Promise<Annotation[]> {
      const path = `/traces/${encodeURIComponent(traceId)}/annotations`;
      const obj = expectObject(await getJson(path), path, ['annotations']);
      expectArray(obj, 'annotations', path);
      return obj.annotations as Annotation[];
    },
    async deleteAnnotation(id: HexId): Promise<boolean> {
      const { status } = await send('DELETE', `/annotations/${encodeURIComponent(id)}`);
      return status !== 404;
    },
    async runFunnel(query: FunnelQuery): Promise<FunnelResult> {
      const path = `/funnel?${funnelQueryToParams(query).toString()}`;
      const obj = expectObject(await getJson(path), path, ['mode', 'runs', 'steps', 'outcomes']);
      expectArray(obj, 'steps', path);
      return obj as unknown as FunnelResult;
    },
    async retryReceiver(kind: ReceiverKind, retry: ReceiverRetry = {}): Promise<ReceiverStatus> {
      const path = `/receivers/${encodeURIComponent(kind)}/retry`;
      const { body } = await send('POST', path, retry);
      return expectObject(body, path, ['kind', 'state', 'port']) as unknown as ReceiverStatus;
    },
    async getSettings(): Promise<SettingsView> {
      return expectObject(await getJson('/settings'), '/settings', ['settings', 'restartNeeded']) as unknown as SettingsView;
    },
    async updateSettings(patch: SettingsPatch): Promise<SettingsView> {
      const { body } = await send('PUT', '/settings', patch);
      return expectObject(body, '/settings', ['settings', 'restartNeeded']) as unknown as SettingsView;
    },
    async getPrices(): Promise<PricesView> {
      return expectObject(await getJson('/settings/prices'), '/settings/prices', ['shipped', 'yours', 'restartNeeded']) as unknown as PricesView;
    },
    async updatePrices(prices: PriceList): Promise<PricesView> {
      const { body } = await send('PUT', '/settings/prices', prices);
      return expectObject(body, '/settings/prices', ['shipped', 'yours', 'restartNeeded']) as unknown as PricesView;
    },
    async resetPrices(): Promise<PricesView> {
      const { body } = await send('DELETE', '/settings/prices');
      return expectObject(body, '/settings/prices', ['shipped', 'yours', 'restartNeeded']) as unknown as PricesView;
    },
    async getRedaction(): Promise<RedactionView> {
      return expectObject(await getJson('/settings/redaction'), '/settings/redaction', ['rules', 'detectors']) as unknown as RedactionView;
    },
    async updateRedaction(rules: string): Promise<RedactionView> {
      const { body } = await send('PUT', '/settings/redaction', { rules });
      return expectObject(body, '/settings/redaction', ['rules', 'detectors']) as unknown as RedactionView;
    },
    async getForwarding(): Promise<ForwardingView> {
      return expectObject(await getJson('/settings/forwarding'), '/settings/forwarding', ['endpoints', 'status']) as unknown as ForwardingView;
    },
    async updateForwarding(update: ForwardingUpdate): Promise<ForwardingView> {
      const { body } = await send('PUT', '/settings/forwarding', update);
      return expectObject(body, '/settings/forwarding', ['endpoints', 'status']) as unknown as ForwardingView;
    },
    onIngest(listener) {
      return socket.subscribe(listener);
    },
  };
  return api;
}

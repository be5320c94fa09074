/**
 * The contract's verbs over a running Flowtrace's REST API (the desktop app or `flowtrace serve`),
 * for the clients that run in another process: `flowtrace mcp`, `flowtrace inspect`. One entry per
 * API method in a table checked against ApiHandlers, so a new contract method that is not mapped
 * here fails to compile. Answers are the server's own JSON (the same types the engine returns);
 * "not found" is null (false for forget), any other failure an Error carrying the server's message.
 */
import type { Annotation, ApiHandlers, FlowtraceApi, HexId, SearchQuery } from '../../src-shared/contract';
import { traceListSearchParams } from '../../src-shared/trace-list-params';
import { funnelQueryToParams } from '../../src-shared/funnel';

/** Every verb of the contract; events (onIngest) need the WebSocket and are not offered here. */
export type RestApi = Omit<FlowtraceApi, 'onIngest'>;

export { DEFAULT_API_URL } from '../headless/api-port';

/** A request that reached Flowtrace and was refused; `status` is the HTTP status. */
export class RestApiError extends Error {
  override name = 'RestApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface RestClientOptions {
  /** Per request; a server that says nothing for this long is reported as not answering. Default 30 s. */
  timeoutMs?: number;
}

/** `http://host:port` with no path; throws a plain-language Error for anything else. */
export function normalizeApiUrl(url: string): string {
  if (!/^https?:\/\/[^/\s?#]+\/?$/.test(url)) throw new Error(`the Flowtrace URL must look like http://127.0.0.1:9600, not "${url}"`);
  return url.replace(/\/$/, '');
}

/** Flat fields as query parameters (logs, sessions, metrics, memory pages). */
function flat(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function searchParams(query: SearchQuery): string {
  const { similarTo, ...rest } = query;
  const params = new URLSearchParams(flat(rest).slice(1));
  if (similarTo) {
    params.set('similarTrace', similarTo.traceId);
    if (similarTo.spanId !== undefined) params.set('similarSpan', similarTo.spanId);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

export function createRestClient(url: string, options: RestClientOptions = {}): RestApi {
  const base = normalizeApiUrl(url);
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${base}/api/v1${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError') throw new Error(`Flowtrace at ${base} did not answer within ${timeoutMs / 1000} s`, { cause: err });
      const why = e.cause instanceof Error ? e.cause.message : e.message;
      throw new Error(`no Flowtrace answers at ${base} (${why}); start the desktop app or \`flowtrace serve\`, or point --url at it`, { cause: err });
    }
  }

  async function errorOf(res: Response, method: string, path: string): Promise<RestApiError> {
    const text = await res.text();
    let message = `${method} /api/v1${path}: HTTP ${res.status}`;
    try {
      const json = JSON.parse(text) as { error?: unknown };
      if (typeof json.error === 'string') message = json.error;
    } catch {
      message += ` (not Flowtrace? the answer is not JSON: ${text.slice(0, 120).replace(/\s+/g, ' ')})`;
    }
    return new RestApiError(message, res.status);
  }

  /** `notFound`: what a 404 about the thing itself means (null, false); a 404 for an unknown route stays an error. */
  async function json<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, notFound?: T): Promise<T> {
    const res = await call(method, path, body);
    if (res.ok) return (res.status === 204 ? null : await res.json()) as T;
    const err = await errorOf(res, method, path);
    if (res.status === 404 && notFound !== undefined && !err.message.startsWith('no API route')) return notFound;
    throw err;
  }

  const handlers = {
    listTraces: (query) => {
      const s = traceListSearchParams(query).toString();
      return json('GET', `/traces${s ? `?${s}` : ''}`);
    },
    getTrace: (traceId: HexId) => json('GET', `/traces/${seg(traceId)}`, undefined, null),
    getTraceOutline: (traceId) => json('GET', `/traces/${seg(traceId)}/outline`, undefined, null),
    getTraceAudit: (traceId) => json('GET', `/traces/${seg(traceId)}/audit`, undefined, null),
    getSpan: (traceId, spanId) => json('GET', `/traces/${seg(traceId)}/spans/${seg(spanId)}`, undefined, null),
    listSessions: (query) => json('GET', `/sessions${flat(query)}`),
    getSession: (sessionId) => json('GET', `/sessions/${seg(sessionId)}`, undefined, null),
    compareTraces: (a, b) => json('GET', `/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, undefined, null),
    getAgentGraph: (traceId, options = {}) => json('GET', `/traces/${seg(traceId)}/graph${flat(options)}`, undefined, null),
    getStats: () => json('GET', '/stats'),
    getInfo: () => json('GET', '/info'),
    listLogs: (query) => json('GET', `/logs${flat(query)}`),
    listMetricPoints: (query) => json('GET', `/metrics${flat(query)}`),
    listMetricNames: () => json('GET', '/metrics/names'),
    exportTraceOtlp: async (traceId) => {
      const path = `/traces/${seg(traceId)}/otlp`;
      const res = await call('GET', path);
      if (res.ok) return res.text();
      const err = await errorOf(res, 'GET', path);
      if (res.status === 404 && !err.message.startsWith('no API route')) return null;
      throw err;
    },
    search: (query) => json('GET', `/search${searchParams(query)}`),
    listMemoryCollections: async () => (await json<{ collections: Awaited<ReturnType<FlowtraceApi['listMemoryCollections']>> }>('GET', '/memory')).collections,
    remember: (collection, item) => json('POST', `/memory/${seg(collection)}`, item),
    recall: (collection, query) => json('POST', `/memory/${seg(collection)}/recall`, query),
    listMemoryItems: (collection, page = {}) => json('GET', `/memory/${seg(collection)}${flat(page)}`),
    forget: async (collection, id) => (await json<null | false>('DELETE', `/memory/${seg(collection)}/${seg(id)}`, undefined, false)) !== false,
    getMemoryStatus: () => json('GET', '/memory/status'),
    deleteTrace: (traceId) => json('DELETE', `/traces/${seg(traceId)}`, undefined, null),
    deleteSession: (sessionId) => json('DELETE', `/sessions/${seg(sessionId)}`, undefined, null),
    clearAllData: (confirm) => json('DELETE', `/data?confirm=${encodeURIComponent(confirm)}`),
    annotate: (input) => json('POST', '/annotations', input, null),
    listAnnotations: async (traceId) => (await json<{ annotations: Annotation[] }>('GET', `/traces/${seg(traceId)}/annotations`)).annotations,
    deleteAnnotation: async (id) => (await json<null | false>('DELETE', `/annotations/${seg(id)}`, undefined, false)) !== false,
    runFunnel: (query) => json('GET', `/funnel?${funnelQueryToParams(query).toString()}`),
    getAnalyticsLatency: (query) => json('GET', `/analytics/latency${flat(query)}`),
    getAnalyticsTimeseries: (query) => json('GET', `/analytics/timeseries${flat(query)}`),
    retryReceiver: (kind, retry = {}) => json('POST', `/receivers/${seg(kind)}/retry`, retry),
    getSettings: () => json('GET', '/settings'),
    updateSettings: (patch) => json('PUT', '/settings', patch),
    getPrices: () => json('GET', '/settings/prices'),
    updatePrices: (prices) => json('PUT', '/settings/prices', prices),
    resetPrices: () => json('DELETE', '/settings/prices'),
    getRedaction: () => json('GET', '/settings/redaction'),
    updateRedaction: (rules) => json('PUT', '/settings/redaction', { rules }),
    getForwarding: () => json('GET', '/settings/forwarding'),
    updateForwarding: (update) => json('PUT', '/settings/forwarding', update),
  } satisfies ApiHandlers;
  return handlers;
}

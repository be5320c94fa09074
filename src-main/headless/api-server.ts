/**
 * The headless transport: the public REST API (`/api/v1/…`), a WebSocket that pushes ingest
 * ticks, and the built renderer, on one loopback port. Every route calls the engine's contract
 * methods; nothing here touches the store directly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AnalyticsLatencyQuery, AnalyticsTimeseriesQuery, AnnotationInput, CLEAR_ALL_CONFIRMATION, FlowtraceApi, FunnelQuery, MemoryItemInput, MetricPointQuery, RecallQuery, ReceiverKind, ReceiverRetry, SearchQuery, TraceDetail } from '../../src-shared/contract';
import { ArgumentError } from '../../src-shared/validate';
import type { PriceList } from '../../src-shared/prices';
import { SettingsError, type SettingsPatch } from '../../src-shared/settings';
import { ForwardingTokenError, type ForwardingUpdate } from '../../src-shared/forwarding';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security';
import { contentTypeOf } from '../../src-shared/content-types';
import { encodeTraceOutline, TRACE_OUTLINE_MEDIA_TYPE } from '../../src-shared/trace-outline-binary';
import { traceListQueryFromParams } from '../../src-shared/trace-list-params';
import { funnelQueryFromParams } from '../../src-shared/funnel';
import { VERSION } from '../engine/version';
import { listen } from '../engine/listen';
import { isLoopbackAddress, isLoopbackHostHeader } from '../engine/receiver/access';
import { createMcpHttpHandler } from './mcp-http';
import { openApiDocument, routeMethods } from './openapi';

/** frame-ancestors works only as a header, so it is added here rather than in the shared policy. */
const CSP_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

export interface ApiServerOptions {
  api: FlowtraceApi;
  host: string;
  port: number;
  /** The built renderer (out/renderer); when missing, `/` explains how to build it. */
  rendererDir: string;
  /** Extra fields for /api/v1/health. */
  health?: () => Record<string, unknown>;
}

/** Browsers always send Origin on WebSocket handshakes; only our own page may listen. */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser (scripts, the CLI)
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Spans serialized per write of a trace's JSON: ~1–2 MB of text each. */
const SPANS_PER_WRITE = 500;

/**
 * A trace's JSON, the same bytes as one JSON.stringify, written a slice of spans at a time as they
 * are serialized: a 100k-span trace is ~100 MB of JSON, which one string would hold whole (and
 * the client would wait for whole) before the first byte left. Waits for the socket to drain
 * between slices, and stops if the client goes away.
 */
async function sendTraceJson(res: ServerResponse, trace: TraceDetail): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  let first = true;
  res.write('{');
  for (const [key, value] of Object.entries(trace)) {
    if (value === undefined) continue;
    res.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (key !== 'spans') {
      res.write(JSON.stringify(value));
      continue;
    }
    res.write('[');
    for (let i = 0; i < trace.spans.length; i += SPANS_PER_WRITE) {
      const slice = trace.spans.slice(i, i + SPANS_PER_WRITE).map((span) => JSON.stringify(span));
      if (!res.write((i > 0 ? ',' : '') + slice.join(',')) && !(await drained(res))) return;
    }
    res.write(']');
  }
  res.end('}');
}

/** Resolves true when `res` can take more, false when its connection closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Whether the request's Accept names `mediaType` (exactly, with a q above 0); wildcards do not count. */
function accepts(req: IncomingMessage, mediaType: string): boolean {
  return (req.headers.accept ?? '').split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    return type === mediaType && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** A memory item is at most 32 KB of text and 16 KB of metadata; anything much bigger is a mistake. */
const MAX_JSON_BODY = 128 * 1024;

/** The request's JSON body; undefined once an error answer was sent. */
async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    sendJson(res, 415, { error: 'send the body as JSON (content-type: application/json)' });
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) {
      sendJson(res, 413, { error: `the body is larger than ${MAX_JSON_BODY / 1024} KB` });
      req.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    sendJson(res, 400, { error: `the body is not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
}

/** GET /api/v1/search's parameters as a SearchQuery for the engine to validate. */
function searchQueryFromParams(params: URLSearchParams): unknown {
  const query: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'similarTrace' || key === 'similarSpan') continue;
    query[key] = value;
  }
  const trace = params.get('similarTrace');
  const span = params.get('similarSpan');
  if (trace !== null || span !== null) query.similarTo = span !== null ? { traceId: trace, spanId: span } : { traceId: trace };
  return query;
}

export async function startApiServer(options: ApiServerOptions): Promise<Server> {
  const { api } = options;
  const loopbackOnly = isLoopbackAddress(options.host);
  const mcp = createMcpHttpHandler(api, { isAllowedOrigin: isSameOrigin });

  const server = createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', CSP_HEADER);
    res.setHeader('referrer-policy', 'no-referrer');
    if (loopbackOnly && !isLoopbackHostHeader(req.headers.host)) {
      return sendJson(res, 403, { error: `Host "${req.headers.host ?? ''}" is not a loopback name` });
    }
    void route(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof SettingsError) sendJson(res, 400, { error: err.message, fields: err.fields });
      else if (err instanceof ForwardingTokenError) sendJson(res, 403, { error: err.message });
      else if (err instanceof ArgumentError) sendJson(res, 400, { error: err.message });
      else sendJson(res, 500, { error: (err as Error).message });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/mcp') return mcp(req, res); // MCP over streamable HTTP (mcp-http.ts)
    // Only what the OpenAPI route table lists is served (openapi.ts), so no route goes undocumented.
    if (path.startsWith('/api/')) {
      const methods = routeMethods(path);
      if (methods.length === 0) return sendJson(res, 404, { error: `no API route ${path}` });
      if (!methods.includes(req.method ?? '')) {
        res.setHeader('allow', methods.join(', '));
        return sendJson(res, 405, { error: `method ${req.method} not allowed on ${path}` });
      }
    }
    // Loopback is no boundary against web pages: whatever writes or deletes answers only requests
    // from no browser or from our own page (the Host check above already ran for every route).
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    if (writes && path.startsWith('/api/') && !isSameOrigin(req)) {
      return sendJson(res, 403, { error: `Origin "${req.headers.origin ?? ''}" may not change this Flowtrace` });
    }
    if (path.startsWith('/api/v1/memory/') && (req.method === 'POST' || req.method === 'DELETE')) return memoryWrite(req, res, path);
    if (path.startsWith('/api/v1/annotations') && (req.method === 'POST' || req.method === 'DELETE')) return annotationWrite(req, res, path);
    if (path.startsWith('/api/v1/receivers/') && req.method === 'POST') return receiverRetry(req, res, path);
    if (path === '/api/v1/settings' && req.method === 'PUT') {
      const body = await readJsonBody(req, res);
      if (body === undefined) return;
      return sendJson(res, 200, await api.updateSettings(body as SettingsPatch));
    }
    if (path === '/api/v1/settings/prices' && req.method === 'PUT') {
      const body = await readJsonBody(req, res);
      if (body === undefined) return;
      return sendJson(res, 200, await api.updatePrices(body as PriceList));
    }
    if (path === '/api/v1/settings/prices' && req.method === 'DELETE') return sendJson(res, 200, await api.resetPrices());
    if (path === '/api/v1/settings/redaction' && req.method === 'PUT') {
      const body = await readJsonBody(req, res);
      if (body === undefined) return;
      return sendJson(res, 200, await api.updateRedaction((body as { rules?: unknown } | null)?.rules as string));
    }
    if (path === '/api/v1/settings/forwarding' && req.method === 'PUT') {
      const body = await readJsonBody(req, res);
      if (body === undefined) return;
      return sendJson(res, 200, await api.updateForwarding(body as ForwardingUpdate));
    }
    if (req.method === 'DELETE' && path.startsWith('/api/')) return dataDelete(req, res, path, url.searchParams);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `method ${req.method} not allowed` });
    }
    if (path === '/api/v1/health') {
      // Degraded while the newest store notice is an error (a quarantined file, a full disk), or
      // while a receiver does not listen (its port is busy).
      const [{ notices, forwarding }, { receivers }] = await Promise.all([api.getStats(), api.getInfo()]);
      const degraded = notices.at(-1)?.level === 'error' || receivers.some((r) => r.state !== 'listening');
      return sendJson(res, 200, { status: degraded ? 'degraded' : 'ok', version: VERSION, notices, receivers, forwarding, ...options.health?.() });
    }
    if (path === '/api/v1/stats') return sendJson(res, 200, await api.getStats());
    if (path === '/api/v1/settings') return sendJson(res, 200, await api.getSettings());
    if (path === '/api/v1/settings/prices') return sendJson(res, 200, await api.getPrices());
    if (path === '/api/v1/settings/redaction') return sendJson(res, 200, await api.getRedaction());
    if (path === '/api/v1/settings/forwarding') return sendJson(res, 200, await api.getForwarding());
    if (path === '/api/v1/openapi.json') return sendJson(res, 200, openApiDocument(VERSION));
    if (path === '/api/v1/ws') {
      res.setHeader('upgrade', 'websocket');
      return sendJson(res, 426, { error: 'this route is a WebSocket: connect with Upgrade: websocket' });
    }
    if (path === '/api/v1/info') return sendJson(res, 200, await api.getInfo());
    if (path === '/api/v1/traces') {
      return sendJson(res, 200, await api.listTraces(traceListQueryFromParams(url.searchParams)));
    }
    if (path === '/api/v1/compare') {
      const a = url.searchParams.get('a');
      const b = url.searchParams.get('b');
      if (!a || !b) return sendJson(res, 400, { error: 'a and b (trace ids) are required' });
      const found = await api.compareTraces(a, b);
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'trace not found' });
    }
    const one = /^\/api\/v1\/traces\/([^/]+)$/.exec(path);
    if (one) {
      const trace = await api.getTrace(decodeURIComponent(one[1]!));
      return trace ? sendTraceJson(res, trace) : sendJson(res, 404, { error: 'trace not found' });
    }
    const audit = /^\/api\/v1\/traces\/([^/]+)\/audit$/.exec(path);
    if (audit) {
      const found = await api.getTraceAudit(decodeURIComponent(audit[1]!));
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'trace not found' });
    }
    const outline = /^\/api\/v1\/traces\/([^/]+)\/outline$/.exec(path);
    if (outline) {
      const found = await api.getTraceOutline(decodeURIComponent(outline[1]!));
      if (!found) return sendJson(res, 404, { error: 'trace not found' });
      // Binary only when asked by name: curl and the OpenAPI doc keep JSON; the page asks for bytes.
      if (!accepts(req, TRACE_OUTLINE_MEDIA_TYPE)) {
        res.setHeader('vary', 'accept');
        return sendJson(res, 200, found);
      }
      const bytes = encodeTraceOutline(found);
      res.writeHead(200, { 'content-type': TRACE_OUTLINE_MEDIA_TYPE, 'cache-control': 'no-store', vary: 'accept' });
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return;
    }
    const graph = /^\/api\/v1\/traces\/([^/]+)\/graph$/.exec(path);
    if (graph) {
      const found = await api.getAgentGraph(decodeURIComponent(graph[1]!), Object.fromEntries(url.searchParams));
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'trace not found' });
    }
    const otlp = /^\/api\/v1\/traces\/([^/]+)\/otlp$/.exec(path);
    if (otlp) {
      const json = await api.exportTraceOtlp(decodeURIComponent(otlp[1]!));
      if (json === null) return sendJson(res, 404, { error: 'trace not found' });
      // The id passed the engine's hex check, so it is safe inside the header's quoted filename.
      const id = decodeURIComponent(otlp[1]!).toLowerCase();
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="trace-${id}.otlp.json"`,
      });
      res.end(json);
      return;
    }
    const annotations = /^\/api\/v1\/traces\/([^/]+)\/annotations$/.exec(path);
    if (annotations) return sendJson(res, 200, { annotations: await api.listAnnotations(decodeURIComponent(annotations[1]!)) });
    const span = /^\/api\/v1\/traces\/([^/]+)\/spans\/([^/]+)$/.exec(path);
    if (span) {
      const found = await api.getSpan(decodeURIComponent(span[1]!), decodeURIComponent(span[2]!));
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'span not found' });
    }
    // Sessions: limit and cursor, validated by the engine like every other query.
    if (path === '/api/v1/sessions') return sendJson(res, 200, await api.listSessions(Object.fromEntries(url.searchParams)));
    const session = /^\/api\/v1\/sessions\/([^/]+)$/.exec(path);
    if (session) {
      const found = await api.getSession(decodeURIComponent(session[1]!));
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'session not found' });
    }
    // Logs and metrics: every query parameter maps to one field; validation names unknown ones.
    if (path === '/api/v1/logs') return sendJson(res, 200, await api.listLogs(Object.fromEntries(url.searchParams)));
    if (path === '/api/v1/metrics') return sendJson(res, 200, await api.listMetricPoints(Object.fromEntries(url.searchParams) as unknown as MetricPointQuery));
    if (path === '/api/v1/metrics/names') return sendJson(res, 200, await api.listMetricNames());
    // Funnels: a read, so GET with the steps as one JSON-encoded parameter (src-shared/funnel.ts).
    if (path === '/api/v1/funnel') return sendJson(res, 200, await api.runFunnel(funnelQueryFromParams(url.searchParams) as FunnelQuery));
    // Analytics: the dashboard's rollups; parameters validated by the engine.
    if (path === '/api/v1/analytics/latency') return sendJson(res, 200, await api.getAnalyticsLatency(Object.fromEntries(url.searchParams) as unknown as AnalyticsLatencyQuery));
    if (path === '/api/v1/analytics/timeseries') return sendJson(res, 200, await api.getAnalyticsTimeseries(Object.fromEntries(url.searchParams) as unknown as AnalyticsTimeseriesQuery));
    // Memory (docs/memory.md): search, and collections to browse.
    if (path === '/api/v1/search') return sendJson(res, 200, await api.search(searchQueryFromParams(url.searchParams) as SearchQuery));
    if (path === '/api/v1/memory') return sendJson(res, 200, { collections: await api.listMemoryCollections() });
    if (path === '/api/v1/memory/status') return sendJson(res, 200, await api.getMemoryStatus());
    const collection = /^\/api\/v1\/memory\/([^/]+)$/.exec(path);
    if (collection) return sendJson(res, 200, await api.listMemoryItems(decodeURIComponent(collection[1]!), Object.fromEntries(url.searchParams)));
    if (path.startsWith('/api/')) return sendJson(res, 404, { error: `no API route ${path}` });
    return serveStatic(path, res);
  }

  /**
   * Memory writes (remember, forget) and recall; their bodies must be JSON (a form or a `text/plain`
   * fetch can be sent cross-site without a preflight). The Origin was checked by the router.
   */
  async function memoryWrite(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const recall = /^\/api\/v1\/memory\/([^/]+)\/recall$/.exec(path);
    const item = /^\/api\/v1\/memory\/([^/]+)\/([^/]+)$/.exec(path);
    const collection = /^\/api\/v1\/memory\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE') {
      if (!item || recall) return sendJson(res, 404, { error: `no API route DELETE ${path}` });
      const gone = await api.forget(decodeURIComponent(item[1]!), decodeURIComponent(item[2]!));
      if (!gone) return sendJson(res, 404, { error: 'no such memory item' });
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (!recall && !collection) return sendJson(res, 404, { error: `no API route POST ${path}` });
    const body = await readJsonBody(req, res);
    if (body === undefined) return;
    if (recall) return sendJson(res, 200, await api.recall(decodeURIComponent(recall[1]!), body as RecallQuery));
    return sendJson(res, 201, await api.remember(decodeURIComponent(collection![1]!), body as MemoryItemInput));
  }

  /**
   * Clear data: DELETE a trace, a session, or everything (`?confirm=delete-everything`). As for
   * memory writes, beyond the loopback Host check only no browser or our own page (Origin) may
   * delete. No body is read.
   */
  async function dataDelete(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): Promise<void> {
    if (path === '/api/v1/data') return sendJson(res, 200, await api.clearAllData(params.get('confirm') as typeof CLEAR_ALL_CONFIRMATION));
    const trace = /^\/api\/v1\/traces\/([^/]+)$/.exec(path);
    const session = /^\/api\/v1\/sessions\/([^/]+)$/.exec(path);
    if (!trace && !session) return sendJson(res, 404, { error: `no API route DELETE ${path}` });
    const counts = trace ? await api.deleteTrace(decodeURIComponent(trace[1]!)) : await api.deleteSession(decodeURIComponent(session![1]!));
    if (counts === null) return sendJson(res, 404, { error: trace ? 'trace not found' : 'session not found' });
    return sendJson(res, 200, counts);
  }

  /**
   * Binds an OTLP receiver again: on its port once freed, on `{"port": N}`, or `{"port": "next"}`
   * (the first free one above). 409 when a listening receiver cannot move: it stays where it was.
   */
  async function receiverRetry(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const match = /^\/api\/v1\/receivers\/([^/]+)\/retry$/.exec(path);
    if (!match) return sendJson(res, 404, { error: `no API route POST ${path}` });
    const body = await readJsonBody(req, res);
    if (body === undefined) return;
    try {
      return sendJson(res, 200, await api.retryReceiver(decodeURIComponent(match[1]!) as ReceiverKind, body as ReceiverRetry));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EBIND') return sendJson(res, 409, { error: (err as Error).message });
      throw err;
    }
  }

  /**
   * Feedback (annotations): POST one, DELETE one. Writes like memory's: no browser or our own page
   * (Origin) only, and JSON only (a form or a `text/plain` fetch is sent cross-site without a preflight).
   */
  async function annotationWrite(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const one = /^\/api\/v1\/annotations\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE') {
      if (!one) return sendJson(res, 404, { error: `no API route DELETE ${path}` });
      if (!(await api.deleteAnnotation(decodeURIComponent(one[1]!)))) return sendJson(res, 404, { error: 'no such annotation' });
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (path !== '/api/v1/annotations') return sendJson(res, 404, { error: `no API route POST ${path}` });
    const body = await readJsonBody(req, res);
    if (body === undefined) return;
    const annotation = await api.annotate(body as AnnotationInput);
    if (annotation === null) return sendJson(res, 404, { error: 'trace or span not found' });
    return sendJson(res, 201, annotation);
  }

  async function serveStatic(path: string, res: ServerResponse): Promise<void> {
    const rel = path === '/' ? 'index.html' : decodeURIComponent(path).replace(/^\/+/, '');
    const file = normalize(join(options.rendererDir, rel));
    if (!file.startsWith(normalize(options.rendererDir) + sep)) return sendJson(res, 404, { error: 'not found' });
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': contentTypeOf(file),
        'cache-control': rel === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
      res.end(body);
    } catch {
      if (rel === 'index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The Flowtrace UI is not built. Run `npm run build`, then reload. The REST API under /api/v1/ works.\n');
      } else sendJson(res, 404, { error: 'not found' });
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  const unsubscribe = api.onIngest((tick) => {
    const msg = JSON.stringify({ type: 'ingest', tick });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(msg);
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/api/v1/ws' || (loopbackOnly && !isLoopbackHostHeader(req.headers.host)) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  server.on('close', () => {
    unsubscribe();
    for (const ws of sockets) ws.terminate();
    wss.close();
  });

  return listen(server, options.port, options.host);
}

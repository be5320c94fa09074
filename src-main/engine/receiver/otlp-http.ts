/**
 * OTLP/HTTP receiver (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`; protobuf or JSON, optionally gzip). It decodes nothing on
 * this thread: it checks the request's framing, hands the body to the store worker, and answers
 * from the store's verdict, which comes only after the commit that holds the data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IngestResult } from '../store/protocol';
import { MAX_HTTP_BODY_BYTES } from '../otlp/limits';
import {
  CONTENT_TYPES,
  exportResponse,
  EXPORT_REQUEST,
  partialSuccessOf,
  GRPC_INVALID_ARGUMENT,
  GRPC_PERMISSION_DENIED,
  GRPC_UNAUTHENTICATED,
  GRPC_UNAVAILABLE,
  rpcStatus,
  type OtlpEncoding,
  type OtlpSignal,
} from '../otlp/responses';
import { listen } from '../listen';
import { checkHttpAccess, OPEN_LOOPBACK_POLICY, type AccessPolicy } from './access';

const gunzipAsync = promisify(gunzip);
const RETRY_AFTER_SECONDS = 5;

/**
 * How long one client may take. A client that sends 1 byte per second must not hold a socket (and
 * Node's per-connection state) for minutes: exporters send a whole batch in milliseconds on loopback,
 * so these bounds are generous for them and short for a stalled or hostile peer.
 */
export interface OtlpHttpTimeouts {
  /** From a request's first byte (or the connection's opening) until its headers are complete. */
  headersMs: number;
  /** From a request's first byte until its body is complete; no more than this for a trickled body. Must be ≥ headersMs. */
  requestMs: number;
  /** How long a keep-alive connection may sit idle between requests. */
  keepAliveMs: number;
}

export const DEFAULT_OTLP_HTTP_TIMEOUTS: OtlpHttpTimeouts = { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 60_000 };

/**
 * Open sockets beyond this are dropped on accept. Exporters keep a handful of connections each;
 * the cap only stops one peer from exhausting file descriptors with stalled connections.
 */
export const MAX_HTTP_CONNECTIONS = 1024;

/**
 * Node only looks for expired headers/requests this often (30 s by default, which would let a
 * slow client overstay its timeout by that much); a quarter of the shortest bound, at most 1 s.
 */
function checkingIntervalMs(t: OtlpHttpTimeouts): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(t.headersMs, t.requestMs) / 4)));
}

function resolveTimeouts(partial: Partial<OtlpHttpTimeouts> | undefined): OtlpHttpTimeouts {
  const t = { ...DEFAULT_OTLP_HTTP_TIMEOUTS, ...partial };
  for (const [name, value] of Object.entries(t)) {
    // Zero would mean "no limit" to Node, which is exactly what these exist to prevent.
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`OTLP/HTTP ${name} must be a positive whole number of ms, not ${value}`);
  }
  if (t.headersMs > t.requestMs) throw new RangeError(`OTLP/HTTP headersMs (${t.headersMs}) must not exceed requestMs (${t.requestMs})`);
  return t;
}


export interface OtlpHttpReceiverOptions {
  host: string;
  port: number;
  /** The signals this engine stores; the paths of the others answer 404. */
  signals: readonly OtlpSignal[];
  ingest: (signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array) => Promise<IngestResult>;
  isPaused: () => boolean;
  /** Who may send; loopback-only, no token and no browser origins when left out. */
  access?: AccessPolicy;
  /** Per-connection time bounds; DEFAULT_OTLP_HTTP_TIMEOUTS for whatever is left out. */
  timeouts?: Partial<OtlpHttpTimeouts>;
}

/**
 * The client went away (or Node cut it off at the request timeout, answering 408 itself) before
 * the body was complete: nothing was handed to the store, and there is nobody left to answer.
 */
class ClientGone extends Error {}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/x-protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  return null;
}

/** Reads the body into one fresh buffer (never a pooled one: it is transferred to the worker). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      reject(new HttpError(413, `request body of ${declared} bytes is over the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `request body is over the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    // 'close' before 'end' means the body never completed (timeout or disconnect); an 'error' may come too.
    req.on('close', () => {
      if (!req.complete) reject(new ClientGone('request closed before its body was complete'));
    });
    req.on('end', () => {
      const body = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        body.set(c, offset);
        offset += c.length;
      }
      resolve(body);
    });
    req.on('error', () => reject(new ClientGone('request aborted before its body was complete')));
  });
}

async function decompress(body: Uint8Array, contentEncoding: string | undefined): Promise<Uint8Array> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === 'none' || enc === '') return body;
  if (enc !== 'gzip') throw new HttpError(415, `unsupported Content-Encoding "${enc}"; use gzip or none`);
  try {
    const out = await gunzipAsync(body, { maxOutputLength: MAX_HTTP_BODY_BYTES });
    const copy = new Uint8Array(out.length);
    copy.set(out);
    return copy;
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, `decompressed body is over the ${MAX_HTTP_BODY_BYTES}-byte limit`);
    }
    throw new HttpError(400, `gzip body could not be decompressed: ${(err as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, encoding: OtlpEncoding | null, body: Uint8Array | string, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extra };
  headers['content-type'] = encoding ? CONTENT_TYPES[encoding] : 'text/plain; charset=utf-8';
  res.writeHead(status, headers);
  res.end(body);
}

function sendStatus(res: ServerResponse, status: number, encoding: OtlpEncoding | null, message: string, extra: Record<string, string> = {}): void {
  if (!encoding) return send(res, status, null, message + '\n', extra);
  const code = status === 503 ? GRPC_UNAVAILABLE : status === 401 ? GRPC_UNAUTHENTICATED : status === 403 ? GRPC_PERMISSION_DENIED : GRPC_INVALID_ARGUMENT;
  send(res, status, encoding, rpcStatus(encoding, code, message), extra);
}

export async function startOtlpHttpReceiver(options: OtlpHttpReceiverOptions): Promise<Server> {
  const timeouts = resolveTimeouts(options.timeouts);
  // On expiry Node answers 408 itself (unless a response has started) and destroys the socket.
  const server = createServer(
    {
      keepAlive: true,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: checkingIntervalMs(timeouts),
      keepAliveTimeout: timeouts.keepAliveMs,
    },
    (req, res) => {
      void handle(req, res, options).catch((err: unknown) => {
        if (err instanceof ClientGone || res.headersSent || res.destroyed) return;
        sendStatus(res, 500, null, `internal error: ${(err as Error).message}`);
      });
    },
  );
  server.maxConnections = MAX_HTTP_CONNECTIONS;
  return listen(server, options.port, options.host);
}

/**
 * CORS only for configured origins (a browser SDK on a dev server): the preflight and the
 * Access-Control headers name that one origin, never `*`.
 */
function corsHeaders(req: IncomingMessage, access: AccessPolicy): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || !access.allowedOrigins.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: OtlpHttpReceiverOptions): Promise<void> {
  const access = options.access ?? OPEN_LOOPBACK_POLICY;
  const cors = corsHeaders(req, access);
  // A preflight never carries credentials, so it is answered before the token is asked for.
  const preflight = req.method === 'OPTIONS' && cors['access-control-allow-origin'] !== undefined;
  const denied = checkHttpAccess(req.headers, preflight ? { ...access, token: undefined } : access);
  if (denied) {
    req.resume();
    const extra: Record<string, string> = denied.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    return sendStatus(res, denied.status, encodingOf(req.headers['content-type']), denied.message, extra);
  }
  if (preflight) {
    req.resume();
    res.writeHead(204, {
      ...cors,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, content-encoding, authorization',
      'access-control-max-age': '600',
    });
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const signal = options.signals.find((s) => path === `/v1/${s}`);
  if (!signal) {
    req.resume();
    const known = options.signals.map((s) => `/v1/${s}`).join(', ');
    return sendStatus(res, 404, null, `unknown path ${path}; OTLP/HTTP goes to POST ${known}`);
  }
  if (req.method !== 'POST') {
    req.resume();
    return sendStatus(res, 405, null, `method ${req.method} not allowed; use POST`, { allow: 'POST' });
  }
  const encoding = encodingOf(req.headers['content-type']);
  if (!encoding) {
    req.resume();
    return sendStatus(res, 415, null, `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`);
  }
  if (options.isPaused()) {
    req.resume();
    return sendStatus(res, 503, encoding, 'ingest is paused in Flowtrace; retry later', { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }
  let body: Uint8Array;
  try {
    body = await decompress(await readBody(req, MAX_HTTP_BODY_BYTES), req.headers['content-encoding']);
  } catch (err) {
    if (err instanceof HttpError) return sendStatus(res, err.status, encoding, err.message, err.status === 413 ? { connection: 'close' } : {});
    throw err;
  }
  if (body.length === 0) return send(res, 200, encoding, exportResponse(signal, encoding, null));

  const result = await options.ingest(signal, encoding, body);
  switch (result.status) {
    case 'accepted': {
      return send(res, 200, encoding, exportResponse(signal, encoding, partialSuccessOf(signal, result)));
    }
    case 'invalid':
      return sendStatus(res, 400, encoding, `could not decode OTLP ${encoding} ${EXPORT_REQUEST[signal]}: ${result.message}`);
    case 'unavailable':
      return sendStatus(res, 503, encoding, result.message, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }
}

/**
 * Forwarding to a team's backend (issue 18, ADR 0012): the upstream OTLP endpoints, how each is
 * checked, what the settings page and `GET /api/v1/settings/forwarding` show of them (header
 * values never leave the engine: they are often API keys), and each endpoint's progress. Shared
 * so the page, the REST server and `serve --forward` say the same.
 */
import { SettingsError } from './settings';

export type ForwardProtocol = 'http' | 'grpc';
export type ForwardCompression = 'gzip' | 'none';

/** One upstream, as configured. http(s)://host:port[/path] is OTLP/HTTP (`/v1/traces` etc. appended); grpc:// and grpcs:// (TLS) are OTLP/gRPC. */
export interface ForwardEndpoint {
  url: string;
  /** Sent with every request (e.g. authorization, x-api-key). */
  headers: Record<string, string>;
  compression: ForwardCompression;
}

/** What is shown of an endpoint: its header names, not their values. */
export interface ForwardEndpointView {
  url: string;
  protocol: ForwardProtocol;
  headerNames: string[];
  compression: ForwardCompression;
}

/** How one endpoint is doing. */
export interface ForwardEndpointStatus {
  url: string;
  /** delivering: sending what waits; idle: nothing waits; retrying: the upstream is unreachable or asked to wait. */
  state: 'delivering' | 'idle' | 'retrying';
  /** Requests stored and not delivered yet, and their bytes. */
  lagRequests: number;
  lagBytes: number;
  /** How long the oldest of them has waited, in ms; 0 when none wait. */
  lagMs: number;
  /** Delivered since Flowtrace started. */
  deliveredRequests: number;
  /** Refused by the upstream (a 4xx other than 429, a gRPC error that is not retryable) since start: not sent again. */
  refusedRequests: number;
  /** Dropped past the disk bound, ever. */
  droppedRequests: number;
  lastDeliveredAt: number | null;
  lastError: { message: string; at: number } | null;
  /** When the next attempt is due while retrying (unix ms). */
  nextAttemptAt: number | null;
}

/** What GET /api/v1/settings/forwarding answers. */
export interface ForwardingView {
  endpoints: ForwardEndpointView[];
  /** Set for this run by `serve --forward`, which wins over the saved list. */
  overridden: boolean;
  /** An endpoint's backlog past this many bytes drops its oldest requests, with a notice. */
  maxBacklogBytes: number;
  status: ForwardEndpointStatus[];
  /** Whether an OTLP token is saved: changing the endpoints needs it, since they send data off this machine. */
  tokenSet: boolean;
}

/**
 * An edit: the whole list, and the OTLP token. An endpoint's `headers` left out (or null) keeps the
 * ones saved for the same URL, so the page can reorder or remove endpoints without their secrets.
 */
export interface ForwardingUpdate {
  token: string;
  endpoints: Array<{ url: string; headers?: Record<string, string> | null; compression?: ForwardCompression }>;
}

export const DEFAULT_FORWARD_MAX_BACKLOG_BYTES = 1024 * 1024 * 1024;
export const MAX_FORWARD_ENDPOINTS = 8;

/** A refused endpoint list: one message per field (`endpoints.0.url`); a SettingsError, so REST and IPC carry it alike. */
export class ForwardingError extends SettingsError {}

/** Changing the endpoints without the OTLP token (403: it would send data off the machine). */
export class ForwardingTokenError extends Error {}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const GRPC_METADATA_KEY = /^[0-9a-z_.-]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function forwardProtocolOf(url: string): ForwardProtocol {
  return url.startsWith('grpc') ? 'grpc' : 'http';
}

/** The endpoint's URL, checked: the message says what a valid one looks like. */
export function checkForwardUrl(value: unknown): string {
  const example = 'an upstream such as http://collector:4318, https://otlp.example.com, grpc://collector:4317 or grpcs://otlp.example.com:443';
  if (typeof value !== 'string' || value.trim() === '') throw new Error(example);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`not a URL: ${example}`);
  }
  if (!['http:', 'https:', 'grpc:', 'grpcs:'].includes(url.protocol)) throw new Error(`${url.protocol} is not forwarded to: ${example}`);
  if (url.hostname === '') throw new Error(`no host: ${example}`);
  if (url.username || url.password) throw new Error('put credentials in a header, not in the URL');
  if (url.protocol.startsWith('grpc') && (url.port === '' || (url.pathname !== '' && url.pathname !== '/'))) {
    throw new Error('a gRPC upstream is grpc://host:port or grpcs://host:port, without a path');
  }
  return value.trim().replace(/\/+$/, '');
}

/**
 * Header names and values every upstream can carry: HTTP tokens (gRPC metadata keys are narrower:
 * lower-case letters, digits, `-`, `_`, `.`, and not `-bin`), values of printable ASCII. A message
 * never quotes a value: they are API keys.
 */
export function checkForwardHeaders(value: unknown, protocol: ForwardProtocol = 'http'): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('headers are an object of name: value');
  const headers: Record<string, string> = {};
  for (const [raw, v] of Object.entries(value)) {
    const name = raw.toLowerCase();
    if (!HEADER_NAME.test(name)) throw new Error(`${JSON.stringify(raw)} is not a header name`);
    if (protocol === 'grpc' && (!GRPC_METADATA_KEY.test(name) || name.endsWith('-bin'))) {
      throw new Error(`${JSON.stringify(raw)} cannot be gRPC metadata: letters, digits, - _ . only, not ending in -bin`);
    }
    if (typeof v !== 'string' || !PRINTABLE_ASCII.test(v)) throw new Error(`the value of ${name} must be printable ASCII on one line`);
    headers[name] = v;
  }
  return headers;
}

/** `K=V` (serve --forward-header) as a header. */
export function parseHeaderArgument(arg: string): [string, string] {
  const at = arg.indexOf('=');
  // Not quoted back: without its `=`, the argument may be the secret itself.
  if (at <= 0) throw new Error('--forward-header takes NAME=VALUE (one given has no NAME=)');
  const [[name, value]] = Object.entries(checkForwardHeaders({ [arg.slice(0, at).trim()]: arg.slice(at + 1) })) as [[string, string]];
  return [name, value];
}

export function viewOfEndpoint(e: ForwardEndpoint): ForwardEndpointView {
  return { url: e.url, protocol: forwardProtocolOf(e.url), headerNames: Object.keys(e.headers).sort(), compression: e.compression };
}

/**
 * The list after an edit: every endpoint checked (ForwardingError naming each wrong field), headers
 * left out kept from `saved` for the same URL.
 */
export function applyForwardingUpdate(saved: readonly ForwardEndpoint[], endpoints: unknown): ForwardEndpoint[] {
  if (!Array.isArray(endpoints)) throw new ForwardingError({ endpoints: 'a list of endpoints, each {url, headers?, compression?}' });
  if (endpoints.length > MAX_FORWARD_ENDPOINTS) throw new ForwardingError({ endpoints: `at most ${MAX_FORWARD_ENDPOINTS} endpoints` });
  const errors: Record<string, string> = {};
  const next: ForwardEndpoint[] = [];
  endpoints.forEach((raw: unknown, i) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    let url: string;
    try {
      url = checkForwardUrl(e.url);
    } catch (err) {
      errors[`endpoints.${i}.url`] = (err as Error).message;
      return;
    }
    if (next.some((n) => n.url === url)) {
      errors[`endpoints.${i}.url`] = 'listed twice';
      return;
    }
    let headers = saved.find((s) => s.url === url)?.headers ?? {};
    // The saved ones too: forwarding.json may have been edited by hand.
    try {
      checkForwardHeaders(headers, forwardProtocolOf(url));
    } catch (err) {
      errors[`endpoints.${i}.headers`] = (err as Error).message;
      return;
    }
    if (e.headers !== undefined && e.headers !== null) {
      try {
        headers = checkForwardHeaders(e.headers, forwardProtocolOf(url));
      } catch (err) {
        errors[`endpoints.${i}.headers`] = (err as Error).message;
        return;
      }
    }
    const compression = e.compression ?? 'gzip';
    if (compression !== 'gzip' && compression !== 'none') {
      errors[`endpoints.${i}.compression`] = 'gzip or none';
      return;
    }
    next.push({ url, headers, compression });
  });
  if (Object.keys(errors).length > 0) throw new ForwardingError(errors);
  return next;
}

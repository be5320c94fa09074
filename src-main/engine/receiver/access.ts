/**
 * Who may send telemetry: the local-server rules of both OTLP receivers. A web page in the user's
 * browser can reach 127.0.0.1 too, so a non-loopback Host (DNS rebinding) and a browser Origin that
 * is not on the allowlist are refused; a bearer token, when configured, is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface AccessPolicy {
  /** Required as `Authorization: Bearer <token>` (HTTP) or `authorization` metadata (gRPC) when set. */
  token: string | undefined;
  /** Browser origins allowed to send (exact `scheme://host[:port]`); none by default. */
  allowedOrigins: readonly string[];
  /** Whether the receiver listens on a loopback address only; then the Host must be a loopback name. */
  loopbackOnly: boolean;
}

export const OPEN_LOOPBACK_POLICY: AccessPolicy = { token: undefined, allowedOrigins: [], loopbackOnly: true };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export { isLoopbackAddress } from '../../../src-shared/loopback';

/** A Host header naming this machine's loopback interface (with or without a port). */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.trim().toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec((authorization ?? '').trim());
  return m !== null && tokenMatches(m[1]!, token);
}

/** Hashing first makes both sides the same length, so the comparison time says nothing about the token. */
export function tokenMatches(given: string, token: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(token).digest());
}

export interface AccessDenied {
  status: 401 | 403;
  message: string;
}

/** Checks an OTLP/HTTP request against the policy; null when it may proceed. */
export function checkHttpAccess(headers: IncomingHttpHeaders, policy: AccessPolicy): AccessDenied | null {
  if (policy.loopbackOnly && !isLoopbackHostHeader(headers.host)) {
    return { status: 403, message: `Host "${headers.host ?? ''}" is not a loopback name; Flowtrace only answers requests addressed to this machine` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !policy.allowedOrigins.includes(origin)) {
    return { status: 403, message: `browser Origin "${origin}" is not allowed to send telemetry; add it with --otlp-allow-origin` };
  }
  if (policy.token !== undefined && !bearerMatches(headers.authorization, policy.token)) {
    return { status: 401, message: 'missing or wrong bearer token: send Authorization: Bearer <token>' };
  }
  return null;
}

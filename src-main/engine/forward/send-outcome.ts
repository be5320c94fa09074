/**
 * What an upstream answered, in the terms the forwarder acts on, and the two ways an upstream
 * says how long to wait: HTTP's `Retry-After` and gRPC's google.rpc.RetryInfo. The retryable
 * answers are the OTLP specification's (429, 502, 503, 504; gRPC UNAVAILABLE and its kin); every
 * other failure is final for that request: sending it again would be refused again.
 */
import { status } from '@grpc/grpc-js';
import { RETRY_INFO_TYPE_URL } from '../otlp/responses';
import { WireReader, WIRE_LEN, WIRE_VARINT } from '../otlp/wire';

export type SendOutcome =
  /** rejected: items the upstream turned away in a partial success (logged, not resent). */
  | { kind: 'delivered'; rejected: number; message: string }
  /** afterMs: the upstream's own delay (Retry-After, RetryInfo), else the forwarder's backoff. */
  | { kind: 'retry'; message: string; afterMs: number | null }
  | { kind: 'refused'; message: string };

export const RETRYABLE_HTTP_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** The OTLP specification's retryable gRPC codes; RESOURCE_EXHAUSTED only when the server says when (RetryInfo). */
const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([status.CANCELLED, status.DEADLINE_EXCEEDED, status.ABORTED, status.OUT_OF_RANGE, status.UNAVAILABLE, status.DATA_LOSS]);

export function grpcRetryable(code: number, retryDelayMs: number | null): boolean {
  return RETRYABLE_GRPC_CODES.has(code) || (code === status.RESOURCE_EXHAUSTED && retryDelayMs !== null);
}

/**
 * Credentials refused (HTTP 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED): final for the request
 * in the specification's terms, but what is queued here would all be refused alike (an expired key
 * would drain the whole queue at network speed), so the endpoint waits with backoff until its
 * headers are fixed, its last error saying so. null: not a refusal of credentials.
 */
export function credentialsRefused(refusal: { httpStatus: number } | { grpcCode: number }, message: string): SendOutcome | null {
  const refused = 'httpStatus' in refusal ? refusal.httpStatus === 401 || refusal.httpStatus === 403 : refusal.grpcCode === status.UNAUTHENTICATED || refusal.grpcCode === status.PERMISSION_DENIED;
  return refused ? { kind: 'retry', message: `${message} (the upstream refuses this endpoint's headers: requests wait until they are fixed)`, afterMs: null } : null;
}

/** Retry-After: delay-seconds or an HTTP-date; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (header === null || header === undefined || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The retry delay in a `grpc-status-details-bin` trailer (google.rpc.Status with a RetryInfo among
 * its details), in ms; null when there is none. Never throws: a malformed trailer is no delay.
 */
export function retryInfoDelayMs(statusDetails: Uint8Array | null): number | null {
  if (!statusDetails) return null;
  try {
    const status = new WireReader(statusDetails);
    while (!status.done()) {
      const tag = status.tag();
      if (tag !== ((3 << 3) | WIRE_LEN)) {
        status.skip(tag & 7);
        continue;
      }
      const any = status.message();
      let typeUrl = '';
      let value: WireReader | null = null;
      while (!any.done()) {
        const t = any.tag();
        if (t === ((1 << 3) | WIRE_LEN)) typeUrl = any.string();
        else if (t === ((2 << 3) | WIRE_LEN)) value = any.message();
        else any.skip(t & 7);
      }
      if (typeUrl !== RETRY_INFO_TYPE_URL || !value) continue;
      while (!value.done()) {
        const t = value.tag();
        if (t !== ((1 << 3) | WIRE_LEN)) {
          value.skip(t & 7);
          continue;
        }
        const duration = value.message();
        let seconds = 0;
        let nanos = 0;
        while (!duration.done()) {
          const d = duration.tag();
          if (d === ((1 << 3) | WIRE_VARINT)) seconds = Number(duration.varint64());
          else if (d === ((2 << 3) | WIRE_VARINT)) nanos = Number(BigInt.asIntN(32, duration.varint64()));
          else duration.skip(d & 7);
        }
        return Math.max(0, seconds * 1000 + Math.round(nanos / 1e6));
      }
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * The partial success of an Export response (field 1 of each signal's response: rejected count,
 * error message), protobuf or JSON. A response that cannot be read counts as full success: the
 * upstream said 200.
 */
export function deliveredOutcome(body: Uint8Array, json: boolean): Extract<SendOutcome, { kind: 'delivered' }> {
  try {
    if (json) {
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { partialSuccess?: Record<string, unknown> };
      const p = parsed.partialSuccess ?? {};
      const rejected = Number(p.rejectedSpans ?? p.rejectedLogRecords ?? p.rejectedDataPoints ?? 0);
      return { kind: 'delivered', rejected: Number.isFinite(rejected) ? rejected : 0, message: typeof p.errorMessage === 'string' ? p.errorMessage : '' };
    }
    const response = new WireReader(body);
    while (!response.done()) {
      const tag = response.tag();
      if (tag !== ((1 << 3) | WIRE_LEN)) {
        response.skip(tag & 7);
        continue;
      }
      const partial = response.message();
      let rejected = 0;
      let message = '';
      while (!partial.done()) {
        const t = partial.tag();
        if (t === ((1 << 3) | WIRE_VARINT)) rejected = Number(partial.varint64());
        else if (t === ((2 << 3) | WIRE_LEN)) message = partial.string();
        else partial.skip(t & 7);
      }
      return { kind: 'delivered', rejected, message };
    }
  } catch {
    // unreadable: full success, as the status said
  }
  return { kind: 'delivered', rejected: 0, message: '' };
}

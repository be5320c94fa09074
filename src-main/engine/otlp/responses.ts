/**
 * The answers an OTLP/HTTP receiver sends, in the request's own encoding (the spec requires the
 * response Content-Type to match the request's): Export{Trace,Logs,Metrics}ServiceResponse and
 * google.rpc.Status. gRPC sends the same protobuf bytes.
 */
import { WireWriter } from './wire';

export type OtlpEncoding = 'protobuf' | 'json';
export type OtlpSignal = 'traces' | 'logs' | 'metrics';
export const OTLP_SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

/** The request message of each signal's Export call, for error messages. */
export const EXPORT_REQUEST: Record<OtlpSignal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

/** What `partial_success` counts, per signal (its JSON key; protobuf uses field 1 for all three). */
const REJECTED_KEY: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** gRPC status codes used in `google.rpc.Status.code`. */
export const GRPC_INVALID_ARGUMENT = 3;
export const GRPC_UNAVAILABLE = 14;
export const GRPC_PERMISSION_DENIED = 7;
export const GRPC_UNAUTHENTICATED = 16;

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

const ITEMS: Record<OtlpSignal, string> = { traces: 'span(s)', logs: 'log record(s)', metrics: 'data point(s)' };

/**
 * `partial_success` for an accepted request: the rejected items and why, plus warnings about what
 * the limits trimmed (the spec allows a warning with rejected = 0). Null when everything went in whole.
 */
export function partialSuccessOf(
  signal: OtlpSignal,
  result: { rejected: number; rejectReasons: readonly string[]; warnings: readonly string[] },
): PartialSuccess | null {
  const parts: string[] = [];
  if (result.rejected > 0) parts.push(`${result.rejected} ${ITEMS[signal]} rejected: ${result.rejectReasons.join('; ')}`);
  parts.push(...result.warnings);
  return parts.length ? { rejected: result.rejected, errorMessage: parts.join('. ') } : null;
}

export function exportResponse(signal: OtlpSignal, encoding: OtlpEncoding, partial: PartialSuccess | null): Uint8Array | string {
  if (encoding === 'json') {
    if (!partial) return '{}';
    return JSON.stringify({ partialSuccess: { [REJECTED_KEY[signal]]: String(partial.rejected), errorMessage: partial.errorMessage } });
  }
  if (!partial) return new Uint8Array(0);
  const inner = new WireWriter().uint(1, partial.rejected).string(2, partial.errorMessage).finish();
  return new WireWriter().bytes(1, inner).finish();
}

export function rpcStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return new WireWriter().uint(1, code).string(2, message).finish();
}

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * google.rpc.Status{code, message, details: [Any{RetryInfo{retry_delay}}]}: gRPC's Retry-After. It
 * travels in the `grpc-status-details-bin` trailer; exporters that read it wait that long.
 */
export function rpcStatusWithRetryDelay(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  const duration = new WireWriter().uint(1, retryDelaySeconds).finish();
  const retryInfo = new WireWriter().bytes(1, duration).finish();
  const detail = new WireWriter().string(1, RETRY_INFO_TYPE_URL).bytes(2, retryInfo).finish();
  return new WireWriter().uint(1, code).string(2, message).bytes(3, detail).finish();
}

/**
 * The answers an OTLP/HTTP receiver sends, in the request's own encoding (the spec requires the
 * response Content-Type to match the request's): Export{Trace,Logs,Metrics}ServiceResponse and
 * google.rpc.Status. gRPC sends the same protobuf bytes.
 */
import { WireWriter } from './wire';

export type OtlpEncoding = 'protobuf' | 'json';
export type OtlpSignal = 'traces' | 'logs' | 'metrics';
export const OTLP_SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

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

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
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

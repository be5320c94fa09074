/**
 * What a row of the append log holds (`log.encoding`), so replay decodes each payload as the
 * signal and encoding it arrived in, and the decoding of the low-volume signals (logs, metrics),
 * which are decoded whole when checked: there is no scan-only path for them.
 */
import type { LogRecordView, MetricPointView } from '../../../src-shared/contract';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import { decodeLogsRequest, decodeLogsRequestJson } from '../otlp/decode-logs';
import { decodeMetricsRequest, decodeMetricsRequestJson } from '../otlp/decode-metrics';

/** Codes 1/2 predate the others; never renumber: the codes are on disk. */
export const LOG_ENCODING_CODES: Readonly<Record<OtlpSignal, Readonly<Record<OtlpEncoding, number>>>> = {
  traces: { protobuf: 1, json: 2 },
  logs: { protobuf: 3, json: 4 },
  metrics: { protobuf: 5, json: 6 },
};

const BY_CODE = new Map<number, { signal: OtlpSignal; encoding: OtlpEncoding }>();
for (const [signal, codes] of Object.entries(LOG_ENCODING_CODES) as Array<[OtlpSignal, Record<OtlpEncoding, number>]>) {
  for (const [encoding, code] of Object.entries(codes) as Array<[OtlpEncoding, number]>) BY_CODE.set(code, { signal, encoding });
}

/** null for a code this version does not know (a row it cannot replay). */
export function logEncodingOf(code: number): { signal: OtlpSignal; encoding: OtlpEncoding } | null {
  return BY_CODE.get(code) ?? null;
}

export type TelemetrySignal = Exclude<OtlpSignal, 'traces'>;

/** A decoded logs or metrics request: one of the two lists is used, per signal. */
export interface DecodedTelemetry {
  logs: LogRecordView[];
  points: MetricPointView[];
  /** Items kept: log records or data points. */
  count: number;
  rejected: number;
  rejectReasons: string[];
  warnings: string[];
}

/** Throws DecodeError when the body is not a valid request of its signal. */
export function decodeTelemetry(signal: TelemetrySignal, encoding: OtlpEncoding, body: Uint8Array): DecodedTelemetry {
  if (signal === 'logs') {
    const b = encoding === 'protobuf' ? decodeLogsRequest(body) : decodeLogsRequestJson(body);
    return { logs: b.items, points: [], count: b.items.length, rejected: b.rejected, rejectReasons: b.rejectReasons, warnings: b.warnings };
  }
  const b = encoding === 'protobuf' ? decodeMetricsRequest(body) : decodeMetricsRequestJson(body);
  return { logs: [], points: b.items, count: b.items.length, rejected: b.rejected, rejectReasons: b.rejectReasons, warnings: b.warnings };
}

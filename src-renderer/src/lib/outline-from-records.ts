// A TraceOutline from full span records, for when the whole trace is already in memory (small
// traces, tests). The engine builds the same outline from narrow rows for big traces.
import type { SpanRecord } from '../../../src-shared/contract';
import { buildTraceOutline, type TraceOutline } from '../../../src-shared/trace-outline';
import { serviceName } from './attributes';

export function outlineFromRecords(traceId: string, spans: readonly SpanRecord[]): TraceOutline {
  return buildTraceOutline(
    traceId,
    spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: serviceName(s.resource.attributes),
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: s.endTimeUnixNano,
      status: s.status.code,
      statusMessage: s.status.message,
      genaiKind: s.genai?.kind ?? null,
    })),
  );
}

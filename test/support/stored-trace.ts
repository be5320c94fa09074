/** Compares a stored trace with the spans the SDK recorded, field by field, as a user would. */
import assert from 'node:assert/strict';
import type { HrTime } from '@opentelemetry/api';
import type { SpanRecord, TraceDetail } from '../../src-shared/contract';
import type { SentTrace } from './otel';

export const nanos = (t: HrTime) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

export function assertStoredAsSent(trace: TraceDetail | null, sent: SentTrace, serviceName: string): asserts trace is TraceDetail {
  assert.ok(trace, 'trace is readable right after the exporter got its success');
  assert.equal(trace.spans.length, sent.spans.length);
  for (const original of sent.spans) {
    const stored: SpanRecord | undefined = trace.spans.find((s) => s.spanId === original.spanContext().spanId);
    assert.ok(stored, `span ${original.name} stored`);
    assert.equal(stored.name, original.name);
    assert.equal(stored.traceId, sent.traceId);
    assert.equal(stored.parentSpanId, original.parentSpanContext?.spanId ?? null);
    assert.equal(stored.startTimeUnixNano, nanos(original.startTime));
    assert.equal(stored.endTimeUnixNano, nanos(original.endTime));
    assert.deepEqual(stored.attributes, original.attributes);
    assert.equal(stored.status.code, ['unset', 'ok', 'error'][original.status.code]);
    assert.equal(stored.status.message, original.status.message ?? '');
    assert.equal(stored.resource.attributes['service.name'], serviceName);
    assert.equal(stored.scope.name, 'flowtrace-tests');
    assert.equal(stored.events.length, original.events.length);
  }
}

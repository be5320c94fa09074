/**
 * What both OTLP decoders (protobuf and JSON) produce: spans in the contract's shape plus the count
 * and reasons of spans that were rejected (they go back to the exporter as partial success).
 */
import type { SpanKindName, SpanRecord, StatusCodeName } from '../../../src-shared/contract';
import { limitTally, MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN, trimAttributes } from './limits';

export interface SpanBatch {
  spans: SpanRecord[];
  rejected: number;
  /** Up to a few distinct reasons, for `partial_success.error_message`. */
  rejectReasons: string[];
  /** What the limits trimmed (nothing rejected): sent back as a partial-success warning. */
  warnings: string[];
}

/** Applies the per-span limits; what is dropped is counted in the span, as an SDK would. */
export function limitSpan(span: SpanRecord): void {
  span.droppedAttributesCount += trimAttributes(span.attributes);
  if (span.events.length > MAX_EVENTS_PER_SPAN) {
    const excess = span.events.length - MAX_EVENTS_PER_SPAN;
    span.events.length = MAX_EVENTS_PER_SPAN;
    span.droppedEventsCount += excess;
    limitTally.droppedEvents += excess;
  }
  if (span.links.length > MAX_LINKS_PER_SPAN) {
    const excess = span.links.length - MAX_LINKS_PER_SPAN;
    span.links.length = MAX_LINKS_PER_SPAN;
    span.droppedLinksCount += excess;
    limitTally.droppedLinks += excess;
  }
  for (const e of span.events) e.droppedAttributesCount += trimAttributes(e.attributes);
  for (const l of span.links) l.droppedAttributesCount += trimAttributes(l.attributes);
}

export const SPAN_KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
export const STATUS_CODES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const HEX_RE = /^[0-9a-f]*$/;

/** JSON ids arrive as arbitrary strings; protobuf ids are hex by construction but pass the same check. */
function isHex(s: string, length: number): boolean {
  return s.length === length && HEX_RE.test(s);
}

export function kindName(value: number): SpanKindName {
  return SPAN_KINDS[value] ?? 'unspecified';
}

export function statusName(value: number): StatusCodeName {
  return STATUS_CODES[value] ?? 'unset';
}

/** Returns why a span's ids make it unusable, or null when they are fine. */
export function invalidIdReason(traceId: string, spanId: string, parentSpanId: string | null): string | null {
  if (!isHex(traceId, 32)) return 'trace_id must be 16 bytes';
  if (traceId === ZERO_TRACE) return 'trace_id must not be all zeros';
  if (!isHex(spanId, 16)) return 'span_id must be 8 bytes';
  if (spanId === ZERO_SPAN) return 'span_id must not be all zeros';
  if (parentSpanId !== null && !isHex(parentSpanId, 16)) {
    return 'parent_span_id must be empty or 8 bytes';
  }
  return null;
}

export class BatchBuilder {
  readonly spans: SpanRecord[] = [];
  rejected = 0;
  readonly rejectReasons: string[] = [];

  constructor() {
    limitTally.reset();
  }

  add(span: SpanRecord): void {
    const parent = span.parentSpanId === '' || span.parentSpanId === ZERO_SPAN ? null : span.parentSpanId;
    span.parentSpanId = parent;
    const reason = invalidIdReason(span.traceId, span.spanId, parent);
    if (reason) this.reject(`span "${span.name.slice(0, 80)}": ${reason}`);
    else {
      limitSpan(span);
      this.spans.push(span);
    }
  }

  reject(reason: string): void {
    this.rejected++;
    if (this.rejectReasons.length < 5 && !this.rejectReasons.includes(reason)) this.rejectReasons.push(reason);
  }

  finish(): SpanBatch {
    return { spans: this.spans, rejected: this.rejected, rejectReasons: this.rejectReasons, warnings: limitTally.warnings() };
  }
}

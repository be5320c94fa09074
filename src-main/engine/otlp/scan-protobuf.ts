/**
 * Validates an OTLP `ExportTraceServiceRequest` without building it: the same walk and the same
 * checks as decode-protobuf.ts (framing, wire types, nesting depth, span ids), but strings are
 * skipped and nothing is allocated. The store acknowledges a request after this scan and its
 * append; the full decode happens during compaction, off the exporter's wait. Invariant, held by a
 * property test: scan throws exactly when decode throws, and counts the same spans and rejections.
 */
import { DecodeError, WireReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { limitTally, MAX_ANY_VALUE_DEPTH, MAX_ATTRIBUTES, MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN, MAX_VALUE_BYTES } from './limits';
import { BatchBuilder } from './span-batch';

const tagOf = (field: number, wire: number) => (field << 3) | wire;

export interface ScanResult {
  spans: number;
  rejected: number;
  rejectReasons: string[];
  /** What decoding will trim to the limits, counted the same way: a partial-success warning. */
  warnings: string[];
}

export function scanTraceRequest(buf: Uint8Array): ScanResult {
  const r = new WireReader(buf);
  const out = new BatchBuilder();
  let spans = 0;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) spans += scanResourceSpans(r.message(), out);
    else r.skip(tag & 7);
  }
  return { spans: spans - out.rejected, rejected: out.rejected, rejectReasons: out.rejectReasons, warnings: limitTally.warnings() };
}

function scanResourceSpans(r: WireReader, out: BatchBuilder): number {
  let spans = 0;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scanResource(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) spans += scanScopeSpans(r.message(), out);
    else r.skip(tag & 7);
  }
  return spans;
}

function scanResource(r: WireReader): void {
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scanKeyValue(r, 0);
    else if (tag === tagOf(2, WIRE_VARINT)) r.varint32();
    else r.skip(tag & 7);
  }
}

function scanScopeSpans(r: WireReader, out: BatchBuilder): number {
  let spans = 0;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scanScope(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) {
      scanSpan(r.message(), out);
      spans++;
    } else r.skip(tag & 7);
  }
  return spans;
}

function scanScope(r: WireReader): void {
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN) || tag === tagOf(2, WIRE_LEN)) r.lengthDelimited();
    else if (tag === tagOf(3, WIRE_LEN)) scanKeyValue(r, 0);
    else if (tag === tagOf(4, WIRE_VARINT)) r.varint32();
    else r.skip(tag & 7);
  }
}

const ZERO = (b: Uint8Array) => b.every((x) => x === 0);

function scanSpan(r: WireReader, out: BatchBuilder): void {
  let traceId: Uint8Array = new Uint8Array(0);
  let spanId: Uint8Array = new Uint8Array(0);
  let parent: Uint8Array | null = null;
  let nameAt: { start: number; end: number } | null = null;
  let attributes = 0;
  let events = 0;
  let links = 0;
  let itemAttributesOver = 0;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): traceId = r.bytes(); break;
      case tagOf(2, WIRE_LEN): spanId = r.bytes(); break;
      case tagOf(4, WIRE_LEN): parent = r.bytes(); break;
      case tagOf(5, WIRE_LEN): nameAt = r.lengthDelimited(); break;
      case tagOf(3, WIRE_LEN): r.lengthDelimited(); break;
      case tagOf(6, WIRE_VARINT): case tagOf(10, WIRE_VARINT): case tagOf(12, WIRE_VARINT): case tagOf(14, WIRE_VARINT): r.varint32(); break;
      case tagOf(7, WIRE_FIXED64): case tagOf(8, WIRE_FIXED64): r.fixed64String(); break;
      case tagOf(9, WIRE_LEN): scanKeyValue(r, 0); attributes++; break;
      // Events and links past the limit are dropped by decode, but still read by it: scan them all.
      case tagOf(11, WIRE_LEN): { const over = scanEvent(r.message()); if (++events <= MAX_EVENTS_PER_SPAN) itemAttributesOver += over; break; }
      case tagOf(13, WIRE_LEN): { const over = scanLink(r.message()); if (++links <= MAX_LINKS_PER_SPAN) itemAttributesOver += over; break; }
      case tagOf(15, WIRE_LEN): scanStatus(r.message()); break;
      default: r.skip(tag & 7);
    }
  }
  const reason =
    traceId.length !== 16 ? 'trace_id must be 16 bytes'
    : ZERO(traceId) ? 'trace_id must not be all zeros'
    : spanId.length !== 8 ? 'span_id must be 8 bytes'
    : ZERO(spanId) ? 'span_id must not be all zeros'
    : parent !== null && parent.length !== 0 && parent.length !== 8 ? 'parent_span_id must be empty or 8 bytes'
    : null;
  if (reason) {
    // Only a rejected span's name is decoded, for the message the exporter gets back.
    const name = nameAt ? r.stringAt(nameAt.start, nameAt.end) : '';
    out.reject(`span "${name.slice(0, 80)}": ${reason}`);
    return;
  }
  limitTally.droppedAttributes += Math.max(0, attributes - MAX_ATTRIBUTES) + itemAttributesOver;
  limitTally.droppedEvents += Math.max(0, events - MAX_EVENTS_PER_SPAN);
  limitTally.droppedLinks += Math.max(0, links - MAX_LINKS_PER_SPAN);
}

/** Returns how many of the event's attributes are over the per-item limit. */
function scanEvent(r: WireReader): number {
  let attributes = 0;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_FIXED64)) r.fixed64String();
    else if (tag === tagOf(2, WIRE_LEN)) r.lengthDelimited();
    else if (tag === tagOf(3, WIRE_LEN)) {
      scanKeyValue(r, 0);
      attributes++;
    } else if (tag === tagOf(4, WIRE_VARINT)) r.varint32();
    else r.skip(tag & 7);
  }
  return Math.max(0, attributes - MAX_ATTRIBUTES);
}

/** Returns how many of the link's attributes are over the per-item limit. */
function scanLink(r: WireReader): number {
  let attributes = 0;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN) || tag === tagOf(2, WIRE_LEN) || tag === tagOf(3, WIRE_LEN)) r.lengthDelimited();
    else if (tag === tagOf(4, WIRE_LEN)) {
      scanKeyValue(r, 0);
      attributes++;
    } else if (tag === tagOf(5, WIRE_VARINT)) r.varint32();
    else if (tag === tagOf(6, WIRE_FIXED32)) r.fixed32();
    else r.skip(tag & 7);
  }
  return Math.max(0, attributes - MAX_ATTRIBUTES);
}

function scanStatus(r: WireReader): void {
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(2, WIRE_LEN)) r.lengthDelimited();
    else if (tag === tagOf(3, WIRE_VARINT)) r.varint32();
    else r.skip(tag & 7);
  }
}

/** One KeyValue at the reader's position (its length prefix), as decode's readKeyValueInto. */
function scanKeyValue(outer: WireReader, depth: number): void {
  const r = outer.message();
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) r.lengthDelimited();
    else if (tag === tagOf(2, WIRE_LEN)) scanAnyValue(r.message(), depth + 1);
    else r.skip(tag & 7);
  }
}

function scanAnyValue(r: WireReader, depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): case tagOf(7, WIRE_LEN): {
        const { start, end } = r.lengthDelimited();
        if (end - start > MAX_VALUE_BYTES) limitTally.truncatedValues++;
        break;
      }
      case tagOf(2, WIRE_VARINT): r.varint32(); break;
      case tagOf(3, WIRE_VARINT): r.varint64(); break;
      case tagOf(4, WIRE_FIXED64): r.double(); break;
      case tagOf(5, WIRE_LEN): {
        const ar = r.message();
        while (!ar.done()) {
          const t = ar.tag();
          if (t === tagOf(1, WIRE_LEN)) scanAnyValue(ar.message(), depth + 1);
          else ar.skip(t & 7);
        }
        break;
      }
      case tagOf(6, WIRE_LEN): {
        const kr = r.message();
        while (!kr.done()) {
          const t = kr.tag();
          if (t === tagOf(1, WIRE_LEN)) scanKeyValue(kr, depth + 1);
          else kr.skip(t & 7);
        }
        break;
      }
      default: r.skip(tag & 7);
    }
  }
}

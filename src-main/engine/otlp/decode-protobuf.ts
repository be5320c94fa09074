/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf) into the contract's span shape.
 * Field numbers follow opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 * Unknown fields are skipped, as protobuf requires; malformed framing throws DecodeError (→ 400).
 */
import type { ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../../src-shared/contract';
import { toHex, WireReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { readKeyValueInto, readResource, readScope, tagOf } from './common-protobuf';
import { BatchBuilder, kindName, statusName, type SpanBatch } from './span-batch';

export function decodeTraceRequest(buf: Uint8Array): SpanBatch {
  const r = new WireReader(buf);
  const out = new BatchBuilder();
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) {
      readResourceSpans(r.message(), out);
    } else r.skip(tag & 7);
  }
  return out.finish();
}

function readResourceSpans(r: WireReader, out: BatchBuilder): void {
  let resource: ResourceInfo = { attributes: {}, droppedAttributesCount: 0 };
  const scopeSpans: Array<{ start: number; end: number }> = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) {
      resource = readResource(r.message());
    } else if (tag === tagOf(2, WIRE_LEN)) scopeSpans.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  // The resource may follow its scope_spans on the wire; read spans once it is known.
  for (const { start, end } of scopeSpans) readScopeSpans(r.slice(start, end), resource, out);
}

function readScopeSpans(r: WireReader, resource: ResourceInfo, out: BatchBuilder): void {
  let scope: ScopeInfo = { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };
  const spans: Array<{ start: number; end: number }> = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) {
      scope = readScope(r.message());
    } else if (tag === tagOf(2, WIRE_LEN)) spans.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  for (const { start, end } of spans) out.add(readSpan(r.slice(start, end), resource, scope));
}

function readSpan(r: WireReader, resource: ResourceInfo, scope: ScopeInfo): SpanRecord {
  const span: SpanRecord = {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    traceState: '',
    name: '',
    kind: 'unspecified',
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    status: { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource,
    scope,
  };
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): span.traceId = toHex(r.bytes()); break;
      case tagOf(2, WIRE_LEN): span.spanId = toHex(r.bytes()); break;
      case tagOf(3, WIRE_LEN): span.traceState = r.string(); break;
      case tagOf(4, WIRE_LEN): span.parentSpanId = toHex(r.bytes()); break;
      case tagOf(5, WIRE_LEN): span.name = r.string(); break;
      case tagOf(6, WIRE_VARINT): span.kind = kindName(r.varint32()); break;
      case tagOf(7, WIRE_FIXED64): span.startTimeUnixNano = r.fixed64String(); break;
      case tagOf(8, WIRE_FIXED64): span.endTimeUnixNano = r.fixed64String(); break;
      case tagOf(9, WIRE_LEN): readKeyValueInto(r, span.attributes, 0); break;
      case tagOf(10, WIRE_VARINT): span.droppedAttributesCount = r.varint32(); break;
      case tagOf(11, WIRE_LEN): span.events.push(readEvent(r)); break;
      case tagOf(12, WIRE_VARINT): span.droppedEventsCount = r.varint32(); break;
      case tagOf(13, WIRE_LEN): span.links.push(readLink(r)); break;
      case tagOf(14, WIRE_VARINT): span.droppedLinksCount = r.varint32(); break;
      case tagOf(15, WIRE_LEN): span.status = readStatus(r); break;
      default: r.skip(tag & 7);
    }
  }
  return span;
}

function readEvent(outer: WireReader): SpanEvent {
  const r = outer.message();
  const ev: SpanEvent = { timeUnixNano: '0', name: '', attributes: {}, droppedAttributesCount: 0 };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_FIXED64)) ev.timeUnixNano = r.fixed64String();
    else if (tag === tagOf(2, WIRE_LEN)) ev.name = r.string();
    else if (tag === tagOf(3, WIRE_LEN)) readKeyValueInto(r, ev.attributes, 0);
    else if (tag === tagOf(4, WIRE_VARINT)) ev.droppedAttributesCount = r.varint32();
    else r.skip(tag & 7);
  }
  return ev;
}

function readLink(outer: WireReader): SpanLink {
  const r = outer.message();
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: {}, droppedAttributesCount: 0 };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) link.traceId = toHex(r.bytes());
    else if (tag === tagOf(2, WIRE_LEN)) link.spanId = toHex(r.bytes());
    else if (tag === tagOf(3, WIRE_LEN)) link.traceState = r.string();
    else if (tag === tagOf(4, WIRE_LEN)) readKeyValueInto(r, link.attributes, 0);
    else if (tag === tagOf(5, WIRE_VARINT)) link.droppedAttributesCount = r.varint32();
    else if (tag === tagOf(6, WIRE_FIXED32)) r.fixed32();
    else r.skip(tag & 7);
  }
  return link;
}

function readStatus(outer: WireReader): SpanRecord['status'] {
  const r = outer.message();
  const status: SpanRecord['status'] = { code: 'unset', message: '' };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(2, WIRE_LEN)) status.message = r.string();
    else if (tag === tagOf(3, WIRE_VARINT)) status.code = statusName(r.varint32());
    else r.skip(tag & 7);
  }
  return status;
}

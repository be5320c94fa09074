/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf) into the contract's span shape.
 * Field numbers follow opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 * Unknown fields are skipped, as protobuf requires; malformed framing throws DecodeError (→ 400).
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../../src-shared/contract';
import { DecodeError, toBase64, toHex, WireReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import { BatchBuilder, kindName, statusName, type SpanBatch } from './span-batch';

const tagOf = (field: number, wire: number) => (field << 3) | wire;

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

function readResource(r: WireReader): ResourceInfo {
  const res: ResourceInfo = { attributes: {}, droppedAttributesCount: 0 };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) readKeyValueInto(r, res.attributes, 0);
    else if (tag === tagOf(2, WIRE_VARINT)) res.droppedAttributesCount = r.varint32();
    else r.skip(tag & 7);
  }
  return res;
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

function readScope(r: WireReader): ScopeInfo {
  const scope: ScopeInfo = { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scope.name = r.string();
    else if (tag === tagOf(2, WIRE_LEN)) scope.version = r.string();
    else if (tag === tagOf(3, WIRE_LEN)) readKeyValueInto(r, scope.attributes, 0);
    else if (tag === tagOf(4, WIRE_VARINT)) scope.droppedAttributesCount = r.varint32();
    else r.skip(tag & 7);
  }
  return scope;
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

/** Reads one KeyValue (the reader is positioned at its length prefix) into `target`. */
function readKeyValueInto(outer: WireReader, target: Attributes, depth: number): void {
  const r = outer.message();
  let key = '';
  let value: AttributeValue = null;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) key = r.string();
    else if (tag === tagOf(2, WIRE_LEN)) value = readAnyValue(r.message(), depth + 1);
    else r.skip(tag & 7);
  }
  target[key] = value;
}

function readAnyValue(r: WireReader, depth: number): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let value: AttributeValue = null;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): value = r.string(); break;
      case tagOf(2, WIRE_VARINT): value = r.bool(); break;
      case tagOf(3, WIRE_VARINT): value = intValue(r.varint64()); break;
      case tagOf(4, WIRE_FIXED64): value = doubleValue(r.double()); break;
      case tagOf(5, WIRE_LEN): {
        const arr: AttributeValue[] = [];
        const ar = r.message();
        while (!ar.done()) {
          const t = ar.tag();
          if (t === tagOf(1, WIRE_LEN)) arr.push(readAnyValue(ar.message(), depth + 1));
          else ar.skip(t & 7);
        }
        value = arr;
        break;
      }
      case tagOf(6, WIRE_LEN): {
        const obj: Attributes = {};
        const kr = r.message();
        while (!kr.done()) {
          const t = kr.tag();
          if (t === tagOf(1, WIRE_LEN)) readKeyValueInto(kr, obj, depth + 1);
          else kr.skip(t & 7);
        }
        value = obj;
        break;
      }
      case tagOf(7, WIRE_LEN): value = toBase64(r.bytes()); break;
      default: r.skip(tag & 7);
    }
  }
  return value;
}

export function intValue(v: bigint): number | string {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
}

/** JSON has no NaN or Infinity; keep them readable instead of turning them into null. */
export function doubleValue(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

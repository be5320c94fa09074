/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` into the contract's span shape, following the
 * OTLP/JSON rules: hex ids (case-insensitive), integer enums, 64-bit integers as strings or numbers,
 * lowerCamelCase keys, unknown fields ignored. A body that is not JSON, or whose structure has the
 * wrong types, throws DecodeError (→ 400); a span with bad ids is rejected alone (partial success).
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../../src-shared/contract';
import { DecodeError } from './wire';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import { doubleValue, intValue } from './decode-protobuf';
import { BatchBuilder, kindName, statusName, type SpanBatch } from './span-batch';

type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeTraceRequestJson(body: Uint8Array): SpanBatch {
  let root: unknown;
  try {
    root = JSON.parse(utf8.decode(body));
  } catch (err) {
    throw new DecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  const out = new BatchBuilder();
  const request = object(root, 'request');
  for (const rs of array(request.resourceSpans, 'resourceSpans')) {
    const resourceSpans = object(rs, 'resourceSpans[]');
    const resource = readResource(resourceSpans.resource);
    for (const ss of array(resourceSpans.scopeSpans, 'scopeSpans')) {
      const scopeSpans = object(ss, 'scopeSpans[]');
      const scope = readScope(scopeSpans.scope);
      for (const s of array(scopeSpans.spans, 'spans')) out.add(readSpan(object(s, 'span'), resource, scope));
    }
  }
  return out.finish();
}

function object(v: unknown, what: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${what} must be an object`);
  return v as Json;
}

function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${what} must be a string`);
  return v;
}

function uint(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new DecodeError(`${what} must be a non-negative integer`);
  return n;
}

/** fixed64 nanoseconds: a decimal string or a number; kept as a decimal string. */
function nanos(v: unknown, what: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v).toString();
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v).toString();
  throw new DecodeError(`${what} must be an unsigned integer (string or number)`);
}

function hexId(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

function readAttributes(v: unknown, target: Attributes, depth: number): void {
  for (const kv of array(v, 'attributes')) {
    const pair = object(kv, 'attribute');
    target[str(pair.key, 'attribute key')] = readAnyValue(pair.value, depth + 1);
  }
}

function readAnyValue(v: unknown, depth: number): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  const any = object(v, 'attribute value');
  if ('stringValue' in any) return str(any.stringValue, 'stringValue');
  if ('boolValue' in any) {
    if (typeof any.boolValue !== 'boolean') throw new DecodeError('boolValue must be a boolean');
    return any.boolValue;
  }
  if ('intValue' in any) {
    const raw = any.intValue;
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'string' && /^-?\d{1,20}$/.test(raw)) return intValue(BigInt.asIntN(64, BigInt(raw)));
    throw new DecodeError('intValue must be an integer (string or number)');
  }
  if ('doubleValue' in any) {
    const raw = any.doubleValue;
    if (typeof raw === 'number') return doubleValue(raw);
    if (typeof raw === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(raw)) return raw;
    if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) return doubleValue(Number(raw));
    throw new DecodeError('doubleValue must be a number');
  }
  if ('arrayValue' in any) {
    return array(object(any.arrayValue, 'arrayValue').values, 'arrayValue.values').map((x) => readAnyValue(x, depth + 1));
  }
  if ('kvlistValue' in any) {
    const obj: Attributes = {};
    readAttributes(object(any.kvlistValue, 'kvlistValue').values, obj, depth);
    return obj;
  }
  if ('bytesValue' in any) return str(any.bytesValue, 'bytesValue');
  return null;
}

function readResource(v: unknown): ResourceInfo {
  const r = object(v, 'resource');
  const res: ResourceInfo = { attributes: {}, droppedAttributesCount: uint(r.droppedAttributesCount, 'droppedAttributesCount') };
  readAttributes(r.attributes, res.attributes, 0);
  return res;
}

function readScope(v: unknown): ScopeInfo {
  const s = object(v, 'scope');
  const scope: ScopeInfo = {
    name: str(s.name, 'scope.name'),
    version: str(s.version, 'scope.version'),
    attributes: {},
    droppedAttributesCount: uint(s.droppedAttributesCount, 'droppedAttributesCount'),
  };
  readAttributes(s.attributes, scope.attributes, 0);
  return scope;
}

function readSpan(s: Json, resource: ResourceInfo, scope: ScopeInfo): SpanRecord {
  const status = object(s.status, 'status');
  const span: SpanRecord = {
    traceId: hexId(s.traceId),
    spanId: hexId(s.spanId),
    parentSpanId: s.parentSpanId ? hexId(s.parentSpanId) : null,
    traceState: str(s.traceState, 'traceState'),
    name: str(s.name, 'name'),
    kind: kindName(uint(s.kind, 'kind')),
    startTimeUnixNano: nanos(s.startTimeUnixNano, 'startTimeUnixNano'),
    endTimeUnixNano: nanos(s.endTimeUnixNano, 'endTimeUnixNano'),
    status: { code: statusName(uint(status.code, 'status.code')), message: str(status.message, 'status.message') },
    attributes: {},
    droppedAttributesCount: uint(s.droppedAttributesCount, 'droppedAttributesCount'),
    events: array(s.events, 'events').map(readEvent),
    droppedEventsCount: uint(s.droppedEventsCount, 'droppedEventsCount'),
    links: array(s.links, 'links').map(readLink),
    droppedLinksCount: uint(s.droppedLinksCount, 'droppedLinksCount'),
    resource,
    scope,
  };
  readAttributes(s.attributes, span.attributes, 0);
  return span;
}

function readEvent(v: unknown): SpanEvent {
  const e = object(v, 'event');
  const ev: SpanEvent = {
    timeUnixNano: nanos(e.timeUnixNano, 'event.timeUnixNano'),
    name: str(e.name, 'event.name'),
    attributes: {},
    droppedAttributesCount: uint(e.droppedAttributesCount, 'droppedAttributesCount'),
  };
  readAttributes(e.attributes, ev.attributes, 0);
  return ev;
}

function readLink(v: unknown): SpanLink {
  const l = object(v, 'link');
  const link: SpanLink = {
    traceId: hexId(l.traceId),
    spanId: hexId(l.spanId),
    traceState: str(l.traceState, 'link.traceState'),
    attributes: {},
    droppedAttributesCount: uint(l.droppedAttributesCount, 'droppedAttributesCount'),
  };
  readAttributes(l.attributes, link.attributes, 0);
  return link;
}

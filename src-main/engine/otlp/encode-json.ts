/**
 * Stored spans → an OTLP/JSON `ExportTraceServiceRequest`, the inverse of decode-json.ts: whatever
 * this writes, decodeTraceRequestJson reads back to the same SpanRecords (GenAI is derived again at
 * ingest, so `genai` is not written). Spans sharing a resource share a resourceSpans entry, and a
 * scope within it a scopeSpans entry, in order of first appearance. Pure: no Node imports.
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../../src-shared/contract';
import { MAX_VALUE_BYTES } from './limits';
import { SPAN_KINDS, STATUS_CODES } from './span-batch';

export type OtlpAnyValue =
  | Record<string, never>
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpResource {
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScope {
  name: string;
  version?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  /** The OTLP SpanKind enum number. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  droppedEventsCount?: number;
  links?: OtlpLink[];
  droppedLinksCount?: number;
  /** `code` is the OTLP StatusCode enum number. */
  status: { code: number; message?: string };
}

export interface OtlpTraceRequest {
  resourceSpans: Array<{ resource: OtlpResource; scopeSpans: Array<{ scope: OtlpScope; spans: OtlpSpan[] }> }>;
}

export function encodeTraceRequestJson(spans: readonly SpanRecord[]): OtlpTraceRequest {
  const resources = new Map<string, { resource: OtlpResource; scopes: Map<string, { scope: OtlpScope; spans: OtlpSpan[] }> }>();
  // Spans read in one request share their resource and scope objects, so each is keyed once.
  const keys = new Map<object, string>();
  const keyOf = (o: ResourceInfo | ScopeInfo): string => {
    let k = keys.get(o);
    if (k === undefined) {
      k = canonical(o);
      keys.set(o, k);
    }
    return k;
  };
  for (const span of spans) {
    const rKey = keyOf(span.resource);
    let r = resources.get(rKey);
    if (!r) {
      r = { resource: encodeResource(span.resource), scopes: new Map() };
      resources.set(rKey, r);
    }
    const sKey = keyOf(span.scope);
    let s = r.scopes.get(sKey);
    if (!s) {
      s = { scope: encodeScope(span.scope), spans: [] };
      r.scopes.set(sKey, s);
    }
    s.spans.push(encodeSpan(span));
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: r.resource,
      scopeSpans: [...r.scopes.values()].map((s) => ({ scope: s.scope, spans: s.spans })),
    })),
  };
}

function encodeSpan(s: SpanRecord): OtlpSpan {
  const out: OtlpSpan = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: enumNumber(SPAN_KINDS, s.kind),
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: keyValues(s.attributes),
    status: { code: enumNumber(STATUS_CODES, s.status.code) },
  };
  if (s.parentSpanId !== null) out.parentSpanId = s.parentSpanId;
  if (s.traceState) out.traceState = s.traceState;
  if (s.status.message) out.status.message = s.status.message;
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length > 0) out.events = s.events.map(encodeEvent);
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length > 0) out.links = s.links.map(encodeLink);
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  return out;
}

function encodeEvent(e: SpanEvent): OtlpEvent {
  const out: OtlpEvent = { timeUnixNano: e.timeUnixNano, name: e.name };
  if (hasKeys(e.attributes)) out.attributes = keyValues(e.attributes);
  if (e.droppedAttributesCount) out.droppedAttributesCount = e.droppedAttributesCount;
  return out;
}

function encodeLink(l: SpanLink): OtlpLink {
  const out: OtlpLink = { traceId: l.traceId, spanId: l.spanId };
  if (l.traceState) out.traceState = l.traceState;
  if (hasKeys(l.attributes)) out.attributes = keyValues(l.attributes);
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  return out;
}

export function encodeResource(r: ResourceInfo): OtlpResource {
  const out: OtlpResource = { attributes: keyValues(r.attributes) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

export function encodeScope(s: ScopeInfo): OtlpScope {
  const out: OtlpScope = { name: s.name };
  if (s.version) out.version = s.version;
  if (hasKeys(s.attributes)) out.attributes = keyValues(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

/** Object.keys, not for…in: an own `__proto__` attribute (see setAttribute) must be written too. */
export function keyValues(attributes: Attributes): OtlpKeyValue[] {
  return Object.keys(attributes).map((key) => ({ key, value: anyValue(attributes[key]!) }));
}

/**
 * The stored value keeps less type than OTLP has, so the type written is the one that reads back
 * to the same stored value: a safe integer as intValue, any other number as doubleValue, and text
 * as stringValue, which is what bytes (base64), int64 beyond ±2^53 and NaN/±Infinity (decimal or
 * named text) are stored as. The exception is text longer than MAX_VALUE_BYTES: ingest cuts every
 * string to that, so only bytes can be stored longer, and as stringValue the re-import would cut them.
 */
export function anyValue(v: AttributeValue): OtlpAnyValue {
  if (v === null) return {};
  if (typeof v === 'string') return v.length > MAX_VALUE_BYTES ? { bytesValue: v } : { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return { intValue: String(v) };
    return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v) } };
}

function enumNumber<T>(values: readonly T[], name: T): number {
  const i = values.indexOf(name);
  return i < 0 ? 0 : i;
}

export function hasKeys(o: object): boolean {
  return Object.keys(o).length > 0;
}

/** A key equal for equal values whatever the key order of their objects (resource and scope identity). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) Object.defineProperty(sorted, k, { value: (value as Record<string, unknown>)[k], enumerable: true });
    return sorted;
  });
}

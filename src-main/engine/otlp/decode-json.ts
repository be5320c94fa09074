/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` into the contract's span shape, following the
 * OTLP/JSON rules: hex ids (case-insensitive), integer enums, 64-bit integers as strings or numbers,
 * lowerCamelCase keys, unknown fields ignored. A body that is not JSON, or whose structure has the
 * wrong types, throws DecodeError (→ 400); a span with bad ids is rejected alone (partial success).
 */
import type { ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../../src-shared/contract';
import { array, hexId, nanos, object, parseJsonBody, readAttributes, readResource, readScope, str, uint, type Json } from './common-json';
import { BatchBuilder, kindName, statusName, type SpanBatch } from './span-batch';

export function decodeTraceRequestJson(body: Uint8Array): SpanBatch {
  const root = parseJsonBody(body);
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

/**
 * Decodes an OTLP `ExportLogsServiceRequest`, protobuf or OTLP/JSON, into the contract's log shape.
 * Field numbers follow opentelemetry-proto logs/v1/logs.proto. Malformed framing or wrong JSON
 * types throw DecodeError (→ 400); a record whose trace or span id has the wrong length is
 * rejected alone (partial success). Unknown fields are skipped.
 */
import type { LogRecordView, ResourceInfo, ScopeInfo } from '../../../src-shared/contract';
import { toHex, WireReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { readAnyValue, readKeyValueInto, readResource, readScope, tagOf } from './common-protobuf';
import * as json from './common-json';
import { trimAttributes } from './limits';
import { ItemBatchBuilder, optionalId, type ItemBatch } from './item-batch';

export type LogBatch = ItemBatch<LogRecordView>;

const EMPTY_RESOURCE = (): ResourceInfo => ({ attributes: {}, droppedAttributesCount: 0 });
const EMPTY_SCOPE = (): ScopeInfo => ({ name: '', version: '', attributes: {}, droppedAttributesCount: 0 });

/** Raw ids as decoded (hex of whatever bytes came), checked once in `addRecord`. */
interface DecodedLog extends Omit<LogRecordView, 'traceId' | 'spanId'> {
  traceId: string;
  spanId: string;
}

function newLog(resource: ResourceInfo, scope: ScopeInfo): DecodedLog {
  return {
    traceId: '',
    spanId: '',
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    eventName: '',
    resource,
    scope,
  };
}

function addRecord(out: ItemBatchBuilder<LogRecordView>, log: DecodedLog): void {
  const traceId = optionalId(log.traceId, 16);
  const spanId = optionalId(log.spanId, 8);
  if (traceId === undefined) return out.reject('log record: trace_id must be empty or 16 bytes');
  if (spanId === undefined) return out.reject('log record: span_id must be empty or 8 bytes');
  log.droppedAttributesCount += trimAttributes(log.attributes);
  out.add({ ...log, traceId, spanId });
}

// ---- protobuf ----

export function decodeLogsRequest(buf: Uint8Array): LogBatch {
  const r = new WireReader(buf);
  const out = new ItemBatchBuilder<LogRecordView>();
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) readResourceLogs(r.message(), out);
    else r.skip(tag & 7);
  }
  return out.finish();
}

function readResourceLogs(r: WireReader, out: ItemBatchBuilder<LogRecordView>): void {
  let resource = EMPTY_RESOURCE();
  const scopeLogs: Array<{ start: number; end: number }> = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) resource = readResource(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) scopeLogs.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  // The resource may follow its scope_logs on the wire: read the records once it is known.
  for (const { start, end } of scopeLogs) readScopeLogs(r.slice(start, end), resource, out);
}

function readScopeLogs(r: WireReader, resource: ResourceInfo, out: ItemBatchBuilder<LogRecordView>): void {
  let scope = EMPTY_SCOPE();
  const records: Array<{ start: number; end: number }> = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scope = readScope(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) records.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  for (const { start, end } of records) addRecord(out, readLogRecord(r.slice(start, end), resource, scope));
}

function readLogRecord(r: WireReader, resource: ResourceInfo, scope: ScopeInfo): DecodedLog {
  const log = newLog(resource, scope);
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_FIXED64): log.timeUnixNano = r.fixed64String(); break;
      case tagOf(2, WIRE_VARINT): log.severityNumber = r.varint32(); break;
      case tagOf(3, WIRE_LEN): log.severityText = r.string(); break;
      // Depth 1: the body sits where a KeyValue's value would.
      case tagOf(5, WIRE_LEN): log.body = readAnyValue(r.message(), 1); break;
      case tagOf(6, WIRE_LEN): readKeyValueInto(r, log.attributes, 0); break;
      case tagOf(7, WIRE_VARINT): log.droppedAttributesCount = r.varint32(); break;
      case tagOf(8, WIRE_FIXED32): log.flags = r.fixed32(); break;
      case tagOf(9, WIRE_LEN): log.traceId = toHex(r.bytes()); break;
      case tagOf(10, WIRE_LEN): log.spanId = toHex(r.bytes()); break;
      case tagOf(11, WIRE_FIXED64): log.observedTimeUnixNano = r.fixed64String(); break;
      case tagOf(12, WIRE_LEN): log.eventName = r.string(); break;
      default: r.skip(tag & 7);
    }
  }
  return log;
}

// ---- OTLP/JSON ----

export function decodeLogsRequestJson(body: Uint8Array): LogBatch {
  const request = json.object(json.parseJsonBody(body), 'request');
  const out = new ItemBatchBuilder<LogRecordView>();
  for (const rl of json.array(request.resourceLogs, 'resourceLogs')) {
    const resourceLogs = json.object(rl, 'resourceLogs[]');
    const resource = json.readResource(resourceLogs.resource);
    for (const sl of json.array(resourceLogs.scopeLogs, 'scopeLogs')) {
      const scopeLogs = json.object(sl, 'scopeLogs[]');
      const scope = json.readScope(scopeLogs.scope);
      for (const lr of json.array(scopeLogs.logRecords, 'logRecords')) addRecord(out, readLogRecordJson(json.object(lr, 'logRecord'), resource, scope));
    }
  }
  return out.finish();
}

function readLogRecordJson(l: json.Json, resource: ResourceInfo, scope: ScopeInfo): DecodedLog {
  const log = newLog(resource, scope);
  log.traceId = json.hexId(l.traceId);
  log.spanId = json.hexId(l.spanId);
  log.timeUnixNano = json.nanos(l.timeUnixNano, 'timeUnixNano');
  log.observedTimeUnixNano = json.nanos(l.observedTimeUnixNano, 'observedTimeUnixNano');
  log.severityNumber = json.uint(l.severityNumber, 'severityNumber');
  log.severityText = json.str(l.severityText, 'severityText');
  log.body = l.body === undefined || l.body === null ? null : json.readAnyValue(l.body, 1);
  json.readAttributes(l.attributes, log.attributes, 0);
  log.droppedAttributesCount = json.uint(l.droppedAttributesCount, 'droppedAttributesCount');
  log.flags = json.uint(l.flags, 'flags');
  log.eventName = json.str(l.eventName, 'eventName');
  return log;
}

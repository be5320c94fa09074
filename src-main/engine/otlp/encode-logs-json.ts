/**
 * Stored log records → an OTLP/JSON `ExportLogsServiceRequest`, the inverse of decodeLogsRequestJson:
 * whatever this writes reads back to the same records, in the same order. Neighbouring records that
 * share a resource share a resourceLogs entry, and a scope within it a scopeLogs entry. Also holds
 * the grouping helpers encode-metrics-json.ts shares (the resource and scope ones are encode-json.ts'). Pure: no Node imports.
 */
import type { LogRecordView } from '../../../src-shared/contract';
import { anyValue, canonical, encodeResource, encodeScope, hasKeys, keyValues, type OtlpAnyValue, type OtlpKeyValue, type OtlpResource, type OtlpScope } from './encode-json';

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface OtlpLogsRequest {
  resourceLogs: Array<{ resource: OtlpResource; scopeLogs: Array<{ scope: OtlpScope; logRecords: OtlpLogRecord[] }> }>;
}

export function encodeLogsRequestJson(records: readonly LogRecordView[]): OtlpLogsRequest {
  const same = sameValue();
  return {
    resourceLogs: runs(records, (a, b) => same(a.resource, b.resource)).map((inResource) => ({
      resource: encodeResource(inResource[0]!.resource),
      scopeLogs: runs(inResource, (a, b) => same(a.scope, b.scope)).map((inScope) => ({
        scope: encodeScope(inScope[0]!.scope),
        logRecords: inScope.map(encodeLogRecord),
      })),
    })),
  };
}

function encodeLogRecord(l: LogRecordView): OtlpLogRecord {
  const out: OtlpLogRecord = { timeUnixNano: l.timeUnixNano, observedTimeUnixNano: l.observedTimeUnixNano };
  if (l.severityNumber) out.severityNumber = l.severityNumber;
  if (l.severityText) out.severityText = l.severityText;
  if (l.body !== null) out.body = anyValue(l.body);
  if (hasKeys(l.attributes)) out.attributes = keyValues(l.attributes);
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  if (l.traceId !== null) out.traceId = l.traceId;
  if (l.spanId !== null) out.spanId = l.spanId;
  if (l.eventName) out.eventName = l.eventName;
  return out;
}

// ---- shared with encode-metrics-json.ts ----

/**
 * Splits items into runs of neighbours that `same` says belong together, in order. Grouping by
 * first appearance instead (as encode-json.ts does for spans) would move a record of a resource that
 * comes back after another one in front of that other one's records: the order read back would differ.
 */
export function runs<T>(items: readonly T[], same: (a: T, b: T) => boolean): T[][] {
  const out: T[][] = [];
  for (const item of items) {
    const run = out.at(-1);
    if (run && same(run[0]!, item)) run.push(item);
    else out.push([item]);
  }
  return out;
}

/**
 * Equality by value whatever the key order, for resources, scopes and metric metadata. Records
 * decoded together share these objects, so identity answers most calls; the keys computed are kept
 * for one encoding only, since a caller may change the objects (redaction) between two encodings.
 */
export function sameValue(): (a: object, b: object) => boolean {
  const keys = new Map<object, string>();
  const keyOf = (o: object): string => {
    let k = keys.get(o);
    if (k === undefined) {
      k = canonical(o);
      keys.set(o, k);
    }
    return k;
  };
  return (a, b) => a === b || keyOf(a) === keyOf(b);
}

/**
 * An OTLP/JSON export request re-encoded as the protobuf request of the same signal, for forwarding
 * stored requests over gRPC (which takes protobuf only). Follows the OTLP/JSON rules of the spec:
 * lowerCamelCase names (snake_case accepted too), hex trace and span ids, enums as integers or names,
 * 64-bit integers as decimal strings or numbers, base64 bytes, unknown fields ignored. Writes fields
 * in field-number order and leaves proto3 defaults out, as a protobuf encoder would. Pure: no Node imports.
 * Table-driven rather than one hand-written function per message: the tables below read like the
 * .proto files of opentelemetry-proto v1.9 they were copied from, so a field number is checked in one place.
 */
import { DecodeError, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { parseJsonBody, type Json } from './common-json';
import { EXPORT_REQUEST, type OtlpSignal } from './responses';

/** An OTLP/JSON export request (as bytes of UTF-8 JSON) re-encoded as the binary protobuf export request of the same signal. */
export function otlpJsonToProtobuf(signal: OtlpSignal, body: Uint8Array): Uint8Array {
  const request = parseJsonBody(body);
  if (!isObject(request)) throw new DecodeError(`an OTLP/JSON ${EXPORT_REQUEST[signal]} must be a JSON object`);
  const w = new ByteWriter();
  try {
    writeMessage(w, SCHEMAS[REQUEST_MESSAGE[signal]], request, 0);
  } catch (err) {
    if (err instanceof FieldError) throw new DecodeError(`invalid OTLP/JSON ${EXPORT_REQUEST[signal]}: ${err.path} ${err.reason}`);
    throw err;
  }
  return w.finish();
}

const REQUEST_MESSAGE: Record<OtlpSignal, MessageName> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

// ---- scalar kinds: how a JSON value becomes a protobuf value ----

interface Scalar<T> {
  readonly wire: number;
  /** The JSON value as this kind's value; throws FieldError saying what was expected. */
  read(v: unknown): T;
  /** proto3 leaves a field at its default off the wire (unless it tracks presence). */
  isDefault(v: T): boolean;
  /** The value's encoding without its tag (length-prefixed for WIRE_LEN kinds). */
  write(w: ByteWriter, v: T): void;
}

const UINT32_MAX = 2 ** 32 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const STRING: Scalar<string> = {
  wire: WIRE_LEN,
  read: (v) => (typeof v === 'string' ? v : invalid('must be a string', v)),
  isDefault: (s) => s === '',
  write: (w, s) => w.string(s),
};

const BOOL: Scalar<boolean> = {
  wire: WIRE_VARINT,
  read: (v) => (typeof v === 'boolean' ? v : invalid('must be true or false', v)),
  isDefault: (b) => !b,
  write: (w, b) => w.varint(b ? 1 : 0),
};

const UINT32: Scalar<number> = {
  wire: WIRE_VARINT,
  read: (v) => readInteger(v, 0, UINT32_MAX, 'a uint32'),
  isDefault: (n) => n === 0,
  write: (w, n) => w.varint(n),
};

const SINT32: Scalar<number> = {
  wire: WIRE_VARINT,
  read: (v) => readInteger(v, -(2 ** 31), 2 ** 31 - 1, 'an int32'),
  isDefault: (n) => n === 0,
  write: (w, n) => w.varint(((n << 1) ^ (n >> 31)) >>> 0), // zigzag
};

const FIXED32: Scalar<number> = {
  wire: WIRE_FIXED32,
  read: (v) => readInteger(v, 0, UINT32_MAX, 'a uint32'),
  isDefault: (n) => n === 0,
  write: (w, n) => w.fixed32(n),
};

const INT64: Scalar<bigint> = {
  wire: WIRE_VARINT,
  read: (v) => readInteger64(v, INT64_MIN, INT64_MAX, 'an int64'),
  isDefault: (n) => n === 0n,
  write: (w, n) => w.varint64(BigInt.asUintN(64, n)),
};

const UINT64: Scalar<bigint> = {
  wire: WIRE_VARINT,
  read: (v) => readInteger64(v, 0n, UINT64_MAX, 'a uint64'),
  isDefault: (n) => n === 0n,
  write: (w, n) => w.varint64(n),
};

const FIXED64: Scalar<bigint> = {
  wire: WIRE_FIXED64,
  read: (v) => readInteger64(v, 0n, UINT64_MAX, 'a uint64'),
  isDefault: (n) => n === 0n,
  write: (w, n) => w.fixed64(n),
};

const SFIXED64: Scalar<bigint> = {
  wire: WIRE_FIXED64,
  read: (v) => readInteger64(v, INT64_MIN, INT64_MAX, 'an int64'),
  isDefault: (n) => n === 0n,
  write: (w, n) => w.fixed64(BigInt.asUintN(64, n)),
};

const DOUBLE: Scalar<number> = {
  wire: WIRE_FIXED64,
  read: readDouble,
  // -0 is not the default: protobuf's own encoders compare the bits, so it stays on the wire.
  isDefault: (n) => Object.is(n, 0),
  write: (w, n) => w.double(n),
};

const BYTES: Scalar<Uint8Array> = {
  wire: WIRE_LEN,
  read: readBase64,
  isDefault: (b) => b.length === 0,
  write: (w, b) => w.bytes(b),
};

/** OTLP/JSON's one departure from protobuf JSON: trace and span ids are hex, not base64. */
function hexId(size: number): Scalar<Uint8Array> {
  return { ...BYTES, read: (v) => readHexId(v, size) };
}
const TRACE_ID = hexId(16);
const SPAN_ID = hexId(8);

/** An open proto3 enum: any int32, or one of its value names. */
function enumOf(names: readonly string[]): Scalar<number> {
  const byName = new Map(names.map((name, i) => [name, i]));
  return {
    wire: WIRE_VARINT,
    read: (v) => {
      if (typeof v === 'string') return byName.get(v) ?? invalid(`must be one of ${names.join(', ')} (or its number)`, v);
      return readInteger(v, -(2 ** 31), 2 ** 31 - 1, 'an enum name or number');
    },
    isDefault: (n) => n === 0,
    write: (w, n) => (n < 0 ? w.varint64(BigInt.asUintN(64, BigInt(n))) : w.varint(n)),
  };
}

const SPAN_KIND = enumOf(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map((k) => `SPAN_KIND_${k}`));
const STATUS_CODE = enumOf(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']);
const SEVERITY_NUMBER = enumOf([
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) => ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`)),
]);
const AGGREGATION_TEMPORALITY = enumOf(['UNSPECIFIED', 'DELTA', 'CUMULATIVE'].map((t) => `AGGREGATION_TEMPORALITY_${t}`));

// ---- the messages (field numbers and types from opentelemetry-proto v1.9.0) ----

type MessageName =
  | 'AnyValue' | 'ArrayValue' | 'KeyValueList' | 'KeyValue' | 'InstrumentationScope' | 'EntityRef' | 'Resource'
  | 'ExportTraceServiceRequest' | 'ResourceSpans' | 'ScopeSpans' | 'Span' | 'Span.Event' | 'Span.Link' | 'Status'
  | 'ExportLogsServiceRequest' | 'ResourceLogs' | 'ScopeLogs' | 'LogRecord'
  | 'ExportMetricsServiceRequest' | 'ResourceMetrics' | 'ScopeMetrics' | 'Metric' | 'Gauge' | 'Sum' | 'Histogram'
  | 'ExponentialHistogram' | 'Summary' | 'NumberDataPoint' | 'HistogramDataPoint' | 'ExponentialHistogramDataPoint'
  | 'ExponentialHistogramDataPoint.Buckets' | 'SummaryDataPoint' | 'SummaryDataPoint.ValueAtQuantile' | 'Exemplar';

/** `repeated`; `optional` (proto3 presence: written even when zero); a oneof's name (presence, and one member at most). */
type Label = 'repeated' | 'optional' | `oneof ${string}`;
type FieldRow = readonly [number: number, jsonName: string, type: Scalar<unknown> | MessageName, label?: Label];

const ROWS: Record<MessageName, readonly FieldRow[]> = {
  // common/v1/common.proto (string_value_strindex and key_strindex are left out: profiles only)
  AnyValue: [
    [1, 'stringValue', STRING, 'oneof value'],
    [2, 'boolValue', BOOL, 'oneof value'],
    [3, 'intValue', INT64, 'oneof value'],
    [4, 'doubleValue', DOUBLE, 'oneof value'],
    [5, 'arrayValue', 'ArrayValue', 'oneof value'],
    [6, 'kvlistValue', 'KeyValueList', 'oneof value'],
    [7, 'bytesValue', BYTES, 'oneof value'],
  ],
  ArrayValue: [[1, 'values', 'AnyValue', 'repeated']],
  KeyValueList: [[1, 'values', 'KeyValue', 'repeated']],
  KeyValue: [
    [1, 'key', STRING],
    [2, 'value', 'AnyValue'],
  ],
  InstrumentationScope: [
    [1, 'name', STRING],
    [2, 'version', STRING],
    [3, 'attributes', 'KeyValue', 'repeated'],
    [4, 'droppedAttributesCount', UINT32],
  ],
  EntityRef: [
    [1, 'schemaUrl', STRING],
    [2, 'type', STRING],
    [3, 'idKeys', STRING, 'repeated'],
    [4, 'descriptionKeys', STRING, 'repeated'],
  ],
  // resource/v1/resource.proto
  Resource: [
    [1, 'attributes', 'KeyValue', 'repeated'],
    [2, 'droppedAttributesCount', UINT32],
    [3, 'entityRefs', 'EntityRef', 'repeated'],
  ],

  // collector/trace/v1/trace_service.proto, trace/v1/trace.proto
  ExportTraceServiceRequest: [[1, 'resourceSpans', 'ResourceSpans', 'repeated']],
  ResourceSpans: [
    [1, 'resource', 'Resource'],
    [2, 'scopeSpans', 'ScopeSpans', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  ScopeSpans: [
    [1, 'scope', 'InstrumentationScope'],
    [2, 'spans', 'Span', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  Span: [
    [1, 'traceId', TRACE_ID],
    [2, 'spanId', SPAN_ID],
    [3, 'traceState', STRING],
    [4, 'parentSpanId', SPAN_ID],
    [5, 'name', STRING],
    [6, 'kind', SPAN_KIND],
    [7, 'startTimeUnixNano', FIXED64],
    [8, 'endTimeUnixNano', FIXED64],
    [9, 'attributes', 'KeyValue', 'repeated'],
    [10, 'droppedAttributesCount', UINT32],
    [11, 'events', 'Span.Event', 'repeated'],
    [12, 'droppedEventsCount', UINT32],
    [13, 'links', 'Span.Link', 'repeated'],
    [14, 'droppedLinksCount', UINT32],
    [15, 'status', 'Status'],
    [16, 'flags', FIXED32],
  ],
  'Span.Event': [
    [1, 'timeUnixNano', FIXED64],
    [2, 'name', STRING],
    [3, 'attributes', 'KeyValue', 'repeated'],
    [4, 'droppedAttributesCount', UINT32],
  ],
  'Span.Link': [
    [1, 'traceId', TRACE_ID],
    [2, 'spanId', SPAN_ID],
    [3, 'traceState', STRING],
    [4, 'attributes', 'KeyValue', 'repeated'],
    [5, 'droppedAttributesCount', UINT32],
    [6, 'flags', FIXED32],
  ],
  Status: [
    [2, 'message', STRING],
    [3, 'code', STATUS_CODE],
  ],

  // collector/logs/v1/logs_service.proto, logs/v1/logs.proto
  ExportLogsServiceRequest: [[1, 'resourceLogs', 'ResourceLogs', 'repeated']],
  ResourceLogs: [
    [1, 'resource', 'Resource'],
    [2, 'scopeLogs', 'ScopeLogs', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  ScopeLogs: [
    [1, 'scope', 'InstrumentationScope'],
    [2, 'logRecords', 'LogRecord', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  LogRecord: [
    [1, 'timeUnixNano', FIXED64],
    [2, 'severityNumber', SEVERITY_NUMBER],
    [3, 'severityText', STRING],
    [5, 'body', 'AnyValue'],
    [6, 'attributes', 'KeyValue', 'repeated'],
    [7, 'droppedAttributesCount', UINT32],
    [8, 'flags', FIXED32],
    [9, 'traceId', TRACE_ID],
    [10, 'spanId', SPAN_ID],
    [11, 'observedTimeUnixNano', FIXED64],
    [12, 'eventName', STRING],
  ],

  // collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto
  ExportMetricsServiceRequest: [[1, 'resourceMetrics', 'ResourceMetrics', 'repeated']],
  ResourceMetrics: [
    [1, 'resource', 'Resource'],
    [2, 'scopeMetrics', 'ScopeMetrics', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  ScopeMetrics: [
    [1, 'scope', 'InstrumentationScope'],
    [2, 'metrics', 'Metric', 'repeated'],
    [3, 'schemaUrl', STRING],
  ],
  Metric: [
    [1, 'name', STRING],
    [2, 'description', STRING],
    [3, 'unit', STRING],
    [5, 'gauge', 'Gauge', 'oneof data'],
    [7, 'sum', 'Sum', 'oneof data'],
    [9, 'histogram', 'Histogram', 'oneof data'],
    [10, 'exponentialHistogram', 'ExponentialHistogram', 'oneof data'],
    [11, 'summary', 'Summary', 'oneof data'],
    [12, 'metadata', 'KeyValue', 'repeated'],
  ],
  Gauge: [[1, 'dataPoints', 'NumberDataPoint', 'repeated']],
  Sum: [
    [1, 'dataPoints', 'NumberDataPoint', 'repeated'],
    [2, 'aggregationTemporality', AGGREGATION_TEMPORALITY],
    [3, 'isMonotonic', BOOL],
  ],
  Histogram: [
    [1, 'dataPoints', 'HistogramDataPoint', 'repeated'],
    [2, 'aggregationTemporality', AGGREGATION_TEMPORALITY],
  ],
  ExponentialHistogram: [
    [1, 'dataPoints', 'ExponentialHistogramDataPoint', 'repeated'],
    [2, 'aggregationTemporality', AGGREGATION_TEMPORALITY],
  ],
  Summary: [[1, 'dataPoints', 'SummaryDataPoint', 'repeated']],
  NumberDataPoint: [
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'asDouble', DOUBLE, 'oneof value'],
    [5, 'exemplars', 'Exemplar', 'repeated'],
    [6, 'asInt', SFIXED64, 'oneof value'],
    [7, 'attributes', 'KeyValue', 'repeated'],
    [8, 'flags', UINT32],
  ],
  HistogramDataPoint: [
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', DOUBLE, 'optional'],
    [6, 'bucketCounts', FIXED64, 'repeated'],
    [7, 'explicitBounds', DOUBLE, 'repeated'],
    [8, 'exemplars', 'Exemplar', 'repeated'],
    [9, 'attributes', 'KeyValue', 'repeated'],
    [10, 'flags', UINT32],
    [11, 'min', DOUBLE, 'optional'],
    [12, 'max', DOUBLE, 'optional'],
  ],
  ExponentialHistogramDataPoint: [
    [1, 'attributes', 'KeyValue', 'repeated'],
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', DOUBLE, 'optional'],
    [6, 'scale', SINT32],
    [7, 'zeroCount', FIXED64],
    [8, 'positive', 'ExponentialHistogramDataPoint.Buckets'],
    [9, 'negative', 'ExponentialHistogramDataPoint.Buckets'],
    [10, 'flags', UINT32],
    [11, 'exemplars', 'Exemplar', 'repeated'],
    [12, 'min', DOUBLE, 'optional'],
    [13, 'max', DOUBLE, 'optional'],
    [14, 'zeroThreshold', DOUBLE],
  ],
  'ExponentialHistogramDataPoint.Buckets': [
    [1, 'offset', SINT32],
    [2, 'bucketCounts', UINT64, 'repeated'],
  ],
  SummaryDataPoint: [
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', DOUBLE],
    [6, 'quantileValues', 'SummaryDataPoint.ValueAtQuantile', 'repeated'],
    [7, 'attributes', 'KeyValue', 'repeated'],
    [8, 'flags', UINT32],
  ],
  'SummaryDataPoint.ValueAtQuantile': [
    [1, 'quantile', DOUBLE],
    [2, 'value', DOUBLE],
  ],
  Exemplar: [
    [2, 'timeUnixNano', FIXED64],
    [3, 'asDouble', DOUBLE, 'oneof value'],
    [4, 'spanId', SPAN_ID],
    [5, 'traceId', TRACE_ID],
    [6, 'asInt', SFIXED64, 'oneof value'],
    [7, 'filteredAttributes', 'KeyValue', 'repeated'],
  ],
};

interface Field {
  readonly json: string;
  /** The .proto name, which protobuf JSON parsers accept as well. */
  readonly snake: string;
  readonly tag: number;
  readonly scalar: Scalar<unknown> | null;
  readonly message: MessageName | null;
  readonly repeated: boolean;
  /** Written even when it holds the default: a oneof member or a proto3 `optional`. */
  readonly presence: boolean;
  readonly oneof: string | null;
}

type Schema = readonly Field[];

const SCHEMAS = {} as Record<MessageName, Schema>;
for (const name of Object.keys(ROWS) as MessageName[]) SCHEMAS[name] = [...ROWS[name]].sort((a, b) => a[0] - b[0]).map(compileField);

function compileField([number, json, type, label]: FieldRow): Field {
  const scalar = typeof type === 'string' ? null : type;
  // Packed is proto3's default for repeated numbers (histogram bucket_counts, explicit_bounds).
  const packed = label === 'repeated' && scalar !== null && scalar.wire !== WIRE_LEN;
  return {
    json,
    snake: json.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    tag: number * 8 + (scalar === null || packed ? WIRE_LEN : scalar.wire),
    scalar,
    message: typeof type === 'string' ? type : null,
    repeated: label === 'repeated',
    presence: label === 'optional' || (label?.startsWith('oneof ') ?? false),
    oneof: label?.startsWith('oneof ') ? label.slice('oneof '.length) : null,
  };
}

// ---- the encoder ----

/**
 * Far beyond any request ingest accepts (AnyValue nesting is capped at 32 levels, two messages each),
 * and shallow enough that a hostile body fails with a DecodeError rather than a stack overflow.
 */
const MAX_DEPTH = 100;

function writeMessage(w: ByteWriter, schema: Schema, json: Json, depth: number): void {
  if (depth > MAX_DEPTH) throw new FieldError(`nests messages deeper than ${MAX_DEPTH} levels`);
  let oneofMember: string | null = null;
  for (const f of schema) {
    let key = f.json;
    let v = json[key];
    if (v === undefined) {
      key = f.snake;
      v = json[key];
    }
    // null is "not set" in protobuf JSON, for every field kind.
    if (v === undefined || v === null) continue;
    try {
      if (f.oneof !== null) {
        if (oneofMember !== null) throw new FieldError(`cannot be set together with ${oneofMember}: both belong to oneof ${f.oneof}`);
        oneofMember = key;
      }
      if (f.repeated) writeRepeated(w, f, v, depth);
      else if (f.scalar !== null) {
        const value = f.scalar.read(v);
        if (f.presence || !f.scalar.isDefault(value)) {
          w.varint(f.tag);
          f.scalar.write(w, value);
        }
      } else {
        w.varint(f.tag);
        writeSubMessage(w, f.message!, v, depth);
      }
    } catch (err) {
      throw within(err, key);
    }
  }
}

function writeRepeated(w: ByteWriter, f: Field, v: unknown, depth: number): void {
  if (!Array.isArray(v)) invalid('must be an array', v);
  if (v.length === 0) return;
  const scalar = f.scalar;
  const packed = scalar !== null && scalar.wire !== WIRE_LEN;
  let start = 0;
  if (packed) {
    w.varint(f.tag);
    start = w.begin();
  }
  for (let i = 0; i < v.length; i++) {
    try {
      if (scalar === null) {
        w.varint(f.tag);
        writeSubMessage(w, f.message!, v[i], depth);
      } else {
        const value = scalar.read(v[i]);
        if (!packed) w.varint(f.tag);
        scalar.write(w, value);
      }
    } catch (err) {
      throw within(err, `[${i}]`);
    }
  }
  if (packed) w.end(start);
}

function writeSubMessage(w: ByteWriter, name: MessageName, v: unknown, depth: number): void {
  if (!isObject(v)) invalid(`must be an object (a ${name.replace(/^.*\./, '')} message)`, v);
  const start = w.begin();
  writeMessage(w, SCHEMAS[name], v, depth + 1);
  w.end(start);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- reading JSON values ----

/** What was wrong and where: the path grows as the error passes up through the enclosing messages. */
class FieldError extends DecodeError {
  path = '';

  constructor(readonly reason: string) {
    super(reason);
  }
}

function invalid(reason: string, value: unknown): never {
  throw new FieldError(`${reason}, got ${preview(value)}`);
}

function within(err: unknown, segment: string): unknown {
  if (err instanceof FieldError) err.path = err.path === '' || err.path.startsWith('[') ? segment + err.path : `${segment}.${err.path}`;
  return err;
}

function preview(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Protobuf JSON takes 32-bit integers as numbers or as decimal strings. */
function readInteger(v: unknown, min: number, max: number, what: string): number {
  const n = typeof v === 'string' && /^-?\d{1,10}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) invalid(`must be ${what} (a number or a decimal string)`, v);
  return n;
}

/** 64-bit integers: decimal strings (exact) or numbers (JSON writers that use numbers lose nothing below 2^53). */
function readInteger64(v: unknown, min: bigint, max: bigint, what: string): bigint {
  let n: bigint | null = null;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  if (n === null || n < min || n > max) invalid(`must be ${what} (a decimal string or a number)`, v);
  return n;
}

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // JSON has no NaN or Infinity, so protobuf JSON spells them as strings; numbers may be strings too.
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (DECIMAL.test(v)) return Number(v);
  }
  return invalid('must be a number (or "NaN", "Infinity", "-Infinity")', v);
}

function readBase64(v: unknown): Uint8Array {
  if (typeof v !== 'string') return invalid('must be a base64 string', v);
  let binary: string;
  try {
    // Protobuf JSON parsers accept the URL-safe alphabet and missing padding as well.
    binary = atob(v.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return invalid('must be a base64 string', v);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const EMPTY = new Uint8Array(0);

/** An id of exactly `size` bytes, or "" for none. Any other length is refused: receivers reject it anyway. */
function readHexId(v: unknown, size: number): Uint8Array {
  const expected = `must be a ${size}-byte id as ${size * 2} hex digits`;
  if (typeof v !== 'string') return invalid(expected, v);
  if (v === '') return EMPTY;
  if (v.length !== size * 2) return invalid(expected, v);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const high = hexDigit(v.charCodeAt(2 * i));
    const low = hexDigit(v.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return invalid(expected, v);
    out[i] = high * 16 + low;
  }
  return out;
}

/** A hex digit's value, or -1. By char code: a regex test plus parseInt per byte took about 4× as long (1M trace ids: 0.8–1 s against 0.22 s). */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1; // a-f, A-F
}

// ---- the byte writer ----

const utf8 = new TextEncoder();

/**
 * A growable protobuf writer. A length-delimited field reserves one byte for its length and moves
 * its contents up when the length needs more: one copy per enclosing message over 127 bytes, against
 * a size pass over the whole tree first (which would read every JSON value twice).
 */
class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  varint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** An unsigned 64-bit varint. */
  varint64(value: bigint): void {
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) return this.varint(Number(value));
    this.reserve(10);
    let v = value;
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  fixed32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  fixed64(value: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.pos, value, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(data: Uint8Array): void {
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  string(s: string): void {
    const start = this.begin();
    this.reserve(s.length * 3); // the most UTF-8 bytes a UTF-16 string can need
    this.pos += utf8.encodeInto(s, this.buf.subarray(this.pos)).written;
    this.end(start);
  }

  /** Starts a length-delimited value; returns where its length goes, for end(). */
  begin(): number {
    this.reserve(1);
    return this.pos++;
  }

  end(start: number): void {
    let length = this.pos - start - 1;
    let size = 1;
    while (length >= 2 ** (7 * size)) size++;
    if (size > 1) {
      this.reserve(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    for (let i = start; i < start + size - 1; i++) {
      this.buf[i] = (length & 0x7f) | 0x80;
      length = Math.floor(length / 128);
    }
    this.buf[start + size - 1] = length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/**
 * The fuzzer's starting points: real requests from the benchmark generator (recorded by the OTel
 * SDK, encoded by otlp-transformer's serializers) cut small so a case decodes in microseconds, two
 * full 512-span requests, and hand-made edge cases the generator never produces (every AnyValue
 * type, nesting at and past the limit, bad ids, unknown fields of every wire type, a resource
 * after its spans). Deterministic: the same seed gives the same corpus.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AgentSpanGenerator } from '../../gen/agent-spans';
import { MAX_ANY_VALUE_DEPTH } from '../../../src-main/engine/otlp/limits';
import { bytesNode, doubleNode, fixed64Node, messageNode, parseMessage, serialize, tagBytes, varintNode, type PNode } from './proto-tree';

export interface ProtoSeed {
  name: string;
  bytes: Uint8Array;
  /** The parsed tree (null for a seed that is not valid framing, e.g. empty). */
  tree: PNode[] | null;
}

export interface JsonSeed {
  name: string;
  text: string;
  /** JSON.parse(text), or undefined when the seed is not JSON. */
  value: unknown;
}

export interface Corpus {
  /** Small seeds: most cases start here. */
  proto: ProtoSeed[];
  /** 512-span requests: a few cases start here (they cost ~100× a small one). */
  protoLarge: ProtoSeed[];
  json: JsonSeed[];
}

export interface CorpusOptions {
  /** Also record two 512-span requests (about 10 ms). Default true. */
  large?: boolean;
}

function protoSeed(name: string, bytes: Uint8Array): ProtoSeed {
  return { name, bytes, tree: bytes.length ? parseMessage(bytes) : [] };
}

function jsonSeed(name: string, text: string): JsonSeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  return { name, text, value };
}

export function buildCorpus(seed: number, options: CorpusOptions = {}): Corpus {
  const gen = new AgentSpanGenerator({ seed });
  const proto: ProtoSeed[] = [];
  const json: JsonSeed[] = [];
  // Requests of 1, 2, 3, 5 and 8 spans, cut from consecutive traces in span-end order.
  const pending: ReadableSpan[] = [];
  const sizes = [1, 2, 3, 5, 8];
  for (let i = 0; proto.length < 30 && i < 200; i++) {
    pending.push(...gen.nextTrace().spans);
    while (proto.length < 30) {
      const n = sizes[proto.length % sizes.length]!;
      if (pending.length < n) break;
      const spans = pending.splice(0, n);
      proto.push(protoSeed(`agent-${n}-spans-${proto.length}`, ProtobufTraceSerializer.serializeRequest(spans)!.slice()));
      if (json.length < 10) json.push(jsonSeed(`agent-${n}-spans-${json.length}`, new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!)));
    }
  }
  const protoLarge: ProtoSeed[] = [];
  if (options.large ?? true) {
    for (let r = 0; r < 2; r++) {
      const spans: ReadableSpan[] = [];
      while (spans.length < 512) spans.push(...gen.nextTrace().spans);
      protoLarge.push(protoSeed(`agent-512-spans-${r}`, ProtobufTraceSerializer.serializeRequest(spans.slice(0, 512))!.slice()));
    }
  }
  for (const [name, nodes] of handMadeProto()) proto.push(protoSeed(name, serialize(nodes)));
  proto.push({ name: 'empty', bytes: new Uint8Array(0), tree: [] });
  for (const [name, value] of handMadeJson()) json.push(jsonSeed(name, JSON.stringify(value)));
  json.push(jsonSeed('empty-object', '{}'));
  return { proto, protoLarge, json };
}

// ---------------------------------------------------------------------------------------------
// Hand-made protobuf requests (field numbers from opentelemetry-proto trace/v1, common/v1).

const TRACE_ID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const SPAN_ID = Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i);

const str = (field: number, s: string) => bytesNode(field, s);
/** A KeyValue as field `field` of its message (9 on a span, 1 on a resource, 3 on an event or scope). */
const kv = (key: string, value: PNode[], field = 9): PNode => messageNode(field, [str(1, key), messageNode(2, value)]);

/** An AnyValue holding `levels` AnyValues in all, alternating array_value and kvlist_value when `mixed`. */
export function nestedAnyValue(levels: number, mixed: boolean): PNode[] {
  let any: PNode[] = [str(1, 'leaf')];
  for (let i = 1; i < levels; i++) {
    any = mixed && i % 2 === 0
      ? [messageNode(6, [messageNode(1, [str(1, `k${i}`), messageNode(2, any)])])]
      : [messageNode(5, [messageNode(1, any)])];
  }
  return any;
}

function span(extra: PNode[], ids: PNode[] = [bytesNode(1, TRACE_ID), bytesNode(2, SPAN_ID)]): PNode {
  return messageNode(2, [
    ...ids,
    str(5, 'edge'),
    varintNode(6, 2),
    fixed64Node(7, 1748851200000000000n),
    fixed64Node(8, 1748851200001000000n),
    ...extra,
  ]);
}

function request(spans: PNode[], resource: PNode[] = [messageNode(1, [kv('service.name', [str(1, 'edge-svc')], 1)])]): PNode[] {
  return [messageNode(1, [...resource, messageNode(2, [messageNode(1, [str(1, 'scope'), str(2, '1.0')]), ...spans])])];
}

function unknownFields(): PNode[] {
  return [
    varintNode(99, 12345),
    fixed64Node(98, 7n),
    bytesNode(97, 'unknown'),
    { field: 96, wire: 5, tag: tagBytes(96, 5), raw: new Uint8Array(4), children: null },
  ];
}

function handMadeProto(): Array<[string, PNode[]]> {
  const everyValue = [
    kv('s', [str(1, 'héllo ✓')]),
    kv('b', [varintNode(2, 1)]),
    kv('i-min', [varintNode(3, -(2n ** 63n))]),
    kv('i-max', [varintNode(3, 2n ** 63n - 1n)]),
    kv('d-nan', [doubleNode(4, NaN)]),
    kv('d-inf', [doubleNode(4, -Infinity)]),
    kv('arr', [messageNode(5, [messageNode(1, [str(1, 'a')]), messageNode(1, [varintNode(3, 2)]), messageNode(1, [])])]),
    kv('kvl', [messageNode(6, [messageNode(1, [str(1, 'inner'), messageNode(2, [varintNode(2, 0)])])])]),
    kv('bytes', [bytesNode(7, Uint8Array.of(0, 255, 128))]),
    kv('empty', []),
    messageNode(9, []),
  ];
  const event = messageNode(11, [fixed64Node(1, 1748851200000500000n), str(2, 'exception'), kv('exception.type', [str(1, 'E')], 3), varintNode(4, 3)]);
  const link = messageNode(13, [bytesNode(1, TRACE_ID), bytesNode(2, SPAN_ID), str(3, 'k=v'), kv('l', [varintNode(3, 1)], 4), varintNode(5, 1), { field: 6, wire: 5, tag: tagBytes(6, 5), raw: Uint8Array.of(1, 3, 0, 0), children: null }]);
  const status = messageNode(15, [str(2, 'boom'), varintNode(3, 2)]);
  const scopeFirst = request([span([])]);
  // The resource after its scope_spans: legal protobuf (field order is free).
  const rs = scopeFirst[0]!.children!;
  return [
    ['every-value-type', request([span([...everyValue, event, link, status, str(3, 'vendor=x'), varintNode(10, 1), varintNode(12, 2), varintNode(14, 3)])])],
    ['resource-after-spans', [messageNode(1, [rs[1]!, rs[0]!])]],
    ['nesting-at-limit', request([span([kv('deep', nestedAnyValue(MAX_ANY_VALUE_DEPTH, false))])])],
    ['nesting-past-limit', request([span([kv('deep', nestedAnyValue(MAX_ANY_VALUE_DEPTH + 1, false))])])],
    ['nesting-mixed', request([span([kv('deep', nestedAnyValue(MAX_ANY_VALUE_DEPTH - 8, true))])])],
    ['zero-trace-id', request([span([], [bytesNode(1, new Uint8Array(16)), bytesNode(2, SPAN_ID)])])],
    ['short-span-id', request([span([], [bytesNode(1, TRACE_ID), bytesNode(2, SPAN_ID.subarray(0, 7))])])],
    ['zero-parent', request([span([bytesNode(4, new Uint8Array(8))])])],
    ['nine-byte-parent', request([span([bytesNode(4, new Uint8Array(9).fill(1))])])],
    ['no-ids', request([span([], [])])],
    ['unknown-fields-everywhere', [...unknownFields(), messageNode(1, [...unknownFields(), messageNode(2, [...unknownFields(), span(unknownFields())])])]],
    ['many-resources', [0, 1, 2].flatMap(() => request([span([]), span([])]))],
  ];
}

// ---------------------------------------------------------------------------------------------
// Hand-made OTLP/JSON requests.

function handMadeJson(): Array<[string, unknown]> {
  const ids = { traceId: '0102030405060708090A0B0C0D0E0F10', spanId: 'A0A1A2A3A4A5A6A7' };
  let deep: unknown = { stringValue: 'leaf' };
  for (let i = 1; i < MAX_ANY_VALUE_DEPTH; i++) deep = i % 2 ? { arrayValue: { values: [deep] } } : { kvlistValue: { values: [{ key: `k${i}`, value: deep }] } };
  const attributes = [
    { key: 's', value: { stringValue: 'héllo' } },
    { key: 'i', value: { intValue: '-9223372036854775808' } },
    { key: 'n', value: { intValue: 42 } },
    { key: 'd', value: { doubleValue: 'NaN' } },
    { key: 'b', value: { boolValue: true } },
    { key: 'bytes', value: { bytesValue: 'AP+A' } },
    { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, {}] } } },
    { key: 'kvl', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } } },
    { key: 'deep', value: deep },
    { key: 'none' },
  ];
  const span = {
    ...ids,
    parentSpanId: '',
    traceState: 'vendor=x',
    name: 'edge',
    kind: 3,
    startTimeUnixNano: 1748851200000000000,
    endTimeUnixNano: '1748851200001000000',
    attributes,
    events: [{ timeUnixNano: '1748851200000500000', name: 'exception', attributes: [{ key: 'e', value: { stringValue: 'E' } }] }],
    links: [{ ...ids, traceState: '', attributes: [], droppedAttributesCount: 0 }],
    status: { code: 2, message: 'boom' },
    droppedAttributesCount: '1',
  };
  return [
    ['json-every-value', { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'edge' } }] }, scopeSpans: [{ scope: { name: 's', version: '1' }, spans: [span] }] }] }],
    ['json-bad-ids', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '', name: 'bad' }, { traceId: '0'.repeat(32), spanId: '1'.repeat(16) }] }] }] }],
  ];
}

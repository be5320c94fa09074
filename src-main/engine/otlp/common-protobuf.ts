/**
 * The parts of OTLP protobuf shared by every signal (common/v1/common.proto, resource/v1/resource.proto):
 * KeyValue, AnyValue, Resource, InstrumentationScope.
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo } from '../../../src-shared/contract';
import { DecodeError, toBase64, WireReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { limitTally, MAX_ANY_VALUE_DEPTH, MAX_VALUE_BYTES, setAttribute, utf8Prefix } from './limits';

export const tagOf = (field: number, wire: number) => (field << 3) | wire;

export function readResource(r: WireReader): ResourceInfo {
  const res: ResourceInfo = { attributes: {}, droppedAttributesCount: 0 };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) readKeyValueInto(r, res.attributes, 0);
    else if (tag === tagOf(2, WIRE_VARINT)) res.droppedAttributesCount = r.varint32();
    else r.skip(tag & 7);
  }
  return res;
}

export function readScope(r: WireReader): ScopeInfo {
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

/** Reads one KeyValue (the reader is positioned at its length prefix) into `target`. */
export function readKeyValueInto(outer: WireReader, target: Attributes, depth: number): void {
  const r = outer.message();
  let key = '';
  let value: AttributeValue = null;
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) key = r.string();
    else if (tag === tagOf(2, WIRE_LEN)) value = readAnyValue(r.message(), depth + 1);
    else r.skip(tag & 7);
  }
  setAttribute(target, key, value);
}

export function readAnyValue(r: WireReader, depth: number): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let value: AttributeValue = null;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): value = limitedString(r); break;
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
      case tagOf(7, WIRE_LEN): value = toBase64(limitedBytes(r)); break;
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

/** A string value, cut to MAX_VALUE_BYTES (counted) when longer. */
function limitedString(r: WireReader): string {
  const { start, end } = r.lengthDelimited();
  if (end - start <= MAX_VALUE_BYTES) return r.stringAt(start, end);
  limitTally.truncatedValues++;
  return utf8Prefix(r.buf.subarray(start, end), MAX_VALUE_BYTES);
}

function limitedBytes(r: WireReader): Uint8Array {
  const bytes = r.bytes();
  if (bytes.length <= MAX_VALUE_BYTES) return bytes;
  limitTally.truncatedValues++;
  return bytes.subarray(0, MAX_VALUE_BYTES);
}

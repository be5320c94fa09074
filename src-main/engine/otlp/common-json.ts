/**
 * The parts of OTLP/JSON shared by every signal: field readers that enforce the OTLP/JSON rules,
 * KeyValue, AnyValue, Resource, InstrumentationScope.
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo } from '../../../src-shared/contract';
import { DecodeError } from './wire';
import { limitString, limitTally, setAttribute, MAX_ANY_VALUE_DEPTH, MAX_VALUE_BYTES } from './limits';
import { doubleValue, intValue } from './common-protobuf';

export type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as JSON; anything else is a DecodeError (→ 400). */
export function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (err) {
    throw new DecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

export function object(v: unknown, what: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${what} must be an object`);
  return v as Json;
}

export function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${what} must be an array`);
  return v;
}

export function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${what} must be a string`);
  return v;
}

export function uint(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new DecodeError(`${what} must be a non-negative integer`);
  return n;
}

/** fixed64 nanoseconds: a decimal string or a number; kept as a decimal string. */
export function nanos(v: unknown, what: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v).toString();
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v).toString();
  throw new DecodeError(`${what} must be an unsigned integer (string or number)`);
}

export function hexId(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

export function readAttributes(v: unknown, target: Attributes, depth: number): void {
  for (const kv of array(v, 'attributes')) {
    const pair = object(kv, 'attribute');
    setAttribute(target, str(pair.key, 'attribute key'), readAnyValue(pair.value, depth + 1));
  }
}

export function readAnyValue(v: unknown, depth: number): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  const any = object(v, 'attribute value');
  if ('stringValue' in any) return limitString(str(any.stringValue, 'stringValue'));
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
  if ('bytesValue' in any) return limitBase64(str(any.bytesValue, 'bytesValue'));
  return null;
}

export function readResource(v: unknown): ResourceInfo {
  const r = object(v, 'resource');
  const res: ResourceInfo = { attributes: {}, droppedAttributesCount: uint(r.droppedAttributesCount, 'droppedAttributesCount') };
  readAttributes(r.attributes, res.attributes, 0);
  return res;
}

export function readScope(v: unknown): ScopeInfo {
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

/** bytesValue is base64: cut the bytes it stands for, not its text. */
function limitBase64(b64: string): string {
  if (b64.length <= Math.ceil(MAX_VALUE_BYTES / 3) * 4) return b64;
  limitTally.truncatedValues++;
  return Buffer.from(b64, 'base64').subarray(0, MAX_VALUE_BYTES).toString('base64');
}

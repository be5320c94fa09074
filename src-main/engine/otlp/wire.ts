/**
 * A minimal protobuf wire-format reader over a Uint8Array. Pure (no Node imports) so the renderer
 * and tests can reuse it. Every read is bounds-checked and throws DecodeError, so a hostile or
 * truncated payload can never read past its buffer or loop forever.
 * Chosen over protobufjs: no codegen, no prototype-pollution surface, and it walks only the fields
 * we keep (DESIGN.md measured a lean reader at several hundred MB/s against protobufjs's 50–130).
 */

export class DecodeError extends Error {
  override name = 'DecodeError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8');

/** Short ASCII strings, interned by content: keys, names, model ids repeat on every span. */
const interned = new Map<number, string>();
const INTERN_MAX_LENGTH = 48;
const INTERN_MAX_ENTRIES = 8192;

/**
 * Most OTLP strings are short ASCII that repeats (attribute keys, span names, model ids).
 * TextDecoder's per-call cost dwarfs them, so they are hashed while checked for ASCII and served
 * from the intern table (verified byte for byte); everything else goes through TextDecoder.
 */
function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len > INTERN_MAX_LENGTH) return utf8.decode(buf.subarray(start, end));
  let hash = 0x811c9dc5 ^ len;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b > 0x7f) return utf8.decode(buf.subarray(start, end));
    hash = Math.imul(hash ^ b, 0x01000193);
  }
  const hit = interned.get(hash);
  if (hit !== undefined && hit.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (hit.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
  interned.set(hash, s);
  return s;
}

export class WireReader {
  pos: number;
  readonly end: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    view?: DataView,
  ) {
    this.pos = start;
    this.end = end;
    // Nested messages share their parent's view: a DataView per sub-message was the decoder's top cost.
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A reader over [start, end) of the same buffer, e.g. a length-delimited sub-message. */
  slice(start: number, end: number): WireReader {
    return new WireReader(this.buf, start, end, this.view);
  }

  /** Reads a length-delimited field and returns a reader over its contents. */
  message(): WireReader {
    const { start, end } = this.lengthDelimited();
    return new WireReader(this.buf, start, end, this.view);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Returns the tag's field number and wire type packed as `field << 3 | type`. */
  tag(): number {
    const tag = this.varint32();
    if (tag === 0) throw new DecodeError(`invalid tag 0 at byte ${this.pos}`);
    return tag;
  }

  /** A varint that must fit in 32 bits unsigned (tags, lengths, enums, uint32 counts). */
  varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varint');
      const byte = this.buf[this.pos++]!;
      if (shift < 32) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result > 0xffffffff ? result % 2 ** 32 : result;
      shift += 7;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  /** A full 64-bit varint as a signed bigint (int64 two's complement). */
  varint64(): bigint {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varint');
      const byte = this.buf[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
      shift += 7;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint32() !== 0;
  }

  fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** fixed64 as an unsigned decimal string (nanosecond timestamps overflow a JS number). */
  fixed64String(): string {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi < 0x200000) return String(hi * 4294967296 + lo); // below 2^53: exact as a number
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Bounds of a length-delimited field; the caller reads inside them, then sets `pos = end`. */
  lengthDelimited(): { start: number; end: number } {
    const len = this.varint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new DecodeError(`length ${len} at byte ${start} runs past the end of its message`);
    this.pos = end;
    return { start, end };
  }

  bytes(): Uint8Array {
    const { start, end } = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    const { start, end } = this.lengthDelimited();
    return decodeUtf8(this.buf, start, end);
  }

  /** The UTF-8 text at [start, end) of the buffer, e.g. a field whose bounds were kept earlier. */
  stringAt(start: number, end: number): string {
    return decodeUtf8(this.buf, start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new DecodeError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError('truncated fixed-width field');
  }
}

/** Minimal protobuf writer for the few small messages we send back (responses, Status). */
export class WireWriter {
  private readonly parts: number[] = [];

  varint(value: number): this {
    let v = value;
    while (v > 0x7f) {
      this.parts.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  uint(field: number, value: number): this {
    if (value === 0) return this;
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }

  string(field: number, value: string): this {
    if (value === '') return this;
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * One trace's spans of one compaction pass, as the `span_blocks.block` column holds them (ADR 0011):
 * fixed-width columns for what every read wants (times, parents, kinds, statuses, resource and
 * scope ids), then one JSON array of the block's distinct strings (names, status messages, trace
 * states, attributes in the interned-key encoding, events, links, GenAI readings) that each span
 * names by index; deflated. The span ids are not inside: `span_blocks.span_ids` holds them
 * uncompressed, so a duplicate check or a one-span lookup reads no block.
 *
 *   u8 version, u8 reserved×3, u32 n, u32 reserved×2           16 bytes
 *   start ns, end ns, parent span id                          8 bytes each × n
 *   resource id, scope id, dropped attributes/events/links    u32 each × n
 *   the eight string columns                                  u32 string index each × n (NONE = null)
 *   kind, status code, has parent                             u8 each × n
 *   strings                                                   UTF-8 JSON array
 *
 * Little-endian throughout. Decoding parses the one JSON array and reads columns in place.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export const BLOCK_VERSION = 1;
/** A trace's pass is cut into blocks of at most this many spans: a one-span read inflates one block. */
export const BLOCK_MAX_SPANS = 512;
const HEADER = 16;
const NONE = 0xffffffff;
/** Fast over small: the store thread deflates every block it writes (measured: bench/layout-spike.ts). */
const DEFLATE_LEVEL = 1;

/** What one span stores; its id lives beside the block (span_blocks.span_ids). */
export interface BlockSpan {
  parentSpanId: Buffer | null;
  traceState: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  statusMessage: string;
  /** attribute-codec.ts AttributeKeys.encode */
  attrs: string;
  droppedAttributesCount: number;
  /** JSON of the span's SpanEvent[] */
  events: string;
  droppedEventsCount: number;
  /** JSON of the span's SpanLink[] */
  links: string;
  droppedLinksCount: number;
  resourceId: number;
  scopeId: number;
  /** genai-facets.ts storedGenAi, null without a GenAI reading */
  genai: string | null;
  /** the reading's kind, kept apart so the outline parses no reading */
  genaiKind: string | null;
}

const enum Str {
  Name,
  StatusMessage,
  TraceState,
  Attrs,
  Events,
  Links,
  GenAi,
  GenAiKind,
  Count,
}

function layout(n: number) {
  const start = HEADER;
  const end = start + 8 * n;
  const parent = end + 8 * n;
  const u32 = parent + 8 * n;
  const strs = u32 + 4 * 5 * n;
  const u8 = strs + 4 * Str.Count * n;
  const json = u8 + 3 * n;
  return { start, end, parent, u32, strs, u8, json };
}

export function encodeBlock(spans: readonly BlockSpan[]): Buffer {
  const n = spans.length;
  const at = layout(n);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | null): number => {
    if (s === null) return NONE;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const fixed = Buffer.alloc(at.json);
  fixed.writeUInt8(BLOCK_VERSION, 0);
  fixed.writeUInt32LE(n, 4);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    fixed.writeBigUInt64LE(s.startNs, at.start + 8 * i);
    fixed.writeBigUInt64LE(s.endNs, at.end + 8 * i);
    if (s.parentSpanId) s.parentSpanId.copy(fixed, at.parent + 8 * i);
    const u32 = at.u32 + 20 * i;
    fixed.writeUInt32LE(s.resourceId, u32);
    fixed.writeUInt32LE(s.scopeId, u32 + 4);
    fixed.writeUInt32LE(s.droppedAttributesCount, u32 + 8);
    fixed.writeUInt32LE(s.droppedEventsCount, u32 + 12);
    fixed.writeUInt32LE(s.droppedLinksCount, u32 + 16);
    const str = at.strs + 4 * Str.Count * i;
    fixed.writeUInt32LE(intern(s.name), str + 4 * Str.Name);
    fixed.writeUInt32LE(intern(s.statusMessage), str + 4 * Str.StatusMessage);
    fixed.writeUInt32LE(intern(s.traceState), str + 4 * Str.TraceState);
    fixed.writeUInt32LE(intern(s.attrs), str + 4 * Str.Attrs);
    fixed.writeUInt32LE(intern(s.events), str + 4 * Str.Events);
    fixed.writeUInt32LE(intern(s.links), str + 4 * Str.Links);
    fixed.writeUInt32LE(intern(s.genai), str + 4 * Str.GenAi);
    fixed.writeUInt32LE(intern(s.genaiKind), str + 4 * Str.GenAiKind);
    fixed.writeUInt8(s.kind, at.u8 + i);
    fixed.writeUInt8(s.statusCode, at.u8 + n + i);
    fixed.writeUInt8(s.parentSpanId ? 1 : 0, at.u8 + 2 * n + i);
  }
  return deflateRawSync(Buffer.concat([fixed, Buffer.from(JSON.stringify(strings), 'utf8')]), { level: DEFLATE_LEVEL });
}

export class BlockFormatError extends Error {
  override name = 'BlockFormatError';
}

/** A stored block, read in place: each accessor takes the span's index in the block. */
export class DecodedBlock {
  readonly n: number;
  private readonly raw: Buffer;
  private readonly at: ReturnType<typeof layout>;
  private readonly strings: string[];

  constructor(
    /** The row number of the block's first span (span_blocks.first_row); span i is row firstRow + i. */
    readonly firstRow: number,
    /** 8 bytes per span, in block order. */
    readonly spanIds: Buffer,
    deflated: Buffer,
  ) {
    this.raw = inflateRawSync(deflated);
    if (this.raw.readUInt8(0) !== BLOCK_VERSION) throw new BlockFormatError(`span block at row ${firstRow} has version ${this.raw.readUInt8(0)}, not ${BLOCK_VERSION}`);
    this.n = this.raw.readUInt32LE(4);
    if (spanIds.length !== 8 * this.n) throw new BlockFormatError(`span block at row ${firstRow} holds ${this.n} spans but names ${spanIds.length / 8}`);
    this.at = layout(this.n);
    this.strings = JSON.parse(this.raw.toString('utf8', this.at.json)) as string[];
  }

  spanId(i: number): string {
    return this.spanIds.toString('hex', 8 * i, 8 * i + 8);
  }

  parentSpanId(i: number): string | null {
    if (this.raw[this.at.u8 + 2 * this.n + i] === 0) return null;
    return this.raw.toString('hex', this.at.parent + 8 * i, this.at.parent + 8 * i + 8);
  }

  startNs(i: number): bigint {
    return this.raw.readBigUInt64LE(this.at.start + 8 * i);
  }

  endNs(i: number): bigint {
    return this.raw.readBigUInt64LE(this.at.end + 8 * i);
  }

  resourceId(i: number): number {
    return this.raw.readUInt32LE(this.at.u32 + 20 * i);
  }

  scopeId(i: number): number {
    return this.raw.readUInt32LE(this.at.u32 + 20 * i + 4);
  }

  droppedAttributesCount(i: number): number {
    return this.raw.readUInt32LE(this.at.u32 + 20 * i + 8);
  }

  droppedEventsCount(i: number): number {
    return this.raw.readUInt32LE(this.at.u32 + 20 * i + 12);
  }

  droppedLinksCount(i: number): number {
    return this.raw.readUInt32LE(this.at.u32 + 20 * i + 16);
  }

  kind(i: number): number {
    return this.raw[this.at.u8 + i]!;
  }

  statusCode(i: number): number {
    return this.raw[this.at.u8 + this.n + i]!;
  }

  private str(i: number, column: Str): string | null {
    const k = this.raw.readUInt32LE(this.at.strs + 4 * (Str.Count * i + column));
    return k === NONE ? null : this.strings[k]!;
  }

  name(i: number): string {
    return this.str(i, Str.Name) ?? '';
  }

  statusMessage(i: number): string {
    return this.str(i, Str.StatusMessage) ?? '';
  }

  traceState(i: number): string {
    return this.str(i, Str.TraceState) ?? '';
  }

  attrs(i: number): string {
    return this.str(i, Str.Attrs) ?? '[]';
  }

  events(i: number): string {
    return this.str(i, Str.Events) ?? '[]';
  }

  links(i: number): string {
    return this.str(i, Str.Links) ?? '[]';
  }

  genai(i: number): string | null {
    return this.str(i, Str.GenAi);
  }

  genaiKind(i: number): string | null {
    return this.str(i, Str.GenAiKind);
  }
}

/** The index of `spanId` (8 bytes) in a block's span_ids, or -1. */
export function indexOfSpan(spanIds: Buffer, spanId: Buffer): number {
  for (let off = 0; off + 8 <= spanIds.length; off += 8) {
    if (spanIds.compare(spanId, 0, 8, off, off + 8) === 0) return off / 8;
  }
  return -1;
}

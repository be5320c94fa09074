/**
 * One trace's spans of one compaction pass, as the `span_blocks.block` column holds them (ADR 0011):
 * fixed-width columns for what every read wants (times, parents, kinds, statuses, resource and
 * scope ids), then the block's distinct strings as two JSON arrays that each span names by index:
 * the head (names, status messages, trace states, GenAI kinds: what the outline reads) and the body
 * (attributes in the interned-key encoding, events, links, GenAI readings: parsed only when a read
 * wants them); deflated with the store's preset dictionary (block-dictionary.ts). The span ids are
 * not inside: `span_blocks.span_ids` holds them uncompressed, so a duplicate check or a one-span
 * lookup reads no block.
 *
 *   u8 version, u8 reserved×3, u32 n, u32 head bytes, u32 reserved   16 bytes
 *   start ns, end ns, parent span id                                8 bytes each × n
 *   resource id, scope id, dropped attributes/events/links          u32 each × n
 *   the eight string columns                                        u32 string index each × n (NONE = null)
 *   kind, status code, has parent                                   u8 each × n
 *   head strings, body strings                                      UTF-8 JSON arrays
 *
 * Little-endian throughout.
 */
import { blockDigest } from './audit-chain';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const BLOCK_VERSION = 1;
/** A trace's pass is cut into blocks of at most this many spans: a one-span read inflates one block. */
export const BLOCK_MAX_SPANS = 512;
const HEADER = 16;
const NONE = 0xffffffff;
/**
 * With a preset dictionary, level 6 is both smaller and no slower than level 1 on blocks of ~10
 * spans (measured on the store bench's 1M spans: 85 vs 102 B/span, 14 vs 11 µs/span).
 */
const DEFLATE_LEVEL = 6;

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

/** The string columns; the first four are in the head, the rest in the body. */
const enum Str {
  Name,
  StatusMessage,
  TraceState,
  GenAiKind,
  Attrs,
  Events,
  Links,
  GenAi,
  Count,
}
const HEAD_COLUMNS = 4;
/** A body string's index has this bit set. */
const BODY = 0x80000000;

class Strings {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly tag: number) {}
  of(s: string | null): number {
    if (s === null) return NONE;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return (i | this.tag) >>> 0;
  }
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

/** The block before deflating (deflateBlock); the dictionary trainer reads these bytes too. */
export function encodeBlock(spans: readonly BlockSpan[]): Buffer {
  const n = spans.length;
  const at = layout(n);
  const head = new Strings(0);
  const body = new Strings(BODY);
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
    fixed.writeUInt32LE(head.of(s.name), str + 4 * Str.Name);
    fixed.writeUInt32LE(head.of(s.statusMessage), str + 4 * Str.StatusMessage);
    fixed.writeUInt32LE(head.of(s.traceState), str + 4 * Str.TraceState);
    fixed.writeUInt32LE(head.of(s.genaiKind), str + 4 * Str.GenAiKind);
    fixed.writeUInt32LE(body.of(s.attrs), str + 4 * Str.Attrs);
    fixed.writeUInt32LE(body.of(s.events), str + 4 * Str.Events);
    fixed.writeUInt32LE(body.of(s.links), str + 4 * Str.Links);
    fixed.writeUInt32LE(body.of(s.genai), str + 4 * Str.GenAi);
    fixed.writeUInt8(s.kind, at.u8 + i);
    fixed.writeUInt8(s.statusCode, at.u8 + n + i);
    fixed.writeUInt8(s.parentSpanId ? 1 : 0, at.u8 + 2 * n + i);
  }
  const headJson = Buffer.from(JSON.stringify(head.values), 'utf8');
  fixed.writeUInt32LE(headJson.length, 8);
  return Buffer.concat([fixed, headJson, Buffer.from(JSON.stringify(body.values), 'utf8')]);
}

/** dictionary: the store's preset dictionary the block is deflated with (block-dictionary.ts), null for none. */
export function deflateBlock(raw: Buffer, dictionary: Buffer | null): Buffer {
  return deflateRawSync(raw, dictionary ? { level: DEFLATE_LEVEL, dictionary } : { level: DEFLATE_LEVEL });
}

/** A block written by compaction and not deflated yet (`span_blocks_fresh`, block-compression.ts; dict -1 in `all_span_blocks`). */
export const RAW_BLOCK = 'raw';

export class BlockFormatError extends Error {
  override name = 'BlockFormatError';
}

/** A stored block, read in place: each accessor takes the span's index in the block. */
export class DecodedBlock {
  readonly n: number;
  private readonly raw: Buffer;
  private readonly at: ReturnType<typeof layout>;
  private readonly head: string[];
  private body: string[] | null = null;

  constructor(
    /** The row number of the block's first span (span_blocks.first_row); span i is row firstRow + i. */
    readonly firstRow: number,
    /** 8 bytes per span, in block order. */
    readonly spanIds: Buffer,
    stored: Buffer,
    /** The preset dictionary it was deflated with, null for none; RAW_BLOCK: stored as encoded, not deflated yet. */
    dictionary: Buffer | null | typeof RAW_BLOCK,
  ) {
    this.raw = dictionary === RAW_BLOCK ? stored : inflateRawSync(stored, dictionary ? { dictionary } : {});
    if (this.raw.readUInt8(0) !== BLOCK_VERSION) throw new BlockFormatError(`span block at row ${firstRow} has version ${this.raw.readUInt8(0)}, not ${BLOCK_VERSION}`);
    this.n = this.raw.readUInt32LE(4);
    if (spanIds.length !== 8 * this.n) throw new BlockFormatError(`span block at row ${firstRow} holds ${this.n} spans but names ${spanIds.length / 8}`);
    this.at = layout(this.n);
    this.head = JSON.parse(this.raw.toString('utf8', this.at.json, this.at.json + this.raw.readUInt32LE(8))) as string[];
  }

  spanId(i: number): string {
    return this.spanIds.toString('hex', 8 * i, 8 * i + 8);
  }

  /** The digest the audit trail recorded for this block when it was written, if nothing changed since (audit-chain.ts). */
  contentDigest(traceId: Buffer): Buffer {
    return blockDigest(traceId, this.spanIds, this.raw);
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
    if (k === NONE) return null;
    if (column < HEAD_COLUMNS) return this.head[k]!;
    this.body ??= JSON.parse(this.raw.toString('utf8', this.at.json + this.raw.readUInt32LE(8))) as string[];
    return this.body[(k & ~BODY) >>> 0]!;
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
  // A native search; a match off the 8-byte grid spans two ids and is skipped.
  for (let off = spanIds.indexOf(spanId); off >= 0; off = spanIds.indexOf(spanId, off + 1)) {
    if (off % 8 === 0) return off / 8;
  }
  return -1;
}

/**
 * Mutations of OTLP protobuf requests. Two kinds:
 * - structural: edit one node of the parsed tree (a varint made huge or overlong, ids of the wrong
 *   length, a changed wire type or field number, a node deleted, duplicated or moved, AnyValue
 *   nested deep) and re-serialize with consistent lengths, so the decoder gets past the framing;
 * - byte-level: flips, truncation, insertion, deletion, a length prefix rewritten in place, a
 *   varint stretched past 10 bytes — framing damage the decoder must refuse cleanly.
 * Each case draws from its own PRNG seeded by (seed, case index), so one case can be replayed alone.
 */
import { Rng } from '../../gen/agent-spans';
import type { Corpus, ProtoSeed } from './corpus';
import { allNodes, bytesNode, encodeVarint, messageNode, parseMessage, serialize, spliceTree, tagBytes, type NodeRef, type PNode } from './proto-tree';

export interface MutatedCase {
  seed: string;
  steps: string[];
  bytes: Uint8Array;
}

/** Streams of cases: the same index gives different cases per stream. */
export const STREAM_PROTOBUF = 1;
export const STREAM_JSON = 2;

/** The PRNG of one case: a function of (seed, stream, index) only. */
export function caseRng(seed: number, stream: number, index: number): Rng {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x2c1b3c6d) ^ Math.imul(stream, 0x297a2d39) ^ index;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= Math.imul(Math.floor(index / 2 ** 32), 0x9e3779b1);
  return new Rng(h >>> 0);
}

const LARGE_SEED_RATE = 0.002;

/** A seed's nodes, and the subsets mutations pick from, computed once per seed. */
interface SeedNodes {
  /** The seed as serialize() writes it (the positions in the refs are into these bytes). */
  bytes: Uint8Array;
  all: NodeRef[];
  varints: NodeRef[];
  lengthDelimited: NodeRef[];
  messages: NodeRef[];
  spans: NodeRef[];
}

const nodeCache = new WeakMap<ProtoSeed, SeedNodes>();

function nodesOf(seed: ProtoSeed): SeedNodes {
  let nodes = nodeCache.get(seed);
  if (!nodes) {
    const all = seed.tree ? allNodes(seed.tree) : [];
    const messages = all.filter((n) => n.node.children !== null);
    nodes = {
      bytes: seed.tree ? serialize(seed.tree) : seed.bytes,
      all,
      varints: all.filter((n) => n.node.wire === 0),
      lengthDelimited: all.filter((n) => n.node.wire === 2),
      messages,
      // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2)
      spans: messages.filter((n) => n.fields.length === 3 && n.fields[0] === 1 && n.fields[1] === 2 && n.fields[2] === 2),
    };
    nodeCache.set(seed, nodes);
  }
  return nodes;
}

export function mutateProtobuf(corpus: Corpus, rng: Rng): MutatedCase {
  const pool = corpus.protoLarge.length > 0 && rng.chance(LARGE_SEED_RATE) ? corpus.protoLarge : corpus.proto;
  const seed = rng.pick(pool);
  const steps: string[] = [];
  let bytes = seed.bytes;
  const nodes = nodesOf(seed);
  const structural = seed.tree !== null && nodes.all.length > 0 && rng.chance(0.5);
  if (structural) {
    bytes = structuralMutation(corpus, nodes, rng, steps);
    if (rng.chance(0.25)) bytes = byteMutation(bytes, rng, steps);
  } else {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) bytes = byteMutation(bytes, rng, steps);
  }
  return { seed: seed.name, steps, bytes };
}

// ---------------------------------------------------------------------------------------------
// Structural

/** Varint encodings that stress a reader: huge, overlong, 64-bit negative, and invalid (11 bytes). */
function interestingVarint(rng: Rng): { raw: Uint8Array; what: string } {
  const pick = rng.int(0, 9);
  switch (pick) {
    case 0: return { raw: Uint8Array.from(encodeVarint(0)), what: '0' };
    case 1: return { raw: Uint8Array.from(encodeVarint(2 ** 32 - 1)), what: '2^32-1' };
    case 2: return { raw: Uint8Array.from(encodeVarint(2 ** 32)), what: '2^32' };
    case 3: return { raw: Uint8Array.from(encodeVarint(2n ** 63n)), what: '2^63' };
    case 4: return { raw: Uint8Array.from(encodeVarint(-1)), what: '-1 (10 bytes)' };
    case 5: return { raw: Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), what: '10 bytes, top bits set' };
    case 6: return { raw: Uint8Array.of(...new Array<number>(10).fill(0xff), 0x01), what: '11-byte varint' };
    case 7: return { raw: Uint8Array.of(0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), what: 'overlong 5 (10 bytes)' };
    case 8: return { raw: Uint8Array.of(0x80), what: 'unterminated' };
    default: return { raw: Uint8Array.from(encodeVarint(rng.u32())), what: 'random u32' };
  }
}

function interestingBytes(rng: Rng): { raw: Uint8Array; what: string } {
  const random = (n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 255));
  switch (rng.int(0, 9)) {
    case 0: return { raw: new Uint8Array(0), what: 'empty' };
    case 1: return { raw: new Uint8Array(16), what: '16 zero bytes' };
    case 2: return { raw: new Uint8Array(8), what: '8 zero bytes' };
    case 3: { const n = rng.pick([7, 9, 15, 17]); return { raw: random(n), what: `${n} random bytes` }; }
    case 4: return { raw: Uint8Array.of(0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0x80, 0xf4, 0x90), what: 'invalid UTF-8' };
    case 5: return { raw: new TextEncoder().encode('x'.repeat(rng.int(49, 5000))), what: 'long ASCII' };
    case 6: return { raw: new TextEncoder().encode('ü✓𝄞'.repeat(rng.int(1, 40))), what: 'multi-byte UTF-8' };
    case 7: return { raw: Uint8Array.of(0x08, 0x96, 0x01), what: 'a tiny message' };
    default: { const n = rng.int(1, 64); return { raw: random(n), what: `${n} random bytes` }; }
  }
}

const deepCache = new Map<string, Uint8Array>();

/**
 * The contents of an AnyValue that holds `levels` AnyValues, built inside out without recursion
 * (thousands of levels) and cached: array_value, or alternating array_value and kvlist_value.
 */
export function deepAnyValueBytes(levels: number, mixed: boolean): Uint8Array {
  const key = `${levels}:${mixed}`;
  const cached = deepCache.get(key);
  if (cached) return cached;
  const wrap = (field: number, inner: Uint8Array): Uint8Array => {
    const head = [...tagBytes(field, 2), ...encodeVarint(inner.length)];
    const out = new Uint8Array(head.length + inner.length);
    out.set(head);
    out.set(inner, head.length);
    return out;
  };
  const keyBytes = wrap(1, new TextEncoder().encode('k'));
  let any = wrap(1, new TextEncoder().encode('leaf'));
  for (let i = 1; i < levels; i++) {
    if (mixed && i % 2 === 0) {
      const value = wrap(2, any);
      const pair = new Uint8Array(keyBytes.length + value.length);
      pair.set(keyBytes);
      pair.set(value, keyBytes.length);
      any = wrap(6, wrap(1, pair));
    } else any = wrap(5, wrap(1, any));
  }
  if (deepCache.size > 1024) deepCache.clear();
  deepCache.set(key, any);
  return any;
}

function deepLevels(rng: Rng): number {
  return rng.weighted([
    [rng.int(30, 35), 6],
    [rng.int(1, 100), 3],
    [rng.pick([1000, 5000]), 1],
  ] as const);
}

function structuralMutation(corpus: Corpus, nodes: SeedNodes, rng: Rng, steps: string[]): Uint8Array {
  const target = rng.pick(nodes.all);
  const at = `[${target.fields.join('.')}]`;
  const replace = (t: NodeRef, by: PNode[]): Uint8Array => spliceTree(nodes.bytes, t.at, t.end - t.at, serialize(by), t.parent);
  const append = (into: NodeRef, bytes: Uint8Array): Uint8Array => spliceTree(nodes.bytes, into.end, 0, bytes, into);
  const op = rng.weighted([
    ['set-varint', 3], ['set-bytes', 3], ['wire-type', 2], ['field-number', 2], ['overlong-tag', 1],
    ['delete', 2], ['duplicate', 2], ['move', 2], ['graft', 2], ['deep-nest', 2],
  ] as const);
  switch (op) {
    case 'set-varint': {
      if (nodes.varints.length === 0) break;
      const t = rng.pick(nodes.varints);
      const v = interestingVarint(rng);
      steps.push(`set-varint [${t.fields.join('.')}] := ${v.what}`);
      return replace(t, [{ ...t.node, raw: v.raw }]);
    }
    case 'set-bytes': {
      if (nodes.lengthDelimited.length === 0) break;
      const t = rng.pick(nodes.lengthDelimited);
      const v = interestingBytes(rng);
      steps.push(`set-bytes [${t.fields.join('.')}] := ${v.what}`);
      return replace(t, [{ ...t.node, raw: v.raw, children: null }]);
    }
    case 'wire-type': {
      const wire = rng.int(0, 7);
      steps.push(`wire-type ${at} := ${wire}`);
      return replace(target, [{ ...target.node, tag: tagBytes(target.node.field, wire) }]);
    }
    case 'field-number': {
      const field = rng.weighted([[rng.int(1, 16), 8], [2 ** 29 - 1, 1], [rng.int(17, 100000), 1]] as const);
      steps.push(`field-number ${at} := ${field}`);
      return replace(target, [{ ...target.node, field, tag: tagBytes(field, target.node.wire) }]);
    }
    case 'overlong-tag': {
      const pad = rng.int(1, 6);
      steps.push(`overlong-tag ${at} +${pad} bytes`);
      const v = [...target.node.tag];
      v[v.length - 1]! |= 0x80;
      for (let i = 1; i < pad; i++) v.push(0x80);
      v.push(0x00);
      return replace(target, [{ ...target.node, tag: Uint8Array.from(v) }]);
    }
    case 'delete':
      steps.push(`delete ${at}`);
      return replace(target, []);
    case 'duplicate': {
      const copies = rng.weighted([[1, 8], [rng.int(2, 50), 2]] as const);
      steps.push(`duplicate ${at} ×${copies}`);
      return replace(target, new Array<PNode>(copies + 1).fill(target.node));
    }
    case 'move': {
      if (nodes.messages.length === 0) break;
      const into = rng.pick(nodes.messages);
      steps.push(`copy ${at} into [${into.fields.join('.')}]`);
      return append(into, nodes.bytes.slice(target.at, target.end));
    }
    case 'graft': {
      const other = rng.pick(corpus.proto);
      const donors = nodesOf(other).all;
      if (donors.length === 0) break;
      const donor = rng.pick(donors);
      steps.push(`graft ${other.name}[${donor.fields.join('.')}] over ${at}`);
      return replace(target, [donor.node]);
    }
    case 'deep-nest': {
      const into = nodes.spans.length > 0 && rng.chance(0.8) ? rng.pick(nodes.spans) : nodes.messages.length > 0 ? rng.pick(nodes.messages) : null;
      if (!into) break;
      const levels = deepLevels(rng);
      const mixed = rng.chance(0.5);
      steps.push(`deep-nest ${levels} AnyValue levels${mixed ? ' (array/kvlist)' : ''} into [${into.fields.join('.')}]`);
      const kv = messageNode(9, [bytesNode(1, 'deep'), { field: 2, wire: 2, tag: tagBytes(2, 2), raw: deepAnyValueBytes(levels, mixed), children: null }]);
      return append(into, serialize([kv]));
    }
  }
  steps.push('no-op');
  return nodes.bytes;
}

// ---------------------------------------------------------------------------------------------
// Byte-level

function splice(buf: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(buf.length - remove + insert.length);
  out.set(buf.subarray(0, at));
  out.set(insert, at);
  out.set(buf.subarray(at + remove), at + insert.length);
  return out;
}

/** Where the length prefixes of (the parseable part of) a buffer are: [position, size in bytes, value]. */
function lengthPrefixes(buf: Uint8Array): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const walk = (start: number, end: number, depth: number): void => {
    let pos = start;
    while (pos < end && depth < 64) {
      const tagStart = pos;
      while (pos < end && buf[pos]! & 0x80) pos++;
      if (pos >= end || pos - tagStart > 4) return;
      pos++;
      // The wire type is the low 3 bits of the tag's first byte, whatever its length.
      const wire = buf[tagStart]! & 7;
      if (wire === 0) {
        while (pos < end && buf[pos]! & 0x80) pos++;
        pos++;
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const lenAt = pos;
        let len = 0;
        let mul = 1;
        while (pos < end && pos - lenAt < 5) {
          const b = buf[pos++]!;
          len += (b & 0x7f) * mul;
          mul *= 128;
          if ((b & 0x80) === 0) break;
        }
        out.push([lenAt, pos - lenAt, len]);
        if (pos + len > end) return;
        walk(pos, pos + len, depth + 1);
        pos += len;
      } else return;
    }
  };
  walk(0, buf.length, 0);
  return out;
}

export function byteMutation(buf: Uint8Array, rng: Rng, steps: string[]): Uint8Array {
  const op = rng.weighted([
    ['flip', 4], ['set-byte', 2], ['truncate', 2], ['insert', 2], ['delete', 2], ['copy-range', 1],
    ['corrupt-length', 4], ['huge-varint', 2],
  ] as const);
  const pos = (extra = 0) => rng.int(0, Math.max(0, buf.length - 1 + extra));
  if (buf.length === 0 && op !== 'insert') {
    const bytes = Uint8Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255));
    steps.push(`insert ${bytes.length} random bytes into empty`);
    return bytes;
  }
  switch (op) {
    case 'flip': {
      const out = buf.slice();
      const n = rng.int(1, 4);
      const at: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = pos();
        at.push(p);
        out[p]! ^= 1 << rng.int(0, 7);
      }
      steps.push(`flip bits at ${at.join(',')}`);
      return out;
    }
    case 'set-byte': {
      const out = buf.slice();
      const p = pos();
      const v = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, rng.int(0, 255)]);
      out[p] = v;
      steps.push(`set byte ${p} := 0x${v.toString(16)}`);
      return out;
    }
    case 'truncate': {
      const at = pos();
      steps.push(`truncate at ${at}`);
      return buf.subarray(0, at);
    }
    case 'insert': {
      const at = pos(1);
      const bytes = rng.chance(0.5)
        ? Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255))
        : [...interestingVarint(rng).raw];
      steps.push(`insert ${bytes.length} bytes at ${at}`);
      return splice(buf, at, 0, bytes);
    }
    case 'delete': {
      const at = pos();
      const n = rng.int(1, Math.min(64, buf.length - at));
      steps.push(`delete ${n} bytes at ${at}`);
      return splice(buf, at, n, []);
    }
    case 'copy-range': {
      const from = pos();
      const n = rng.int(1, Math.min(256, buf.length - from));
      const to = pos(1);
      steps.push(`copy ${n} bytes from ${from} to ${to}`);
      return splice(buf, to, 0, buf.slice(from, from + n));
    }
    case 'corrupt-length': {
      const prefixes = lengthPrefixes(buf);
      if (prefixes.length === 0) break;
      const [at, size, len] = rng.pick(prefixes);
      const value = rng.pick([len + 1, len - 1, len + rng.int(2, 100), Math.max(0, len - rng.int(2, 100)), 0, buf.length, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + len, rng.u32()]);
      // Same width when the new value fits (the rest of the buffer does not move), else re-encoded.
      const enc = encodeVarint(Math.max(0, value));
      let bytes = enc;
      if (enc.length < size) {
        bytes = enc.slice();
        bytes[bytes.length - 1]! |= 0x80;
        while (bytes.length < size - 1) bytes.push(0x80);
        bytes.push(0x00);
      }
      steps.push(`length at ${at} (${len}) := ${value}`);
      return splice(buf, at, size, bytes);
    }
    case 'huge-varint': {
      const at = pos();
      const n = rng.int(10, 12);
      const bytes = new Array<number>(n).fill(0xff);
      if (rng.chance(0.5)) bytes[n - 1] = 0x01;
      steps.push(`${n}-byte varint at ${at}`);
      return splice(buf, at, rng.int(0, 1), bytes);
    }
  }
  const out = buf.slice();
  const p = pos();
  out[p]! ^= 0xff;
  steps.push(`invert byte ${p}`);
  return out;
}

/** Re-parses a buffer (for tests of the tree itself). */
export function roundTrips(buf: Uint8Array): boolean {
  const tree = parseMessage(buf);
  if (!tree) return false;
  const again = serialize(tree);
  return again.length === buf.length && again.every((b, i) => b === buf[i]);
}

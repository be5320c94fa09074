/**
 * A schema-less protobuf tree for structure-aware mutation: every length-delimited field that
 * happens to parse as a message is kept as one, so a mutation can edit a node deep inside a request
 * and re-serialize it with every enclosing length prefix still consistent (the decoder then gets
 * past the framing and meets the edit itself). Written independently of src-main's WireReader on
 * purpose: the fuzzer's view of the bytes must not share the decoder's bugs.
 */

export interface PNode {
  field: number;
  wire: number;
  /** The tag exactly as it was on the wire (may be an overlong varint after a mutation). */
  tag: Uint8Array;
  /** Varint, fixed32/64 value bytes, or the data of a length-delimited field that is not a message. */
  raw: Uint8Array;
  /** The fields of a length-delimited field that parsed as a message, else null. */
  children: PNode[] | null;
}

const MAX_PARSE_DEPTH = 64;

export function encodeVarint(value: number | bigint): number[] {
  const out: number[] = [];
  if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    let v = value;
    while (v > 0x7f) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  }
  let v = BigInt.asUintN(64, BigInt(value));
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function varintLength(value: number): number {
  let n = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

export function tagBytes(field: number, wire: number): Uint8Array {
  return Uint8Array.from(encodeVarint(field * 8 + wire));
}

/** Parses a whole buffer as a message; null when its framing is not valid protobuf. */
export function parseMessage(buf: Uint8Array, start = 0, end = buf.length, depth = 0): PNode[] | null {
  const nodes: PNode[] = [];
  let pos = start;
  const varintEnd = (p: number, max: number): number => {
    for (let i = 0; i < max; i++) {
      if (p + i >= end) return -1;
      if ((buf[p + i]! & 0x80) === 0) return p + i + 1;
    }
    return -1;
  };
  while (pos < end) {
    const tagEnd = varintEnd(pos, 5);
    if (tagEnd < 0) return null;
    let key = 0;
    for (let i = tagEnd - 1; i >= pos; i--) key = key * 128 + (buf[i]! & 0x7f);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) return null;
    const tag = buf.slice(pos, tagEnd);
    pos = tagEnd;
    if (wire === 0) {
      const e = varintEnd(pos, 10);
      if (e < 0) return null;
      nodes.push({ field, wire, tag, raw: buf.slice(pos, e), children: null });
      pos = e;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > end) return null;
      nodes.push({ field, wire, tag, raw: buf.slice(pos, pos + n), children: null });
      pos += n;
    } else if (wire === 2) {
      const e = varintEnd(pos, 5);
      if (e < 0) return null;
      let len = 0;
      for (let i = e - 1; i >= pos; i--) len = len * 128 + (buf[i]! & 0x7f);
      if (e + len > end) return null;
      const children = len > 0 && depth < MAX_PARSE_DEPTH ? parseMessage(buf, e, e + len, depth + 1) : null;
      nodes.push({ field, wire, tag, raw: children ? new Uint8Array(0) : buf.slice(e, e + len), children });
      pos = e + len;
    } else return null;
  }
  return nodes;
}

/**
 * Encoded sizes of nodes, cached: nodes are never modified (edits copy the path to the change), so
 * a seed's untouched subtrees are measured once for all the cases made from it.
 */
const lengthCache = new WeakMap<PNode, number>();

function nodeLength(n: PNode): number {
  const cached = lengthCache.get(n);
  if (cached !== undefined) return cached;
  let len: number;
  if (n.children === null) len = n.tag.length + (n.wire === 2 ? varintLength(n.raw.length) : 0) + n.raw.length;
  else {
    const inner = messageLength(n.children);
    len = n.tag.length + varintLength(inner) + inner;
  }
  lengthCache.set(n, len);
  return len;
}

function messageLength(nodes: readonly PNode[]): number {
  let n = 0;
  for (const c of nodes) n += nodeLength(c);
  return n;
}

function writeVarint(value: number, out: Uint8Array, pos: number): number {
  while (value > 0x7f) {
    out[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}

function writeBytes(bytes: Uint8Array, out: Uint8Array, pos: number): number {
  // Byte by byte for the many tiny arrays (tags, varints, ids): cheaper than a TypedArray.set call.
  if (bytes.length > 24) out.set(bytes, pos);
  else for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i]!;
  return pos + bytes.length;
}

function writeNode(n: PNode, out: Uint8Array, pos: number): number {
  pos = writeBytes(n.tag, out, pos);
  if (n.children === null) {
    if (n.wire === 2) pos = writeVarint(n.raw.length, out, pos);
    return writeBytes(n.raw, out, pos);
  }
  pos = writeVarint(messageLength(n.children), out, pos);
  for (const c of n.children) pos = writeNode(c, out, pos);
  return pos;
}

export function serialize(nodes: readonly PNode[]): Uint8Array {
  const out = new Uint8Array(messageLength(nodes));
  let pos = 0;
  for (const n of nodes) pos = writeNode(n, out, pos);
  return out;
}

/** A length-delimited node holding `children`. */
export function messageNode(field: number, children: PNode[]): PNode {
  return { field, wire: 2, tag: tagBytes(field, 2), raw: new Uint8Array(0), children };
}

export function bytesNode(field: number, data: Uint8Array | string): PNode {
  const raw = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return { field, wire: 2, tag: tagBytes(field, 2), raw, children: null };
}

export function varintNode(field: number, value: number | bigint): PNode {
  return { field, wire: 0, tag: tagBytes(field, 0), raw: Uint8Array.from(encodeVarint(value)), children: null };
}

export function fixed64Node(field: number, value: bigint): PNode {
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return { field, wire: 1, tag: tagBytes(field, 1), raw, children: null };
}

export function doubleNode(field: number, value: number): PNode {
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setFloat64(0, value, true);
  return { field, wire: 1, tag: tagBytes(field, 1), raw, children: null };
}

export interface NodeRef {
  node: PNode;
  /** Field numbers from the root down to this node, e.g. [1, 2, 2] is a span. */
  fields: readonly number[];
  /** The node's bytes in the serialized tree: [at, end), tag included. */
  at: number;
  end: number;
  /** Its length prefix (length-delimited nodes), else -1 / 0. */
  lenAt: number;
  lenSize: number;
  /** The enclosing message node, null at the top level. */
  parent: NodeRef | null;
}

/** Every node of the tree with its position in `serialize(root)`, depth first. */
export function allNodes(root: readonly PNode[]): NodeRef[] {
  const out: NodeRef[] = [];
  const walk = (nodes: readonly PNode[], at: number, parent: NodeRef | null): void => {
    for (const node of nodes) {
      const end = at + nodeLength(node);
      const lenAt = node.wire === 2 || node.children !== null ? at + node.tag.length : -1;
      const contentLength = node.children !== null ? messageLength(node.children) : node.raw.length;
      const lenSize = lenAt < 0 ? 0 : varintLength(contentLength);
      const ref: NodeRef = { node, fields: parent ? [...parent.fields, node.field] : [node.field], at, end, lenAt, lenSize, parent };
      out.push(ref);
      if (node.children) walk(node.children, lenAt + lenSize, ref);
      at = end;
    }
  };
  walk(root, 0, null);
  return out;
}

/**
 * Replaces bytes [pos, pos + remove) of a serialized tree with `insert` and rewrites the length
 * prefix of `enclosing` and of each of its ancestors, so the framing stays consistent. Prefixes
 * are rewritten innermost first: each lies before the previous one, so the earlier positions hold.
 */
export function spliceTree(bytes: Uint8Array, pos: number, remove: number, insert: Uint8Array, enclosing: NodeRef | null): Uint8Array {
  let out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, pos));
  out.set(insert, pos);
  out.set(bytes.subarray(pos + remove), pos + insert.length);
  let delta = insert.length - remove;
  for (let a = enclosing; a !== null && delta !== 0; a = a.parent) {
    const oldLength = a.end - a.lenAt - a.lenSize;
    const prefix = encodeVarint(oldLength + delta);
    const next = new Uint8Array(out.length - a.lenSize + prefix.length);
    next.set(out.subarray(0, a.lenAt));
    next.set(prefix, a.lenAt);
    next.set(out.subarray(a.lenAt + a.lenSize), a.lenAt + prefix.length);
    delta += prefix.length - a.lenSize;
    out = next;
  }
  return out;
}

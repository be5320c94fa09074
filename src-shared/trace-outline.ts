// The shape of one trace for drawing: every span in columnar arrays (no attributes, events or
// messages), in tree order. A 1M-span trace is ~40 bytes a span this way instead of a full
// SpanRecord each, so the timeline and graph can hold it whole and fetch detail only for the span
// the user opens. Pure: built by the engine from narrow rows, and by tests and the UI from records.
import type { HexId, NanoString, StatusCodeName } from './contract';

/** Why a span with a parent sits at the root: its parent never arrived, or a parent cycle. */
export const PROMOTED_NONE = 0;
export const PROMOTED_MISSING_PARENT = 1;
export const PROMOTED_CYCLE = 2;

export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/**
 * A number column: a plain array when built here or parsed from JSON, a typed array when decoded
 * from the binary form (trace-outline-binary.ts), which the renderer's decode worker hands over
 * without a copy. Read it by index; Array methods are not promised.
 */
export type OutlineColumn = ArrayLike<number>;

export interface TraceOutline {
  traceId: HexId;
  /** The earliest span start: time zero of every offset below. */
  startTimeUnixNano: NanoString;
  /** From the earliest start to the latest end. */
  durationMs: number;
  /**
   * All arrays below have one entry per span, in tree order: depth first, roots and siblings by start
   * time then span id. Index i is the same span in every array.
   */
  spanIds: HexId[];
  /** Index of the parent in these arrays; −1 for a root (also a promoted one). */
  parentIndex: OutlineColumn;
  depth: OutlineColumn;
  childCount: OutlineColumn;
  /** Offsets from startTimeUnixNano, fractional milliseconds. */
  startMs: OutlineColumn;
  durationsMs: OutlineColumn;
  /** Into `names`. */
  nameIndex: OutlineColumn;
  names: string[];
  /** Into `services` (the span resource's service.name, '' when absent). */
  serviceIndex: OutlineColumn;
  services: string[];
  /** STATUS_UNSET | STATUS_OK | STATUS_ERROR. */
  status: OutlineColumn;
  /** The status message ('' when none), so an error row can say what failed without the full span. */
  statusMessage: string[];
  /** Into `kinds`; kinds[0] is '' (not GenAI), the rest are GenAiKind values. */
  kindIndex: OutlineColumn;
  kinds: string[];
  /** PROMOTED_NONE | PROMOTED_MISSING_PARENT | PROMOTED_CYCLE. */
  promoted: OutlineColumn;
}

/** What the outline needs of a span. */
export interface OutlineSpan {
  spanId: HexId;
  parentSpanId: HexId | null;
  name: string;
  service: string;
  startTimeUnixNano: NanoString;
  endTimeUnixNano: NanoString;
  status: StatusCodeName;
  statusMessage: string;
  /** GenAI kind, or null/'' when the span is not GenAI. */
  genaiKind: string | null;
}

/** Whole milliseconds and the nanosecond remainder of a decimal nanosecond string; no BigInt per span. */
function splitNano(nano: string): [number, number] {
  if (nano.length <= 6) return [0, Number(nano) || 0];
  return [Number(nano.slice(0, -6)) || 0, Number(nano.slice(-6)) || 0];
}

function compareNano(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(first?: string) {
    if (first !== undefined) this.of(first);
  }
  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

export function emptyOutline(traceId: HexId): TraceOutline {
  return buildTraceOutline(traceId, []);
}

/**
 * Orders spans into tree order and lays them out in columns. A span whose parent is missing, is
 * itself, or sits in a cycle no root reaches becomes a root and is flagged, never dropped; a
 * duplicated span id keeps its first copy as the parent target. Iterative, so a 100k-deep chain
 * cannot overflow the stack.
 */
export function buildTraceOutline(traceId: HexId, input: readonly OutlineSpan[]): TraceOutline {
  const sorted = [...input].sort(
    (a, b) => compareNano(a.startTimeUnixNano, b.startTimeUnixNano) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0),
  );
  const n = sorted.length;
  const byId = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!byId.has(sorted[i]!.spanId)) byId.set(sorted[i]!.spanId, i);

  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const p = sorted[i]!.parentSpanId;
    const parent = p ? byId.get(p) : undefined;
    if (!p) roots.push([i, PROMOTED_NONE]);
    else if (parent === undefined) roots.push([i, PROMOTED_MISSING_PARENT]);
    else if (parent === i) roots.push([i, PROMOTED_CYCLE]);
    else children[parent]!.push(i);
  }

  let base: [number, number] = [0, 0];
  let endMax = -Infinity;
  if (n > 0) base = splitNano(sorted[0]!.startTimeUnixNano);
  // Whole nanoseconds from time zero: exact for offsets under ~104 days; each ms figure is then
  // one rounding of an exact integer.
  const offsetNs = (nano: string): number => {
    const [ms, ns] = splitNano(nano);
    return (ms - base[0]) * 1e6 + (ns - base[1]);
  };

  // Plain arrays while building (the outline's columns are only array-like once built).
  const column = (): number[] => [];
  const out = {
    spanIds: [] as string[],
    statusMessage: [] as string[],
    parentIndex: column(), depth: column(), childCount: column(), startMs: column(), durationsMs: column(),
    nameIndex: column(), serviceIndex: column(), status: column(), kindIndex: column(), promoted: column(),
  };
  const names = new Dictionary();
  const services = new Dictionary();
  const kinds = new Dictionary('');
  const position = new Int32Array(n).fill(-1);

  const walk = (root: number, promoted: number): void => {
    const stack: Array<[number, number]> = [[root, 0]];
    while (stack.length > 0) {
      const [i, depth] = stack.pop()!;
      if (position[i] !== -1) continue;
      const s = sorted[i]!;
      const at = out.spanIds.length;
      position[i] = at;
      const parent = depth === 0 ? -1 : position[byId.get(s.parentSpanId!)!]!;
      const start = offsetNs(s.startTimeUnixNano);
      const end = offsetNs(s.endTimeUnixNano);
      out.spanIds.push(s.spanId);
      out.parentIndex.push(parent);
      out.depth.push(depth);
      out.childCount.push(children[i]!.length);
      out.startMs.push(start / 1e6);
      out.durationsMs.push(Math.max(0, end - start) / 1e6);
      out.nameIndex.push(names.of(s.name));
      out.serviceIndex.push(services.of(s.service));
      out.status.push(s.status === 'error' ? STATUS_ERROR : s.status === 'ok' ? STATUS_OK : STATUS_UNSET);
      out.statusMessage.push(s.statusMessage);
      out.kindIndex.push(kinds.of(s.genaiKind ?? ''));
      out.promoted.push(depth === 0 ? promoted : PROMOTED_NONE);
      if (end > endMax) endMax = end;
      const kids = children[i]!;
      for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k]!, depth + 1]);
    }
  };
  for (const [i, promoted] of roots) walk(i, promoted);
  for (let i = 0; i < n; i++) if (position[i] === -1) walk(i, PROMOTED_CYCLE);

  return {
    traceId,
    startTimeUnixNano: n > 0 ? sorted[0]!.startTimeUnixNano : '0',
    durationMs: n > 0 ? Math.max(0, endMax) / 1e6 : 0,
    ...out,
    names: names.values,
    services: services.values,
    kinds: kinds.values,
  };
}

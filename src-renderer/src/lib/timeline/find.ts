// Find-in-trace and next-error: which spans match, in tree order, and stepping through them from
// the current selection with wrap-around. Names and services are dictionaries in the outline, so a
// query is tested once per distinct string and the per-span pass is integer lookups only.
import { STATUS_ERROR, type TraceOutline } from '../../../../src-shared/trace-outline';

type Shape = Pick<TraceOutline, 'names' | 'nameIndex' | 'services' | 'serviceIndex'>;

const lowered = new WeakMap<readonly string[], string[]>();
function lower(values: readonly string[]): string[] {
  let out = lowered.get(values);
  if (!out) {
    out = values.map((v) => v.toLowerCase());
    lowered.set(values, out);
  }
  return out;
}

function hits(values: readonly string[], needle: string): Uint8Array {
  const low = lower(values);
  const out = new Uint8Array(low.length);
  for (let k = 0; k < low.length; k++) if (low[k]!.includes(needle)) out[k] = 1;
  return out;
}

/** Outline indices whose name or service contains `query` (case-insensitive), in tree order; empty for a blank query. */
export function findSpans(outline: Shape, query: string): Int32Array {
  const needle = query.trim().toLowerCase();
  if (needle === '') return new Int32Array(0);
  const byName = hits(outline.names, needle);
  const byService = hits(outline.services, needle);
  const { nameIndex, serviceIndex } = outline;
  const n = nameIndex.length;
  const out = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (byName[nameIndex[i]!] || byService[serviceIndex[i]!]) out[m++] = i;
  return out.slice(0, m);
}

/** Outline indices of error spans, in tree order. */
export function errorSpans(outline: Pick<TraceOutline, 'status'>): Int32Array {
  const { status } = outline;
  let m = 0;
  for (let i = 0; i < status.length; i++) if (status[i] === STATUS_ERROR) m++;
  const out = new Int32Array(m);
  m = 0;
  for (let i = 0; i < status.length; i++) if (status[i] === STATUS_ERROR) out[m++] = i;
  return out;
}

/** First position in the sorted `indices` holding a value ≥ `index`. */
function lowerBound(indices: Int32Array, index: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indices[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of outline index `index` among `indices`, or −1. */
export function positionOf(indices: Int32Array, index: number): number {
  const p = lowerBound(indices, index);
  return p < indices.length && indices[p] === index ? p : -1;
}

/**
 * The position in `indices` to go to from the span at outline index `from` (−1: nothing selected):
 * the next one after it in tree order, or the previous one before it, wrapping at the ends. −1 when
 * there is none.
 */
export function stepTo(indices: Int32Array, from: number, direction: 1 | -1): number {
  const m = indices.length;
  if (m === 0) return -1;
  if (from < 0) return direction === 1 ? 0 : m - 1;
  if (direction === 1) {
    const p = lowerBound(indices, from + 1);
    return p < m ? p : 0;
  }
  const p = lowerBound(indices, from) - 1;
  return p >= 0 ? p : m - 1;
}

/** One byte per outline index, 1 where it is among `indices`: what the drawing tests per row. */
export function flagsOf(indices: Int32Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < indices.length; k++) out[indices[k]!] = 1;
  return out;
}

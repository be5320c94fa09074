// Which outline spans the timeline shows, top to bottom, once folded subtrees are taken out, and the
// moves over them (keyboard, reveal). Typed arrays and index arithmetic only: a 1M-span outline
// costs two Int32Arrays and one pass, never an object per row. Folds are span ids (they survive the
// outline being replaced by a bigger one while a trace still receives spans).
import type { TraceOutline } from '../../../../src-shared/trace-outline';

type Shape = Pick<TraceOutline, 'spanIds' | 'depth' | 'childCount' | 'parentIndex'>;

export interface VisibleRows {
  /** Outline index of each shown row, top to bottom. */
  index: Int32Array;
  /** Row of each outline index; −1 when an ancestor is folded. */
  rowOf: Int32Array;
  count: number;
}

/**
 * Rows in tree order with the subtrees under folded spans left out. The outline is depth-first, so a
 * subtree is the run of following entries that are deeper than its root: skipping it needs no child
 * lists. Only spans with children are looked up in `collapsed`.
 */
export function visibleRows(outline: Shape, collapsed: ReadonlySet<string>): VisibleRows {
  const n = outline.spanIds.length;
  if (collapsed.size === 0) {
    const identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return { index: identity, rowOf: identity, count: n };
  }
  const { depth, childCount, spanIds } = outline;
  const index = new Int32Array(n);
  const rowOf = new Int32Array(n).fill(-1);
  let count = 0;
  let i = 0;
  while (i < n) {
    rowOf[i] = count;
    index[count++] = i;
    if (childCount[i]! > 0 && collapsed.has(spanIds[i]!)) {
      const d = depth[i]!;
      i++;
      while (i < n && depth[i]! > d) i++;
    } else {
      i++;
    }
  }
  return { index: index.subarray(0, count), rowOf, count };
}

/**
 * Outline index of a span id, or −1. A linear scan (a few ms at 1M spans) instead of an id → index
 * map, which would cost ~100 MB and a second at that size for lookups that happen on a click;
 * `hint` (the index it had before) makes the common case O(1).
 */
export function indexOfSpan(outline: Pick<TraceOutline, 'spanIds'>, spanId: string | null, hint = -1): number {
  if (spanId === null) return -1;
  if (hint >= 0 && outline.spanIds[hint] === spanId) return hint;
  return outline.spanIds.indexOf(spanId);
}

/** Folded ancestors of a span, nearest first: unfolding them all makes its row visible. */
export function foldedAncestors(outline: Shape, index: number, collapsed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (collapsed.size === 0) return out;
  for (let p = outline.parentIndex[index] ?? -1; p >= 0; p = outline.parentIndex[p] ?? -1) {
    const id = outline.spanIds[p]!;
    if (collapsed.has(id)) out.push(id);
  }
  return out;
}

export type TreeKeyAction = { kind: 'select'; index: number } | { kind: 'fold'; spanId: string } | { kind: 'unfold'; spanId: string } | null;

/**
 * What an arrow key does to the selection, tree-widget style: up/down step through the shown rows;
 * left folds an open span or else goes to the parent; right unfolds a folded span or else goes to
 * the first child. With nothing selected, any arrow selects the first row.
 */
export function treeKey(
  outline: Shape,
  rows: VisibleRows,
  collapsed: ReadonlySet<string>,
  selected: number,
  key: 'up' | 'down' | 'left' | 'right' | 'home' | 'end',
): TreeKeyAction {
  if (rows.count === 0) return null;
  const row = selected >= 0 ? rows.rowOf[selected]! : -1;
  if (row < 0) return { kind: 'select', index: rows.index[key === 'end' ? rows.count - 1 : 0]! };
  switch (key) {
    case 'up':
      return row > 0 ? { kind: 'select', index: rows.index[row - 1]! } : null;
    case 'down':
      return row < rows.count - 1 ? { kind: 'select', index: rows.index[row + 1]! } : null;
    case 'home':
      return { kind: 'select', index: rows.index[0]! };
    case 'end':
      return { kind: 'select', index: rows.index[rows.count - 1]! };
    case 'left': {
      const id = outline.spanIds[selected]!;
      if (outline.childCount[selected]! > 0 && !collapsed.has(id)) return { kind: 'fold', spanId: id };
      const parent = outline.parentIndex[selected]!;
      return parent >= 0 ? { kind: 'select', index: parent } : null;
    }
    case 'right': {
      if (outline.childCount[selected]! === 0) return null;
      const id = outline.spanIds[selected]!;
      if (collapsed.has(id)) return { kind: 'unfold', spanId: id };
      return selected + 1 < outline.spanIds.length ? { kind: 'select', index: selected + 1 } : null;
    }
  }
}

/**
 * The scrollTop that shows `row`: `nearest` moves the least that brings it fully into view (stepping
 * with the keyboard); `center` centres it when it is not fully in view already (a jump from
 * elsewhere: find, next error, the graph), so a jump to a row on screen does not move the list.
 * Clamped to the content.
 */
export function scrollForRow(
  row: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  count: number,
  mode: 'center' | 'nearest',
): number {
  const max = Math.max(0, count * rowHeight - viewport);
  const top = row * rowHeight;
  let next: number;
  if (top >= scrollTop && top + rowHeight <= scrollTop + viewport) next = scrollTop;
  else if (mode === 'center') next = top + rowHeight / 2 - viewport / 2;
  else if (top < scrollTop) next = top;
  else next = top + rowHeight - viewport;
  return Math.min(max, Math.max(0, Math.round(next)));
}

/** Spans in each subtree, the span included: what a folded row says it hides. Parents precede children in tree order. */
export function subtreeSizes(outline: Pick<TraceOutline, 'parentIndex'>): Int32Array {
  const { parentIndex } = outline;
  const size = new Int32Array(parentIndex.length).fill(1);
  for (let i = parentIndex.length - 1; i > 0; i--) {
    const p = parentIndex[i]!;
    if (p >= 0 && p < i) size[p]! += size[i]!;
  }
  return size;
}

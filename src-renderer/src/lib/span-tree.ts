// Turns a trace's flat span list into depth-annotated rows in tree order. Spans arrive out of
// order and partially, so a span whose parent is missing (or is itself, or sits in a parent cycle)
// is promoted to a root and flagged — never dropped. Iterative, so a 100k-deep chain cannot
// overflow the stack.
import type { SpanRecord } from '../../../src-shared/contract';

export interface SpanRow {
  span: SpanRecord;
  depth: number;
  childCount: number;
  /** Why a span with a parentSpanId sits at the root: its parent never arrived, or a cycle. */
  promoted: 'missing-parent' | 'cycle' | null;
}

/** Compares non-negative decimal strings numerically without BigInt allocation. */
export function compareNano(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byStart(a: SpanRecord, b: SpanRecord): number {
  return compareNano(a.startTimeUnixNano, b.startTimeUnixNano);
}

export function buildSpanRows(spans: readonly SpanRecord[]): SpanRow[] {
  const sorted = [...spans].sort(byStart);
  // Duplicated span ids (a resent batch) keep the first copy as the parent target.
  const byId = new Map<string, number>();
  sorted.forEach((s, i) => {
    if (!byId.has(s.spanId)) byId.set(s.spanId, i);
  });

  const children: number[][] = sorted.map(() => []);
  const roots: { index: number; promoted: SpanRow['promoted'] }[] = [];
  sorted.forEach((s, i) => {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (s.parentSpanId === null || s.parentSpanId === '') roots.push({ index: i, promoted: null });
    else if (parent === undefined) roots.push({ index: i, promoted: 'missing-parent' });
    else if (parent === i) roots.push({ index: i, promoted: 'cycle' });
    else children[parent]!.push(i);
  });

  const rows: SpanRow[] = [];
  const visited = new Uint8Array(sorted.length);
  const walk = (rootIndex: number, promoted: SpanRow['promoted']): void => {
    const stack: { index: number; depth: number }[] = [{ index: rootIndex, depth: 0 }];
    while (stack.length > 0) {
      const { index, depth } = stack.pop()!;
      if (visited[index]) continue;
      visited[index] = 1;
      const kids = children[index]!;
      rows.push({ span: sorted[index]!, depth, childCount: kids.length, promoted: depth === 0 ? promoted : null });
      // Children are already in start order; push reversed so the earliest is visited first.
      for (let k = kids.length - 1; k >= 0; k--) stack.push({ index: kids[k]!, depth: depth + 1 });
    }
  };
  for (const r of roots) walk(r.index, r.promoted);
  // Whatever is left hangs off a parent cycle that no root reaches: break it at its earliest span.
  for (let i = 0; i < sorted.length; i++) {
    if (!visited[i]) walk(i, 'cycle');
  }
  return rows;
}

/** Rows still shown when the subtrees under `collapsed` span ids are folded away. */
export function visibleRows(rows: readonly SpanRow[], collapsed: ReadonlySet<string>): SpanRow[] {
  if (collapsed.size === 0) return rows as SpanRow[];
  const out: SpanRow[] = [];
  let hideDeeperThan = Infinity;
  for (const row of rows) {
    if (row.depth > hideDeeperThan) continue;
    hideDeeperThan = Infinity;
    out.push(row);
    if (collapsed.has(row.span.spanId) && row.childCount > 0) hideDeeperThan = row.depth;
  }
  return out;
}

/** The trace's time window, for placing each span's bar. */
export function traceWindow(spans: readonly SpanRecord[]): { start: string; end: string } | null {
  if (spans.length === 0) return null;
  let start = spans[0]!.startTimeUnixNano;
  let end = spans[0]!.endTimeUnixNano;
  for (const s of spans) {
    if (compareNano(s.startTimeUnixNano, start) < 0) start = s.startTimeUnixNano;
    if (compareNano(s.endTimeUnixNano, end) > 0) end = s.endTimeUnixNano;
  }
  return { start, end };
}

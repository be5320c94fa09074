/** Which rows the timeline shows under folds, how arrow keys move, and where a revealed row scrolls to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceOutline, type OutlineSpan, type TraceOutline } from '../../src-shared/trace-outline';
import {
  foldedAncestors,
  indexOfSpan,
  scrollForRow,
  subtreeSizes,
  treeKey,
  visibleRows,
  type VisibleRows,
} from '../../src-renderer/src/lib/timeline/rows';

const T0 = 1_763_800_000_000_000_000n;
function span(spanId: string, parentSpanId: string | null, startMs: number, durMs: number): OutlineSpan {
  const start = T0 + BigInt(Math.round(startMs * 1e6));
  return {
    spanId,
    parentSpanId,
    name: `op ${spanId}`,
    service: 'svc',
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + BigInt(Math.round(durMs * 1e6))).toString(),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
  };
}

//  r
//    a
//      a1
//      a2
//        a2x
//    b
//      b1
//  orphan (parent missing)
const outline = buildTraceOutline('t', [
  span('r', null, 0, 100),
  span('a', 'r', 1, 50),
  span('a1', 'a', 2, 10),
  span('a2', 'a', 20, 10),
  span('a2x', 'a2', 21, 5),
  span('b', 'r', 60, 30),
  span('b1', 'b', 61, 5),
  span('orphan', 'gone', 70, 5),
]);

const ids = (o: TraceOutline, rows: VisibleRows) => Array.from(rows.index, (i) => o.spanIds[i]);

test('with nothing folded every span is a row, in tree order', () => {
  const rows = visibleRows(outline, new Set());
  assert.deepEqual(ids(outline, rows), ['r', 'a', 'a1', 'a2', 'a2x', 'b', 'b1', 'orphan']);
  assert.equal(rows.rowOf[outline.spanIds.indexOf('b1')], 6);
});

test('a folded span hides its whole subtree and nothing after it', () => {
  const rows = visibleRows(outline, new Set(['a']));
  assert.deepEqual(ids(outline, rows), ['r', 'a', 'b', 'b1', 'orphan']);
  assert.equal(rows.rowOf[outline.spanIds.indexOf('a2x')], -1);
  assert.equal(rows.rowOf[outline.spanIds.indexOf('b')], 2);
});

test('folds inside a folded subtree stay remembered but change nothing; folding a leaf is a no-op', () => {
  assert.deepEqual(ids(outline, visibleRows(outline, new Set(['a', 'a2']))), ['r', 'a', 'b', 'b1', 'orphan']);
  assert.deepEqual(ids(outline, visibleRows(outline, new Set(['a2']))), ['r', 'a', 'a1', 'a2', 'b', 'b1', 'orphan']);
  assert.deepEqual(ids(outline, visibleRows(outline, new Set(['b1', 'unknown']))), ['r', 'a', 'a1', 'a2', 'a2x', 'b', 'b1', 'orphan']);
  // Folding the root leaves the other root (the orphan).
  assert.deepEqual(ids(outline, visibleRows(outline, new Set(['r']))), ['r', 'orphan']);
});

test('folds are span ids, so they survive a bigger outline replacing the old one', () => {
  const grown = buildTraceOutline('t', [
    span('r', null, 0, 100),
    span('a', 'r', 1, 50),
    span('a0', 'a', 1.5, 1),
    span('a1', 'a', 2, 10),
    span('a2', 'a', 20, 10),
    span('a2x', 'a2', 21, 5),
    span('b', 'r', 60, 30),
    span('b1', 'b', 61, 5),
  ]);
  assert.deepEqual(ids(grown, visibleRows(grown, new Set(['a']))), ['r', 'a', 'b', 'b1']);
});

test('the folded ancestors of a hidden span are exactly what must be unfolded to show it', () => {
  const i = outline.spanIds.indexOf('a2x');
  assert.deepEqual(foldedAncestors(outline, i, new Set(['a', 'a2', 'b'])), ['a2', 'a']);
  assert.deepEqual(foldedAncestors(outline, i, new Set(['a2x', 'b'])), []);
});

test('a folded row can say how many spans it hides', () => {
  const size = subtreeSizes(outline);
  assert.equal(size[outline.spanIds.indexOf('r')], 7);
  assert.equal(size[outline.spanIds.indexOf('a')], 4);
  assert.equal(size[outline.spanIds.indexOf('orphan')], 1);
});

test('span ids resolve to outline indices, the hint only as a shortcut', () => {
  assert.equal(indexOfSpan(outline, 'b1'), 6);
  assert.equal(indexOfSpan(outline, 'b1', 6), 6);
  assert.equal(indexOfSpan(outline, 'b1', 2), 6, 'a stale hint is not trusted');
  assert.equal(indexOfSpan(outline, 'nope'), -1);
  assert.equal(indexOfSpan(outline, null), -1);
});

test('arrow keys: up/down step through shown rows, left folds or climbs, right unfolds or descends', () => {
  const at = (id: string) => outline.spanIds.indexOf(id);
  const none = new Set<string>();
  const rows = visibleRows(outline, none);
  assert.deepEqual(treeKey(outline, rows, none, -1, 'down'), { kind: 'select', index: at('r') });
  assert.deepEqual(treeKey(outline, rows, none, at('a2x'), 'down'), { kind: 'select', index: at('b') });
  assert.deepEqual(treeKey(outline, rows, none, at('b'), 'up'), { kind: 'select', index: at('a2x') });
  assert.equal(treeKey(outline, rows, none, at('r'), 'up'), null);
  assert.equal(treeKey(outline, rows, none, at('orphan'), 'down'), null);
  assert.deepEqual(treeKey(outline, rows, none, at('a'), 'left'), { kind: 'fold', spanId: 'a' });
  assert.deepEqual(treeKey(outline, rows, none, at('a1'), 'left'), { kind: 'select', index: at('a') });
  assert.deepEqual(treeKey(outline, rows, none, at('a'), 'right'), { kind: 'select', index: at('a1') });
  assert.equal(treeKey(outline, rows, none, at('a1'), 'right'), null);
  assert.deepEqual(treeKey(outline, rows, none, at('a'), 'end'), { kind: 'select', index: at('orphan') });

  const folded = new Set(['a']);
  const frows = visibleRows(outline, folded);
  assert.deepEqual(treeKey(outline, frows, folded, at('a'), 'right'), { kind: 'unfold', spanId: 'a' });
  assert.deepEqual(treeKey(outline, frows, folded, at('a'), 'left'), { kind: 'select', index: at('r') });
  // Down from a folded span skips its hidden subtree.
  assert.deepEqual(treeKey(outline, frows, folded, at('a'), 'down'), { kind: 'select', index: at('b') });
});

test('revealing a row: a jump centres it unless it is on screen, a step moves the least, both clamped', () => {
  // 100 rows of 24 px in a 240 px viewport.
  assert.equal(scrollForRow(50, 24, 0, 240, 100, 'center'), 50 * 24 + 12 - 120);
  assert.equal(scrollForRow(0, 24, 500, 240, 100, 'center'), 0);
  assert.equal(scrollForRow(99, 24, 0, 240, 100, 'center'), 100 * 24 - 240);
  assert.equal(scrollForRow(5, 24, 0, 240, 100, 'center'), 0, 'already on screen: the list does not move');
  assert.equal(scrollForRow(9, 24, 0, 230, 100, 'center'), 9 * 24 + 12 - 115, 'cut off at the bottom: centred');
  assert.equal(scrollForRow(5, 24, 0, 240, 100, 'nearest'), 0, 'already in view: no movement');
  assert.equal(scrollForRow(10, 24, 0, 240, 100, 'nearest'), 11 * 24 - 240, 'just below: bottom-aligned');
  assert.equal(scrollForRow(3, 24, 200, 240, 100, 'nearest'), 72, 'just above: top-aligned');
});

/** A 1,000,001-span outline in tree order: a root, 1000 children, 999 grandchildren each. */
function millionOutline(): TraceOutline {
  const kids = 1000;
  const grandkids = 999;
  const n = 1 + kids * (1 + grandkids);
  // Typed columns, as the binary form decodes them.
  const parentIndex = new Int32Array(n);
  const depth = new Uint8Array(n);
  const childCount = new Uint16Array(n);
  const o: TraceOutline = {
    traceId: 'big',
    startTimeUnixNano: '0',
    durationMs: 1000,
    spanIds: new Array<string>(n),
    parentIndex,
    depth,
    childCount,
    startMs: new Array<number>(n).fill(0),
    durationsMs: new Array<number>(n).fill(1),
    nameIndex: new Array<number>(n).fill(0),
    names: ['x'],
    serviceIndex: new Array<number>(n).fill(0),
    services: [''],
    status: new Array<number>(n).fill(0),
    statusMessage: new Array<string>(n).fill(''),
    kindIndex: new Array<number>(n).fill(0),
    kinds: [''],
    promoted: new Array<number>(n).fill(0),
  };
  let at = 0;
  const put = (parent: number, d: number, count: number) => {
    o.spanIds[at] = at.toString(16).padStart(16, '0');
    parentIndex[at] = parent;
    depth[at] = d;
    childCount[at] = count;
    return at++;
  };
  const root = put(-1, 0, kids);
  for (let c = 0; c < kids; c++) {
    const child = put(root, 1, grandkids);
    for (let g = 0; g < grandkids; g++) put(child, 2, 0);
  }
  return o;
}

test('a 1M-span outline: all rows, then every second child folded', () => {
  const o = millionOutline();
  const all = visibleRows(o, new Set());
  assert.equal(all.count, 1_000_001);
  const folds = new Set<string>();
  for (let i = 0; i < o.spanIds.length; i++) if (o.depth[i] === 1 && ((i - 1) / 1000) % 2 === 0) folds.add(o.spanIds[i]!);
  // Child c sits at 1 + 1000c; even c are folded: 500 folded children hide 999 spans each.
  const rows = visibleRows(o, folds);
  assert.equal(folds.size, 500);
  assert.equal(rows.count, 1_000_001 - 500 * 999);
  assert.equal(rows.index[1], 1);
  assert.equal(rows.index[2], 1001, 'the row after a folded child is the next child');
  assert.equal(subtreeSizes(o)[0], 1_000_001);
});

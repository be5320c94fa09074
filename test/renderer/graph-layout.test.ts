// The tidy tree the graph pane is drawn with: no two nodes of a layer overlap, parents sit above
// and centred over their children, siblings keep their order, subtrees pack against their
// neighbours' contours, and big or deep trees finish fast without recursion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutTree, type TreeLayout } from '../../src-renderer/src/lib/graph/layout';

const OPTS = { columnWidth: 100, rowHeight: 80 };

function assertTidy(parent: number[], l: TreeLayout): void {
  const byDepth = new Map<number, number[]>();
  parent.forEach((p, i) => {
    const row = byDepth.get(l.depth[i]!) ?? [];
    row.push(l.x[i]!);
    byDepth.set(l.depth[i]!, row);
    if (p !== -1) {
      assert.ok(l.y[p]! < l.y[i]!, `parent ${p} above child ${i}`);
      assert.equal(l.depth[i], l.depth[p]! + 1);
    } else assert.equal(l.y[i], 0);
  });
  for (const [depth, xs] of byDepth) {
    xs.sort((a, b) => a - b);
    for (let k = 1; k < xs.length; k++) assert.ok(xs[k]! - xs[k - 1]! >= OPTS.columnWidth - 1e-6, `overlap in layer ${depth} at ${xs[k]}`);
  }
}

test('siblings keep their order left to right and parents are centred over their children', () => {
  //        0
  //   1    2    3
  //  4 5        6
  const parent = [-1, 0, 0, 0, 1, 1, 3];
  const l = layoutTree(parent, OPTS);
  assertTidy(parent, l);
  assert.ok(l.x[1]! < l.x[2]! && l.x[2]! < l.x[3]!);
  assert.ok(l.x[4]! < l.x[5]!);
  assert.equal(l.x[0], (l.x[1]! + l.x[3]!) / 2);
  assert.equal(l.x[1], (l.x[4]! + l.x[5]!) / 2);
  assert.equal(l.x[3], l.x[6], 'an only child sits under its parent');
});

test('a subtree packs against its neighbour by contour, not by the neighbour’s widest layer', () => {
  // x's subtree is wide only at depth 3; y's children (depth 2) fit beside x's single child.
  const parent = [-1, 0, 0, 1, 3, 3, 3, 3, 2, 2];
  //              r  x  y  x1 x11..x14    y1 y2
  const l = layoutTree(parent, OPTS);
  assertTidy(parent, l);
  assert.equal(l.x[2]! - l.x[1]!, 1.5 * OPTS.columnWidth, 'y’s left child clears x1 by one column; x’s wide grandchildren do not push it');
});

test('a forest lays its roots side by side on the top row', () => {
  const parent = [-1, -1, 0, 1, 1];
  const l = layoutTree(parent, OPTS);
  assertTidy(parent, l);
  assert.ok(l.x[0]! < l.x[1]!);
});

test('2,000 nodes of a random tree lay out tidily in well under a second', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const parent = [-1];
  for (let i = 1; i < 2000; i++) parent.push(Math.floor(rand() ** 2 * i));
  const t0 = performance.now();
  const l = layoutTree(parent, OPTS);
  const ms = performance.now() - t0;
  assertTidy(parent, l);
  assert.ok(ms < 250, `took ${ms.toFixed(1)} ms`);
});

test('a 20,000-deep chain does not overflow the stack', () => {
  const parent = Array.from({ length: 20_000 }, (_, i) => i - 1);
  const l = layoutTree(parent, OPTS);
  assert.equal(l.depth[19_999], 19_999);
  assert.equal(l.x[19_999], l.x[0]);
});

test('bad parent indexes and loops become roots instead of hanging the layout', () => {
  const parent = [1, 0, 7, -5, 2];
  const l = layoutTree(parent, OPTS);
  assert.equal(l.depth.length, 5);
  assert.ok([...l.depth].every((d) => d >= 0 && d <= 2));
});

// Top-down tidy tree for the agent graph: layer = depth, siblings left to right in index order,
// each subtree packed against its left neighbours by comparing contours depth by depth
// (Reingold–Tilford), parents centred over their children. Cytoscape's own layouts (breadthfirst,
// dagre-like) were rejected: they took seconds at 2k nodes; this takes a few ms and then cytoscape
// only places nodes (`preset`). Iterative, so a 10k-deep chain does not overflow the stack.
import { cutCycles } from '../../../../src-shared/agent-graph-collapse';

export interface TreeLayoutOptions {
  /** Horizontal distance between the centres of two neighbours in a layer. */
  columnWidth: number;
  /** Vertical distance between layers. */
  rowHeight: number;
}

export interface TreeLayout {
  /** Centre of node i; roots on row 0. */
  x: Float64Array;
  y: Float64Array;
  depth: Int32Array;
}

/**
 * `parent[i]` is the index of i's parent (−1 for a root); children keep their index order. An
 * out-of-range parent index, or a loop, makes a root.
 */
export function layoutTree(parent: ArrayLike<number>, options: TreeLayoutOptions): TreeLayout {
  const n = parent.length;
  const sep = options.columnWidth;
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  const safeParent = sanitizeParents(parent);
  for (let i = 0; i < n; i++) {
    const p = safeParent[i] ?? -1;
    if (p === -1) roots.push(i);
    else children[p]?.push(i);
  }

  // Children before parents; the virtual root (index n) holds the forest's roots.
  const postOrder: number[] = [];
  const stack: number[] = [n];
  const kidsOf = (v: number): number[] => (v === n ? roots : (children[v] ?? []));
  while (stack.length > 0) {
    const v = stack.pop() as number;
    postOrder.push(v);
    for (const c of kidsOf(v)) stack.push(c);
  }
  postOrder.reverse();

  // Per subtree: its left and right contours (x of the outermost node at each depth below the
  // subtree's root, relative to the root) and each child's x relative to its parent. A contour is
  // stored deepest first with a shift, so adding the parent's level and moving a subtree are O(1)
  // and a merge costs the shallower side's depth: O(n) overall. Plain arrays per depth were
  // quadratic on chains (a 20k-deep chain took 15 s).
  const left: Contour[] = new Array<Contour>(n + 1);
  const right: Contour[] = new Array<Contour>(n + 1);
  const rel = new Float64Array(n + 1);
  for (const v of postOrder) {
    const kids = kidsOf(v);
    if (kids.length === 0) {
      left[v] = { v: [0], s: 0 };
      right[v] = { v: [0], s: 0 };
      continue;
    }
    const offsets: number[] = [];
    let accL = left[kids[0] as number] as Contour;
    let accR = right[kids[0] as number] as Contour;
    offsets.push(0);
    for (let k = 1; k < kids.length; k++) {
      const cl = left[kids[k] as number] as Contour;
      const cr = right[kids[k] as number] as Contour;
      const shared = Math.min(accR.v.length, cl.v.length);
      let offset = -Infinity;
      for (let d = 0; d < shared; d++) offset = Math.max(offset, at(accR, d) - at(cl, d) + sep);
      offsets.push(offset);
      cl.s += offset;
      cr.s += offset;
      // The new child clears every depth it shares, so it is the right edge there; depths only one
      // side reaches keep that side's contour.
      if (cr.v.length >= accR.v.length) accR = cr;
      else for (let d = 0; d < cr.v.length; d++) set(accR, d, at(cr, d));
      if (cl.v.length > accL.v.length) {
        for (let d = 0; d < accL.v.length; d++) set(cl, d, at(accL, d));
        accL = cl;
      }
    }
    const mid = ((offsets[0] as number) + (offsets[offsets.length - 1] as number)) / 2;
    kids.forEach((c, k) => (rel[c] = (offsets[k] as number) - mid));
    accL.s -= mid;
    accR.s -= mid;
    accL.v.push(-accL.s);
    accR.v.push(-accR.s);
    left[v] = accL;
    right[v] = accR;
  }

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const depth = new Int32Array(n);
  // Parents before children: the reverse of postOrder. The virtual root sits at x 0, depth −1.
  const absX = new Float64Array(n + 1);
  const absD = new Int32Array(n + 1);
  absD[n] = -1;
  for (let k = postOrder.length - 1; k >= 0; k--) {
    const v = postOrder[k] as number;
    for (const c of kidsOf(v)) {
      absX[c] = (absX[v] as number) + (rel[c] as number);
      absD[c] = (absD[v] as number) + 1;
    }
  }
  for (let i = 0; i < n; i++) {
    x[i] = absX[i] as number;
    depth[i] = absD[i] as number;
    y[i] = (absD[i] as number) * options.rowHeight;
  }
  return { x, y, depth };
}

/** x at each depth below a subtree's root: depth d is v[v.length − 1 − d] + s. */
interface Contour {
  v: number[];
  s: number;
}

function at(c: Contour, depth: number): number {
  return (c.v[c.v.length - 1 - depth] as number) + c.s;
}

function set(c: Contour, depth: number, x: number): void {
  c.v[c.v.length - 1 - depth] = x - c.s;
}

/** Out-of-range parents and loops become roots (the caller's graph is already a forest; this is a guard). */
function sanitizeParents(parent: ArrayLike<number>): Int32Array {
  const n = parent.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = parent[i] ?? -1;
    out[i] = Number.isInteger(p) && p >= 0 && p < n && p !== i ? p : -1;
  }
  cutCycles(out);
  return out;
}

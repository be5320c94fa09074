// A word-level diff of two texts for the Compare page: words and the whitespace between them are
// tokens, aligned by a longest common subsequence; runs of the same operation are merged. Pure.
// Past LIMIT cells (two prompts of ~2,000 words each) it says "replaced" whole rather than spend
// the table's memory: such prompts are read side by side anyway.

export interface DiffChunk {
  op: 'same' | 'del' | 'ins';
  text: string;
}

const LIMIT = 4_000_000;

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

export function wordDiff(a: string, b: string): DiffChunk[] {
  const x = tokens(a);
  const y = tokens(b);
  const out: DiffChunk[] = [];
  const push = (op: DiffChunk['op'], text: string): void => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else if (text !== '') out.push({ op, text });
  };
  let lo = 0;
  while (lo < x.length && lo < y.length && x[lo] === y[lo]) lo++;
  let hx = x.length;
  let hy = y.length;
  while (hx > lo && hy > lo && x[hx - 1] === y[hy - 1]) {
    hx--;
    hy--;
  }
  push('same', x.slice(0, lo).join(''));
  const n = hx - lo;
  const m = hy - lo;
  if (n * m > LIMIT) {
    push('del', x.slice(lo, hx).join(''));
    push('ins', y.slice(lo, hy).join(''));
  } else {
    const w = m + 1;
    const t = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        t[i * w + j] = x[lo + i] === y[lo + j] ? t[(i + 1) * w + j + 1]! + 1 : Math.max(t[(i + 1) * w + j]!, t[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[lo + i] === y[lo + j]) {
        push('same', x[lo + i]!);
        i++;
        j++;
      } else if (j >= m || (i < n && t[(i + 1) * w + j]! >= t[i * w + j + 1]!)) push('del', x[lo + i++]!);
      else push('ins', y[lo + j++]!);
    }
  }
  push('same', x.slice(hx).join(''));
  return regroup(out);
}

/**
 * A change whose deleted and inserted words alternate across single spaces ("[-(435-] {+Expect+}
 * [-EUR).-]") reads as one deletion then one insertion: whitespace-only `same` chunks between
 * changes join both sides.
 */
function regroup(chunks: DiffChunk[]): DiffChunk[] {
  const out: DiffChunk[] = [];
  for (let i = 0; i < chunks.length; ) {
    if (chunks[i]!.op === 'same') {
      out.push(chunks[i++]!);
      continue;
    }
    let del = '';
    let ins = '';
    let j = i;
    for (; j < chunks.length; j++) {
      const c = chunks[j]!;
      if (c.op === 'del') del += c.text;
      else if (c.op === 'ins') ins += c.text;
      else if (/^\s+$/.test(c.text) && j + 1 < chunks.length && chunks[j + 1]!.op !== 'same') {
        del += c.text;
        ins += c.text;
      } else break;
    }
    if (del !== '') out.push({ op: 'del', text: del });
    if (ins !== '') out.push({ op: 'ins', text: ins });
    i = j;
  }
  return out;
}

/** "+12", "−3", "0": a signed difference as the page shows it. */
export function signed(n: number, format: (abs: number) => string): string {
  if (n === 0 || !Number.isFinite(n)) return format(0);
  return `${n > 0 ? '+' : '−'}${format(Math.abs(n))}`;
}

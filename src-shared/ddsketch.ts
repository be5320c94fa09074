/**
 * A DDSketch (Masson et al., VLDB 2019) of positive values, relative accuracy 1 %: every quantile it
 * answers is within 1 % of a value of the sample at that rank. Mergeable (bins add), so per-minute
 * sketches of the analytics rollups merge into any time range. Pure; no Node imports.
 *
 * Bins are logarithmic, index ⌈log_γ(x)⌉ with γ = (1 + α) / (1 − α); values below MIN_VALUE (and 0)
 * count in a zero bin. Serialized as varints: [version, zeroCount, binCount, (Δindex zigzag, count)…],
 * a few bytes per bin; a minute of one group's latencies rarely spans more than ~200 bins.
 * Rejected: t-digest (merges are not exact, error is relative to rank, not value) and HDR histograms
 * (fixed range, kilobytes per sketch).
 */

export const SKETCH_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** 1 µs when values are milliseconds: shorter latencies read as 0. */
export const MIN_VALUE = 1e-3;
/** Bound on the bins' range (γ^MAX_BINS ≈ 10^17): past it the lowest bins collapse, as DDSketch's collapsing store does. */
const MAX_BINS = 2048;
const VERSION = 1;

/** The bin of a value; null for the zero bin. */
export function binIndex(value: number): number | null {
  return value >= MIN_VALUE ? Math.ceil(Math.log(value) / LOG_GAMMA) : null;
}

export class DDSketch {
  /**
   * Dense counts: counts[k] is bin offset + k. A Map of bins cost a sort per encode and per quantile,
   * ~50 µs for a day's sketch of ~1,000 bins, paid on every batch that writes the day (analytics-rollups.ts).
   */
  private counts: number[] = [];
  private offset = 0;
  zeroCount = 0;
  count = 0;

  add(value: number, weight = 1): void {
    this.addIndex(binIndex(value), weight);
  }

  /** add() with the bin already computed (binIndex): one logarithm for a value added to several sketches. */
  addIndex(i: number | null, weight = 1): void {
    this.count += weight;
    if (i === null) {
      this.zeroCount += weight;
      return;
    }
    this.bump(i, weight);
  }

  private bump(i: number, weight: number): void {
    const c = this.counts;
    if (c.length === 0) {
      this.offset = i;
      c.push(weight);
      return;
    }
    if (i < this.offset) {
      const grow = this.offset - i;
      this.counts = new Array<number>(grow).fill(0).concat(c);
      this.offset = i;
      this.counts[0] = weight;
      if (this.counts.length > MAX_BINS) this.collapse();
      return;
    }
    const k = i - this.offset;
    while (c.length <= k) c.push(0);
    c[k]! += weight;
    if (c.length > MAX_BINS) this.collapse();
  }

  merge(other: DDSketch): void {
    this.count += other.count;
    this.zeroCount += other.zeroCount;
    const oc = other.counts;
    for (let k = 0; k < oc.length; k++) if (oc[k]! > 0) this.bump(other.offset + k, oc[k]!);
  }

  /** q in [0, 1]; null when empty. The value at rank ⌊q·(n − 1)⌋, as the exact lower quantile. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.floor(q * (this.count - 1));
    if (rank < this.zeroCount) return 0;
    let seen = this.zeroCount;
    const c = this.counts;
    for (let k = 0; k < c.length; k++) {
      seen += c[k]!;
      if (seen > rank) return (2 * Math.pow(GAMMA, this.offset + k)) / (GAMMA + 1);
    }
    return (2 * Math.pow(GAMMA, this.offset + c.length - 1)) / (GAMMA + 1);
  }

  /** Folds the lowest bins into the lowest one kept, so at most MAX_BINS remain (range ≈ γ^MAX_BINS). */
  private collapse(): void {
    const c = this.counts;
    const drop = c.length - MAX_BINS;
    let moved = 0;
    for (let k = 0; k < drop; k++) moved += c[k]!;
    this.counts = c.slice(drop);
    this.counts[0]! += moved;
    this.offset += drop;
  }

  encode(): Uint8Array {
    const c = this.counts;
    let bins = 0;
    for (let k = 0; k < c.length; k++) if (c[k]! > 0) bins++;
    // A varint of a count below 2^53 takes at most 8 bytes; a bin delta at most 2.
    const out = new Uint8Array(3 * 8 + bins * 10);
    const pos = { at: 0 };
    writeVarint(out, pos, VERSION);
    writeVarint(out, pos, this.zeroCount);
    writeVarint(out, pos, bins);
    let prev = 0;
    for (let k = 0; k < c.length; k++) {
      if (c[k]! === 0) continue;
      const i = this.offset + k;
      const d = i - prev;
      writeVarint(out, pos, d >= 0 ? d * 2 : -d * 2 - 1);
      writeVarint(out, pos, c[k]!);
      prev = i;
    }
    return out.slice(0, pos.at);
  }

  static decode(bytes: Uint8Array): DDSketch {
    const s = new DDSketch();
    s.mergeEncoded(bytes);
    return s;
  }

  /** Adds an encoded sketch without building it first (the query path merges thousands). */
  mergeEncoded(bytes: Uint8Array): void {
    const pos = { at: 0 };
    if (readVarint(bytes, pos) !== VERSION) throw new Error('unknown sketch version');
    const zero = readVarint(bytes, pos);
    this.zeroCount += zero;
    this.count += zero;
    const n = readVarint(bytes, pos);
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const z = readVarint(bytes, pos);
      const i = prev + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      const c = readVarint(bytes, pos);
      this.bump(i, c);
      this.count += c;
      prev = i;
    }
  }
}

function writeVarint(out: Uint8Array, pos: { at: number }, n: number): void {
  while (n >= 0x80) {
    out[pos.at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[pos.at++] = n;
}

function readVarint(bytes: Uint8Array, pos: { at: number }): number {
  let n = 0;
  let mul = 1;
  for (;;) {
    if (pos.at >= bytes.length) throw new Error('truncated sketch');
    const b = bytes[pos.at++]!;
    n += (b & 0x7f) * mul;
    if (b < 0x80) return n;
    mul *= 0x80;
  }
}

/**
 * The DDSketch against exact quantiles: on known distributions every answered quantile is within
 * 1 % of the exact value at the same rank, also after encoding and merging per-minute pieces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DDSketch, SketchMerger, SKETCH_RELATIVE_ACCURACY } from '../../src-shared/ddsketch';
import { seededRandom as random } from '../support/seeded-random';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function exact(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function assertAccurate(sketch: DDSketch, values: number[], label: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of QUANTILES) {
    const want = exact(sorted, q);
    const got = sketch.quantile(q)!;
    const err = Math.abs(got - want) / want;
    assert.ok(err <= SKETCH_RELATIVE_ACCURACY + 1e-12, `${label} q=${q}: ${got} vs exact ${want} (${(err * 100).toFixed(3)} %)`);
  }
}

const distributions: Record<string, (r: () => number) => number> = {
  // Latencies: log-normal around 200 ms, a long tail.
  lognormal: (r) => Math.exp(Math.log(200) + 1.2 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
  uniform: (r) => 1 + 999 * r(),
  // Pareto: the heavy tail of LLM calls that stall.
  pareto: (r) => 5 / Math.pow(1 - r(), 1 / 1.5),
  // Few distinct values (a cache's hits and misses).
  bimodal: (r) => (r() < 0.9 ? 3 : 1200),
};

for (const [name, draw] of Object.entries(distributions)) {
  test(`quantiles of a ${name} distribution are within 1 % of the exact ones, whole, encoded, and merged from 60 pieces`, () => {
    const r = random(42);
    const values = Array.from({ length: 50_000 }, () => draw(r));
    const whole = new DDSketch();
    for (const v of values) whole.add(v);
    assert.equal(whole.count, values.length);
    assertAccurate(whole, values, `${name} whole`);
    assertAccurate(DDSketch.decode(whole.encode()), values, `${name} decoded`);
    // Per-minute pieces merged the way the query path merges them (encoded).
    const merged = new DDSketch();
    const dense = new SketchMerger();
    for (let m = 0; m < 60; m++) {
      const piece = new DDSketch();
      for (let i = m; i < values.length; i += 60) piece.add(values[i]!);
      merged.mergeEncoded(piece.encode());
      dense.mergeEncoded(piece.encode());
    }
    assert.equal(merged.count, values.length);
    assertAccurate(merged, values, `${name} merged`);
    // The read path's dense merger answers exactly what the sketch answers.
    assert.equal(dense.count, values.length);
    for (const q of QUANTILES) assert.equal(dense.quantile(q), merged.quantile(q), `${name} dense q=${q}`);
  });
}

test('zero and sub-microsecond values count in the zero bin; an empty sketch answers null; the encoding is small', () => {
  const s = new DDSketch();
  assert.equal(s.quantile(0.5), null);
  for (let i = 0; i < 10; i++) s.add(0);
  s.add(0.0001);
  for (let i = 0; i < 89; i++) s.add(250);
  assert.equal(s.quantile(0), 0);
  assert.equal(s.quantile(0.1), 0);
  assert.ok(Math.abs(s.quantile(0.5)! - 250) / 250 <= 0.01);
  const bytes = s.encode();
  assert.ok(bytes.length < 12, `${bytes.length} bytes`);
  assert.deepEqual(DDSketch.decode(bytes).encode(), bytes);
  // A latency minute of 1,000 log-normal values: a few hundred bytes.
  const r = random(7);
  const l = new DDSketch();
  for (let i = 0; i < 1000; i++) l.add(distributions.lognormal!(r));
  assert.ok(l.encode().length < 800, `${l.encode().length} bytes`);
  assert.throws(() => DDSketch.decode(Uint8Array.of(9)), /version/);
  assert.throws(() => DDSketch.decode(Uint8Array.of(1, 0, 2, 0x80)), /truncated/);
});

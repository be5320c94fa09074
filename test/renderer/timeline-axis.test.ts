/** Time-axis ticks and labels: readable spacing at every zoom, labels that say the time once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisUnit, chooseTicks, formatTick } from '../../src-renderer/src/lib/timeline/axis';

const labels = (start: number, end: number, width: number) => {
  const t = chooseTicks(start, end, width);
  const unit = axisUnit(Math.max(Math.abs(start), Math.abs(end)));
  return t.values.map((v) => formatTick(v, t.step, unit));
};

test('ticks are 1-2-5 steps at least a label apart', () => {
  // 1000 ms over 900 px with labels ≥ 90 px apart: at most 10 gaps → 100 ms steps.
  assert.deepEqual(chooseTicks(0, 1000, 900), { step: 100, values: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000] });
  // Over 500 px only 5 gaps fit → 200 ms.
  assert.equal(chooseTicks(0, 1000, 500).step, 200);
  // 450 px fits 200 ms steps exactly; one pixel less does not.
  assert.equal(chooseTicks(0, 1000, 450).step, 200);
  assert.equal(chooseTicks(0, 1000, 449).step, 500);
  for (const [s, e, w] of [[0, 7.3, 1200], [12, 12.004, 800], [0, 3_600_000, 1000], [0.5, 0.5000003, 300]] as const) {
    const t = chooseTicks(s, e, w);
    assert.ok((t.step / (e - s)) * w >= 90 * (1 - 1e-6), `gap for ${s}-${e}`);
    const mantissa = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-12);
    assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${t.step} is 1-2-5`);
    assert.ok(t.values.every((v) => v >= s - 1e-12 && v <= e + 1e-12));
  }
});

test('ticks sit on multiples of the step inside a zoomed window, without float drift', () => {
  const t = chooseTicks(0.25, 0.95, 700);
  assert.equal(t.step, 0.1);
  assert.deepEqual(labels(0.25, 0.95, 700), ['300 µs', '400 µs', '500 µs', '600 µs', '700 µs', '800 µs', '900 µs']);
});

test('labels use one unit chosen by the largest time on screen, with the decimals the step needs', () => {
  assert.deepEqual(labels(0, 12_000, 600), ['0', '2 s', '4 s', '6 s', '8 s', '10 s', '12 s']);
  assert.deepEqual(labels(0, 800, 450), ['0', '200 ms', '400 ms', '600 ms', '800 ms']);
  assert.deepEqual(labels(9000, 10_500, 500), ['9.0 s', '9.5 s', '10.0 s', '10.5 s']);
  // Deep zoom far into a long trace: still seconds, with µs resolution.
  assert.deepEqual(labels(10_000, 10_000.01, 450), ['10.000000 s', '10.000002 s', '10.000004 s', '10.000006 s', '10.000008 s', '10.000010 s']);
  assert.equal(formatTick(0.0004, 0.0001, axisUnit(0.0009)), '400 ns');
});

test('nothing to tick in an empty window or canvas', () => {
  assert.deepEqual(chooseTicks(5, 5, 800).values, []);
  assert.deepEqual(chooseTicks(0, 10, 0).values, []);
});


/** Zoom and pan of the timeline's time window: anchored where the pointer is, never leaving the trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampWindow,
  fullWindow,
  isZoomed,
  MIN_WINDOW_MS,
  panBy,
  revealSpan,
  wheelZoomFactor,
  zoomAt,
  zoomToSpan,
  type TimeWindow,
} from '../../src-renderer/src/lib/timeline/viewport';

const near = (a: TimeWindow, b: TimeWindow) => {
  assert.ok(Math.abs(a.start - b.start) < 1e-9 && Math.abs(a.end - b.end) < 1e-9, `${JSON.stringify(a)} ≈ ${JSON.stringify(b)}`);
};

test('zooming in keeps the time under the pointer under the pointer', () => {
  const w = zoomAt({ start: 0, end: 1000 }, 0.5, 0.25, 1000);
  near(w, { start: 125, end: 625 });
  // The anchor time (250) is still a quarter of the way across.
  assert.equal((250 - w.start) / (w.end - w.start), 0.25);
  near(zoomAt({ start: 200, end: 400 }, 0.1, 1, 1000), { start: 380, end: 400 });
});

test('zooming out stops at the whole trace and stays inside it', () => {
  near(zoomAt({ start: 900, end: 1000 }, 4, 0.9, 1000), { start: 600, end: 1000 });
  near(zoomAt({ start: 100, end: 200 }, 1000, 0.5, 1000), { start: 0, end: 1000 });
  assert.equal(isZoomed(zoomAt({ start: 100, end: 200 }, 1000, 0.5, 1000), 1000), false);
});

test('zooming in stops at the narrowest window', () => {
  const w = zoomAt({ start: 10, end: 10.001 }, 1e-6, 0.5, 1000);
  assert.ok(Math.abs(w.end - w.start - MIN_WINDOW_MS) < 1e-12);
});

test('panning keeps the width and stops at either end', () => {
  near(panBy({ start: 100, end: 200 }, 50, 1000), { start: 150, end: 250 });
  near(panBy({ start: 100, end: 200 }, -500, 1000), { start: 0, end: 100 });
  near(panBy({ start: 100, end: 200 }, 5000, 1000), { start: 900, end: 1000 });
});

test('clamping fixes windows that are too wide, too narrow or outside', () => {
  near(clampWindow({ start: -50, end: 2000 }, 1000), { start: 0, end: 1000 });
  near(clampWindow({ start: 1200, end: 1300 }, 1000), { start: 900, end: 1000 });
  near(clampWindow({ start: 5, end: 5 }, 1000), { start: 5, end: 5 + MIN_WINDOW_MS });
  // An instantaneous trace still has a scale.
  near(fullWindow(0), { start: 0, end: MIN_WINDOW_MS });
});

test('a selected span out of view is brought in; one partly visible leaves the window alone', () => {
  const w = { start: 0, end: 100 };
  assert.equal(revealSpan(w, 90, 150, 1000), w);
  near(revealSpan(w, 500, 520, 1000), { start: 460, end: 560 });
  near(revealSpan(w, 500, 900, 1000), { start: 490, end: 590 });
  near(revealSpan(w, 980, 1000, 1000), { start: 900, end: 1000 });
});

test('double-click fits a span with a margin', () => {
  near(zoomToSpan(100, 200, 1000), { start: 95, end: 205 });
  near(zoomToSpan(0, 1000, 1000), { start: 0, end: 1000 });
});

test('wheel deltas: up zooms in, down out, lines count as pixels, huge deltas are bounded', () => {
  assert.ok(wheelZoomFactor(-100, 0) < 1 && wheelZoomFactor(100, 0) > 1);
  assert.equal(wheelZoomFactor(3, 1), wheelZoomFactor(48, 0));
  assert.equal(wheelZoomFactor(1e6, 0), wheelZoomFactor(500, 0));
  assert.ok(Math.abs(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0) - 1) < 1e-12, 'in then out returns to the same width');
});

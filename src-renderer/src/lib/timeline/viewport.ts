// The timeline's horizontal window: which slice of the trace (ms from its start) spans the canvas.
// Zoom keeps the time under the pointer where it is; pan keeps the width; both stay inside the
// trace. Pure, so the maths is tested without a DOM.

export interface TimeWindow {
  start: number;
  end: number;
}

/** The narrowest window: 100 ns across the canvas; past that float ms and the tick labels get silly. */
export const MIN_WINDOW_MS = 1e-4;

/** The whole trace (at least MIN_WINDOW_MS wide, so an instantaneous trace still has a scale). */
export function fullWindow(totalMs: number): TimeWindow {
  return { start: 0, end: Math.max(totalMs, MIN_WINDOW_MS) };
}

/** Width at least MIN_WINDOW_MS and at most the trace, position inside the trace. */
export function clampWindow(w: TimeWindow, totalMs: number): TimeWindow {
  const full = fullWindow(totalMs).end;
  const width = Math.min(full, Math.max(MIN_WINDOW_MS, w.end - w.start));
  const start = Math.min(full - width, Math.max(0, w.start));
  return { start, end: start + width };
}

/**
 * Zooms by `factor` (< 1 in, > 1 out) keeping the time at `anchor` (0 = left edge, 1 = right edge)
 * at the same place on screen, unless that would leave the trace.
 */
export function zoomAt(w: TimeWindow, factor: number, anchor: number, totalMs: number): TimeWindow {
  const width = w.end - w.start;
  const a = Math.min(1, Math.max(0, anchor));
  const at = w.start + a * width;
  const full = fullWindow(totalMs).end;
  const next = Math.min(full, Math.max(MIN_WINDOW_MS, width * factor));
  return clampWindow({ start: at - a * next, end: at - a * next + next }, totalMs);
}

/** Moves the window by `deltaMs` (positive: later), stopping at the trace's ends. */
export function panBy(w: TimeWindow, deltaMs: number, totalMs: number): TimeWindow {
  return clampWindow({ start: w.start + deltaMs, end: w.end + deltaMs }, totalMs);
}

/** True when the window shows less than the whole trace (then "reset zoom" has something to do). */
export function isZoomed(w: TimeWindow, totalMs: number): boolean {
  const full = fullWindow(totalMs).end;
  return w.end - w.start < full * (1 - 1e-9);
}

/**
 * Pans so that a span [startMs, endMs] is on screen when none of it is: centred when it fits,
 * else its start a tenth in from the left. A span already partly visible leaves the window alone.
 */
export function revealSpan(w: TimeWindow, startMs: number, endMs: number, totalMs: number): TimeWindow {
  if (endMs >= w.start && startMs <= w.end) return w;
  const width = w.end - w.start;
  const start = endMs - startMs <= width * 0.8 ? (startMs + endMs) / 2 - width / 2 : startMs - width * 0.1;
  return clampWindow({ start, end: start + width }, totalMs);
}

/** Zoom factor for a wheel delta; lines and pages converted to pixels first. One 100 px notch ≈ 1.22×. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(Math.max(-500, Math.min(500, px)) * 0.002);
}

/** A window fitted to one span with a little room either side (double-click on a bar). */
export function zoomToSpan(startMs: number, endMs: number, totalMs: number): TimeWindow {
  const width = Math.max(MIN_WINDOW_MS, (endMs - startMs) * 1.1);
  const mid = (startMs + endMs) / 2;
  return clampWindow({ start: mid - width / 2, end: mid + width / 2 }, totalMs);
}

/**
 * Frame statistics from the intervals between consecutive requestAnimationFrame callbacks recorded
 * in the page (its own clock). A 60 Hz display gives ~16.7 ms; a dropped frame shows as ~33 ms.
 */
import { percentile } from '../lib/report';

/** One 60 Hz frame, ms. */
export const FRAME_60_MS = 1000 / 60;
/** One 30 Hz frame, ms: an interval above this is a drop below 30 fps. */
export const FRAME_30_MS = 1000 / 30;
/** rAF timestamps jitter by a fraction of a millisecond around the vsync; both frame targets get this much slack. */
export const FRAME_SLACK_MS = 1;

export interface FrameStats {
  frames: number;
  seconds: number;
  /** Frames per second over the whole recording. */
  fps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Share of intervals over 33.3 ms (+ the slack): frames where the rate fell below 30 fps, %. */
  over33Pct: number;
}

export function frameStats(intervals: readonly number[]): FrameStats | null {
  if (intervals.length === 0) return null;
  const total = intervals.reduce((a, b) => a + b, 0);
  return {
    frames: intervals.length,
    seconds: total / 1000,
    fps: (intervals.length * 1000) / total,
    p50: percentile(intervals, 50),
    p95: percentile(intervals, 95),
    p99: percentile(intervals, 99),
    max: Math.max(...intervals),
    over33Pct: (100 * intervals.filter((x) => x > FRAME_30_MS + FRAME_SLACK_MS).length) / intervals.length,
  };
}

export interface DrawStats {
  draws: number;
  p50: number;
  p95: number;
  max: number;
}

/** The timeline's own canvas draw durations (window.__flowtraceTimelineDraws). */
export function drawStats(draws: readonly number[]): DrawStats | null {
  if (draws.length === 0) return null;
  return { draws: draws.length, p50: percentile(draws, 50), p95: percentile(draws, 95), max: Math.max(...draws) };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

// Frame-time hook for the timeline benchmark: each canvas frame's draw duration in ms, the last
// 1000 kept, on a typed window global the benchmark reads through Playwright.

declare global {
  interface Window {
    __flowtraceTimelineDraws?: number[];
  }
}

const KEEP = 1000;

export function recordDraw(ms: number): void {
  const draws = (window.__flowtraceTimelineDraws ??= []);
  draws.push(ms);
  if (draws.length > KEEP) draws.splice(0, draws.length - KEEP);
}

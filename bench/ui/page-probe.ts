/**
 * What the benchmark injects into every page (through the devtools protocol, before the app's own
 * scripts, so the page's CSP does not apply): marks on the page's own clock (performance.now(), 0 =
 * navigation start) when each part of the trace view first shows, a requestAnimationFrame recorder of
 * frame intervals, long tasks, and a watcher timing a click until the span's row and detail show.
 * Plain JavaScript in a string: this side is type-checked without DOM types, and a function body
 * handed to Playwright could pick up helpers the TypeScript loader adds.
 */

/** Milestones of opening a page, ms since navigation start. */
export interface OpenMarks {
  /** The trace view's section is in the DOM (outline loaded). */
  traceView?: number;
  /** The timeline canvas exists and has drawn at least once. */
  timelineDrawn?: number;
  /** At least one span row (label column) is in the DOM. */
  spanRows?: number;
  /** The graph's DOM mirror lists nodes. */
  graphNodes?: number;
  /** window.__flowtraceGraph.stats reports a draw with nodes (two frames after cytoscape got them). */
  graphPainted?: number;
  /**
   * The timeline has drawn and its rows can be clicked (timelineDrawn and spanRows). The graph is
   * not waited for: the page asks for it after the outline and fills it in later (graphPainted).
   */
  interactive?: number;
  /** The trace list shows rows. */
  traceRows?: number;
}

export interface FrameRecording {
  intervals: number[];
  /** Frames during which the list was scrolled to the end of the loaded rows (waiting for a page). */
  atEnd: number;
  /** Long tasks (> 50 ms) that started during the recording, ms each. */
  longTasks: number[];
}

export interface SelectTiming {
  id: string;
  /** event.timeStamp of the click, page clock. */
  click?: number;
  /** The row shows as selected (aria-selected). */
  selected?: number;
  /** The detail panel shows the span, loaded (no aria-busy). */
  detail?: number;
}

export const PAGE_PROBE = String.raw`(() => {
  if (window.__bench) return;
  const b = { marks: {}, frames: null, longTasks: [], select: null };
  window.__bench = b;
  const q = (s) => document.querySelector(s);
  const mark = (k) => { if (b.marks[k] === undefined) b.marks[k] = performance.now(); };
  const watchOpen = () => {
    const draws = window.__flowtraceTimelineDraws;
    if (q('[data-testid="trace-view"]')) mark('traceView');
    if (q('[data-testid="timeline-canvas"]') && draws && draws.length > 0) mark('timelineDrawn');
    if (q('[data-testid="span-row"]')) mark('spanRows');
    if (q('[data-testid="graph-node"]')) mark('graphNodes');
    const g = window.__flowtraceGraph;
    if (g && g.stats && g.stats.nodes > 0) mark('graphPainted');
    if (q('[data-testid="trace-row"]')) mark('traceRows');
    const m = b.marks;
    if (m.timelineDrawn !== undefined && m.spanRows !== undefined) mark('interactive');
    const opened = m.interactive !== undefined && m.graphNodes !== undefined && m.graphPainted !== undefined;
    if (opened || m.traceRows !== undefined || performance.now() > 600000) return;
    requestAnimationFrame(watchOpen);
  };
  requestAnimationFrame(watchOpen);

  try {
    new PerformanceObserver((list) => {
      if (!b.frames) return;
      for (const e of list.getEntries()) b.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  } catch (e) { /* no long-task timing in this browser */ }

  b.startFrames = (kind) => {
    const rec = { intervals: [], atEnd: 0 };
    b.frames = rec;
    b.longTasks = [];
    let last = -1;
    const loop = (now) => {
      if (b.frames !== rec) return;
      if (last >= 0) rec.intervals.push(now - last);
      last = now;
      if (kind === 'list') {
        const s = q('[data-testid="trace-scroll"]');
        if (s && s.scrollTop + s.clientHeight >= s.scrollHeight - 2) rec.atEnd++;
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
  b.stopFrames = () => {
    const rec = b.frames;
    b.frames = null;
    return rec ? { intervals: rec.intervals, atEnd: rec.atEnd, longTasks: b.longTasks.slice() } : null;
  };
  b.resetDraws = () => { const d = window.__flowtraceTimelineDraws; if (d) d.length = 0; };
  b.draws = () => (window.__flowtraceTimelineDraws || []).slice();

  document.addEventListener('click', (e) => {
    if (b.select && b.select.click === undefined) b.select.click = e.timeStamp;
  }, true);
  b.watchSelect = (id) => {
    const r = { id };
    b.select = r;
    const sel = '[data-span-id="' + CSS.escape(id) + '"]';
    const loop = () => {
      if (b.select !== r) return;
      const row = q('[data-testid="span-row"]' + sel);
      if (r.selected === undefined && row && row.getAttribute('aria-selected') === 'true') r.selected = performance.now();
      const d = q('[data-testid="span-detail"]' + sel);
      if (r.detail === undefined && d && !d.hasAttribute('aria-busy')) r.detail = performance.now();
      if (r.selected === undefined || r.detail === undefined) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
})();`;

// The trace waterfall: a virtualized DOM label column (only rows on screen exist) beside a canvas of
// bars drawn in one synchronous function per animation frame, both in one vertical scroller. Folds
// are span ids in the UI store and the zoom window is kept in a ref, so a live outline that grows
// keeps what the user folded, zoomed and scrolled to. Zoom, pan and hover repaint the canvas without
// a React render; only scrolling to new rows, folding and selection re-render the labels. The zoom
// window is reported out (onWindowChange) for the URL, and taken from it only at mount: the URL
// follows the timeline, never drives it while it is open.
import {
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { GENAI_KINDS } from '../../../../src-shared/contract';
import { PROMOTED_CYCLE, PROMOTED_NONE, STATUS_ERROR, STATUS_OK, type TraceOutline } from '../../../../src-shared/trace-outline';
import { criticalPath } from '../../lib/timeline/critical-path';
import { errorSpans, findSpans, flagsOf, positionOf, stepTo } from '../../lib/timeline/find';
import { foldedAncestors, indexOfSpan, scrollForRow, subtreeSizes, treeKey, visibleRows, type VisibleRows } from '../../lib/timeline/rows';
import { fullWindow, isZoomed, panBy, revealSpan, wheelZoomFactor, zoomAt, zoomToSpan, type TimeWindow } from '../../lib/timeline/viewport';
import type { RowFacts } from '../../lib/timeline/genai-facts';
import { nanoDiffMs } from '../../lib/time';
import { toggleCollapsed, useUiStore } from '../../state/ui-store';
import { drawAxis, drawLanes, kindClass, PALETTE_ROLES, PaletteReader, ROW_HEIGHT } from './draw';
import { recordDraw } from './draw-stats';
import './timeline.css';

export interface TimelineProps {
  outline: TraceOutline;
  selectedId: string | null;
  hoveredId: string | null;
  onSelect: (spanId: string | null) => void;
  onHover: (spanId: string | null) => void;
  /** GenAI words per span id (model, tokens and cost; tool, agent, handoff), from the agent graph. */
  facts?: ReadonlyMap<string, RowFacts>;
  /** The zoom window to open with (from the URL); read once, at mount. */
  initialWindow?: TimeWindow | null;
  /** Every change of the zoom window (null: the whole trace); called at wheel speed, so debounce. */
  onWindowChange?: (window: TimeWindow | null) => void;
}

const NO_FACTS: ReadonlyMap<string, RowFacts> = new Map();

const OVERSCAN_ROWS = 8;
const INDENT_PX = 14;
/** Past this depth rows stop indenting (a 10k-deep chain would push names off the column); aria-level still says the depth. */
const MAX_INDENT_DEPTH = 16;
const AXIS_HEIGHT = 26;
const DRAG_THRESHOLD_PX = 3;
const KEY_ZOOM = 1.5;

/** How a selection made here moves the view: a click leaves it, a key step scrolls just enough, a jump centres. */
type Reveal = 'none' | 'nearest' | 'center';

interface Drag {
  pointerId: number;
  x0: number;
  y0: number;
  from: TimeWindow;
  moved: boolean;
  onAxis: boolean;
}

export function Timeline({ outline, selectedId, hoveredId, onSelect, onHover, facts = NO_FACTS, initialWindow = null, onWindowChange }: TimelineProps) {
  const collapsed = useUiStore((s) => s.collapsed);
  const rows = useMemo(() => visibleRows(outline, collapsed), [outline, collapsed]);
  const sizes = useMemo(() => subtreeSizes(outline), [outline]);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => findSpans(outline, deferredQuery), [outline, deferredQuery]);
  const matchFlags = useMemo(() => (matches.length > 0 ? flagsOf(matches, outline.spanIds.length) : null), [matches, outline]);
  const errors = useMemo(() => errorSpans(outline), [outline]);
  const [showCritical, setShowCritical] = useState(true);
  const path = useMemo(() => (showCritical ? criticalPath(outline) : null), [outline, showCritical]);

  const selectedHint = useRef(-1);
  const hoveredHint = useRef(-1);
  const selectedIndex = useMemo(() => indexOfSpan(outline, selectedId, selectedHint.current), [outline, selectedId]);
  const hoveredIndex = useMemo(() => indexOfSpan(outline, hoveredId, hoveredHint.current), [outline, hoveredId]);

  const [topRow, setTopRow] = useState(0);
  const [viewRows, setViewRows] = useState(30);
  const [zoomed, setZoomed] = useState(initialWindow !== null);
  const [labelWidth, setLabelWidth] = useState(340);

  const paneRef = useRef<HTMLDivElement>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const lanesRef = useRef<HTMLCanvasElement>(null);
  const axisRef = useRef<HTMLCanvasElement>(null);
  const probesRef = useRef<HTMLDivElement>(null);

  /** null: the whole trace, following it as it grows; else a zoomed slice in ms from the trace start. */
  const windowRef = useRef<TimeWindow | null>(initialWindow);
  const cursorX = useRef<number | null>(null);
  const drag = useRef<Drag | null>(null);
  const intent = useRef<{ id: string | null; reveal: Reveal } | null>(null);
  const reveal = useRef<{ id: string; mode: Reveal } | null>(null);
  const lastSelected = useRef<string | null | undefined>(undefined);
  const frame = useRef(0);
  const palette = useRef<PaletteReader | null>(null);
  const paneStyle = useRef<CSSStyleDeclaration | null>(null);

  // What event handlers and the painter read; refreshed after every render.
  const live = useRef({ outline, rows, collapsed, selectedIndex, hoveredIndex, matchFlags, path, selectedId, onSelect, onHover, onWindowChange });

  const currentWindow = (): TimeWindow => windowRef.current ?? fullWindow(live.current.outline.durationMs);

  const paint = () => {
    frame.current = 0;
    const scroller = scrollerRef.current;
    const lanes = lanesRef.current;
    const axis = axisRef.current;
    const probes = probesRef.current;
    const pane = paneRef.current;
    if (!scroller || !lanes || !axis || !probes || !pane) return;
    const t0 = performance.now();
    const s = live.current;
    palette.current ??= new PaletteReader(probes);
    paneStyle.current ??= getComputedStyle(pane);
    const colours = palette.current.read();
    const fontFamily = paneStyle.current.fontFamily;
    const dpr = window.devicePixelRatio || 1;
    const height = scroller.clientHeight;
    if (lanes.style.height !== `${height}px`) lanes.style.height = `${height}px`;
    const width = lanes.clientWidth;
    const win = currentWindow();
    const cursor = cursorX.current;

    const lanesCtx = sized(lanes, width, height, dpr);
    if (lanesCtx) {
      drawLanes(lanesCtx, {
        outline: s.outline,
        rows: s.rows,
        scrollTop: scroller.scrollTop,
        width,
        height,
        window: win,
        selected: s.selectedIndex,
        hovered: s.hoveredIndex,
        matches: s.matchFlags,
        path: s.path,
        cursorX: cursor,
        palette: colours,
        fontFamily,
      });
    }
    const axisCtx = sized(axis, axis.clientWidth, AXIS_HEIGHT, dpr);
    if (axisCtx) {
      drawAxis(axisCtx, {
        width: axis.clientWidth,
        height: AXIS_HEIGHT,
        window: win,
        selected: s.selectedIndex,
        outline: s.outline,
        cursorX: cursor,
        palette: colours,
        fontFamily,
      });
    }
    recordDraw(performance.now() - t0);
  };
  const paintRef = useRef(paint);
  paintRef.current = paint;
  const schedule = useRef(() => {
    if (frame.current === 0) frame.current = requestAnimationFrame(() => paintRef.current());
  }).current;

  const setWindow = (w: TimeWindow | null) => {
    const total = live.current.outline.durationMs;
    windowRef.current = w && isZoomed(w, total) ? w : null;
    setZoomed(windowRef.current !== null);
    live.current.onWindowChange?.(windowRef.current);
    schedule();
  };

  /** Selects outline index `i` (toggling off a clicked selected span), remembering how to reveal it. */
  const select = (i: number, how: Reveal, toggle = false) => {
    const s = live.current;
    const id = i >= 0 ? s.outline.spanIds[i]! : null;
    const next = toggle && id === s.selectedId ? null : id;
    if (next === s.selectedId) return;
    selectedHint.current = i;
    intent.current = { id: next, reveal: how };
    s.onSelect(next);
  };

  const rowAtClientY = (clientY: number): number => {
    const content = contentRef.current;
    if (!content) return -1;
    const r = Math.floor((clientY - content.getBoundingClientRect().top) / ROW_HEIGHT);
    const { rows: vr } = live.current;
    return r >= 0 && r < vr.count ? vr.index[r]! : -1;
  };

  const hoverIndex = (i: number) => {
    const s = live.current;
    const id = i >= 0 ? s.outline.spanIds[i]! : null;
    if (i >= 0) hoveredHint.current = i;
    if (id !== (s.hoveredIndex >= 0 ? s.outline.spanIds[s.hoveredIndex] : null)) s.onHover(id);
  };

  /** Anchor for zooming: the pointer over the lanes, else the middle. */
  const anchorAt = (clientX: number | null): number => {
    const lanes = lanesRef.current;
    if (!lanes || clientX === null) return 0.5;
    const rect = lanes.getBoundingClientRect();
    return rect.width > 0 ? (clientX - rect.left) / rect.width : 0.5;
  };

  const zoomBy = (factor: number, anchor: number) => setWindow(zoomAt(currentWindow(), factor, anchor, live.current.outline.durationMs));
  const panPx = (dx: number) => {
    const lanes = lanesRef.current;
    const w = currentWindow();
    if (!lanes || lanes.clientWidth <= 0) return;
    setWindow(panBy(w, (dx * (w.end - w.start)) / lanes.clientWidth, live.current.outline.durationMs));
  };

  // Every render, first: handlers and the painter read the new state; repaint.
  useLayoutEffect(() => {
    live.current = { outline, rows, collapsed, selectedIndex, hoveredIndex, matchFlags, path, selectedId, onSelect, onHover, onWindowChange };
    selectedHint.current = selectedIndex;
    if (hoveredIndex >= 0) hoveredHint.current = hoveredIndex;
    schedule();
  });

  // ---- live outline: keep the window on the same times and the top row on the same span ----
  const prevOutline = useRef<{ outline: TraceOutline; rows: VisibleRows } | null>(null);
  useLayoutEffect(() => {
    const prev = prevOutline.current;
    prevOutline.current = { outline, rows };
    if (!prev || prev.outline === outline) return;
    if (windowRef.current && prev.outline.startTimeUnixNano !== outline.startTimeUnixNano) {
      const shift = nanoDiffMs(outline.startTimeUnixNano, prev.outline.startTimeUnixNano);
      const w = windowRef.current;
      windowRef.current = { start: w.start + shift, end: w.end + shift };
    }
    const scroller = scrollerRef.current;
    if (scroller && scroller.scrollTop > 0) {
      const top = Math.floor(scroller.scrollTop / ROW_HEIGHT);
      const anchor = prev.rows.index[top];
      if (anchor !== undefined) {
        const i = indexOfSpan(outline, prev.outline.spanIds[anchor]!, anchor);
        const r = i >= 0 ? rows.rowOf[i]! : -1;
        if (r >= 0 && r !== top) scroller.scrollTop = r * ROW_HEIGHT + (scroller.scrollTop - top * ROW_HEIGHT);
      }
    }
  }, [outline, rows]);

  // ---- selection from anywhere: unfold its ancestors, then scroll (and pan) it into view ----
  useLayoutEffect(() => {
    if (selectedId !== lastSelected.current) {
      lastSelected.current = selectedId;
      const mine = intent.current;
      intent.current = null;
      const mode: Reveal = mine && mine.id === selectedId ? mine.reveal : 'center';
      reveal.current = selectedId !== null && mode !== 'none' ? { id: selectedId, mode } : null;
    }
    const want = reveal.current;
    if (!want) return;
    const i = indexOfSpan(outline, want.id, selectedIndex);
    if (i < 0) return; // not arrived yet: revealed when a later outline has it
    const folded = foldedAncestors(outline, i, collapsed);
    if (folded.length > 0) {
      for (const id of folded) toggleCollapsed(id); // rows change, this runs again
      return;
    }
    reveal.current = null;
    const scroller = scrollerRef.current;
    const row = rows.rowOf[i]!;
    if (scroller && row >= 0) {
      scroller.scrollTop = scrollForRow(row, ROW_HEIGHT, scroller.scrollTop, scroller.clientHeight, rows.count, want.mode === 'center' ? 'center' : 'nearest');
    }
    const w = currentWindow();
    const moved = revealSpan(w, outline.startMs[i]!, outline.startMs[i]! + outline.durationsMs[i]!, outline.durationMs);
    if (moved !== w) setWindow(moved);
  }, [selectedId, outline, rows, collapsed, selectedIndex]);

  // ---- scroller size and position, theme changes, wheel (non-passive, so it can take over) ----
  useEffect(() => {
    const scroller = scrollerRef.current;
    const axis = axisRef.current;
    if (!scroller || !axis) return;
    const measure = () => {
      setTopRow(Math.floor(scroller.scrollTop / ROW_HEIGHT));
      setViewRows(Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 1);
      schedule();
    };
    measure();
    const onScroll = () => {
      setTopRow(Math.floor(scroller.scrollTop / ROW_HEIGHT));
      schedule();
    };
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        zoomBy(wheelZoomFactor(e.deltaY, e.deltaMode), anchorAt(e.clientX));
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        panPx(Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY);
      }
    };
    const onAxisWheel = (e: WheelEvent) => {
      e.preventDefault();
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) panPx(e.deltaX);
      else if (e.shiftKey) panPx(e.deltaY);
      else zoomBy(wheelZoomFactor(e.deltaY, e.deltaMode), anchorAt(e.clientX));
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    scroller.addEventListener('wheel', onWheel, { passive: false });
    axis.addEventListener('wheel', onAxisWheel, { passive: false });
    const resize = new ResizeObserver(measure);
    resize.observe(scroller);
    // A theme switch changes the CSS variables: repaint with the new palette.
    const theme = new MutationObserver(schedule);
    theme.observe(document.documentElement, { attributes: true });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', schedule);
    // Browser zoom or a move to another screen changes devicePixelRatio (and fires resize).
    window.addEventListener('resize', schedule);
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      scroller.removeEventListener('wheel', onWheel);
      axis.removeEventListener('wheel', onAxisWheel);
      resize.disconnect();
      theme.disconnect();
      scheme.removeEventListener('change', schedule);
      window.removeEventListener('resize', schedule);
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
    // The handlers read everything through refs, so they are bound once.
  }, []);

  // ---- pointer on the canvases: drag pans, a click selects, a double click zooms to the span ----
  const onCanvasPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>, onAxis: boolean) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pointerId: e.pointerId, x0: e.clientX, y0: e.clientY, from: currentWindow(), moved: false, onAxis };
  };
  const onCanvasPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    cursorX.current = e.clientX - rect.left;
    const d = drag.current;
    if (d && d.pointerId === e.pointerId) {
      const dx = e.clientX - d.x0;
      if (!d.moved && Math.abs(dx) + Math.abs(e.clientY - d.y0) > DRAG_THRESHOLD_PX) d.moved = true;
      if (d.moved && rect.width > 0) setWindow(panBy(d.from, (-dx * (d.from.end - d.from.start)) / rect.width, live.current.outline.durationMs));
    }
    schedule();
  };
  const onCanvasPointerUp = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.pointerId !== e.pointerId || d.moved || d.onAxis) return;
    const i = rowAtClientY(e.clientY);
    if (i >= 0) select(i, 'none', true);
  };
  const onCanvasLeave = () => {
    cursorX.current = null;
    schedule();
  };
  const onLanesDoubleClick = (e: ReactMouseEvent<HTMLCanvasElement>) => {
    const i = rowAtClientY(e.clientY);
    if (i < 0) return;
    const o = live.current.outline;
    // The two clicks before this toggled the selection off again: a double click means "this one".
    select(i, 'none');
    setWindow(zoomToSpan(o.startMs[i]!, o.startMs[i]! + o.durationsMs[i]!, o.durationMs));
  };

  const goTo = (list: Int32Array, direction: 1 | -1) => {
    const p = stepTo(list, live.current.selectedIndex, direction);
    if (p >= 0) select(list[p]!, 'center');
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    const keys: Record<string, 'up' | 'down' | 'left' | 'right' | 'home' | 'end'> = {
      ArrowUp: 'up',
      ArrowDown: 'down',
      ArrowLeft: 'left',
      ArrowRight: 'right',
      Home: 'home',
      End: 'end',
    };
    const key = keys[e.key];
    if (key) {
      e.preventDefault();
      const s = live.current;
      const action = treeKey(s.outline, s.rows, s.collapsed, s.selectedIndex, key);
      if (action?.kind === 'select') select(action.index, 'nearest');
      else if (action) toggleCollapsed(action.spanId);
      return;
    }
    const anchor = cursorX.current !== null && lanesRef.current ? cursorX.current / Math.max(1, lanesRef.current.clientWidth) : 0.5;
    if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      zoomBy(1 / KEY_ZOOM, anchor);
    } else if (e.key === '-' || e.key === '_') {
      e.preventDefault();
      zoomBy(KEY_ZOOM, anchor);
    } else if (e.key === '0') {
      e.preventDefault();
      setWindow(null);
    }
  };

  const onSplitterDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const pane = paneRef.current;
    if (!pane) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const x0 = e.clientX;
    const w0 = labelWidth;
    const max = pane.clientWidth - 160;
    const move = (ev: PointerEvent) => setLabelWidth(Math.max(140, Math.min(max, w0 + ev.clientX - x0)));
    const target = e.currentTarget;
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  };

  const matchPos = selectedIndex >= 0 ? positionOf(matches, selectedIndex) : -1;
  const errorPos = selectedIndex >= 0 ? positionOf(errors, selectedIndex) : -1;
  const findCount =
    deferredQuery.trim() === '' ? '' : matches.length === 0 ? 'No matches' : matchPos >= 0 ? `${matchPos + 1} of ${matches.length}` : `${matches.length} found`;

  const first = Math.max(0, topRow - OVERSCAN_ROWS);
  const last = Math.min(rows.count, topRow + viewRows + OVERSCAN_ROWS);
  const shown: number[] = [];
  for (let r = first; r < last; r++) shown.push(r);
  const legend = outline.kinds.filter((k) => k !== '');
  const selectedRowShown = selectedIndex >= 0 && rows.rowOf[selectedIndex]! >= first && rows.rowOf[selectedIndex]! < last;

  return (
    <div
      className="timeline-pane"
      data-testid="trace-timeline"
      ref={paneRef}
      style={{ ['--tl-label-w' as string]: `${labelWidth}px` }}
    >
      <div className="tl-toolbar">
        <input
          className="tl-find"
          type="search"
          data-testid="timeline-find"
          data-page-search
          placeholder="Find spans by name or service"
          aria-label="Find spans by name or service"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              goTo(matches, e.shiftKey ? -1 : 1);
            } else if (e.key === 'Escape' && query !== '') {
              e.preventDefault();
              setQuery('');
            }
          }}
        />
        <span className="tl-count" data-testid="timeline-find-count" aria-live="polite">
          {findCount}
        </span>
        <button type="button" className="tl-button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={matches.length === 0} onClick={() => goTo(matches, -1)}>
          ↑
        </button>
        <button type="button" className="tl-button" aria-label="Next match" title="Next match (Enter)" disabled={matches.length === 0} onClick={() => goTo(matches, 1)}>
          ↓
        </button>
        <button
          type="button"
          className="tl-button tl-next-error"
          data-testid="next-error"
          disabled={errors.length === 0}
          title={errors.length === 0 ? 'No error spans' : errorPos >= 0 ? `Error ${errorPos + 1} of ${errors.length}` : `${errors.length} error spans`}
          onClick={() => goTo(errors, 1)}
        >
          Next error{errors.length > 0 ? ` (${errors.length})` : ''}
        </button>
        <span className="tl-spacer" />
        <ul className="tl-legend" aria-label="Span kinds">
          {legend.map((k) => (
            <li key={k}>
              <span className={`tl-dot ${kindClass(k)}`} aria-hidden="true" />
              {k}
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="tl-button tl-toggle"
          data-testid="critical-path-toggle"
          aria-pressed={showCritical}
          title="The chain of spans that determined when the trace ended"
          onClick={() => setShowCritical((v) => !v)}
        >
          <span className="tl-critical-swatch" aria-hidden="true" />
          Critical path
        </button>
        <button
          type="button"
          className="tl-button"
          data-testid="reset-zoom"
          disabled={!zoomed}
          title="Show the whole trace (0)"
          onClick={() => setWindow(null)}
        >
          Reset zoom
        </button>
      </div>

      <div className="tl-head">
        <div className="tl-head-label">
          <span>Span</span>
          <div className="tl-splitter" role="separator" aria-orientation="vertical" aria-label="Resize the span column" onPointerDown={onSplitterDown} />
        </div>
        <canvas
          className="tl-axis"
          ref={axisRef}
          data-testid="timeline-axis"
          aria-label="Time axis: wheel zooms, drag pans"
          onPointerDown={(e) => onCanvasPointerDown(e, true)}
          onPointerMove={onCanvasPointerMove}
          onPointerUp={onCanvasPointerUp}
          onPointerLeave={onCanvasLeave}
        />
      </div>

      <div
        className="tl-scroller"
        ref={scrollerRef}
        role="tree"
        aria-label="Spans"
        tabIndex={0}
        aria-activedescendant={selectedRowShown ? rowDomId(outline.spanIds[selectedIndex]!) : undefined}
        onKeyDown={onKeyDown}
      >
        <div
          className="tl-content"
          ref={contentRef}
          style={{ height: rows.count * ROW_HEIGHT }}
          onPointerMove={(e) => {
            if (!drag.current?.moved) hoverIndex(rowAtClientY(e.clientY));
          }}
          onPointerLeave={() => hoverIndex(-1)}
        >
          <div className="tl-labels">
            {shown.map((r) => {
              const i = rows.index[r]!;
              return (
                <LabelRow
                  key={outline.spanIds[i]!}
                  outline={outline}
                  index={i}
                  row={r}
                  hidden={sizes[i]! - 1}
                  folded={outline.childCount[i]! > 0 && collapsed.has(outline.spanIds[i]!)}
                  selected={i === selectedIndex}
                  hovered={i === hoveredIndex}
                  match={matchFlags !== null && matchFlags[i] === 1}
                  facts={facts.get(outline.spanIds[i]!)}
                  onClick={() => select(i, 'none', true)}
                />
              );
            })}
          </div>
          <div className="tl-lanes">
            <canvas
              className="tl-canvas"
              ref={lanesRef}
              data-testid="timeline-canvas"
              onPointerDown={(e) => onCanvasPointerDown(e, false)}
              onPointerMove={onCanvasPointerMove}
              onPointerUp={onCanvasPointerUp}
              onPointerCancel={() => (drag.current = null)}
              onPointerLeave={onCanvasLeave}
              onDoubleClick={onLanesDoubleClick}
            />
          </div>
        </div>
      </div>

      <div className="tl-probes" ref={probesRef} aria-hidden="true">
        {GENAI_KINDS.map((k) => (
          <span key={k} className={`tl-k-${k}`} data-colour={`kind-${k}`} />
        ))}
        {PALETTE_ROLES.map((role) => (
          <span key={role} className={`tl-p-${role}`} data-colour={role} />
        ))}
      </div>
    </div>
  );
}

function rowDomId(spanId: string): string {
  return `tl-row-${spanId}`;
}

/** Sets the canvas's backing store to its CSS size × devicePixelRatio and returns a context in CSS pixels. */
function sized(canvas: HTMLCanvasElement, width: number, height: number, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d', { alpha: false });
  ctx?.setTransform(w / Math.max(1, width), 0, 0, h / Math.max(1, height), 0, 0);
  return ctx;
}

interface LabelRowProps {
  outline: TraceOutline;
  index: number;
  row: number;
  /** Spans under this one (shown as "+N" while folded). */
  hidden: number;
  folded: boolean;
  selected: boolean;
  hovered: boolean;
  match: boolean;
  facts: RowFacts | undefined;
  onClick: () => void;
}

function LabelRow({ outline, index: i, row, hidden, folded, selected, hovered, match, facts, onClick }: LabelRowProps) {
  const spanId = outline.spanIds[i]!;
  const name = outline.names[outline.nameIndex[i]!] ?? '';
  const status = outline.status[i]!;
  const isError = status === STATUS_ERROR;
  const statusName = isError ? 'error' : status === STATUS_OK ? 'ok' : 'unset';
  const message = outline.statusMessage[i] ?? '';
  const depth = outline.depth[i]!;
  const parent = outline.parentIndex[i]!;
  const service = outline.services[outline.serviceIndex[i]!] ?? '';
  // The service only where it changes, as in Jaeger: every row repeating it is noise.
  const showService = service !== '' && (parent < 0 || outline.serviceIndex[parent] !== outline.serviceIndex[i]);
  const promoted = outline.promoted[i]!;
  const hasChildren = outline.childCount[i]! > 0;
  const classes = ['tl-row', isError && 'is-error', selected && 'is-selected', hovered && 'is-hovered', match && 'is-match']
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={rowDomId(spanId)}
      className={classes}
      style={{ top: row * ROW_HEIGHT }}
      role="treeitem"
      aria-level={depth + 1}
      aria-selected={selected}
      aria-expanded={hasChildren ? !folded : undefined}
      data-testid="span-row"
      data-span-id={spanId}
      data-status={statusName}
      onClick={onClick}
    >
      <span className="tl-indent" style={{ width: Math.min(depth, MAX_INDENT_DEPTH) * INDENT_PX }} />
      {hasChildren ? (
        <button
          type="button"
          className="tl-twisty"
          tabIndex={-1}
          aria-label={folded ? 'Expand' : 'Collapse'}
          onClick={(e) => {
            e.stopPropagation();
            toggleCollapsed(spanId);
          }}
        >
          {folded ? '▸' : '▾'}
        </button>
      ) : (
        <span className="tl-twisty" aria-hidden="true" />
      )}
      <span className={`tl-dot ${isError ? 'tl-k-error' : kindClass(outline.kinds[outline.kindIndex[i]!] ?? '')}`} aria-hidden="true" />
      <span className="tl-name" data-testid="span-name" title={name}>
        {name || '(unnamed)'}
      </span>
      {facts && (
        <span className={`tl-facts tl-facts-${facts.kind}`} data-testid="span-facts" data-kind={facts.kind} title={facts.text}>
          {facts.text}
        </span>
      )}
      {showService && <span className="tl-service">{service}</span>}
      {promoted !== PROMOTED_NONE && (
        <span className="tl-tag" title={promoted === PROMOTED_CYCLE ? 'Parent chain loops back' : 'Parent span not received'}>
          {promoted === PROMOTED_CYCLE ? 'cycle' : 'orphan'}
        </span>
      )}
      {folded && hidden > 0 && <span className="tl-tag">+{hidden.toLocaleString()}</span>}
      {isError && (
        <span className="tl-status" data-testid="span-status" title={message || 'error'}>
          {message || 'error'}
        </span>
      )}
    </div>
  );
}

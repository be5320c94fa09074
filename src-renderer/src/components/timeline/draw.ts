// Canvas drawing for the timeline: the lanes (one bar per shown row, only rows on screen) and the
// time axis. Synchronous and allocation-light: everything it needs is already in memory, so a frame
// costs what the visible rows cost whatever the trace's size. Colours come from CSS variables,
// resolved by hidden probe elements (see Palette), so the light/dark theme is never hard-coded.
import { GENAI_KINDS, isGenAiKind } from '../../../../src-shared/contract';
import { STATUS_ERROR, type TraceOutline } from '../../../../src-shared/trace-outline';
import { formatDuration } from '../../lib/format';
import { axisUnit, chooseTicks, formatTick } from '../../lib/timeline/axis';
import type { CriticalPath } from '../../lib/timeline/critical-path';
import type { VisibleRows } from '../../lib/timeline/rows';
import type { TimeWindow } from '../../lib/timeline/viewport';

export const ROW_HEIGHT = 24;
const BAR_TOP = 6;
const BAR_HEIGHT = 12;
const STRIPE_HEIGHT = 4;
const CRITICAL_ALPHA = 0.7;
const TICK_GAP_PX = 90;


/** The rest of the palette, each a probe class in timeline.css. */
export const PALETTE_ROLES = ['neutral', 'error', 'critical', 'bg', 'axis-bg', 'text', 'muted', 'grid', 'selected', 'hover', 'match', 'match-mark', 'cursor'] as const;

export type PaletteRole = (typeof PALETTE_ROLES)[number];
export type Palette = Record<PaletteRole, string> & { kinds: Map<string, string> };

/** CSS class carrying a kind's colour variable (known kinds only, so span data never becomes a class name). */
export function kindClass(kind: string): string {
  if (kind === '') return 'tl-k-none';
  return isGenAiKind(kind) ? `tl-k-${kind}` : 'tl-k-other';
}

/**
 * Reads the palette from probe elements (one per colour, styled by timeline.css). Computed colours
 * are always rgb()/rgba(), which canvas accepts, even when a variable is a var() chain; reading a
 * live CSSStyleDeclaration is ~1 µs while styles are clean, so this runs every frame and a theme
 * switch shows on the next one.
 */
export class PaletteReader {
  private readonly styles = new Map<string, CSSStyleDeclaration>();
  constructor(probes: HTMLElement) {
    for (const el of probes.querySelectorAll<HTMLElement>('[data-colour]')) this.styles.set(el.dataset.colour!, getComputedStyle(el));
  }
  read(): Palette {
    const get = (key: string) => this.styles.get(key)?.color || '#888';
    const kinds = new Map<string, string>();
    for (const k of GENAI_KINDS) kinds.set(k, get(`kind-${k}`));
    const out = { kinds } as Palette;
    for (const role of PALETTE_ROLES) out[role] = get(role);
    return out;
  }
}

export interface LaneFrame {
  outline: TraceOutline;
  rows: VisibleRows;
  scrollTop: number;
  /** CSS pixels. */
  width: number;
  height: number;
  window: TimeWindow;
  selected: number;
  hovered: number;
  /** 1 per outline index that matches the find box; null when the box is empty. */
  matches: Uint8Array | null;
  path: CriticalPath | null;
  /** Pointer x over the lanes in CSS pixels, or null: draws a time cursor. */
  cursorX: number | null;
  palette: Palette;
  fontFamily: string;
}

function kindFills(outline: TraceOutline, palette: Palette): string[] {
  return outline.kinds.map((k) => (k === '' ? palette.neutral : (palette.kinds.get(k) ?? palette.kinds.get('other')!)));
}

export function drawLanes(ctx: CanvasRenderingContext2D, f: LaneFrame): void {
  const { outline, rows, width, height, window: w, palette: p } = f;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, width, height);
  const span = w.end - w.start;
  if (!(span > 0) || width <= 0) return;
  const k = width / span;

  const ticks = chooseTicks(w.start, w.end, width, TICK_GAP_PX);
  ctx.fillStyle = p.grid;
  for (const t of ticks.values) ctx.fillRect(Math.round((t - w.start) * k), 0, 1, height);

  const first = Math.max(0, Math.floor(f.scrollTop / ROW_HEIGHT));
  const last = Math.min(rows.count, Math.ceil((f.scrollTop + height) / ROW_HEIGHT));
  const fills = kindFills(outline, p);
  const { startMs, durationsMs, status, kindIndex } = outline;
  const path = f.path;
  ctx.font = `11px ${f.fontFamily}`;
  ctx.textBaseline = 'middle';

  for (let r = first; r < last; r++) {
    const i = rows.index[r]!;
    const y = r * ROW_HEIGHT - f.scrollTop;
    // Selection wins over a find match, which wins over hover; a match keeps its edge mark.
    const match = f.matches !== null && f.matches[i] === 1;
    const tint = i === f.selected ? p.selected : match ? p.match : i === f.hovered ? p.hover : null;
    if (tint) {
      ctx.fillStyle = tint;
      ctx.fillRect(0, y, width, ROW_HEIGHT);
    }
    if (match) {
      ctx.fillStyle = p['match-mark'];
      ctx.fillRect(0, y, 3, ROW_HEIGHT);
    }

    const s = startMs[i]!;
    const d = durationsMs[i]!;
    const x0 = (s - w.start) * k;
    const x1 = (s + d - w.start) * k;
    if (x1 < -1 || x0 > width + 1) continue;
    // Clipped to just outside the canvas: a 1000× zoom must not ask canvas for million-pixel rects.
    const bx = Math.max(-2, x0);
    const bw = Math.max(1, Math.min(width + 2, x1) - bx);
    const isError = status[i] === STATUS_ERROR;
    ctx.fillStyle = isError ? p.error : fills[kindIndex[i]!]!;
    ctx.fillRect(bx, y + BAR_TOP, bw, BAR_HEIGHT);
    if (i === f.selected) {
      ctx.strokeStyle = p.text;
      ctx.lineWidth = 1;
      ctx.strokeRect(Math.round(bx) - 0.5, y + BAR_TOP - 1.5, Math.max(2, Math.round(bw) + 1), BAR_HEIGHT + 3);
    }

    if (path) {
      const a = path.offset[i]!;
      const b = path.offset[i + 1]!;
      if (b > a) {
        ctx.fillStyle = p.critical;
        ctx.globalAlpha = CRITICAL_ALPHA;
        drawSegments(ctx, path, a, b, w.start, w.end, k, width, y + BAR_TOP + (BAR_HEIGHT - STRIPE_HEIGHT) / 2);
        ctx.globalAlpha = 1;
      }
    }

    // The duration beside the bar where there is room: right, else left, else inside a wide bar.
    const label = formatDuration(d);
    const tw = ctx.measureText(label).width;
    const mid = y + ROW_HEIGHT / 2;
    if (x1 + 4 + tw <= width) {
      ctx.fillStyle = p.muted;
      ctx.fillText(label, x1 + 4, mid);
    } else if (x0 - 4 - tw >= 0) {
      ctx.fillStyle = p.muted;
      ctx.fillText(label, x0 - 4 - tw, mid);
    } else if (bw >= tw + 8) {
      ctx.fillStyle = p.bg;
      ctx.fillText(label, Math.max(bx, 0) + 4, mid);
    }
  }

  if (f.cursorX !== null) {
    ctx.fillStyle = p.cursor;
    ctx.fillRect(Math.round(f.cursorX), 0, 1, height);
  }
}

/**
 * One span's critical segments [a, b) (sorted, disjoint) as stripes: only those in the window, and
 * runs closer than a pixel merged. A parent waiting on 100k sequential children has 100k gaps on the
 * path; one rect each cost 140 ms a frame at 1M spans, merged it is at most a rect per pixel.
 */
function drawSegments(
  ctx: CanvasRenderingContext2D,
  path: CriticalPath,
  a: number,
  b: number,
  from: number,
  to: number,
  k: number,
  width: number,
  y: number,
): void {
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (path.end[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  let open = false;
  let runStart = 0;
  let runEnd = 0;
  for (let q = lo; q < b && path.start[q]! <= to; q++) {
    const sx = Math.max(-2, (path.start[q]! - from) * k);
    const ex = Math.min(width + 2, (path.end[q]! - from) * k);
    if (open && sx <= runEnd + 1) {
      if (ex > runEnd) runEnd = ex;
      continue;
    }
    if (open) ctx.fillRect(runStart, y, Math.max(1, runEnd - runStart), STRIPE_HEIGHT);
    open = true;
    runStart = sx;
    runEnd = ex;
  }
  if (open) ctx.fillRect(runStart, y, Math.max(1, runEnd - runStart), STRIPE_HEIGHT);
}

export interface AxisFrame {
  width: number;
  height: number;
  window: TimeWindow;
  /** Outline index of the selected span (its extent is shaded on the axis), or −1. */
  selected: number;
  outline: TraceOutline;
  cursorX: number | null;
  palette: Palette;
  fontFamily: string;
}

export function drawAxis(ctx: CanvasRenderingContext2D, f: AxisFrame): void {
  const { width, height, window: w, palette: p } = f;
  ctx.fillStyle = p['axis-bg'];
  ctx.fillRect(0, 0, width, height);
  const span = w.end - w.start;
  if (!(span > 0) || width <= 0) return;
  const k = width / span;

  if (f.selected >= 0) {
    const s = f.outline.startMs[f.selected]!;
    const e = s + f.outline.durationsMs[f.selected]!;
    const x0 = Math.max(0, (s - w.start) * k);
    const x1 = Math.min(width, (e - w.start) * k);
    if (x1 >= x0) {
      ctx.fillStyle = p.selected;
      ctx.fillRect(x0, 0, Math.max(1, x1 - x0), height);
    }
  }

  const ticks = chooseTicks(w.start, w.end, width, TICK_GAP_PX);
  const unit = axisUnit(Math.max(Math.abs(w.start), Math.abs(w.end)));
  ctx.font = `11px ${f.fontFamily}`;
  ctx.textBaseline = 'middle';
  for (const t of ticks.values) {
    const x = Math.round((t - w.start) * k);
    ctx.fillStyle = p.grid;
    ctx.fillRect(x, height - 7, 1, 7);
    const label = formatTick(t, ticks.step, unit);
    const tw = ctx.measureText(label).width;
    ctx.fillStyle = p.muted;
    ctx.fillText(label, Math.min(x + 4, width - tw - 2), height / 2 - 1);
  }
  ctx.fillStyle = p.grid;
  ctx.fillRect(0, height - 1, width, 1);

  if (f.cursorX !== null) {
    const t = w.start + f.cursorX / k;
    const label = formatTick(t, ticks.step / 10, unit);
    const tw = ctx.measureText(label).width;
    const x = Math.min(Math.max(0, f.cursorX - tw / 2 - 4), width - tw - 8);
    ctx.fillStyle = p.text;
    ctx.fillRect(x, 2, tw + 8, height - 5);
    ctx.fillStyle = p['axis-bg'];
    ctx.fillText(label, x + 4, height / 2 - 1);
  }
}

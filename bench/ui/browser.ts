/**
 * Drives Debian's Chromium (playwright-core, never a downloaded browser) against the real UI: opens
 * a page with the probe injected, waits for milestones the page records itself, clicks a span row,
 * and plays timed wheel and drag gestures while the page records its frames. Every wait is bounded.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sleep } from '../lib/report';
import { PAGE_PROBE, type FrameRecording, type OpenMarks, type SelectTiming } from './page-probe';

export { launchBrowser, CHROMIUM_PATH } from '../../e2e/support/browser';

export const VIEWPORT = { width: 1400, height: 900 };

export interface PageSession {
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  /** Path of every /api/ request the page made, in order. */
  apiRequests: string[];
  /** /api/ requests not answered yet. */
  apiInFlight(): number;
  /** performance.now() (this process) of the last /api/ request start or end. */
  lastApiActivity(): number;
  close(): Promise<void>;
}

/** A fresh context (no cache, no storage) and page with the probe installed; navigates to `url`. */
export async function openPage(browser: Browser, url: string): Promise<PageSession> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  await context.addInitScript({ content: PAGE_PROBE });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const apiRequests: string[] = [];
  let inFlight = 0;
  let last = performance.now();
  const isApi = (u: string): boolean => new URL(u).pathname.startsWith('/api/');
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (d) => void d.dismiss().catch(() => {}));
  page.on('request', (r) => {
    if (!isApi(r.url())) return;
    apiRequests.push(new URL(r.url()).pathname);
    inFlight++;
    last = performance.now();
  });
  const done = (r: { url(): string }): void => {
    if (!isApi(r.url())) return;
    inFlight--;
    last = performance.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.goto(url, { waitUntil: 'commit' });
  return { context, page, pageErrors, apiRequests, apiInFlight: () => inFlight, lastApiActivity: () => last, close: () => context.close() };
}

export async function marks(page: Page): Promise<OpenMarks> {
  return ((await page.evaluate('window.__bench ? window.__bench.marks : {}')) ?? {}) as OpenMarks;
}

/** Polls the page's marks until `key` is set or `timeoutMs` passes; returns the marks either way. */
export async function waitForMark(page: Page, key: keyof OpenMarks, timeoutMs: number): Promise<OpenMarks> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const m = await marks(page);
    if (m[key] !== undefined || performance.now() > deadline) return m;
    await sleep(20);
  }
}

export interface ResourceTiming {
  /** ms since navigation start. */
  start: number;
  end: number;
  /** Bytes of the body as received (0 when the browser does not say). */
  bytes: number;
}

/** Timing of the last request whose URL path matches `re` (Resource Timing, page clock). */
export async function resourceTiming(page: Page, re: RegExp): Promise<ResourceTiming | null> {
  const entries = (await page.evaluate(
    "performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize || e.transferSize || 0 }))",
  )) as Array<ResourceTiming & { name: string }>;
  const hits = entries.filter((e) => re.test(new URL(e.name).pathname));
  const last = hits[hits.length - 1];
  return last ? { start: last.start, end: last.end, bytes: last.bytes } : null;
}

/** Used JS heap of the page, MiB (Chromium's performance.memory), or null. */
export async function heapMiB(page: Page): Promise<number | null> {
  const bytes = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')) as number | null;
  return bytes === null ? null : bytes / 1024 / 1024;
}

/**
 * One entry of `window.__flowtraceGraph.history`: the fields of GraphDrawStats in
 * src-renderer/src/components/graph/TraceGraph.tsx, which documents them (a DOM/JSX module, so
 * this node-side file names the fields it reads instead of importing it).
 */
export type GraphDraw = Record<'nodes' | 'edges' | 'foldMs' | 'layoutMs' | 'cytoscapeMs' | 'paintMs', number>;

/** The graph pane's first draw with nodes (window.__flowtraceGraph.history), or null. */
export async function firstGraphDraw(page: Page): Promise<GraphDraw | null> {
  const history = (await page.evaluate('window.__flowtraceGraph ? window.__flowtraceGraph.history : []')) as GraphDraw[];
  return history.find((h) => h.nodes > 0) ?? null;
}

export interface ClickResult {
  spanId: string;
  /** Click → the row shows selected, ms. */
  selectedMs: number | null;
  /** Click → the detail panel shows the loaded span, ms. */
  detailMs: number | null;
}

/** Clicks the `nth` span row (at its right end, away from the fold button) and times the response. */
export async function clickSpanRow(page: Page, nth: number, timeoutMs: number): Promise<ClickResult> {
  const row = page.locator('[data-testid="span-row"]').nth(nth);
  const spanId = await row.getAttribute('data-span-id', { timeout: timeoutMs });
  if (!spanId) throw new Error(`span row ${nth} has no data-span-id`);
  const box = await row.boundingBox({ timeout: timeoutMs });
  if (!box) throw new Error(`span row ${nth} is not visible`);
  await page.evaluate(`window.__bench.watchSelect(${JSON.stringify(spanId)})`);
  await row.click({ position: { x: box.width - 12, y: box.height / 2 }, timeout: timeoutMs });
  const deadline = performance.now() + timeoutMs;
  let t: SelectTiming;
  for (;;) {
    t = (await page.evaluate('window.__bench.select')) as SelectTiming;
    if ((t.selected !== undefined && t.detail !== undefined) || performance.now() > deadline) break;
    await sleep(20);
  }
  const since = (at: number | undefined): number | null => (at === undefined || t.click === undefined ? null : at - t.click);
  return { spanId, selectedMs: since(t.selected), detailMs: since(t.detail) };
}

export async function startFrames(page: Page, kind: 'timeline' | 'list' = 'timeline'): Promise<void> {
  await page.evaluate(`window.__bench.resetDraws(); window.__bench.startFrames(${JSON.stringify(kind)})`);
}

export async function stopFrames(page: Page): Promise<FrameRecording & { draws: number[] }> {
  const rec = (await page.evaluate('window.__bench.stopFrames()')) as FrameRecording | null;
  const draws = (await page.evaluate('window.__bench.draws()')) as number[];
  return { ...(rec ?? { intervals: [], atEnd: 0, longTasks: [] }), draws };
}

/**
 * Starts `step(i)` about `hz` times a second for `seconds`, with up to `inFlight` steps unanswered:
 * each Playwright input call waits for the renderer's acknowledgement (~one frame), so awaiting
 * each one caps input at ~30 events/s; pipelined, it reaches 60/s like a fast wheel or pointer.
 * Returns the number of steps started (all have settled on return).
 */
export async function paced(seconds: number, hz: number, step: (i: number) => Promise<void>, inFlight = 4): Promise<number> {
  const t0 = performance.now();
  const period = 1000 / hz;
  const pending = new Set<Promise<void>>();
  let i = 0;
  while (performance.now() - t0 < seconds * 1000) {
    while (pending.size >= inFlight) await Promise.race(pending);
    const p: Promise<void> = step(i).finally(() => pending.delete(p));
    pending.add(p);
    i++;
    const wait = t0 + i * period - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(pending);
  return i;
}

export interface Point {
  x: number;
  y: number;
}

/** The middle of the bar canvas's visible part (the canvas is as tall as the scroller's viewport). */
export async function lanesCentre(page: Page): Promise<Point> {
  const canvas = await page.locator('[data-testid="timeline-canvas"]').boundingBox();
  const scroller = await page.locator('[data-testid="trace-timeline"] .tl-scroller').boundingBox();
  if (!canvas || !scroller) throw new Error('the timeline canvas is not visible');
  const top = Math.max(canvas.y, scroller.y);
  const bottom = Math.min(canvas.y + canvas.height, scroller.y + scroller.height);
  return { x: canvas.x + canvas.width / 2, y: (top + bottom) / 2 };
}

export type Gesture = 'zoom' | 'pan' | 'drag' | 'scroll';

/** Wheel/drag events per second: a fast wheel or a 60 Hz pointer. */
const INPUT_HZ = 60;

/**
 * Plays one gesture over the bar canvas for `seconds`:
 * - zoom: ctrl+wheel, 15 notches in, 15 out, repeated, at the pointer;
 * - pan: shift+wheel, 30 notches one way, 30 back (zoomed in 10 notches first, outside the recording);
 * - drag: the mouse held down and swung ±300 px once a second;
 * - scroll: plain wheel down (vertical scroll through the rows).
 */
export async function playGesture(page: Page, gesture: Gesture, seconds: number, at: Point): Promise<number> {
  const mouse = page.mouse;
  const keyboard = page.keyboard;
  await mouse.move(at.x, at.y);
  let events = 0;
  switch (gesture) {
    case 'zoom':
      await keyboard.down('Control');
      events = await paced(seconds, INPUT_HZ, (i) => mouse.wheel(0, Math.floor(i / 15) % 2 === 0 ? -100 : 100));
      await keyboard.up('Control');
      break;
    case 'pan':
      await keyboard.down('Shift');
      events = await paced(seconds, INPUT_HZ, (i) => mouse.wheel(0, Math.floor(i / 30) % 2 === 0 ? 100 : -100));
      await keyboard.up('Shift');
      break;
    case 'drag':
      await mouse.down();
      events = await paced(seconds, INPUT_HZ, (i) => mouse.move(at.x + 300 * Math.sin((2 * Math.PI * i) / INPUT_HZ), at.y));
      await mouse.move(at.x, at.y);
      await mouse.up();
      break;
    case 'scroll':
      events = await paced(seconds, INPUT_HZ, () => mouse.wheel(0, 100));
      break;
  }
  return events;
}

/** Zooms the timeline in by `notches` ctrl+wheel steps at `at` (so a pan has room to move). */
export async function zoomIn(page: Page, at: Point, notches: number): Promise<void> {
  await page.mouse.move(at.x, at.y);
  await page.keyboard.down('Control');
  for (let i = 0; i < notches; i++) await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
}

/**
 * Waits until the page has no /api/ request in flight and none started for `forMs`, and then no
 * frame took longer than 50 ms for `forMs` (at most `timeoutMs` in all), so a gesture or a click
 * is not measured on top of a load still arriving.
 */
export async function settle(session: PageSession, forMs = 500, timeoutMs = 30_000): Promise<boolean> {
  const { page } = session;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (session.apiInFlight() > 0 || performance.now() - session.lastApiActivity() < forMs) {
      await sleep(50);
      continue;
    }
    await page.evaluate('window.__bench.startFrames("timeline")');
    await sleep(forMs);
    const rec = (await page.evaluate('window.__bench.stopFrames()')) as FrameRecording | null;
    if (rec && rec.intervals.length > 0 && Math.max(...rec.intervals) < 50 && session.apiInFlight() === 0) return true;
  }
  return false;
}

/**
 * The trace page's test hooks, shared by the e2e files: the graph's mirrored node list and its
 * `window.__flowtraceGraph` (documented in components/graph/TraceGraph.tsx), and real pointer
 * clicks on the canvas where the graph draws a node.
 */
import type { Locator, Page } from 'playwright-core';

/** window.__flowtraceGraph as TraceGraph.tsx documents it; this file is type-checked without DOM types. */
export interface GraphHook {
  point(id: string): { x: number; y: number } | null;
  history: Array<{ nodes: number; foldMs: number; layoutMs: number; cytoscapeMs: number; paintMs: number }>;
  zoom(): number;
  labelPx(): number;
  boxes(): { width: number; height: number; nodes: Array<{ id: string; x1: number; y1: number; x2: number; y2: number }> };
  fits: number;
  edges(): string[];
}
export type PageGlobals = { __flowtraceGraph?: GraphHook; location: { hash: string } };

/** The mirrored graph node whose (first) span is `spanId`. */
export function graphNode(page: Page, spanId: string): Locator {
  return page.locator(`[data-testid="graph-node"][data-span-id="${spanId}"]`);
}

/**
 * A real pointer click (or double-click) on the canvas where the graph draws the node, once the
 * node has stopped moving: as a person would, not mid-way through a relayout or a refit (a fold
 * that just opened, a pane that just changed its width), which would move it from under the click.
 */
export async function clickGraphNode(page: Page, id: string, double = false): Promise<void> {
  const pointOf = async (): Promise<{ x: number; y: number }> => {
    const handle = await page.waitForFunction((nodeId) => (globalThis as unknown as PageGlobals).__flowtraceGraph?.point(nodeId) ?? null, id);
    return (await handle.jsonValue()) as { x: number; y: number };
  };
  // Still for longer than the graph's refit delay after a resize (400 ms, TraceGraph.tsx).
  let at = await pointOf();
  for (let i = 0, still = 0; i < 60 && still < 3; i++) {
    await page.waitForTimeout(150);
    const next = await pointOf();
    still = Math.abs(next.x - at.x) < 0.5 && Math.abs(next.y - at.y) < 0.5 ? still + 1 : 0;
    at = next;
  }
  if (double) await page.mouse.dblclick(at.x, at.y);
  else await page.mouse.click(at.x, at.y);
}

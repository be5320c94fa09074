// The cytoscape stylesheet of the agent graph, built from the theme's CSS variables (read at draw
// time, so light, dark and a manual theme all apply without a hard-coded palette). Kinds differ by
// shape and border colour plus the text badge in the label; edges by type as the legend shows.
import type cytoscape from 'cytoscape';
import type { GenAiKind } from '../../../../src-shared/contract';
import { blendOver, parseHex, parseRgb, type Rgba } from '../../lib/graph/colors';

/**
 * Node labels are drawn at this size at zoom 1; the view keeps them at MIN_LABEL_PX or more on
 * screen (TraceGraph's viewport rule). Readability is the ratio of text to node width, so nodes are
 * as narrow as a 24-character line allows: the old 200 px nodes with 11 px text fitted the
 * seven-column handoff run into a 1280 px window only at zoom 0.56 (6 px text).
 */
export const LABEL_FONT_PX = 13;
export const MIN_LABEL_PX = 11;
export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 52;
/** Centre-to-centre distances of the tidy tree. */
export const COLUMN_WIDTH = NODE_WIDTH + 16;
export const ROW_HEIGHT = NODE_HEIGHT + 40;
/** From this many drawn nodes the cheaper stylesheet applies (see graphStylesheet). */
export const BIG_GRAPH_NODES = 500;

export interface GraphColors {
  panel: string;
  panel2: string;
  border: string;
  text: string;
  muted: string;
  accent: string;
  accentSoft: string;
  error: string;
  errorSoft: string;
  warning: string;
  bar: string;
  ok: string;
  font: string;
}

const VARS: Record<keyof GraphColors, [name: string, fallback: string]> = {
  panel: ['--panel', '#ffffff'],
  panel2: ['--panel-2', '#f0f2f5'],
  border: ['--border', '#dde1e7'],
  text: ['--text', '#1c2330'],
  muted: ['--muted', '#677185'],
  accent: ['--accent', '#4f5bd5'],
  accentSoft: ['--accent-soft', 'rgba(79, 91, 213, 0.12)'],
  error: ['--error', '#c62f3a'],
  errorSoft: ['--error-soft', 'rgba(198, 47, 58, 0.1)'],
  warning: ['--warning', '#8a5a00'],
  bar: ['--bar', '#7b86e8'],
  ok: ['--ok', '#2f8f5b'],
  font: ['--sans', 'system-ui, sans-serif'],
};

/**
 * The theme's current values as opaque rgb(). Variables are read from `el` (so a theme scoped to
 * the pane applies too) and normalized by a canvas context, which parses any CSS colour without a
 * style recalculation per value (a probe element cost ~90 ms next to a big timeline). A value it
 * cannot parse keeps the fallback.
 */
export function readGraphColors(el: HTMLElement): GraphColors {
  const css = getComputedStyle(el);
  const raw = (key: keyof GraphColors): string => css.getPropertyValue(VARS[key][0]).trim() || VARS[key][1];
  const ctx = document.createElement('canvas').getContext('2d');
  const normalize = (value: string): Rgba | null => {
    if (!ctx) return null;
    // An unparsable value leaves fillStyle unchanged: reset to a sentinel first to tell.
    ctx.fillStyle = '#010203';
    ctx.fillStyle = value;
    const out = String(ctx.fillStyle);
    if (out === '#010203' && value.trim().toLowerCase() !== '#010203') return null;
    return parseRgb(out) ?? parseHex(out);
  };
  const panel = normalize(raw('panel')) ?? ([255, 255, 255, 1] as Rgba);
  const out = { font: raw('font') } as GraphColors;
  for (const key of Object.keys(VARS) as Array<keyof GraphColors>) {
    if (key === 'font') continue;
    const color = normalize(raw(key)) ?? normalize(VARS[key][1]);
    out[key] = color ? blendOver(color, panel) : VARS[key][1];
  }
  return out;
}

const SHAPES: Readonly<Record<GenAiKind, cytoscape.Css.NodeShape>> = {
  agent: 'round-rectangle',
  llm: 'barrel',
  tool: 'cut-rectangle',
  retriever: 'round-tag',
  embedding: 'round-octagon',
  reranker: 'round-octagon',
  memory: 'bottom-round-rectangle',
  guardrail: 'octagon',
  evaluator: 'octagon',
  chain: 'rectangle',
  workflow: 'rectangle',
  other: 'rectangle',
};

/** A kind's node shape, carried in the element's data (one mapper instead of a selector per kind). */
export function shapeOf(kind: GenAiKind | 'more'): cytoscape.Css.NodeShape {
  return kind === 'more' ? 'round-rectangle' : (SHAPES[kind] ?? 'rectangle');
}

/**
 * Every selector is tested and every matching property applied per element on the first frame,
 * which dominated drawing 2k nodes (1.3 s of 2.3 s), so base rules carry only what all elements
 * need. `big`: tree edges as haystack lines (no arrows, no routing), the cheapest cytoscape draws,
 * and labels only from a larger zoom.
 */
export function graphStylesheet(c: GraphColors, big = false): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        shape: 'data(shape)' as cytoscape.Css.NodeShape,
        'background-color': c.panel,
        'border-width': 1.5,
        'border-color': c.muted,
        label: 'data(label)',
        color: c.text,
        'font-family': c.font,
        'font-size': LABEL_FONT_PX,
        'text-wrap': 'wrap',
        'text-max-width': `${NODE_WIDTH - 8}px`,
        'text-valign': 'center',
        'text-halign': 'center',
        // Labels are the costliest part of a frame: below this on-screen size they are skipped (a
        // small graph shows them smaller, so a fitted 15-wide layer still reads).
        'min-zoomed-font-size': big ? 7 : 5,
      },
    },
    { selector: 'node[kind = "agent"]', style: { 'border-color': c.accent, 'border-width': 2.5, 'font-weight': 'bold' } },
    { selector: 'node[kind = "llm"]', style: { 'border-color': c.bar } },
    { selector: 'node[kind = "tool"]', style: { 'border-color': c.ok } },
    // A fold looks stacked: a double border, thicker.
    { selector: 'node[count > 1]', style: { 'border-style': 'double', 'border-width': 5 } },
    { selector: 'node[?error]', style: { 'border-color': c.error, 'background-color': c.errorSoft, color: c.error } },
    {
      selector: 'node[?more]',
      style: { height: 44, 'background-color': c.panel2, 'border-style': 'dashed', 'border-width': 1.5, 'border-color': c.muted, color: c.muted },
    },
    { selector: ':active', style: { 'overlay-opacity': 0 } },
    { selector: 'node.hovered', style: { 'overlay-color': c.accent, 'overlay-opacity': 0.1, 'overlay-padding': 4 } },
    {
      selector: 'node.selected',
      style: { 'underlay-color': c.accent, 'underlay-opacity': 0.45, 'underlay-padding': 6, 'underlay-shape': 'round-rectangle', 'border-color': c.accent },
    },
    {
      selector: 'edge',
      style: { width: 1.5, 'line-color': c.muted, 'target-arrow-color': c.muted, 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8 },
    },
    {
      selector: 'edge[type = "calls"]',
      style: big
        ? { 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none', opacity: 0.45 }
        : { 'curve-style': 'taxi', 'taxi-direction': 'downward', 'taxi-turn': 32, opacity: 0.45, 'arrow-scale': 0.6 },
    },
    // Over the tree: a bow clear of the nodes between two siblings. Bows differ per type (and side:
    // later → earlier edges run right to left), so two edges between the same siblings do not lie
    // on top of each other with their labels.
    {
      selector: 'edge[type != "calls"]',
      style: {
        'curve-style': 'unbundled-bezier',
        'control-point-distances': -110,
        'control-point-weights': 0.5,
        label: 'data(label)',
        'font-family': c.font,
        'font-size': 10,
        'min-zoomed-font-size': 7,
        'text-background-color': c.panel,
        'text-background-opacity': 1,
        'text-background-padding': '2px',
      },
    },
    { selector: 'edge[type = "handoff"]', style: { width: 4, 'line-color': c.accent, 'target-arrow-color': c.accent, color: c.accent } },
    { selector: 'edge[type = "tool_result"]', style: { 'line-style': 'dashed', 'line-color': c.ok, 'target-arrow-color': c.ok, 'control-point-distances': 80 } },
    {
      selector: 'edge[type = "retry_of"], edge[type = "fallback_of"]',
      style: { width: 2, 'line-style': 'dotted', 'line-color': c.warning, 'target-arrow-color': c.warning, color: c.warning },
    },
    { selector: 'edge[type = "retry_of"]', style: { 'control-point-distances': -70 } },
    { selector: 'edge[type = "fallback_of"]', style: { 'control-point-distances': -140 } },
    { selector: 'edge[type = "link"]', style: { width: 1, 'line-style': 'dotted', 'target-arrow-shape': 'vee', 'control-point-distances': 50 } },
  ];
}

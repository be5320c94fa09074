// The trace's agent graph in cytoscape: repeats folded (×N, double-click or "Expand" to open,
// "Fold" to close again), past NODE_BUDGET nodes only the top layers with "+N more" nodes, laid out
// by our tidy tree and placed with cytoscape's `preset`. One cytoscape instance lives as long as
// the pane; prop changes add, remove and move elements in place and keep the user's zoom. The view
// fits the graph when a trace opens and refits when the pane changes size (the detail panel opens
// or closes, the window resizes) or a fold expands or folds. Without a selection, a graph of up to
// READABLE_MAX_NODES nodes never shows below MIN_LABEL_PX text (then it shows the top of the graph;
// "Fit" shows all); with one (the detail panel open) it shows whole, the selection in place.
// A handoff span reads "HANDOFF · from → to".
// Selection: a span inside a fold selects the fold (it is not expanded); a span that is not a node
// selects its nearest ancestor that is; a hidden one opens the path to it.
// For tests: a visually hidden list mirrors every drawn node (`data-testid="graph-node"` with
// data-node-id, data-span-id, data-kind, data-count, data-error, data-selected, data-hovered,
// data-handoff), and `window.__flowtraceGraph.point(spanOrNodeId)` pans the node into view and
// returns its centre in page coordinates for a real click; `.stats` / `.history` hold the timings
// of the last draws; `.labelPx()` the on-screen label size, `.boxes()` every node's rendered box,
// `.edges()` the drawn edges and `.fits` the number of fits so far (tests wait for a refit).
import { useEffect, useMemo, useRef, useState } from 'react';
import type cytoscape from 'cytoscape';

/**
 * Cytoscape is most of the renderer's code (~400 kB of a ~770 kB bundle): loaded as its own chunk
 * when a trace first opens, so the list and the page's first paint do not parse it.
 */
let cytoscapeModule: Promise<typeof cytoscape> | null = null;
function loadCytoscape(): Promise<typeof cytoscape> {
  cytoscapeModule ??= import('cytoscape').then((m) => m.default);
  return cytoscapeModule;
}
import type { AgentGraph, AgentGraphEdge, AgentGraphNode } from '../../../../src-shared/contract';
import type { TraceOutline } from '../../../../src-shared/trace-outline';
import { layoutTree } from '../../lib/graph/layout';
import type { HandoffView } from '../../lib/graph/handoff';
import { moreLabel, nodeLabel, nodeSummary } from '../../lib/graph/node-label';
import { graphFromOutline } from '../../lib/graph/outline-graph';
import {
  expandRun,
  foldGraph,
  foldRun,
  INITIAL_VIEW_STATE,
  limitView,
  nodeForSpan,
  outlineIndex,
  revealNode,
  runToExpand,
  showMore,
  type FoldedGraph,
  type GraphView,
  type GraphViewState,
  type MoreInfo,
} from '../../lib/graph/view-graph';
import {
  BIG_GRAPH_NODES,
  COLUMN_WIDTH,
  type GraphColors,
  graphStylesheet,
  LABEL_FONT_PX,
  MIN_LABEL_PX,
  NODE_HEIGHT,
  NODE_WIDTH,
  readGraphColors,
  ROW_HEIGHT,
  shapeOf,
} from './graph-style';
import { GraphLegend } from './GraphLegend';
import './graph.css';

export interface TraceGraphProps {
  traceId: string;
  /** The agent graph of the trace, every node (no collapsing); undefined while loading, null when the engine has none. */
  graph: AgentGraph | null | undefined;
  /** The whole trace's shape, for traces without GenAI spans (the graph is then built from the span tree). */
  outline: TraceOutline;
  /** Handoff spans by span id (lib/graph/handoff.ts): their nodes read "HANDOFF · from → to". */
  handoffs?: ReadonlyMap<string, HandoffView>;
  selectedId: string | null;
  hoveredId: string | null;
  onSelect: (spanId: string | null) => void;
  onHover: (spanId: string | null) => void;
}

const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';

/** Up to this many drawn nodes the view never fits below MIN_LABEL_PX text. */
const READABLE_MAX_NODES = 50;
const READABLE_ZOOM = MIN_LABEL_PX / LABEL_FONT_PX;
/** A bigger graph fitted below this zoom is a hairline: it starts at READABLE_ZOOM instead. */
const MIN_FIT_ZOOM = 0.2;
const FIT_PADDING = 24;
/** A resized pane refits after no resize for this long (longer than a double-click takes). */
const REFIT_SETTLE_MS = 400;
/** Room above and below the node boxes for the bows of edges between siblings. */
const EDGE_MARGIN = 36;

/** Above this many drawn nodes, panning to the selection jumps instead of animating. */
const ANIMATE_MAX_NODES = 500;

export interface GraphDrawStats {
  nodes: number;
  edges: number;
  /** The last fold of the full graph (it reruns only when the graph or the expanded runs change). */
  foldMs: number;
  /** Limiting to the budget and laying out. */
  layoutMs: number;
  /** Handing the elements to cytoscape and fitting. */
  cytoscapeMs: number;
  /** From handing the elements over to the end of the frame that painted them. */
  paintMs: number;
}

export interface GraphTestHook {
  /** Centre of the node showing this span (or with this node id), in page coordinates; panned into view first. */
  point(id: string): { x: number; y: number } | null;
  /** The last draw. */
  stats: GraphDrawStats | null;
  /** The last 20 draws, oldest first (the first draw of a trace adds every element; later ones only differences). */
  history: GraphDrawStats[];
  zoom(): number;
  /** On-screen size of node label text: font size × zoom. */
  labelPx(): number;
  /** Every drawn node's rendered box, and the canvas size, in canvas pixels. */
  boxes(): { width: number; height: number; nodes: Array<{ id: string; x1: number; y1: number; x2: number; y2: number }> };
  /** Fits done so far (the first one when a trace opens, then each refit). */
  fits: number;
  /** Every drawn edge as `type source->target` (node ids). */
  edges(): string[];
}

declare global {
  interface Window {
    __flowtraceGraph?: GraphTestHook;
  }
}

interface FoldState extends GraphViewState {
  traceId: string;
}

interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface Prepared {
  view: GraphView;
  folded: FoldedGraph;
  positions: Map<string, { x: number; y: number }>;
  /** Of every node box, from the layout: cytoscape's own bounding box took 2.6 s for 2k nodes. */
  bounds: Bounds;
  foldMs: number;
  layoutMs: number;
}

const NO_HANDOFFS: ReadonlyMap<string, HandoffView> = new Map();

export function TraceGraph({ traceId, graph, outline, handoffs = NO_HANDOFFS, selectedId, hoveredId, onSelect, onHover }: TraceGraphProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const paneRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<cytoscape.Core | null>(null);

  // Fold state belongs to one trace: another trace starts folded again.
  const [foldState, setFoldState] = useState<FoldState>({ traceId, ...INITIAL_VIEW_STATE });
  const fs: FoldState = foldState.traceId === traceId ? foldState : { traceId, ...INITIAL_VIEW_STATE };
  const update = (change: (s: GraphViewState) => GraphViewState): void => {
    const next = change(fs);
    if (next !== fs) setFoldState({ ...next, traceId });
  };

  // A trace with GenAI spans waits for the engine's graph; one without is drawn from its span tree.
  const waiting = graph === undefined && outline.kinds.length > 1;
  const base = useMemo(() => (graph && graph.nodes.length > 0 ? graph : waiting ? null : graphFromOutline(outline)), [graph, outline, waiting]);
  const index = useMemo(() => outlineIndex(outline), [outline]);

  const { expanded, opened, pages } = fs;
  const folded = useMemo(() => {
    if (!base) return null;
    const t0 = performance.now();
    const f = foldGraph(base, expanded);
    return { f, ms: performance.now() - t0 };
  }, [base, expanded]);
  const prepared = useMemo((): Prepared | null => {
    if (!folded) return null;
    const t0 = performance.now();
    const view = limitView(folded.f, { expanded, opened, pages });
    const at = new Map<string, number>();
    view.nodes.forEach((n, i) => at.set(n.id, i));
    const parent = view.nodes.map((n) => (n.parentId === null ? -1 : (at.get(n.parentId) ?? -1)));
    const l = layoutTree(parent, { columnWidth: COLUMN_WIDTH, rowHeight: ROW_HEIGHT });
    const positions = new Map<string, { x: number; y: number }>();
    const bounds: Bounds = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    view.nodes.forEach((n, i) => {
      const x = l.x[i] ?? 0;
      const y = l.y[i] ?? 0;
      positions.set(n.id, { x, y });
      bounds.x1 = Math.min(bounds.x1, x - NODE_WIDTH / 2);
      bounds.x2 = Math.max(bounds.x2, x + NODE_WIDTH / 2);
      bounds.y1 = Math.min(bounds.y1, y - NODE_HEIGHT / 2);
      bounds.y2 = Math.max(bounds.y2, y + NODE_HEIGHT / 2);
    });
    return { view, folded: folded.f, positions, bounds, foldMs: folded.ms, layoutMs: performance.now() - t0 };
  }, [folded, expanded, opened, pages]);

  const selectedNode = useMemo(
    () => (prepared && selectedId ? nodeForSpan(prepared.folded, outline, index, selectedId) : null),
    [prepared, outline, index, selectedId],
  );
  const hoveredNode = useMemo(
    () => (prepared && hoveredId ? nodeForSpan(prepared.folded, outline, index, hoveredId) : null),
    [prepared, outline, index, hoveredId],
  );

  // Latest values for cytoscape's event handlers, which are bound once.
  const live = useRef({ prepared, onSelect, onHover, update, outline, index, selectedId });
  useEffect(() => {
    live.current = { prepared, onSelect, onHover, update, outline, index, selectedId };
  });
  const statsRef = useRef<GraphDrawStats[]>([]);
  const fitsRef = useRef(0);
  const colors = useRef<GraphColors | null>(null);
  const big = useRef(false);

  // The instance: created once (as soon as cytoscape has loaded), themed from CSS variables,
  // re-themed when the scheme or theme changes. `ready` re-runs the effects that need it.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let dispose: (() => void) | null = null;
    let cancelled = false;
    void loadCytoscape().then((create) => {
      if (cancelled) return;
      dispose = mountCytoscape(create);
      setReady(true);
    });
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, []);

  function mountCytoscape(create: typeof cytoscape): (() => void) | null {
    const container = containerRef.current;
    const pane = paneRef.current;
    if (!container || !pane) return null;
    // Cytoscape injects a <style> (container `position: relative`) unless an element with this id
    // exists; the CSP rightly refuses inline styles, and graph.css already positions the canvas.
    if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
      const marker = document.createElement('meta');
      marker.id = CYTOSCAPE_STYLESHEET_ID;
      document.head.appendChild(marker);
    }
    const cy = create({
      container,
      elements: [],
      style: graphStylesheet(colors.current ?? (colors.current = readGraphColors(pane)), big.current),
      layout: { name: 'preset' },
      minZoom: 0.005,
      maxZoom: 2.5,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
    });
    cyRef.current = cy;

    const spanOf = (node: cytoscape.NodeSingular): string | null => (node.data('spanId') as string | undefined) ?? null;
    cy.on('tap', 'node', (e) => {
      const node = e.target as cytoscape.NodeSingular;
      const more = node.data('moreInfo') as MoreInfo | undefined;
      if (more) live.current.update((s) => showMore(s, more));
      else live.current.onSelect(spanOf(node));
    });
    cy.on('dbltap', 'node', (e) => {
      const p = live.current.prepared;
      const run = p ? runToExpand(p.folded, (e.target as cytoscape.NodeSingular).id()) : null;
      if (run) live.current.update((s) => expandRun(s, run));
    });
    cy.on('mouseover', 'node', (e) => {
      const span = spanOf(e.target as cytoscape.NodeSingular);
      if (span) live.current.onHover(span);
      container.classList.add('is-pointing');
    });
    cy.on('mouseout', 'node', () => {
      live.current.onHover(null);
      container.classList.remove('is-pointing');
    });

    const restyle = () => {
      colors.current = readGraphColors(pane);
      cy.style(graphStylesheet(colors.current, big.current));
    };
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', restyle);
    const themeObserver = new MutationObserver(restyle);
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    // The pane changes size without a window resize (the detail panel opens); cytoscape must know
    // at once, and the graph refits to the new size once the size has settled: a window drag
    // resizes many times, and the first tap of a double-click on a fold opens the detail panel,
    // so refitting at once would move the fold from under the second click.
    let resizeFrame = 0;
    let refitTimer: ReturnType<typeof setTimeout> | undefined;
    let lastSize = `${container.clientWidth}x${container.clientHeight}`; // cytoscape read it when created
    const sizeObserver = new ResizeObserver(() => {
      cancelAnimationFrame(resizeFrame);
      resizeFrame = requestAnimationFrame(() => {
        const size = `${container.clientWidth}x${container.clientHeight}`;
        if (size === lastSize) return;
        lastSize = size;
        cy.resize();
        clearTimeout(refitTimer);
        refitTimer = setTimeout(() => {
          const p = live.current.prepared;
          if (p && p.view.nodes.length > 0) refit(cy, p);
        }, REFIT_SETTLE_MS);
      });
    });
    sizeObserver.observe(container);

    window.__flowtraceGraph = {
      point(id) {
        const p = live.current.prepared;
        const nodeId = cy.getElementById(id).nonempty() ? id : p ? nodeForSpan(p.folded, live.current.outline, live.current.index, id) : null;
        const node = nodeId ? cy.getElementById(nodeId) : null;
        if (!node || node.empty() || !node.isNode()) return null;
        if (!inView(cy, node)) cy.center(node);
        const at = node.renderedPosition();
        const box = container.getBoundingClientRect();
        return { x: box.left + at.x, y: box.top + at.y };
      },
      get stats() {
        return statsRef.current[statsRef.current.length - 1] ?? null;
      },
      get history() {
        return [...statsRef.current];
      },
      zoom: () => cy.zoom(),
      labelPx: () => LABEL_FONT_PX * cy.zoom(),
      boxes() {
        const nodes = cy.nodes().map((n) => {
          const b = n.renderedBoundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false });
          return { id: n.id(), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
        });
        return { width: cy.width(), height: cy.height(), nodes };
      },
      get fits() {
        return fitsRef.current;
      },
      edges: () => cy.edges().map((e) => `${e.data('type') as string} ${e.source().id()}->${e.target().id()}`),
    };

    return () => {
      cancelAnimationFrame(resizeFrame);
      clearTimeout(refitTimer);
      scheme.removeEventListener('change', restyle);
      themeObserver.disconnect();
      sizeObserver.disconnect();
      delete window.__flowtraceGraph;
      cy.destroy();
      cyRef.current = null;
    };
  }

  // Elements: diffed into the live instance, so a growing trace keeps the user's zoom and pan.
  const fittedFor = useRef<string | null>(null);
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const t0 = performance.now();
    const view = prepared?.view;
    const wanted = new Map<string, cytoscape.ElementDefinition>();
    if (prepared && view) {
      for (const n of view.nodes) wanted.set(n.id, nodeElement(n.id, n.node, n.more, prepared.positions.get(n.id), n.node ? handoffs.get(n.node.spanId) : undefined));
      for (const e of view.edges) wanted.set(e.id, edgeElement(e));
    }
    const isBig = (view?.nodes.length ?? 0) >= BIG_GRAPH_NODES;
    if (isBig !== big.current && colors.current) {
      big.current = isBig;
      cy.style(graphStylesheet(colors.current, isBig));
    }
    cy.batch(() => {
      cy.remove(cy.elements().filter((el) => !wanted.has(el.id())));
      const add: cytoscape.ElementDefinition[] = [];
      for (const [id, def] of wanted) {
        const el = cy.getElementById(id);
        if (el.empty()) {
          add.push(def);
          continue;
        }
        if (el.data('sig') !== def.data['sig']) el.data(def.data);
        if (def.position && el.isNode()) {
          const p = el.position();
          if (p.x !== def.position.x || p.y !== def.position.y) el.position(def.position);
        }
      }
      // Nodes before edges: an edge needs both ends present.
      cy.add(add.filter((d) => d.group === 'nodes'));
      cy.add(add.filter((d) => d.group === 'edges'));
    });
    // Fitted when a trace opens and when a fold opens or closes (the layout changed shape); a trace
    // that grows keeps the user's zoom and pan.
    const fitKey = `${traceId}|${[...expanded].sort().join(',')}`;
    if (prepared && view && view.nodes.length > 0 && fittedFor.current !== fitKey) {
      fittedFor.current = fitKey;
      refit(cy, prepared);
    }
    const cytoscapeMs = performance.now() - t0;
    // Cytoscape draws in its own animation frame: the second frame from now has painted ours.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const history = statsRef.current;
        history.push({
          nodes: view?.nodes.length ?? 0,
          edges: view?.edges.length ?? 0,
          foldMs: prepared?.foldMs ?? 0,
          layoutMs: prepared?.layoutMs ?? 0,
          cytoscapeMs,
          paintMs: performance.now() - t0,
        });
        if (history.length > 20) history.shift();
      }),
    );
  }, [prepared, traceId, ready, handoffs]);

  // A selection that a limited view hides: open the path to it.
  useEffect(() => {
    if (!prepared || !selectedNode || prepared.view.shown.has(selectedNode)) return;
    update((s) => revealNode(prepared.folded, s, selectedNode));
    // `update` is rebuilt each render from the same state; prepared changes whenever that state does.
  }, [prepared, selectedNode]);

  // Selection and hover marks, and bringing a newly selected node into view.
  const pannedTo = useRef<string | null>(null);
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes('.selected').removeClass('selected');
    const node = selectedNode ? cy.getElementById(selectedNode) : null;
    if (!node || node.empty()) {
      if (!selectedNode) pannedTo.current = null;
      return;
    }
    node.addClass('selected');
    if (pannedTo.current === selectedNode) return;
    pannedTo.current = selectedNode;
    if (inView(cy, node)) return;
    if (cy.nodes().length > ANIMATE_MAX_NODES) cy.center(node);
    else cy.animate({ center: { eles: node } }, { duration: 220, easing: 'ease-out-cubic' });
  }, [selectedNode, prepared, ready]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes('.hovered').removeClass('hovered');
    if (hoveredNode) cy.getElementById(hoveredNode).addClass('hovered');
  }, [hoveredNode, prepared, ready]);

  const selected = selectedNode && prepared ? prepared.folded.byId.get(selectedNode) : undefined;
  const run = selected && prepared ? runToExpand(prepared.folded, selected.id) : null;
  const foldBack = selected && prepared ? prepared.folded.expandedFrom.get(selected.id) : undefined;
  const anythingOpen = fs.expanded.size > 0 || fs.opened.size > 0 || fs.pages.size > 0;
  const view = prepared?.view;
  const fitAll = (): void => {
    const cy = cyRef.current;
    if (cy && prepared) cy.animate(fitTo(cy, prepared.bounds, 1), { duration: 200 });
  };

  /**
   * The view a trace opens with, and refits to: the whole graph, at most at zoom 1 (a small graph
   * is not blown up). Without a selection (no detail panel) a graph of up to READABLE_MAX_NODES
   * nodes that would fit only with labels under MIN_LABEL_PX starts at READABLE_ZOOM instead, its
   * top in view and centred; with one, the whole graph shows, so the selected node is seen in
   * place beside its detail. A bigger graph below MIN_FIT_ZOOM (a hairline) starts readable at its
   * first root (the selection, if any). "Fit" always shows all.
   */
  function refit(cy: cytoscape.Core, p: Prepared): void {
    fitsRef.current++;
    cy.stop(true); // a pan to the selection still running would undo the fit
    const fitted = fitTo(cy, p.bounds, 1);
    const count = p.view.nodes.length;
    const small = count <= READABLE_MAX_NODES;
    if (small ? fitted.zoom >= READABLE_ZOOM || live.current.selectedId !== null : fitted.zoom >= MIN_FIT_ZOOM) {
      cy.viewport(fitted);
      return;
    }
    const selected = cy.nodes('.selected');
    const first = p.positions.get(p.view.nodes[0]?.id ?? '') ?? { x: 0, y: 0 };
    const focus = small ? { x: (p.bounds.x1 + p.bounds.x2) / 2, y: first.y } : selected.nonempty() ? selected.first().position() : first;
    const z = READABLE_ZOOM;
    const top = FIT_PADDING + EDGE_MARGIN * z - p.bounds.y1 * z;
    const y = selected.nonempty() ? Math.min(top, cy.height() / 2 - focus.y * z) : top;
    cy.viewport({ zoom: z, pan: { x: cy.width() / 2 - focus.x * z, y } });
  }

  return (
    <div className="graph-pane" data-testid="trace-graph" ref={paneRef}>
      <div className="graph-canvas" ref={containerRef} />
      {waiting && <p className="graph-note muted">Loading the agent graph…</p>}
      <div className="graph-footer">
        <GraphLegend />
        <div className="graph-toolbar">
          {view && view.total > view.shown.size && (
            <span className="graph-count muted" data-testid="graph-limited">
              {view.shown.size.toLocaleString()} of {view.total.toLocaleString()} nodes
            </span>
          )}
          {selected && run && (
            <button type="button" data-testid="graph-expand" onClick={() => update((s) => expandRun(s, run))}>
              Expand ×{(prepared?.folded.byId.get(run)?.count ?? selected.count).toLocaleString()}
            </button>
          )}
          {foldBack && (
            <button type="button" data-testid="graph-fold" onClick={() => update((s) => foldRun(s, foldBack))}>
              Fold repeats
            </button>
          )}
          {anythingOpen && (
            <button type="button" data-testid="graph-fold-all" onClick={() => setFoldState({ traceId, ...INITIAL_VIEW_STATE })}>
              Fold all
            </button>
          )}
          <button type="button" data-testid="graph-fit" onClick={fitAll}>
            Fit
          </button>
        </div>
      </div>
      {view && <NodeMirror view={view} handoffs={handoffs} selectedNode={selectedNode} hoveredNode={hoveredNode} />}
    </div>
  );
}

/**
 * The viewport that shows `b` whole, centred, within the zoom limits (at most `maxZoom`). Edge bows
 * reach above and below the node boxes, hence the extra margin.
 */
function fitTo(cy: cytoscape.Core, b: Bounds, maxZoom = Infinity): { zoom: number; pan: { x: number; y: number } } {
  const w = Math.max(1, b.x2 - b.x1);
  const h = Math.max(1, b.y2 - b.y1 + 2 * EDGE_MARGIN);
  const zoom = Math.max(cy.minZoom(), Math.min(maxZoom, cy.maxZoom(), (cy.width() - 2 * FIT_PADDING) / w, (cy.height() - 2 * FIT_PADDING) / h));
  return { zoom, pan: { x: cy.width() / 2 - ((b.x1 + b.x2) / 2) * zoom, y: cy.height() / 2 - ((b.y1 + b.y2) / 2) * zoom } };
}

/** Whether the node's box lies inside the visible part of the canvas. */
function inView(cy: cytoscape.Core, node: cytoscape.NodeSingular): boolean {
  const box = node.renderedBoundingBox({});
  return box.x1 >= 0 && box.y1 >= 0 && box.x2 <= cy.width() && box.y2 <= cy.height();
}

function nodeElement(
  id: string,
  node: AgentGraphNode | null,
  more: MoreInfo | null,
  position: { x: number; y: number } | undefined,
  handoff: HandoffView | undefined,
): cytoscape.ElementDefinition {
  const label = node ? nodeLabel(node, handoff) : more ? moreLabel(more) : '';
  const error = node !== null && failed(node);
  const data = {
    id,
    spanId: node?.spanId,
    kind: node ? node.kind : 'more',
    shape: shapeOf(node ? node.kind : 'more'),
    label,
    count: node?.count ?? 1,
    error,
    more: more !== null,
    moreInfo: more ?? undefined,
    sig: `${label}|${error}|${more?.owner ?? ''}`,
  };
  return { group: 'nodes', data, position: position ? { ...position } : { x: 0, y: 0 } };
}

function failed(node: AgentGraphNode): boolean {
  return node.errorCount > 0 || node.status === 'error';
}

const EDGE_LABEL: Partial<Record<AgentGraphEdge['type'], string>> = { handoff: 'handoff', retry_of: 'retry', fallback_of: 'fallback' };

function edgeElement(e: AgentGraphEdge): cytoscape.ElementDefinition {
  const name = EDGE_LABEL[e.type];
  const label = name === undefined ? '' : e.count > 1 ? `${name} ×${e.count.toLocaleString()}` : name;
  return { group: 'edges', data: { id: e.id, source: e.from, target: e.to, type: e.type, label, sig: label } };
}

/** Every drawn node as DOM, out of sight: what e2e tests and screen readers read. */
function NodeMirror({ view, handoffs, selectedNode, hoveredNode }: { view: GraphView; handoffs: ReadonlyMap<string, HandoffView>; selectedNode: string | null; hoveredNode: string | null }) {
  return (
    <ul className="graph-mirror" aria-label="Graph nodes">
      {view.nodes.map((n) => (
        <li
          key={n.id}
          data-testid="graph-node"
          data-node-id={n.id}
          data-span-id={n.node?.spanId ?? ''}
          data-kind={n.node ? n.node.kind : 'more'}
          data-count={n.node?.count ?? 0}
          data-error={n.node !== null && failed(n.node) ? 'true' : 'false'}
          data-selected={n.id === selectedNode ? 'true' : 'false'}
          data-hovered={n.id === hoveredNode ? 'true' : 'false'}
          data-handoff={n.node && handoffs.has(n.node.spanId) ? 'true' : 'false'}
        >
          {n.node ? nodeSummary(n.node, handoffs.get(n.node.spanId)) : n.more ? moreLabel(n.more).replace(/\n/g, ' — ') : ''}
        </li>
      ))}
    </ul>
  );
}

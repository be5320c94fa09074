// One trace: summary bar (with the GenAI totals: tokens, cost, LLM and tool calls), then the agent
// graph above the timeline, linked (selecting or hovering a span in one shows it in the other), and
// the selected span's detail. A trace without GenAI spans opens timeline-first: a graph of a plain
// span tree repeats the timeline at 40 % of the screen; "Show graph" brings it back (the choice is
// per trace, `data-layout` on the body says which). The selection lives in the URL; hover in the UI
// store. Loads when the route names a trace; loaders.ts reloads it on ticks that touch it, so a
// trace still receiving spans grows in place. "Similar runs" in the bar searches with the trace's own
// remembered text (search/SimilarRunsLink.tsx).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { costLabel, formatDuration, formatTokens } from '../lib/format';
import { handoffsOf } from '../lib/graph/handoff';
import { formatRoute } from '../lib/route';
import { pageHref } from '../lib/nav';
import { traceTotals } from '../lib/graph/totals';
import { rowFacts } from '../lib/timeline/genai-facts';
import { formatNanoFull, formatNanoLocal } from '../lib/time';
import { errorSpans } from '../lib/timeline/find';
import { spanKey, useDataStore } from '../state/data-store';
import { loadSpan, refreshOpenTrace } from '../state/loaders';
import { hoverSpan, selectSpan, setTraceZoom, useUiStore } from '../state/ui-store';
import type { TimeWindow } from '../lib/timeline/viewport';
import { SpanDetailPanel } from './detail/SpanDetailPanel';
import { ExportTraceButtons } from './export/ExportTraceButtons';
import { AuditMark } from './audit/AuditMark';
import { DeleteTraceButton } from './data/DeleteButton';
import { FeedbackBar } from './feedback/FeedbackBar';
import { SimilarRunsLink } from './search/SimilarRunsLink';
import { TraceGraph } from './graph/TraceGraph';
import { Timeline } from './timeline/Timeline';

/** How long the timeline's zoom rests before the URL takes it: a wheel gesture is one entry, not hundreds. */
const ZOOM_URL_DELAY_MS = 300;

export function TraceView({ traceId, spanId, zoom }: { traceId: string; spanId: string | null; zoom?: TimeWindow | undefined }) {
  const entry = useDataStore((s) => s.traces[traceId]);
  const selected = useDataStore((s) => (spanId ? s.spans[spanKey(traceId, spanId)] : undefined));
  const hoveredId = useUiStore((s) => s.hoveredSpanId);
  const outline = entry?.outline;

  useEffect(() => {
    void refreshOpenTrace();
  }, [traceId]);
  useEffect(() => {
    if (spanId) void loadSpan(traceId, spanId);
  }, [traceId, spanId]);
  const zoomTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onWindowChange = useCallback(
    (w: TimeWindow | null) => {
      clearTimeout(zoomTimer.current);
      zoomTimer.current = setTimeout(() => setTraceZoom(traceId, w), ZOOM_URL_DELAY_MS);
    },
    [traceId],
  );
  useEffect(() => () => clearTimeout(zoomTimer.current), []);

  const errors = useMemo(() => (outline ? errorSpans(outline).length : 0), [outline]);
  const graph = entry?.graph;
  const handoffs = useMemo(() => handoffsOf(graph), [graph]);
  const facts = useMemo(() => rowFacts(graph, handoffs), [graph, handoffs]);
  const totals = useMemo(() => traceTotals(graph), [graph]);
  // kinds[0] is '' (not GenAI): any other entry means a GenAI span.
  const hasGenAi = outline ? outline.kinds.length > 1 : false;
  const [graphChoice, setGraphChoice] = useState<{ traceId: string; shown: boolean } | null>(null);
  const graphShown = graphChoice?.traceId === traceId ? graphChoice.shown : hasGenAi;
  const rootName = outline && outline.spanIds.length > 0 ? outline.names[outline.nameIndex[0]!] : undefined;
  const onSelect = (id: string | null) => selectSpan(traceId, id);
  // Back to the list as it was left: its filters (and the app's range).
  const listHref = useUiStore((s) => pageHref('traces', s.range, s.lastListFilters));

  return (
    <section className="trace-view" data-testid="trace-view" data-trace-id={traceId}>
      <div className="trace-bar">
        <a className="back-link" href={listHref} data-testid="back-link">
          ← Traces
        </a>
        <h1 className="trace-title">{rootName ?? 'Trace'}</h1>
        <code className="trace-id" title="Trace id">
          {traceId}
        </code>
        <AuditMark traceId={traceId} />
        {outline && outline.spanIds.length > 0 && (
          <button
            type="button"
            className="bar-button graph-toggle"
            data-testid="graph-toggle"
            aria-pressed={graphShown}
            title={hasGenAi ? 'The agent graph' : 'This trace has no GenAI spans: the graph would draw its span tree'}
            onClick={() => setGraphChoice({ traceId, shown: !graphShown })}
          >
            {graphShown ? 'Hide graph' : 'Show graph'}
          </button>
        )}
        <SimilarRunsLink traceId={traceId} />
        <a className="bar-button" data-testid="compare-with" href={formatRoute({ view: 'compare', a: traceId, b: null })} title="Compare this run with another">
          Compare with…
        </a>
        <ExportTraceButtons traceId={traceId} />
        {outline && outline.spanIds.length > 0 && <DeleteTraceButton traceId={traceId} spanCount={outline.spanIds.length} />}
      </div>
      {outline && outline.spanIds.length > 0 && (
        <dl className="trace-summary">
          <div>
            <dt>Start</dt>
            <dd title={formatNanoFull(outline.startTimeUnixNano)}>{formatNanoLocal(outline.startTimeUnixNano)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(outline.durationMs)}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd>{outline.spanIds.length.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd className={errors > 0 ? 'error-text' : undefined}>{errors}</dd>
          </div>
          {totals && (
            <>
              <div>
                <dt>Tokens</dt>
                <dd data-testid="trace-total-tokens" title={`in ${formatTokens(totals.inputTokens)} · out ${formatTokens(totals.outputTokens)}`}>
                  {totals.tokensKnown ? formatTokens(totals.totalTokens) : '—'}
                </dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd data-testid="trace-total-cost">{costLabel(totals.costUsd, totals.tokensKnown) ?? '—'}</dd>
              </div>
              <div>
                <dt>LLM calls</dt>
                <dd data-testid="trace-total-llm-calls">{totals.llmCalls.toLocaleString('en-US')}</dd>
              </div>
              <div>
                <dt>Tool calls</dt>
                <dd data-testid="trace-total-tool-calls">{totals.toolCalls.toLocaleString('en-US')}</dd>
              </div>
            </>
          )}
        </dl>
      )}
      {outline && outline.spanIds.length > 0 && <FeedbackBar traceId={traceId} spanId={null} />}
      {entry?.error && (
        <p className="error-banner" role="alert">
          Could not load this trace: {entry.error}
        </p>
      )}
      {entry === undefined && <p className="muted pad">Loading trace…</p>}
      {entry?.outline === null && (
        <p className="muted pad" data-testid="trace-missing">
          No spans for this trace yet. They will show up here as soon as they arrive.
        </p>
      )}
      {outline && outline.spanIds.length > 0 && (
        <div className={spanId ? 'trace-body with-detail' : 'trace-body'} data-testid="trace-body" data-layout={graphShown ? 'graph-and-timeline' : 'timeline'}>
          <div className={graphShown ? 'trace-panes' : 'trace-panes timeline-only'}>
            {graphShown && (
              <TraceGraph
                traceId={traceId}
                graph={graph}
                outline={outline}
                handoffs={handoffs}
                selectedId={spanId}
                hoveredId={hoveredId}
                onSelect={onSelect}
                onHover={hoverSpan}
              />
            )}
            <Timeline
              outline={outline}
              facts={facts}
              selectedId={spanId}
              hoveredId={hoveredId}
              onSelect={onSelect}
              onHover={hoverSpan}
              initialWindow={zoom ?? null}
              onWindowChange={onWindowChange}
            />
          </div>
          {spanId && (
            <SpanDetailPanel
              traceId={traceId}
              spanId={spanId}
              span={selected}
              traceStartUnixNano={outline.startTimeUnixNano}
              handoff={handoffs.get(spanId)}
              onClose={() => onSelect(null)}
            />
          )}
        </div>
      )}
    </section>
  );
}

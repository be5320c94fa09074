// One trace: summary bar, then the agent graph and the timeline side by side, linked (selecting or
// hovering a span in one shows it in the other), and the selected span's detail. The selection
// lives in the URL; hover in the UI store. Loads when the route names a trace; loaders.ts reloads
// it on ticks that touch it, so a trace still receiving spans grows in place.
import { useEffect, useMemo } from 'react';
import { formatMs, formatNanoFull, formatNanoLocal } from '../lib/time';
import { STATUS_ERROR } from '../../../src-shared/trace-outline';
import { spanKey, useDataStore } from '../state/data-store';
import { loadSpan, refreshOpenTrace } from '../state/loaders';
import { hoverSpan, selectSpan, useUiStore } from '../state/ui-store';
import { SpanDetailPanel } from './detail/SpanDetailPanel';
import { ExportTraceButtons } from './export/ExportTraceButtons';
import { TraceGraph } from './graph/TraceGraph';
import { Timeline } from './timeline/Timeline';

export function TraceView({ traceId, spanId }: { traceId: string; spanId: string | null }) {
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

  const errors = useMemo(() => (outline ? outline.status.filter((s) => s === STATUS_ERROR).length : 0), [outline]);
  const rootName = outline && outline.spanIds.length > 0 ? outline.names[outline.nameIndex[0]!] : undefined;
  const onSelect = (id: string | null) => selectSpan(traceId, id);

  return (
    <section className="trace-view" data-testid="trace-view" data-trace-id={traceId}>
      <div className="trace-bar">
        <a className="back-link" href="#/" data-testid="back-link">
          ← Traces
        </a>
        <h1 className="trace-title">{rootName ?? 'Trace'}</h1>
        <code className="trace-id" title="Trace id">
          {traceId}
        </code>
        <ExportTraceButtons traceId={traceId} />
      </div>
      {outline && outline.spanIds.length > 0 && (
        <dl className="trace-summary">
          <div>
            <dt>Start</dt>
            <dd title={formatNanoFull(outline.startTimeUnixNano)}>{formatNanoLocal(outline.startTimeUnixNano)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatMs(outline.durationMs)}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd>{outline.spanIds.length.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd className={errors > 0 ? 'error-text' : undefined}>{errors}</dd>
          </div>
        </dl>
      )}
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
        <div className={spanId ? 'trace-body with-detail' : 'trace-body'}>
          <div className="trace-panes">
            <TraceGraph
              traceId={traceId}
              graph={entry?.graph}
              outline={outline}
              selectedId={spanId}
              hoveredId={hoveredId}
              onSelect={onSelect}
              onHover={hoverSpan}
            />
            <Timeline
              outline={outline}
              selectedId={spanId}
              hoveredId={hoveredId}
              onSelect={onSelect}
              onHover={hoverSpan}
            />
          </div>
          {spanId && (
            <SpanDetailPanel
              traceId={traceId}
              spanId={spanId}
              span={selected}
              traceStartUnixNano={outline.startTimeUnixNano}
              onClose={() => onSelect(null)}
            />
          )}
        </div>
      )}
    </section>
  );
}

// One trace: summary bar, the span tree with a waterfall, and the selected span's detail. Loads
// when the route names a trace; loaders.ts reloads it on ticks that touch it.
import { useEffect, useMemo } from 'react';
import { formatMs, formatNanoFull, formatNanoLocal, nanoDiffMs } from '../lib/time';
import { buildSpanRows, traceWindow } from '../lib/span-tree';
import { useDataStore } from '../state/data-store';
import { refreshOpenTrace } from '../state/loaders';
import { selectSpan } from '../state/ui-store';
import { SpanDetail } from './SpanDetail';
import { SpanTree } from './SpanTree';

export function TraceView({ traceId, spanId }: { traceId: string; spanId: string | null }) {
  const entry = useDataStore((s) => s.traces[traceId]);
  const spans = entry?.detail?.spans;

  useEffect(() => {
    void refreshOpenTrace();
  }, [traceId]);

  const rows = useMemo(() => (spans ? buildSpanRows(spans) : []), [spans]);
  const bounds = useMemo(() => (spans ? traceWindow(spans) : null), [spans]);
  const selected = spanId ? rows.find((r) => r.span.spanId === spanId)?.span : undefined;
  const errors = useMemo(() => rows.filter((r) => r.span.status.code === 'error').length, [rows]);
  const root = rows[0]?.span;

  return (
    <section className="trace-view" data-testid="trace-view" data-trace-id={traceId}>
      <div className="trace-bar">
        <a className="back-link" href="#/" data-testid="back-link">
          ← Traces
        </a>
        <h1 className="trace-title">{root?.name ?? 'Trace'}</h1>
        <code className="trace-id" title="Trace id">
          {traceId}
        </code>
      </div>
      {bounds && root && (
        <dl className="trace-summary">
          <div>
            <dt>Start</dt>
            <dd title={formatNanoFull(bounds.start)}>{formatNanoLocal(bounds.start)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatMs(nanoDiffMs(bounds.start, bounds.end))}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd>{rows.length.toLocaleString()}</dd>
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
      {entry?.detail === null && (
        <p className="muted pad" data-testid="trace-missing">
          No spans for this trace yet. They will show up here as soon as they arrive.
        </p>
      )}
      {bounds && rows.length > 0 && (
        <div className={selected ? 'trace-body with-detail' : 'trace-body'}>
          <SpanTree
            rows={rows}
            bounds={bounds}
            selectedId={selected?.spanId ?? null}
            onSelect={(id) => selectSpan(traceId, id === spanId ? null : id)}
          />
          {selected && <SpanDetail span={selected} traceStart={bounds.start} onClose={() => selectSpan(traceId, null)} />}
        </div>
      )}
    </section>
  );
}

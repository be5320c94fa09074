// The selected span's detail: header (identity, status, timing, ids), the GenAI facts and the
// section its GenAI kind registers (sections/registry.ts: the conversation, a tool call), then
// attributes, events, links and correlated logs. Everything from span data is rendered as text.
// Keyed by span, so folds, filters and "show more" start fresh on every span.
import type { SpanRecord } from '../../../../src-shared/contract';
import { AttributesSection } from './AttributesSection';
import { EventsSection } from './EventsSection';
import { GenAiFacts } from './GenAiFacts';
import { LinksSection } from './LinksSection';
import { LogsSection } from './LogsSection';
import { sectionFor } from './sections/registry';
import { SpanHeader } from './SpanHeader';
import './detail.css';

export interface SpanDetailPanelProps {
  traceId: string;
  spanId: string;
  /** The full record; undefined while it loads, null when the engine does not have it. */
  span: SpanRecord | null | undefined;
  /** Time zero of the trace (its earliest start). */
  traceStartUnixNano: string;
  onClose: () => void;
}

export function SpanDetailPanel({ spanId, span, traceStartUnixNano, onClose }: SpanDetailPanelProps) {
  if (!span) {
    return (
      <aside className="span-detail" data-testid="span-detail" data-span-id={spanId} aria-label="Span detail" aria-busy={span === undefined}>
        <div className="detail-head">
          <h2 className="detail-title">{span === undefined ? 'Loading span…' : 'Span not found'}</h2>
          <button type="button" className="close" onClick={onClose} aria-label="Close span detail">
            ×
          </button>
        </div>
        {span === null && (
          <p className="muted" data-testid="span-missing">
            This trace has no span <code>{spanId}</code> (yet). It shows here if it arrives.
          </p>
        )}
      </aside>
    );
  }
  return <SpanDetailBody key={span.traceId + span.spanId} span={span} traceStartUnixNano={traceStartUnixNano} onClose={onClose} />;
}

function SpanDetailBody({ span, traceStartUnixNano, onClose }: { span: SpanRecord; traceStartUnixNano: string; onClose: () => void }) {
  const genai = span.genai;
  const KindSection = genai ? sectionFor(genai.kind) : null;
  return (
    <aside className="span-detail" data-testid="span-detail" data-span-id={span.spanId} aria-label="Span detail">
      <SpanHeader span={span} traceStartUnixNano={traceStartUnixNano} onClose={onClose} />
      {genai && <GenAiFacts genai={genai} />}
      {genai && KindSection && <KindSection span={span} genai={genai} />}
      <AttributesSection span={span} />
      <EventsSection span={span} />
      <LinksSection span={span} />
      <LogsSection span={span} />
    </aside>
  );
}

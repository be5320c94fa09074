// The selected span's detail: header (identity, status, timing, ids), the GenAI facts and the
// section its GenAI kind registers (sections/registry.ts: the conversation, a tool call; a handoff
// span shows the handoff, from → to, instead), then attributes, events, links and correlated logs.
// Everything from span data is rendered as text.
// Keyed by span, so folds, filters and "show more" start fresh on every span.
import type { SpanRecord } from '../../../../src-shared/contract';
import { handoffOfSpan } from '../../../../src-shared/handoff';
import type { HandoffView } from '../../lib/graph/handoff';
import { AttributesSection } from './AttributesSection';
import { EventsSection } from './EventsSection';
import { GenAiFacts } from './GenAiFacts';
import { LinksSection } from './LinksSection';
import { LogsSection } from './LogsSection';
import { HandoffSection } from './sections/HandoffSection';
import { sectionFor } from './sections/registry';
import { SpanHeader } from './SpanHeader';
import { FeedbackBar } from '../feedback/FeedbackBar';
import './detail.css';

export interface SpanDetailPanelProps {
  traceId: string;
  spanId: string;
  /** The full record; undefined while it loads, null when the engine does not have it. */
  span: SpanRecord | null | undefined;
  /** Time zero of the trace (its earliest start). */
  traceStartUnixNano: string;
  /** When the span is a handoff: the agents, from the trace's graph. */
  handoff?: HandoffView;
  onClose: () => void;
}

export function SpanDetailPanel({ spanId, span, traceStartUnixNano, handoff, onClose }: SpanDetailPanelProps) {
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
  return <SpanDetailBody key={span.traceId + span.spanId} span={span} traceStartUnixNano={traceStartUnixNano} handoff={handoff} onClose={onClose} />;
}

function SpanDetailBody({ span, traceStartUnixNano, handoff, onClose }: { span: SpanRecord; traceStartUnixNano: string; handoff?: HandoffView; onClose: () => void }) {
  const genai = span.genai;
  const KindSection = genai ? sectionFor(genai.kind) : null;
  // Before the graph has loaded, the span alone still names the agent it hands over to.
  const own = genai && genai.kind !== 'agent' ? handoffOfSpan(genai, span.name) : undefined;
  const shownHandoff = handoff ?? (own ? { from: own.from ?? null, to: own.to } : undefined);
  return (
    <aside className="span-detail" data-testid="span-detail" data-span-id={span.spanId} aria-label="Span detail">
      <SpanHeader span={span} traceStartUnixNano={traceStartUnixNano} onClose={onClose} />
      <FeedbackBar traceId={span.traceId} spanId={span.spanId} />
      {genai && <GenAiFacts genai={genai} />}
      {genai && shownHandoff && <HandoffSection span={span} genai={genai} handoff={shownHandoff} />}
      {genai && !shownHandoff && KindSection && <KindSection span={span} genai={genai} />}
      <AttributesSection span={span} />
      <EventsSection span={span} />
      <LinksSection span={span} />
      <LogsSection span={span} />
    </aside>
  );
}

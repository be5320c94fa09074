// PLACEHOLDER until the conversation-aware detail lands: the plain span detail.
import type { SpanRecord } from '../../../../src-shared/contract';
import { SpanDetail } from '../SpanDetail';

export interface SpanDetailPanelProps {
  traceId: string;
  spanId: string;
  /** The full record; undefined while it loads, null when the engine does not have it. */
  span: SpanRecord | null | undefined;
  /** Time zero of the trace (its earliest start). */
  traceStartUnixNano: string;
  onClose: () => void;
}

export function SpanDetailPanel({ span, traceStartUnixNano, onClose }: SpanDetailPanelProps) {
  if (!span) return <aside className="span-detail" data-testid="span-detail" aria-busy="true" />;
  return <SpanDetail span={span} traceStart={traceStartUnixNano} onClose={onClose} />;
}

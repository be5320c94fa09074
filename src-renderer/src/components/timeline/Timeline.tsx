// PLACEHOLDER until the canvas timeline lands: the DOM span tree, fed records by TraceView.
import { useMemo } from 'react';
import type { SpanRecord } from '../../../../src-shared/contract';
import type { TraceOutline } from '../../../../src-shared/trace-outline';
import { buildSpanRows, traceWindow } from '../../lib/span-tree';
import { SpanTree } from '../SpanTree';

export interface TimelineProps {
  outline: TraceOutline;
  /** Interim: the records the DOM tree draws; the canvas timeline draws from `outline` alone. */
  spans: readonly SpanRecord[];
  selectedId: string | null;
  hoveredId: string | null;
  onSelect: (spanId: string | null) => void;
  onHover: (spanId: string | null) => void;
}

export function Timeline({ spans, selectedId, onSelect }: TimelineProps) {
  const rows = useMemo(() => buildSpanRows(spans), [spans]);
  const bounds = useMemo(() => traceWindow(spans), [spans]);
  if (!bounds) return null;
  return (
    <div className="timeline-pane" data-testid="trace-timeline">
      <SpanTree rows={rows} bounds={bounds} selectedId={selectedId} onSelect={(id) => onSelect(id === selectedId ? null : id)} />
    </div>
  );
}

// The span tree with a waterfall bar per row, virtualized (fixed row height) so big traces stay
// smooth. Error spans show their status message in the row itself, not only in the detail panel.
import { useMemo, useRef } from 'react';
import type { SpanRecord } from '../../../src-shared/contract';
import { visibleRows, type SpanRow } from '../lib/span-tree';
import { formatMs, nanoDiffMs } from '../lib/time';
import { useVirtualRows } from '../lib/use-virtual-rows';
import { toggleCollapsed, useUiStore } from '../state/ui-store';

const ROW_HEIGHT = 30;
const INDENT_PX = 16;

interface Props {
  rows: SpanRow[];
  bounds: { start: string; end: string };
  selectedId: string | null;
  onSelect: (spanId: string) => void;
}

export function SpanTree({ rows, bounds, selectedId, onSelect }: Props) {
  const collapsed = useUiStore((s) => s.collapsed);
  const shown = useMemo(() => visibleRows(rows, collapsed), [rows, collapsed]);
  const scroller = useRef<HTMLDivElement>(null);
  const win = useVirtualRows(scroller, shown.length, ROW_HEIGHT);
  const total = Math.max(nanoDiffMs(bounds.start, bounds.end), 1e-6);

  return (
    <div className="span-tree" role="tree" aria-label="Spans" ref={scroller}>
      <div className="span-row span-head" aria-hidden="true">
        <span>Span</span>
        <span>Kind</span>
        <span className="num">Duration</span>
        <span className="span-status">Status</span>
        <span>Timeline</span>
      </div>
      <div style={{ height: win.padTop }} />
      {shown.slice(win.start, win.end).map((row) => (
        <SpanTreeRow
          key={row.span.spanId + row.span.startTimeUnixNano}
          row={row}
          selected={row.span.spanId === selectedId}
          collapsed={collapsed.has(row.span.spanId)}
          offsetPct={(nanoDiffMs(bounds.start, row.span.startTimeUnixNano) / total) * 100}
          widthPct={(nanoDiffMs(row.span.startTimeUnixNano, row.span.endTimeUnixNano) / total) * 100}
          onSelect={onSelect}
        />
      ))}
      <div style={{ height: win.padBottom }} />
    </div>
  );
}

function statusLabel(span: SpanRecord): string {
  if (span.status.code === 'error') return span.status.message || 'error';
  return span.status.code === 'ok' ? 'ok' : '';
}

interface RowProps {
  row: SpanRow;
  selected: boolean;
  collapsed: boolean;
  offsetPct: number;
  widthPct: number;
  onSelect: (spanId: string) => void;
}

function SpanTreeRow({ row, selected, collapsed, offsetPct, widthPct, onSelect }: RowProps) {
  const { span } = row;
  const isError = span.status.code === 'error';
  const status = statusLabel(span);
  const classes = ['span-row', isError ? 'is-error' : '', selected ? 'is-selected' : ''].filter(Boolean).join(' ');
  return (
    <div
      className={classes}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={selected}
      aria-expanded={row.childCount > 0 ? !collapsed : undefined}
      tabIndex={0}
      data-testid="span-row"
      data-span-id={span.spanId}
      data-status={span.status.code}
      onClick={() => onSelect(span.spanId)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(span.spanId);
        }
      }}
    >
      <span className="span-name" style={{ paddingLeft: row.depth * INDENT_PX }}>
        {row.childCount > 0 ? (
          <button
            type="button"
            className="twisty"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            onClick={(e) => {
              e.stopPropagation();
              toggleCollapsed(span.spanId);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="twisty" aria-hidden="true" />
        )}
        <span className="span-name-text" data-testid="span-name" title={span.name}>
          {span.name || '(unnamed)'}
        </span>
        {row.promoted && (
          <span className="tag" title={row.promoted === 'cycle' ? 'Parent chain loops back' : 'Parent span not received'}>
            {row.promoted === 'cycle' ? 'cycle' : 'orphan'}
          </span>
        )}
      </span>
      <span className="span-kind">{span.kind}</span>
      <span className="num">{formatMs(nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano))}</span>
      <span className={isError ? 'span-status error-text' : 'span-status muted'} data-testid="span-status" title={status}>
        {isError && <span className="error-dot" aria-hidden="true" />}
        {status}
      </span>
      <span className="span-bar-track">
        <span
          className="span-bar"
          style={{ left: `${Math.min(offsetPct, 100)}%`, width: `max(2px, ${Math.min(widthPct, 100 - Math.min(offsetPct, 100))}%)` }}
        />
      </span>
    </div>
  );
}

// The trace table: one DOM row per visible trace (fixed-height rows windowed by useVirtualRows),
// a sticky header whose Start, Duration and Cost columns sort, and the keyboard highlight kept in view.
// Rows arriving above the ones being read (a live refresh) keep the read rows where they are.
// The whole row opens the trace; the name is also a real link (new tab, keyboard).
import { memo, useCallback, useEffect, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';
import type { TraceSort, TraceSummary } from '../../../src-shared/contract';
import { formatCost, formatModels, formatTokens, NO_PRICE, NONE, tokensTitle } from '../lib/list/format';
import { revealScrollTop } from '../lib/list/keyboard';
import { ariaSort, nextSort, type SortColumn } from '../lib/list/query';
import { formatRoute } from '../lib/route';
import { feedbackCell, feedbackTitle } from '../lib/feedback';
import './feedback/feedback.css';
import { formatDuration } from '../lib/format';
import { formatNanoFull, formatNanoLocal } from '../lib/time';
import { useVirtualRows } from '../lib/use-virtual-rows';
import './list/list.css';

/** Must match `.trace-table tbody td` height in list.css. */
export const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 34;
/**
 * Ask for the next page when the rendered window (which already reaches 10 rows past the viewport)
 * comes this close to the last loaded row: a page arrives before the user scrolls into the gap.
 */
const LOAD_AHEAD_ROWS = 15;

interface Props {
  traces: TraceSummary[];
  /** The scrolling box, for the page's keyboard handling (which row is in view). */
  scroller: RefObject<HTMLDivElement | null>;
  /** The list's identity (its filters and sort): a new one starts at the top. */
  listKey: string;
  /** The rows belong to filters that are being replaced: dimmed until the new ones arrive. */
  stale: boolean;
  sort: TraceSort | undefined;
  onSort: (sort: TraceSort) => void;
  highlightedId: string | null;
  onOpen: (traceId: string) => void;
  /** Called when the user scrolls near the end; absent when there is nothing more to load. */
  onNearEnd?: () => void;
  /** Below the last row: "loading more", a button, or nothing. */
  footer?: ReactNode;
}

const HEADER_CLASS: Record<SortColumn, string> = { start: 'col-start', duration: 'num col-duration', cost: 'num col-cost' };

function SortHeader({ column, label, sort, onSort }: { column: SortColumn; label: string; sort: TraceSort | undefined; onSort: (s: TraceSort) => void }) {
  const state = ariaSort(sort, column);
  return (
    <th className={HEADER_CLASS[column]} aria-sort={state} data-testid={`sort-${column}`}>
      <button type="button" className="sort-button" onClick={() => onSort(nextSort(sort, column))}>
        {label}
        <span className={state === 'none' ? 'sort-mark idle' : 'sort-mark'} aria-hidden="true">
          {state === 'ascending' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}

export function TraceTable({ traces, scroller, listKey, stale, sort, onSort, highlightedId, onOpen, onNearEnd, footer }: Props) {
  const win = useVirtualRows(scroller, traces.length, ROW_HEIGHT);
  // Rows are memoized: they re-render when their trace, highlight or day changes, not on scroll.
  const today = new Date().toDateString();
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const open = useCallback((traceId: string) => onOpenRef.current(traceId), []);

  // Scroll anchoring: the first row in view before a refresh stays in view after it. Another list
  // (new filters or sort) starts at the top instead.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const shownKey = useRef(listKey);
  useLayoutEffect(() => {
    const el = scroller.current;
    const prev = anchor.current;
    if (shownKey.current !== listKey) {
      shownKey.current = listKey;
      anchor.current = null;
      if (el) el.scrollTop = 0;
      return;
    }
    if (el && prev && el.scrollTop > 0) {
      const index = traces.findIndex((t) => t.traceId === prev.id);
      if (index >= 0) {
        const top = index * ROW_HEIGHT + prev.offset;
        if (Math.abs(top - el.scrollTop) >= 1) el.scrollTop = top;
      }
    }
  }, [traces, listKey]);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const remember = () => {
      const first = Math.floor(el.scrollTop / ROW_HEIGHT);
      const t = traces[first];
      anchor.current = t ? { id: t.traceId, offset: el.scrollTop - first * ROW_HEIGHT } : null;
    };
    remember();
    el.addEventListener('scroll', remember, { passive: true });
    return () => el.removeEventListener('scroll', remember);
  }, [traces]);

  const highlightedIndex = highlightedId === null ? -1 : traces.findIndex((t) => t.traceId === highlightedId);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || highlightedIndex < 0) return;
    const top = revealScrollTop(highlightedIndex, ROW_HEIGHT, HEADER_HEIGHT, el.scrollTop, el.clientHeight);
    if (top !== null) el.scrollTop = top;
  }, [highlightedIndex]);

  useEffect(() => {
    if (onNearEnd && win.end >= traces.length - LOAD_AHEAD_ROWS) onNearEnd();
  }, [onNearEnd, win.end, traces.length]);

  const rows = traces.slice(win.start, win.end);
  return (
    <div className="trace-scroll" ref={scroller} data-testid="trace-scroll">
      <table className={stale ? 'trace-table stale' : 'trace-table'} data-testid="trace-table" aria-rowcount={traces.length + 1}>
        <colgroup>
          <col className="col-root" />
          <col className="col-service" />
          <col className="col-start" />
          <col className="col-duration" />
          <col className="col-spans" />
          <col className="col-errors" />
          <col className="col-models" />
          <col className="col-tokens" />
          <col className="col-cost" />
          <col className="col-feedback" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th>Root span</th>
            <th>Service</th>
            <SortHeader column="start" label="Start" sort={sort} onSort={onSort} />
            <SortHeader column="duration" label="Duration" sort={sort} onSort={onSort} />
            <th className="num">Spans</th>
            <th className="num">Errors</th>
            <th>Models</th>
            <th className="num">Tokens</th>
            <SortHeader column="cost" label="Cost" sort={sort} onSort={onSort} />
            <th>Feedback</th>
          </tr>
        </thead>
        <tbody>
          {win.padTop > 0 && (
            <tr className="spacer" aria-hidden="true" style={{ height: win.padTop }}>
              <td colSpan={10} />
            </tr>
          )}
          {rows.map((t, i) => (
            <TraceRowView
              key={t.traceId}
              trace={t}
              rowIndex={win.start + i + 2}
              highlighted={t.traceId === highlightedId}
              today={today}
              onOpen={open}
            />
          ))}
          {win.padBottom > 0 && (
            <tr className="spacer" aria-hidden="true" style={{ height: win.padBottom }}>
              <td colSpan={10} />
            </tr>
          )}
        </tbody>
      </table>
      {footer}
    </div>
  );
}

interface RowProps {
  trace: TraceSummary;
  rowIndex: number;
  highlighted: boolean;
  /** The local day (Date.toDateString), so the start column drops the date for today's traces. */
  today: string;
  onOpen: (traceId: string) => void;
}

const TraceRowView = memo(function TraceRowView({ trace: t, rowIndex, highlighted, today, onOpen }: RowProps) {
  const cost = formatCost(t);
  return (
    <tr
      data-testid="trace-row"
      data-trace-id={t.traceId}
      aria-rowindex={rowIndex}
      aria-current={highlighted || undefined}
      className={highlighted ? 'highlighted' : undefined}
      onClick={() => onOpen(t.traceId)}
    >
      <td className="root-name" title={t.rootName}>
        <a href={formatRoute({ view: 'trace', traceId: t.traceId, spanId: null })} onClick={(e) => e.stopPropagation()}>
          {t.rootName || '(unnamed)'}
        </a>
      </td>
      <td title={t.serviceName}>{t.serviceName}</td>
      <td className="time" title={formatNanoFull(t.startTimeUnixNano)}>
        {formatNanoLocal(t.startTimeUnixNano, new Date(today))}
      </td>
      <td className="num">{formatDuration(t.durationMs)}</td>
      <td className="num">{t.spanCount}</td>
      <td className="num">
        {t.errorCount > 0 ? <span className="error-count">{t.errorCount}</span> : <span className="muted">0</span>}
      </td>
      <td className={t.genai?.models.length ? 'models' : 'models muted'} title={t.genai?.models.join(', ')} data-testid="trace-models">
        {formatModels(t)}
      </td>
      <td className={t.genai ? 'num' : 'num muted'} title={tokensTitle(t)} data-testid="trace-tokens">
        {formatTokens(t)}
      </td>
      <td className={cost === NONE || cost === NO_PRICE ? 'num muted' : 'num'} data-testid="trace-cost">
        {cost}
      </td>
      <td className="feedback-cell" title={feedbackTitle(t.feedback)} data-testid="trace-feedback">
        {feedbackCell(t.feedback)}
      </td>
    </tr>
  );
});

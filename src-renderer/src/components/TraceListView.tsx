// The trace list page: filters, then the table, the empty state or an error. Refetches whenever
// the filters change; live refreshes come from ingest ticks and further pages from scrolling (see
// loaders.ts). Keyboard: ↑/↓ or j/k move the highlight, Enter opens it, / searches, Escape clears.
import { useCallback, useEffect, useRef } from 'react';
import type { TraceSort } from '../../../src-shared/contract';
import { listKeyAction, moveHighlight, type FocusPlace } from '../lib/list/keyboard';
import { isFiltered } from '../lib/list/query';
import { useDataStore } from '../state/data-store';
import { filtersKey } from '../state/list-state';
import { loadMore, refreshList } from '../state/loaders';
import { listFilterInput, navigate, setFilters, useListFilterInput, useUiStore } from '../state/ui-store';
import { isBounded, rangeLabel } from '../lib/time-range';
import { EmptyState } from './EmptyState';
import { absorbListSuggestions, absorbTraceSuggestions, setHighlighted, useListUi } from './list/list-ui-store';
import { TraceFilters } from './TraceFilters';
import { ROW_HEIGHT, TraceTable } from './TraceTable';

function openTrace(traceId: string): void {
  setHighlighted(traceId);
  navigate({ view: 'trace', traceId, spanId: null });
}

const sortBy = (sort: TraceSort) => setFilters({ sort });

function focusPlace(target: EventTarget | null, search: HTMLInputElement | null): FocusPlace {
  if (target && target === search) return 'search';
  if (!(target instanceof HTMLElement)) return 'page';
  if (target.closest('input, select, textarea, [contenteditable="true"]')) return 'field';
  if (target.closest('button, a')) return 'control';
  return 'page';
}

export function TraceListView() {
  const filters = useListFilterInput();
  const range = useUiStore((s) => s.range);
  const key = filtersKey(filters);
  const list = useDataStore((s) => s.list);
  const openedTraces = useDataStore((s) => s.traces);
  const highlightedId = useListUi((s) => s.highlightedId);
  const search = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void refreshList();
  }, [key]);
  useEffect(() => absorbListSuggestions(list.traces), [list.traces]);
  useEffect(() => {
    for (const entry of Object.values(openedTraces)) if (entry.graph) absorbTraceSuggestions(entry.graph);
  }, [openedTraces]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = listKeyAction(e, focusPlace(e.target, search.current));
      if (!action) return;
      const { traces } = useDataStore.getState().list;
      const current = useListUi.getState().highlightedId;
      switch (action.type) {
        case 'move':
          setHighlighted(moveHighlight(traces.map((t) => t.traceId), current, action.delta, Math.ceil((scroller.current?.scrollTop ?? 0) / ROW_HEIGHT)));
          break;
        case 'open':
          if (current === null || !traces.some((t) => t.traceId === current)) return;
          openTrace(current);
          break;
        case 'focusSearch':
          search.current?.focus();
          search.current?.select();
          break;
        case 'clearSearch':
          // In the search box, DebouncedInput clears it (including text not yet committed).
          if (e.target === search.current) return;
          if (!listFilterInput().q) return;
          setFilters({ q: '' }, 'replace');
          break;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const current = list.key === key;
  const filtered = isFiltered(filters);
  // The range is the app's (header): when it alone empties the list, say so rather than "filters".
  const ownFilters = isFiltered({ ...filters, range: 'all' });
  const canLoadMore = current && list.nextCursor !== null && !list.loadingMore && !list.error;
  const onNearEnd = useCallback(() => void loadMore(), []);

  if (current && list.loaded && list.traces.length === 0 && !filtered && !list.error) return <EmptyState />;

  const footer =
    list.nextCursor && current ? (
      <div className="load-more">
        <button type="button" onClick={() => void loadMore()} disabled={list.loadingMore} data-testid="load-more">
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      </div>
    ) : null;

  return (
    <section className="list-view">
      <TraceFilters searchRef={search} />
      {list.error && (
        <p className="error-banner" role="alert">
          Could not load traces: {list.error}
        </p>
      )}
      {!list.loaded && !list.error && <p className="muted pad">Loading traces…</p>}
      {list.loaded && list.traces.length === 0 && filtered && current && (
        <p className="muted pad" data-testid="no-match">
          {ownFilters ? `No traces match these filters${isBounded(range) ? ' in this time range' : ''}.` : `No traces started in this time range (${rangeLabel(range)}).`}
        </p>
      )}
      {list.traces.length > 0 && (
        <TraceTable
          traces={list.traces}
          scroller={scroller}
          listKey={list.key}
          stale={!current}
          sort={filters.sort}
          onSort={sortBy}
          highlightedId={highlightedId}
          onOpen={openTrace}
          onNearEnd={canLoadMore ? onNearEnd : undefined}
          footer={footer}
        />
      )}
    </section>
  );
}

// The trace list page: filters, then the table, the empty state or an error. Refetches whenever
// the filters change; live refreshes come from ingest ticks (see loaders.ts).
import { useEffect } from 'react';
import { useDataStore } from '../state/data-store';
import { filtersKey } from '../state/list-state';
import { loadMore, refreshList } from '../state/loaders';
import { useUiStore } from '../state/ui-store';
import { EmptyState } from './EmptyState';
import { TraceFilters } from './TraceFilters';
import { TraceTable } from './TraceTable';

export function TraceListView() {
  const filters = useUiStore((s) => s.filters);
  const key = filtersKey(filters);
  const list = useDataStore((s) => s.list);

  useEffect(() => {
    void refreshList();
  }, [key]);

  const current = list.key === key;
  const filtered = filters.q.trim() !== '' || filters.service !== '';
  if (current && list.loaded && list.traces.length === 0 && !filtered && !list.error) return <EmptyState />;

  return (
    <section className="list-view">
      <TraceFilters />
      {list.error && (
        <p className="error-banner" role="alert">
          Could not load traces: {list.error}
        </p>
      )}
      {!list.loaded && !list.error && <p className="muted pad">Loading traces…</p>}
      {list.loaded && list.traces.length === 0 && filtered && current && (
        <p className="muted pad">No traces match these filters.</p>
      )}
      {list.traces.length > 0 && <TraceTable traces={list.traces} stale={!current} />}
      {list.nextCursor && current && (
        <div className="load-more">
          <button type="button" onClick={() => void loadMore()} disabled={list.loadingMore} data-testid="load-more">
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

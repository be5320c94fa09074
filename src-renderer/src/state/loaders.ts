// Everything that pulls from the engine and writes the data store. Views never poll: they pull
// once, then again when an ingest tick says something they show may have changed.
import type { IngestTick } from '../../../src-shared/contract';
import { api, errorMessage } from '../api';
import { coalesce } from '../lib/coalesce';
import { readNotices, sameNotices } from '../lib/notices';
import { useDataStore } from './data-store';
import { applyError, applyMore, applyRefresh, filtersKey, mergeServices, PAGE_SIZE, refreshQuery } from './list-state';
import { useUiStore } from './ui-store';

const listRefresh = coalesce(async () => {
  const filters = useUiStore.getState().filters;
  const key = filtersKey(filters);
  const { list } = useDataStore.getState();
  const shown = list.key === key ? list.traces.length : 0;
  try {
    const page = await api.listTraces(refreshQuery(filters, shown));
    // Filters changed while this was in flight: a queued run will fetch the right ones.
    if (filtersKey(useUiStore.getState().filters) !== key) return;
    useDataStore.setState((s) => ({
      list: applyRefresh(s.list, key, page),
      services: mergeServices(s.services, page.traces),
    }));
  } catch (err) {
    if (filtersKey(useUiStore.getState().filters) !== key) return;
    useDataStore.setState((s) => ({ list: applyError(s.list, key, errorMessage(err)) }));
  }
});

export function refreshList(): Promise<void> {
  return listRefresh.trigger();
}

export async function loadMore(): Promise<void> {
  const { list } = useDataStore.getState();
  if (!list.nextCursor || list.loadingMore) return;
  const filters = useUiStore.getState().filters;
  const key = filtersKey(filters);
  useDataStore.setState((s) => ({ list: { ...s.list, loadingMore: true } }));
  try {
    const page = await api.listTraces({ ...refreshQuery(filters, 0), limit: PAGE_SIZE, cursor: list.nextCursor });
    useDataStore.setState((s) => ({
      list: applyMore(s.list, key, page),
      services: mergeServices(s.services, page.traces),
    }));
  } catch (err) {
    useDataStore.setState((s) => ({ list: applyError(s.list, key, errorMessage(err)) }));
  }
}

const traceRefresh = coalesce(async () => {
  const route = useUiStore.getState().route;
  if (route.view !== 'trace') return;
  const id = route.traceId;
  try {
    const [detail, graph] = await Promise.all([api.getTrace(id), api.getAgentGraph(id)]);
    useDataStore.setState((s) => ({ traces: { ...s.traces, [id]: { detail, graph, error: null } } }));
  } catch (err) {
    useDataStore.setState((s) => ({
      traces: { ...s.traces, [id]: { detail: s.traces[id]?.detail, graph: s.traces[id]?.graph, error: errorMessage(err) } },
    }));
  }
});

/** Loads (or reloads) the trace the route points at. */
export function refreshOpenTrace(): Promise<void> {
  return traceRefresh.trigger();
}

const statsRefresh = coalesce(async () => {
  try {
    const stats = await api.getStats();
    const notices = readNotices(stats.notices);
    useDataStore.setState((s) => ({
      // Ticks carry newer counts than a stats answer that raced them, so stats only fill the gap
      // before the first tick.
      counts: s.counts ?? { spans: stats.spans, traces: stats.traces },
      dbBytes: typeof stats.dbBytes === 'number' ? stats.dbBytes : s.dbBytes,
      notices: sameNotices(s.notices, notices) ? s.notices : notices,
    }));
  } catch {
    // The header and banner keep what they had; the next tick asks again.
  }
});

/** Size and store notices are not in ticks, so they are pulled on load and after each tick. */
export function loadStats(): Promise<void> {
  return statsRefresh.trigger();
}

export async function loadInfo(): Promise<void> {
  try {
    useDataStore.setState({ info: await api.getInfo(), infoError: null });
  } catch (err) {
    useDataStore.setState({ infoError: errorMessage(err) });
  }
}

/** Whether a tick may have changed the open trace. */
export function tickTouches(tick: IngestTick, traceId: string): boolean {
  return tick.truncated || tick.traceIds.includes(traceId);
}

function onTick(tick: IngestTick): void {
  useDataStore.setState({ counts: { spans: tick.spans, traces: tick.traces } });
  void loadStats();
  const route = useUiStore.getState().route;
  // The list is refreshed even while a trace is open, so Back shows it current at once.
  void refreshList();
  if (route.view === 'trace' && tickTouches(tick, route.traceId)) void refreshOpenTrace();
}

/** Call once at startup; returns the teardown. */
export function startLiveUpdates(): () => void {
  void loadInfo();
  void loadStats();
  return api.onIngest(onTick);
}

// Everything that pulls from the engine and writes the data store. Views never poll: they pull
// once, then again when an ingest tick says something they show may have changed.
import type { IngestTick, ReceiverKind } from '../../../src-shared/contract';
import { api, errorMessage } from '../api';
import { coalesce } from '../lib/coalesce';
import { readNotices, sameNotices } from '../lib/notices';
import { spanKey, useDataStore } from './data-store';
import { applyError, applyMore, applyRefresh, filtersKey, mergeServices, PAGE_SIZE, refreshQuery } from './list-state';
import { listFilterInput, useUiStore } from './ui-store';

const listRefresh = coalesce(async () => {
  const filters = listFilterInput();
  const key = filtersKey(filters);
  const { list } = useDataStore.getState();
  const shown = list.key === key ? list.traces.length : 0;
  try {
    const page = await api.listTraces(refreshQuery(filters, shown));
    // Filters changed while this was in flight: a queued run will fetch the right ones.
    if (filtersKey(listFilterInput()) !== key) return;
    useDataStore.setState((s) => ({
      list: applyRefresh(s.list, key, page),
      services: mergeServices(s.services, page.traces),
    }));
  } catch (err) {
    if (filtersKey(listFilterInput()) !== key) return;
    useDataStore.setState((s) => ({ list: applyError(s.list, key, errorMessage(err)) }));
  }
});

export function refreshList(): Promise<void> {
  return listRefresh.trigger();
}

export async function loadMore(): Promise<void> {
  const { list } = useDataStore.getState();
  if (!list.nextCursor || list.loadingMore) return;
  const filters = listFilterInput();
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

/**
 * A failed read of the open trace is tried again on its own, rather than only on the next ingest
 * tick, which never comes for a trace that is complete: soon at first, then every few seconds for
 * as long as the trace stays open (an engine that is busy or restarting answers again later).
 */
let traceRetry: { traceId: string; attempt: number; timer: ReturnType<typeof setTimeout> | null } = { traceId: '', attempt: 0, timer: null };
const retryDelayMs = (attempt: number) => Math.min(1000 * 2 ** attempt, 8000);

/** Above this many spans the trace page asks the engine for the agent graph already folded. */
const HUGE_TRACE_SPANS = 50_000;

/** The open trace's last outline load: which trace, and when it finished (performance.now(); null while in flight). */
let lastTraceLoad: { traceId: string; finishedAt: number | null } = { traceId: '', finishedAt: -Infinity };
/**
 * A reconnect tick (no new spans) while a load is in flight or this soon after one finished brings
 * nothing that load did not. Its stats come from the same store thread, so behind a big outline
 * the tick arrives as late as the outline does.
 */
const RECONNECT_TICK_GRACE_MS = 3000;

const traceRefresh = coalesce(async () => {
  const route = useUiStore.getState().route;
  if (route.view !== 'trace') return;
  const id = route.traceId;
  lastTraceLoad = { traceId: id, finishedAt: null };
  // The outline first and shown at once: the timeline draws from it while the graph, a slower read
  // of the same store thread, is asked for only after it (so a selected span's getSpan, sent when
  // the page mounts, is answered before the graph, not after).
  try {
    const outline = await api.getTraceOutline(id);
    lastTraceLoad = { traceId: id, finishedAt: performance.now() };
    useDataStore.setState((s) => ({ traces: { ...s.traces, [id]: { outline, graph: s.traces[id]?.graph, error: null } } }));
    // A span the detail asked for before it arrived, or whose fetch failed: try again now.
    const spanId = route.spanId;
    if (spanId && !useDataStore.getState().spans[spanKey(id, spanId)]) void loadSpan(id, spanId, true);
    // A huge trace's full graph is hundreds of MB of JSON: ask for it folded (its folds then do not
    // expand); the view folds smaller ones itself, expandably.
    const huge = outline !== null && outline.spanIds.length > HUGE_TRACE_SPANS;
    const graph = await api.getAgentGraph(id, huge ? { collapse: 3 } : undefined);
    useDataStore.setState((s) => ({ traces: { ...s.traces, [id]: { outline: s.traces[id]?.outline, graph, error: null } } }));
    if (traceRetry.traceId === id) traceRetry = { traceId: '', attempt: 0, timer: null };
  } catch (err) {
    const attempt = traceRetry.traceId === id ? traceRetry.attempt : 0;
    if (traceRetry.timer === null || traceRetry.traceId !== id) {
      if (traceRetry.timer !== null) clearTimeout(traceRetry.timer);
      const timer = setTimeout(() => {
        traceRetry = { ...traceRetry, timer: null };
        const now = useUiStore.getState().route;
        if (now.view === 'trace' && now.traceId === id) void refreshOpenTrace();
      }, retryDelayMs(attempt));
      traceRetry = { traceId: id, attempt: attempt + 1, timer };
    }
    if (lastTraceLoad.traceId === id && lastTraceLoad.finishedAt === null) lastTraceLoad = { traceId: id, finishedAt: -Infinity };
    useDataStore.setState((s) => ({
      traces: { ...s.traces, [id]: { outline: s.traces[id]?.outline, graph: s.traces[id]?.graph, error: errorMessage(err) } },
    }));
  }
});

/**
 * The full record of one span, for the detail panel; kept once loaded (a stored span does not
 * change). `again` reloads one that was not found, e.g. selected from a URL before it arrived.
 */
export async function loadSpan(traceId: string, spanId: string, again = false, attempt = 0): Promise<void> {
  const key = spanKey(traceId, spanId);
  const inFlight = spansLoading.get(key);
  if (inFlight) {
    // Its answer may predate the span (asked for from a URL before the span arrived): ask again after.
    if (again) inFlight.askedAgain = true;
    return;
  }
  const known = useDataStore.getState().spans[key];
  if (known !== undefined && !(again && known === null)) return;
  const flight = { askedAgain: false };
  spansLoading.set(key, flight);
  try {
    const span = await api.getSpan(traceId, spanId);
    useDataStore.setState((s) => ({ spans: { ...s.spans, [key]: span } }));
  } catch {
    // The panel keeps its loading state and asks again, for as long as the span is the one open.
    setTimeout(() => {
      const now = useUiStore.getState().route;
      if (now.view === 'trace' && now.traceId === traceId && now.spanId === spanId) void loadSpan(traceId, spanId, again, attempt + 1);
    }, Math.min(500 * 2 ** attempt, 8000));
  } finally {
    spansLoading.delete(key);
    if (flight.askedAgain && useDataStore.getState().spans[key] == null) void loadSpan(traceId, spanId, true);
  }
}

/**
 * Span records being fetched, so a refresh does not ask twice (askedAgain: a refresh wanted it while
 * the fetch was out).
 */
const spansLoading = new Map<string, { askedAgain: boolean }>();

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

/** A receiver this window moved off a busy port: its new endpoint, shown until dismissed (null). */
export function noteReceiverMoved(kind: ReceiverKind, endpoint: string | null): void {
  useDataStore.setState((s) => ({ movedReceivers: { ...s.movedReceivers, [kind]: endpoint } }));
}

export async function loadInfo(): Promise<void> {
  try {
    useDataStore.setState({ info: await api.getInfo(), infoError: null });
  } catch (err) {
    useDataStore.setState({ infoError: errorMessage(err) });
  }
}

/**
 * The socket's "pull again" tick on (re)connect (truncated, nothing new) while the open trace is
 * loading or just loaded: reloading would read a big trace twice for nothing.
 */
function redundantReconnectTick(tick: IngestTick, traceId: string): boolean {
  return (
    tick.truncated &&
    tick.newSpans === 0 &&
    tick.traceIds.length === 0 &&
    lastTraceLoad.traceId === traceId &&
    (lastTraceLoad.finishedAt === null || performance.now() - lastTraceLoad.finishedAt < RECONNECT_TICK_GRACE_MS)
  );
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
  if (route.view === 'trace' && tickTouches(tick, route.traceId) && !redundantReconnectTick(tick, route.traceId)) void refreshOpenTrace();
}

/** Call once at startup; returns the teardown. */
export function startLiveUpdates(): () => void {
  void loadInfo();
  void loadStats();
  return api.onIngest(onTick);
}

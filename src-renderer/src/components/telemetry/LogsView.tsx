// The Logs page (#/logs): stored log records, newest first, in pages of LOG_PAGE ("Load more"),
// filtered by body text, service, lowest severity (in the URL) and the app's time range, re-read on
// ingest ticks that bring log records. A record logged in a span links to that span in its trace;
// clicking a row unfolds its body, attributes and resource.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogRecordView } from '../../../../src-shared/contract';
import { api, errorMessage } from '../../api';
import { sortedEntries } from '../../lib/attributes';
import { formatRoute } from '../../lib/route';
import { LOG_PAGE, LOG_REFRESH_MAX, logKeys, logQuery, logRow, logsKey, servicesOf } from '../../lib/telemetry/logs';
import { SEVERITY_FLOORS, type LogsRoute } from '../../lib/telemetry/route';
import { formatNanoFull, formatNanoLocal } from '../../lib/time';
import { isBounded, type TimeRange } from '../../lib/time-range';
import { useDataStore } from '../../state/data-store';
import { navigate, useUiStore } from '../../state/ui-store';
import { AttrTable } from '../detail/AttrTable';
import { ValueBlock } from '../detail/ValueBlock';
import { useTelemetryTick } from './use-telemetry-tick';
import '../detail/detail.css';
import './telemetry.css';

interface LogsState {
  key: string;
  logs: LogRecordView[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
}

const EMPTY: LogsState = { key: '', logs: [], nextCursor: null, loading: true, loadingMore: false, error: null };

function useLogs(route: LogsRoute, range: TimeRange): LogsState & { loadMore: () => void } {
  const key = logsKey(route, range);
  const tick = useTelemetryTick('logs');
  const [state, setState] = useState<LogsState>(EMPTY);
  const shown = useRef({ key: '', count: 0 });
  shown.current = { key: state.key, count: state.logs.length };
  // Rows the reader asked for with "Load more": a refresh landing while a page loads discards that
  // page (it would repeat rows), so the rows asked for are read again after it.
  const wanted = useRef({ key: '', count: 0 });
  const [reread, setReread] = useState(0);
  const latest = useRef(state);
  latest.current = state;
  if (wanted.current.key !== key) wanted.current = { key, count: LOG_PAGE };
  useEffect(() => {
    let live = true;
    // A refresh re-reads as many as are shown (the pages "Load more" added), newest first.
    const count = Math.max(shown.current.key === key ? shown.current.count : 0, wanted.current.count);
    setState((s) => (s.key === key ? { ...s, loading: true } : { ...EMPTY, key }));
    api.listLogs(logQuery(route, range, Date.now(), Math.min(LOG_REFRESH_MAX, Math.max(LOG_PAGE, count)))).then(
      (page) => live && setState({ key, logs: page.logs, nextCursor: page.nextCursor, loading: false, loadingMore: false, error: null }),
      (err: unknown) => live && setState((s) => ({ ...s, loading: false, error: errorMessage(err) })),
    );
    return () => {
      live = false;
    };
    // `route` and `range` are read through `key` (the filters); a new tick re-reads the same filters.
  }, [key, tick, reread]);
  const loadMore = () => {
    if (!state.nextCursor || state.loadingMore) return;
    wanted.current = { key, count: state.logs.length + LOG_PAGE };
    const cursor = state.nextCursor;
    setState((s) => ({ ...s, loadingMore: true }));
    api.listLogs(logQuery(route, range, Date.now(), LOG_PAGE, cursor)).then(
      // A live refresh that landed meanwhile re-read the list: this page would then repeat rows.
      (page) => {
        if (latest.current.key === key && latest.current.nextCursor === cursor) {
          setState((s) => ({ ...s, logs: [...s.logs, ...page.logs], nextCursor: page.nextCursor, loadingMore: false }));
        } else {
          // A refresh landed meanwhile and this page would repeat its rows: read the rows asked for again.
          setState((s) => ({ ...s, loadingMore: false }));
          setReread((n) => n + 1);
        }
      },
      (err: unknown) => setState((s) => ({ ...s, loadingMore: false, error: errorMessage(err) })),
    );
  };
  return { ...state, loadMore };
}

/**
 * Filter edits replace the history entry: typing a search should not fill Back with every letter.
 * The route is read when the edit lands, so a delayed search does not undo a filter changed meanwhile.
 */
function update(patch: Partial<LogsRoute>): void {
  const route = useUiStore.getState().route;
  if (route.view === 'logs') navigate({ ...route, ...patch }, 'replace');
}

export function LogsView({ route }: { route: LogsRoute }) {
  const range = useUiStore((s) => s.range);
  const state = useLogs(route, range);
  const knownServices = useDataStore((s) => s.services);
  const keys = useMemo(() => logKeys(state.logs), [state.logs]);
  const services = useMemo(() => servicesOf(state.logs, knownServices, route.service), [state.logs, knownServices, route.service]);
  const [q, setQ] = useState(route.q);
  useEffect(() => setQ(route.q), [route.q]);
  // The search applies 250 ms after the last keystroke (or at once on Enter).
  useEffect(() => {
    if (q === route.q) return;
    const timer = setTimeout(() => update({ q }), 250);
    return () => clearTimeout(timer);
  }, [q]);

  return (
    <section className="telemetry-view" data-testid="logs-view">
      <div className="telemetry-head">
        <h1>Logs</h1>
        <form
          className="telemetry-filters"
          onSubmit={(e) => {
            e.preventDefault();
            update({ q });
          }}
        >
          <input type="search" placeholder="Search log bodies…" aria-label="Search log bodies" data-testid="logs-search" data-page-search value={q} onChange={(e) => setQ(e.target.value)} />
          <select aria-label="Service" data-testid="logs-service" value={route.service} onChange={(e) => update({ service: e.target.value })}>
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select
            aria-label="Lowest severity"
            data-testid="logs-severity"
            value={route.severity ?? ''}
            onChange={(e) => update({ severity: (SEVERITY_FLOORS as readonly string[]).includes(e.target.value) ? (e.target.value as LogsRoute['severity']) : null })}
          >
            <option value="">Any severity</option>
            {SEVERITY_FLOORS.map((s) => (
              <option key={s} value={s}>
                {s.toUpperCase()} and above
              </option>
            ))}
          </select>
        </form>
      </div>
      {state.error && (
        <p className="error-text" role="alert">
          Could not load logs: {state.error}
        </p>
      )}
      {state.loading && state.logs.length === 0 ? (
        <p className="muted">Loading logs…</p>
      ) : state.logs.length === 0 ? (
        !state.error && (
          <p className="muted" data-testid="logs-empty">
            No log records{route.q || route.service || route.severity || isBounded(range) ? ' match these filters' : ' yet. Point an OTLP log exporter at this app'}.
          </p>
        )
      ) : (
        <>
          <ol className="log-list" data-testid="log-list" aria-busy={state.loading}>
            {state.logs.map((log, i) => (
              <LogLine key={keys[i]} log={log} />
            ))}
          </ol>
          <div className="telemetry-more">
            <span className="muted" data-testid="logs-count">
              {state.logs.length.toLocaleString()} record{state.logs.length === 1 ? '' : 's'}
              {state.nextCursor ? ' shown' : ''}
            </span>
            {state.nextCursor && (
              <button type="button" className="link-btn" data-testid="logs-more" onClick={state.loadMore} disabled={state.loadingMore}>
                {state.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function LogLine({ log }: { log: LogRecordView }) {
  const row = useMemo(() => logRow(log), [log]);
  const [open, setOpen] = useState(false);
  return (
    <li className={`log-line sev-line-${row.level}${open ? ' is-open' : ''}`} data-testid="log-row" data-severity={row.level}>
      <button type="button" className="log-summary" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="log-time mono" title={formatNanoFull(row.timeNs)}>
          {formatNanoLocal(row.timeNs)}
        </span>
        <span className={`badge sev-badge sev-${row.level}`}>{row.label}</span>
        <span className="log-service">{row.service || '—'}</span>
        {row.eventName && <span className="item-name">{row.eventName}</span>}
        <span className="log-body" data-testid="log-body">
          {row.summary}
        </span>
      </button>
      {row.link && (
        <a className="log-trace-link" data-testid="log-trace-link" href={formatRoute(row.link)} title="Open the span this was logged in">
          {row.link.view === 'trace' && row.link.spanId ? 'span' : 'trace'} ↗
        </a>
      )}
      {open && (
        <div className="log-detail" data-testid="log-detail">
          {log.body !== null && <ValueBlock value={log.body} />}
          <h4>Attributes</h4>
          <AttrTable entries={sortedEntries(log.attributes)} testId="log-attributes" />
          <h4>Resource</h4>
          <AttrTable entries={sortedEntries(log.resource.attributes)} />
          {log.scope.name && (
            <p className="muted">
              Scope {log.scope.name}
              {log.scope.version ? ` ${log.scope.version}` : ''}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

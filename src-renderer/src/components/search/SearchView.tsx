// The search page (#/search): what the runs said and did, found by meaning and by words, grouped
// by run (the trace: its root, agents, service and start), each group listing its matching spans
// with the snippet, where the text came from (a message, a tool call, an error) and the span's name
// (a run's best three first, the rest one click away).
// One click on a match opens the trace with that span selected. The query is typed in the header
// box; this page holds the mode, the filters of the trace list that apply, and "similar runs".
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchAnswer, SearchResult } from '../../../../src-shared/contract';
import { formatNanoFull, formatNanoLocal } from '../../lib/time';
import { formatRoute, searchRoute, type SearchFilters, type SearchRoute } from '../../lib/route';
import { hasFilters, searchKey } from '../../lib/search/query';
import {
  formatEmbedder,
  groupByTrace,
  groupTitle,
  highlightTerms,
  MATCHES_PER_RUN,
  MODE_LABELS,
  MODE_TITLES,
  modeNotice,
  moreLabel,
  resultsSummary,
  SEARCH_MODES,
  shortId,
  shownResults,
  similarTitle,
  SOURCE_LABELS,
  type ResultGroup,
} from '../../lib/search/results';
import { spanKey, useDataStore } from '../../state/data-store';
import { refreshList } from '../../state/loaders';
import { runSearch, useSearch } from '../../state/search';
import { navigate, useUiStore } from '../../state/ui-store';
import { DebouncedInput } from '../list/DebouncedInput';
import { useListUi } from '../list/list-ui-store';
import { stepResult } from './result-focus';
import '../list/list.css';
import './search.css';

type TextFilter = 'model' | 'agent' | 'session';

/** Edits one filter of the search in the URL (replacing the entry: a filter tweak is not a new page). */
function setFilter(field: keyof SearchFilters, value: string): void {
  const route = useUiStore.getState().route;
  if (route.view !== 'search') return;
  const filters: SearchFilters = { ...route.filters };
  const v = value.trim();
  if (v) filters[field] = v;
  else delete filters[field];
  navigate({ ...route, filters }, 'replace');
}

// Module-level so DebouncedInput's pending wait is not restarted by every render.
const commit: Record<TextFilter, (v: string) => void> = {
  model: (v) => setFilter('model', v),
  agent: (v) => setFilter('agent', v),
  session: (v) => setFilter('session', v),
};

function TextFilterField({ field, label, value, options }: { field: TextFilter; label: string; value: string; options: readonly string[] }) {
  const listId = `search-${field}-options`;
  return (
    <label className="filter-field">
      <span className="filter-label">{label}</span>
      <DebouncedInput
        className="filter-input filter-name"
        list={options.length > 0 ? listId : undefined}
        placeholder="any"
        aria-label={`Search only ${label.toLowerCase()} (exact)`}
        data-testid={`search-filter-${field}`}
        value={value}
        onCommit={commit[field]}
        clearOnEscape
      />
      {options.length > 0 && (
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      )}
    </label>
  );
}

/** Values seen so far in the trace list and in this answer, for the filters' choices. */
function useOptions(answer: SearchAnswer | null) {
  const listServices = useDataStore((s) => s.services);
  const suggestions = useListUi((s) => s.suggestions);
  return useMemo(() => {
    const results = answer?.results ?? [];
    const merged = (known: readonly string[], seen: Array<string | undefined>) => {
      const set = new Set(known);
      for (const v of seen) if (v) set.add(v);
      return set.size === known.length ? known : [...set].sort((a, b) => a.localeCompare(b));
    };
    return {
      services: merged(listServices, results.map((r) => r.service)),
      models: merged(suggestions.models, results.map((r) => r.model)),
      agents: merged(suggestions.agents, results.map((r) => r.agent)),
      sessions: merged([], results.map((r) => r.sessionId)),
    };
  }, [answer, listServices, suggestions]);
}

function SearchFiltersBar({ route, answer }: { route: SearchRoute; answer: SearchAnswer | null }) {
  const { services, models, agents, sessions } = useOptions(answer);
  const { filters } = route;
  return (
    <div className="filter-row search-filters" role="group" aria-label="Search filters">
      <div className="mode-switch" role="radiogroup" aria-label="Search mode">
        {SEARCH_MODES.map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={route.mode === m}
            className="mode-button"
            data-testid={`search-mode-${m}`}
            title={MODE_TITLES[m]}
            onClick={() => navigate({ ...route, mode: m }, 'replace')}
          >
            {MODE_LABELS[m]}
          </button>
        ))}
      </div>
      <label className="filter-field">
        <span className="filter-label">Service</span>
        <select
          className="filter-input filter-service"
          aria-label="Search only this service"
          data-testid="search-filter-service"
          value={filters.service ?? ''}
          onChange={(e) => setFilter('service', e.target.value)}
        >
          <option value="">All services</option>
          {services.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {filters.service && !services.includes(filters.service) && <option value={filters.service}>{filters.service}</option>}
        </select>
      </label>
      <TextFilterField field="model" label="Model" value={filters.model ?? ''} options={models} />
      <TextFilterField field="agent" label="Agent" value={filters.agent ?? ''} options={agents} />
      <TextFilterField field="session" label="Session" value={filters.session ?? ''} options={sessions} />
      {hasFilters(route) && (
        <button type="button" className="filter-clear" data-testid="search-filter-clear" onClick={() => navigate({ ...route, filters: {} }, 'replace')}>
          Clear filters
        </button>
      )}
    </div>
  );
}

function Snippet({ text, q }: { text: string; q: string }) {
  const segments = useMemo(() => highlightTerms(text, q), [text, q]);
  return (
    <span className="result-snippet">
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </span>
  );
}

function ResultRow({ r, q }: { r: SearchResult; q: string }) {
  const meta = [r.agent, r.model].filter(Boolean).join(' · ');
  return (
    <li>
      <a
        className="search-result"
        data-testid="search-result"
        data-trace-id={r.traceId}
        data-span-id={r.spanId}
        data-source={r.source}
        href={formatRoute({ view: 'trace', traceId: r.traceId, spanId: r.spanId })}
        title={`Open this span (score ${r.score.toPrecision(3)})`}
      >
        <span className="result-head">
          <span className={`source-badge source-${r.source}`}>{SOURCE_LABELS[r.source]}</span>
          <span className="result-span-name">{r.spanName || '(unnamed span)'}</span>
          {meta && <span className="result-meta">{meta}</span>}
          <span className="result-time" title={formatNanoFull(r.startTimeUnixNano)}>
            {formatNanoLocal(r.startTimeUnixNano)}
          </span>
        </span>
        <Snippet text={r.snippet} q={q} />
      </a>
    </li>
  );
}

function Group({ g, q }: { g: ResultGroup; q: string }) {
  const [expanded, setExpanded] = useState(false);
  const { shown, more } = shownResults(g, expanded);
  const list = useRef<HTMLUListElement>(null);
  const focusFirstNew = useRef(false);
  useEffect(() => {
    // The button that was clicked is gone: focus goes to the first match it brought, not to the page.
    if (!expanded || !focusFirstNew.current) return;
    focusFirstNew.current = false;
    list.current?.querySelectorAll<HTMLElement>('[data-testid="search-result"]')[MATCHES_PER_RUN]?.focus();
  }, [expanded]);
  const facts = [g.agents.join(', '), g.service].filter(Boolean).join(' · ');
  return (
    <li className="search-group" data-testid="search-group" data-trace-id={g.traceId}>
      <div className="search-group-head">
        <a className="search-group-title" href={formatRoute({ view: 'trace', traceId: g.traceId, spanId: null })} title="Open the whole run">
          {groupTitle(g)}
        </a>
        {facts && <span className="search-group-facts">{facts}</span>}
        <span className="search-group-time" title={formatNanoFull(g.startTimeUnixNano)}>
          {formatNanoLocal(g.startTimeUnixNano)}
        </span>
        <code className="search-group-id" title={`Trace ${g.traceId}`}>
          {shortId(g.traceId)}
        </code>
      </div>
      <ul className="search-results" ref={list}>
        {shown.map((r) => (
          <ResultRow key={`${r.spanId}/${r.source}/${r.snippet}`} r={r} q={q} />
        ))}
      </ul>
      {more > 0 && (
        <button
          type="button"
          className="search-more"
          data-testid="search-group-more"
          onClick={() => {
            focusFirstNew.current = true;
            setExpanded(true);
          }}
        >
          {moreLabel(more)}
        </button>
      )}
    </li>
  );
}

const EXAMPLES = ['the hotel API timed out', 'user asked to book a flight', 'tool returned an empty result'];

function SearchIntro() {
  return (
    <div className="search-intro" data-testid="search-intro">
      <p>
        Type in <strong>Search by meaning</strong> at the top and press Enter. It finds what the agents said and did (the
        messages of model calls, tool calls with their results, errors) even in other words than yours.
      </p>
      <p className="muted">For example:</p>
      <ul className="search-examples">
        {EXAMPLES.map((q) => (
          <li key={q}>
            <a href={formatRoute(searchRoute(q))}>{q}</a>
          </li>
        ))}
      </ul>
      <p className="muted">
        <strong>Hybrid</strong> ranks by meaning and by words together; <strong>By meaning</strong> finds paraphrases;{' '}
        <strong>By words</strong> finds the exact words. A trace or a span also has <strong>Similar runs</strong>. Collections that
        agents write and recall are on the <a href="#/memory">Memory</a> page.
      </p>
    </div>
  );
}

function onResultsKey(e: KeyboardEvent<HTMLElement>): void {
  const delta = e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : 0;
  if (delta !== 0 && stepResult(document.activeElement, delta)) e.preventDefault();
}

export function SearchView({ route }: { route: SearchRoute }) {
  const range = useUiStore((s) => s.range);
  const key = searchKey(route, range);
  const answer = useSearch((s) => s.answer);
  const answerKey = useSearch((s) => s.answerKey);
  const asked = useSearch((s) => s.asked);
  const loading = useSearch((s) => s.loading);
  const error = useSearch((s) => s.error);
  const list = useDataStore((s) => s.list.traces);
  const traces = useDataStore((s) => s.traces);
  const similarSpanName = useDataStore((s) => (route.similar?.spanId ? s.spans[spanKey(route.similar.traceId, route.similar.spanId)]?.name : undefined));

  // The trace list's rows name the runs' root spans; a search opened from a link has not loaded them.
  useEffect(() => {
    if (!useDataStore.getState().list.loaded) void refreshList();
  }, []);
  useEffect(() => {
    void runSearch(route, range);
    // The key is what the route's search is (its range too); a new route object with the same search runs nothing.
  }, [key]);

  // Root span names the UI already has: the trace list's rows and the traces opened.
  const rootNameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const t of list) names.set(t.traceId, t.rootName);
    for (const [id, entry] of Object.entries(traces)) {
      const o = entry.outline;
      if (o && o.spanIds.length > 0 && !names.has(id)) names.set(id, o.names[o.nameIndex[0]!] ?? '');
    }
    return (traceId: string) => names.get(traceId) || undefined;
  }, [list, traces]);

  const current = answerKey === key;
  const groups = useMemo(() => (answer ? groupByTrace(answer.results, rootNameOf) : []), [answer, rootNameOf]);
  const q = route.similar ? '' : route.q.trim();
  const empty = !route.similar && q === '';
  const notice = answer && current ? modeNotice(asked, answer.mode) : null;
  const title = route.similar
    ? similarTitle(route.similar, { span: similarSpanName, root: rootNameOf(route.similar.traceId) })
    : q
      ? `“${q}”`
      : 'Search by meaning';

  return (
    <section className="search-view" data-testid="search-view" aria-busy={loading}>
      <div className="search-head">
        <h1 className="search-title" data-testid="search-title">
          {title}
        </h1>
        {route.similar && (
          <a
            className="bar-button"
            data-testid="similar-source-link"
            href={formatRoute({ view: 'trace', traceId: route.similar.traceId, spanId: route.similar.spanId })}
          >
            {route.similar.spanId ? 'Back to the span' : 'Back to the trace'}
          </a>
        )}
        {answer && !empty && (
          <span className="search-embedder" data-testid="search-embedder" title="The model that made the vectors this search used; it runs on this machine unless it says otherwise">
            {formatEmbedder(answer.embedder)}
          </span>
        )}
      </div>
      <SearchFiltersBar route={route} answer={answer} />
      {empty ? (
        <SearchIntro />
      ) : (
        <>
          {notice && (
            <div className="search-notice" role="status" data-testid="search-catching-up">
              <span>{notice}</span>
              <button type="button" className="bar-button" onClick={() => void runSearch(route, range, true)}>
                Search again
              </button>
            </div>
          )}
          {error && current && (
            <div className="error-banner search-error" role="alert" data-testid="search-error">
              Search failed: {error}{' '}
              <button type="button" className="bar-button" onClick={() => void runSearch(route, range, true)}>
                Try again
              </button>
            </div>
          )}
          {loading && !answer && <p className="muted pad">Searching…</p>}
          {answer && current && groups.length === 0 && !error && (
            <div className="search-none" data-testid="search-no-results">
              <p>{route.similar ? 'No other runs are like this one yet.' : `Nothing matched “${q}”.`}</p>
              <p className="muted">
                {hasFilters(route) ? 'The filters above narrow the search; clearing them may find more. ' : ''}
                {route.mode === 'text' ? 'By words needs the words to occur; By meaning finds other ways of saying it.' : 'Memory holds model messages, tool calls and errors of the runs it has read so far.'}
              </p>
            </div>
          )}
          {answer && groups.length > 0 && (
            <>
              <p className="search-summary muted" aria-live="polite" data-testid="search-summary">
                {resultsSummary(groups)}
                {loading && ' · searching…'}
              </p>
              <ol className={current ? 'search-groups' : 'search-groups stale'} aria-label="Search results" onKeyDown={onResultsKey}>
                {groups.map((g) => (
                  <Group key={`${answerKey}/${g.traceId}`} g={g} q={q} />
                ))}
              </ol>
            </>
          )}
        </>
      )}
    </section>
  );
}

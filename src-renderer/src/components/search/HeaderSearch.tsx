// The header's "Search by meaning" box, on every page. Enter opens the search page for the words
// typed (#/search?q=…), keeping the page's mode and filters when already on it; ↓ moves to the
// results; Enter on the search already shown runs it again. It shows the route's query, so Back and a reload keep it in step with the page.
import { useState, type KeyboardEvent } from 'react';
import { formatRoute, searchRoute } from '../../lib/route';
import { runSearch } from '../../state/search';
import { navigate, useUiStore } from '../../state/ui-store';
import { focusResult } from './result-focus';
import './search.css';

export function HeaderSearch() {
  const route = useUiStore((s) => s.route);
  const routeQ = route.view === 'search' && !route.similar ? route.q : '';
  const [text, setText] = useState(routeQ);
  const [adopted, setAdopted] = useState(routeQ);
  // Render-time sync with the route (as DebouncedInput does): a new search, Back, a link.
  if (routeQ !== adopted) {
    setAdopted(routeQ);
    setText(routeQ);
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const { route: current, range } = useUiStore.getState();
      const next = searchRoute(text.trim(), current.view === 'search' ? current : undefined);
      // Enter on the search already shown asks again (the memory may have caught up since).
      if (formatRoute(next, range) === location.hash) void runSearch(next, range, true);
      else navigate(next);
    } else if (e.key === 'ArrowDown' && route.view === 'search') {
      if (focusResult(0)) e.preventDefault();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (text !== routeQ) setText(routeQ);
      else e.currentTarget.blur();
    }
  };

  return (
    <div className="header-search" role="search">
      <span className="header-search-icon" aria-hidden="true" />
      <input
        type="search"
        className="header-search-input"
        placeholder="Search by meaning…"
        aria-label="Search by meaning"
        title="What the agents said and did: messages, tool calls, errors. Enter searches."
        data-testid="memory-search-input"
        enterKeyHint="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}

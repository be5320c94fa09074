// Server data of the search page: the answer to the search the route names, keyed by searchKey so
// an answer to an older search (the user typed on, switched mode) is dropped. Not refreshed on
// ingest ticks: each search embeds the query, and results reordering under the reader's eyes is
// worse than a "Search again" button.
import { create } from 'zustand';
import type { SearchAnswer, SearchMode } from '../../../src-shared/contract';
import { api, errorMessage } from '../api';
import { searchKey, searchQueryOf } from '../lib/search/query';
import type { SearchRoute } from '../lib/route';
import type { TimeRange } from '../lib/time-range';

export interface SearchState {
  /** searchKey of the search below; '' before any. */
  key: string;
  /** The mode the user asked for (the answer says which one the engine used). */
  asked: SearchMode;
  answer: SearchAnswer | null;
  /** The search `answer` belongs to: another than `key` while the next one loads (shown dimmed). */
  answerKey: string;
  loading: boolean;
  error: string | null;
}

export const useSearch = create<SearchState>()(() => ({ key: '', asked: 'hybrid', answer: null, answerKey: '', loading: false, error: null }));

/** Runs the route's search over `range` unless its answer is already shown (`again` forces it). */
export async function runSearch(route: SearchRoute, range: TimeRange, again = false): Promise<void> {
  const key = searchKey(route, range);
  const current = useSearch.getState();
  if (!again && current.key === key && (current.answerKey === key || current.loading)) return;
  const query = searchQueryOf(route, range, Date.now());
  if (!query) {
    useSearch.setState({ key, asked: route.mode, answer: null, answerKey: key, loading: false, error: null });
    return;
  }
  // The previous answer stays (dimmed) until this one arrives, so the page does not jump.
  useSearch.setState({ key, asked: route.mode, loading: true, error: null });
  try {
    const answer = await api.search(query);
    if (useSearch.getState().key !== key) return;
    useSearch.setState({ answer, answerKey: key, loading: false, error: null });
  } catch (err) {
    if (useSearch.getState().key !== key) return;
    useSearch.setState({ answer: null, answerKey: key, loading: false, error: errorMessage(err) });
  }
}

// UI state of the trace list that outlives the page: the highlighted row (so Back from a trace
// lands on the row that was opened) and the filter suggestions gathered so far. Not in the URL:
// neither is worth a link.
import { create } from 'zustand';
import type { AgentGraph, TraceSummary } from '../../../../src-shared/contract';
import { absorbGraph, absorbSummaries, noSuggestions, type Suggestions } from '../../lib/list/suggestions';

interface ListUiState {
  highlightedId: string | null;
  suggestions: Suggestions;
}

export const useListUi = create<ListUiState>()(() => ({ highlightedId: null, suggestions: noSuggestions }));

export function setHighlighted(id: string | null): void {
  if (useListUi.getState().highlightedId !== id) useListUi.setState({ highlightedId: id });
}

export function absorbListSuggestions(traces: readonly TraceSummary[]): void {
  const { suggestions } = useListUi.getState();
  const next = absorbSummaries(suggestions, traces);
  if (next !== suggestions) useListUi.setState({ suggestions: next });
}

export function absorbTraceSuggestions(graph: AgentGraph): void {
  const { suggestions } = useListUi.getState();
  const next = absorbGraph(suggestions, graph);
  if (next !== suggestions) useListUi.setState({ suggestions: next });
}

// Clear data, the actions: ask the engine to delete, drop what the stores hold of it at once, and
// leave the page that showed it (replacing its history entry, so Back does not lead to a trace
// that is gone). The engine's tick that follows refreshes the list, counts and size as usual.
import { CLEAR_ALL_CONFIRMATION, type DeletedCounts } from '../../../src-shared/contract';
import { api } from '../api';
import { emptied, withoutTrace } from '../lib/clear-data';
import { useDataStore } from './data-store';
import { loadStats, refreshList } from './loaders';
import { lastListRoute, navigate, useUiStore } from './ui-store';

/** null when the engine no longer had it (deleted meanwhile, e.g. from another window or the CLI). */
export async function deleteTrace(traceId: string): Promise<DeletedCounts | null> {
  const counts = await api.deleteTrace(traceId);
  useDataStore.setState((s) => withoutTrace(s, traceId));
  const route = useUiStore.getState().route;
  if (route.view === 'trace' && route.traceId === traceId) navigate(lastListRoute(), 'replace');
  void refreshList();
  void loadStats();
  return counts;
}

export async function deleteSession(sessionId: string): Promise<DeletedCounts | null> {
  const counts = await api.deleteSession(sessionId);
  // Its traces are not known here by id: the list and open traces are re-read.
  useDataStore.setState((s) => ({ traces: {}, spans: {}, list: s.list }));
  const route = useUiStore.getState().route;
  if (route.view === 'session' && route.sessionId === sessionId) navigate({ view: 'sessions' }, 'replace');
  void refreshList();
  void loadStats();
  return counts;
}

export async function clearAllData(): Promise<DeletedCounts> {
  const counts = await api.clearAllData(CLEAR_ALL_CONFIRMATION);
  useDataStore.setState((s) => ({ ...emptied(s), counts: { spans: 0, traces: 0 } }));
  const view = useUiStore.getState().route.view;
  // Pages that show stored data go back to the (now empty) list; memory and search stay.
  if (view === 'trace' || view === 'session') navigate(lastListRoute(), 'replace');
  void refreshList();
  void loadStats();
  return counts;
}

// Loads a session (or the session list) and loads it again when ingest reports new data, so a view
// stays current while a coding agent works. The list of sessions is small server data with no
// cache of its own yet: each reload reads the pages shown so far again (session-pages.ts).
import { useEffect, useState } from 'react';
import type { SessionDetail, SessionListPage } from '../../../../src-shared/contract';
import { api, errorMessage } from '../../api';
import { useDataStore } from '../../state/data-store';
import { loadSessionPages } from './session-pages';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const tick = useDataStore((s) => s.counts);
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setLoaded({ state: 'ready', data }),
      (err: unknown) => live && setLoaded({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
    // Reload on a new key or on an ingest tick (counts change); `load` is a fresh closure each render.
  }, [key, tick]);
  return loaded;
}

export function useSession(sessionId: string): Loaded<SessionDetail | null> {
  return useLoaded(() => api.getSession(sessionId), sessionId);
}

/** The first `pages` pages of the list, most recent activity first. */
export function useSessionList(pages: number): Loaded<SessionListPage> {
  return useLoaded(() => loadSessionPages((q) => api.listSessions(q), pages), `list:${pages}`);
}

// The session list's pages: the first `pages` pages of SESSION_PAGE sessions, read again whole on
// every reload (an ingest tick can move any session to the top), concatenated. Kept apart from the
// hook so it is tested without React.
import type { SessionListPage, SessionListQuery } from '../../../../src-shared/contract';

/** Sessions per page; the REST API allows up to 500. */
export const SESSION_PAGE = 200;

export async function loadSessionPages(
  list: (query: SessionListQuery) => Promise<SessionListPage>,
  pages: number,
  limit = SESSION_PAGE,
): Promise<SessionListPage> {
  let page = await list({ limit });
  const sessions = [...page.sessions];
  for (let i = 1; i < pages && page.nextCursor !== null; i++) {
    page = await list({ limit, cursor: page.nextCursor });
    sessions.push(...page.sessions);
  }
  return { sessions, nextCursor: page.nextCursor };
}

// The session list (#/sessions): newest activity first, each with its turns, duration, calls, tokens,
// cost, errors, models and users.
// Pages of 200, older ones on request; filters are a later issue's.
import { useState } from 'react';
import { formatRoute } from '../../lib/route';
import { formatCount, formatNames, formatSessionCost, formatSessionDuration, formatSessionErrors } from './session-format';
import { useSessionList } from './use-session-data';

export function SessionListView() {
  const [pages, setPages] = useState(1);
  const loaded = useSessionList(pages);
  if (loaded.state === 'loading') return <p className="muted session-view">Loading sessions…</p>;
  if (loaded.state === 'error') return <p className="session-view" role="alert">Could not load sessions: {loaded.message}</p>;
  const sessions = loaded.data.sessions;
  return (
    <section className="session-view" data-testid="session-list">
      <h1>Sessions</h1>
      {sessions.length === 0 ? (
        <p className="muted">No sessions yet. A session appears as soon as a trace, log record or metric point names one.</p>
      ) : (
        <table className="session-list-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Service</th>
              <th>Turns</th>
              <th>Duration</th>
              <th>Model calls</th>
              <th>Tool calls</th>
              <th>Tokens</th>
              <th>Cost</th>
              <th>Errors</th>
              <th>Models</th>
              <th>Users</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionId} data-testid="session-row">
                <td className="mono">
                  <a href={formatRoute({ view: 'session', sessionId: s.sessionId })}>{s.sessionId}</a>
                </td>
                <td>{s.serviceName ?? '—'}</td>
                <td>{s.turns}</td>
                <td>{formatSessionDuration(s)}</td>
                <td>{s.llmCalls}</td>
                <td>{s.toolCalls}</td>
                <td>{formatCount(s.totalTokens)}</td>
                <td>{formatSessionCost(s)}</td>
                <td data-testid="session-errors" className={s.errors > 0 ? 'session-errors' : undefined}>
                  {formatSessionErrors(s)}
                </td>
                <td title={s.models.join(', ')}>{formatNames(s.models)}</td>
                <td data-testid="session-users" className="mono" title={s.users.join(', ')}>
                  {formatNames(s.users)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loaded.data.nextCursor !== null ? (
        <div className="load-more">
          <button type="button" onClick={() => setPages(pages + 1)} data-testid="sessions-more">
            Show older sessions
          </button>
        </div>
      ) : null}
    </section>
  );
}

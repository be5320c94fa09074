// One session (#/sessions/{id}): its totals and cost source, then its turns in order, each with its
// prompt, model calls (model, tokens, cost), tool calls (name, input) and answer, and a link to the
// turn's trace where one exists. Turns built from log events alone (Claude Code's default) have none.
import type { SessionModelCall, SessionToolCall, SessionTurn } from '../../../../src-shared/contract';
import { formatRoute } from '../../lib/route';
import {
  formatCallCost,
  formatCallTokens,
  formatCount,
  formatSessionCost,
  formatSessionDuration,
  formatSessionErrors,
  formatToolInput,
} from './session-format';
import { useSession } from './use-session-data';
import { DeleteSessionButton } from '../data/DeleteButton';

export function SessionView({ sessionId }: { sessionId: string }) {
  const loaded = useSession(sessionId);
  if (loaded.state === 'loading') return <p className="muted session-view">Loading session…</p>;
  if (loaded.state === 'error') return <p className="session-view" role="alert">Could not load the session: {loaded.message}</p>;
  const detail = loaded.data;
  if (detail === null) return <p className="session-view">No session named {sessionId}.</p>;
  const s = detail.summary;
  return (
    <section className="session-view" data-testid="session-view">
      <nav className="session-crumbs">
        <a href={formatRoute({ view: 'sessions' })}>Sessions</a> / <span className="mono">{sessionId}</span>
      </nav>
      <div className="session-head">
        <h1>Session {s.serviceName ? <span className="muted">· {s.serviceName}</span> : null}</h1>
        <DeleteSessionButton sessionId={sessionId} traceCount={detail.traces.length} />
      </div>
      <dl className="session-totals" data-testid="session-totals">
        <dt>Turns</dt>
        <dd>{s.turns}</dd>
        <dt>Duration</dt>
        <dd>{formatSessionDuration(s)}</dd>
        <dt>Model calls</dt>
        <dd data-testid="session-llm-calls">{s.llmCalls}</dd>
        <dt>Tool calls</dt>
        <dd data-testid="session-tool-calls">{s.toolCalls}</dd>
        <dt>Models</dt>
        <dd>{s.models.join(', ') || '—'}</dd>
        <dt>Users</dt>
        <dd data-testid="session-users" className="mono">{s.users.join(', ') || '—'}</dd>
        <dt>Errors</dt>
        <dd data-testid="session-errors">{formatSessionErrors(s)}</dd>
        <dt>Tokens</dt>
        <dd>{formatCallTokens(s)}</dd>
        <dt>Cost</dt>
        <dd data-testid="session-cost">{formatSessionCost(s)}</dd>
      </dl>
      <ol className="session-turns">
        {detail.turns.map((t) => (
          <Turn key={t.index} turn={t} />
        ))}
      </ol>
    </section>
  );
}

function Turn({ turn }: { turn: SessionTurn }) {
  const traceId = turn.traceIds[0];
  return (
    <li className="session-turn" data-testid="session-turn">
      <header>
        <strong>Turn {turn.index}</strong>
        <span className="muted"> · from {turn.source === 'spans' ? 'spans' : 'log events'}</span>
        {turn.errors > 0 ? (
          <span className="session-errors" data-testid="turn-errors">
            {' '}
            · {turn.errors} {turn.errors === 1 ? 'error' : 'errors'}
          </span>
        ) : null}
        {traceId ? (
          <a className="session-trace-link" data-testid="turn-trace-link" href={formatRoute({ view: 'trace', traceId, spanId: null })}>
            Open trace
          </a>
        ) : null}
      </header>
      {turn.prompt !== null && <p className="session-prompt" data-testid="turn-prompt">{turn.prompt}</p>}
      <table className="session-calls">
        <tbody>
          {turn.llmCalls.map((c, i) => (
            <ModelCall key={`m${i}`} call={c} />
          ))}
          {turn.toolCalls.map((c, i) => (
            <ToolCall key={`t${i}`} call={c} />
          ))}
        </tbody>
      </table>
      {turn.answer !== null && <p className="session-answer" data-testid="turn-answer">{turn.answer}</p>}
    </li>
  );
}

function ModelCall({ call }: { call: SessionModelCall }) {
  return (
    <tr data-testid="turn-llm-call">
      <td>model call</td>
      <td className="mono">{call.model ?? '—'}</td>
      <td>{formatCallTokens(call)}</td>
      <td data-testid="llm-call-cost">{formatCallCost(call)}</td>
    </tr>
  );
}

function ToolCall({ call }: { call: SessionToolCall }) {
  return (
    <tr data-testid="turn-tool-call" className={call.nested ? 'nested' : undefined}>
      <td>{call.nested ? 'nested tool call' : 'tool call'}</td>
      <td className="mono">{call.name}</td>
      <td className="mono" colSpan={2} title={typeof call.input === 'string' ? call.input : JSON.stringify(call.input)}>
        {formatToolInput(call.input)}
        {call.success === false ? <span className="error"> · failed</span> : null}
        {call.durationMs !== null ? <span className="muted"> · {formatCount(call.durationMs)} ms</span> : null}
      </td>
    </tr>
  );
}

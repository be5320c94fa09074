// The Funnels page (#/funnels): ordered steps (agent, tool, span name or attribute), over traces or
// sessions in a time range; a bar per step with reached, dropped and conversion, the outcomes, and
// the runs behind any number one click away. Everything that defines the view is in the URL
// (lib/funnel-route.ts), so a funnel can be linked and survives a reload; the step editor is a draft
// that reaches the URL when run. Reloads on ingest ticks, like the session views.
import { useEffect, useState, type FormEvent } from 'react';
import { GENAI_KINDS, type FunnelOutcome, type FunnelResult, type FunnelRunSet, type FunnelStep, type FunnelStepType, type GenAiKind } from '../../../../src-shared/contract';
import { funnelStepLabel } from '../../../../src-shared/funnel';
import { api, errorMessage } from '../../api';
import { formatRoute } from '../../lib/route';
import { funnelQueryOf, type FunnelOpen, type FunnelRouteState } from '../../lib/funnel-route';
import { rangeKey } from '../../lib/time-range';
import { useDataStore } from '../../state/data-store';
import { navigate, useUiStore } from '../../state/ui-store';
import './funnels.css';

const TYPE_LABELS: Record<FunnelStepType, string> = { agent: 'Agent', tool: 'Tool', spanName: 'Span name', attribute: 'Attribute' };
const OUTCOME_LABELS: Record<FunnelOutcome, string> = { completed: 'Completed', abandoned: 'Abandoned', failed: 'Failed' };

type Loaded = { state: 'idle' } | { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: FunnelResult };

function percent(x: number): string {
  return `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 1)} %`;
}

function useFunnel(state: FunnelRouteState): Loaded {
  const tick = useDataStore((s) => s.counts);
  const range = useUiStore((s) => s.range);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'idle' });
  const key = JSON.stringify([state.steps, state.mode, rangeKey(range), state.service]);
  useEffect(() => {
    if (state.steps.length === 0 || state.steps.some((s) => s.value === '' || (s.type === 'attribute' && !s.key))) {
      setLoaded({ state: 'idle' });
      return;
    }
    let live = true;
    setLoaded((prev) => (prev.state === 'ready' ? prev : { state: 'loading' }));
    api.runFunnel(funnelQueryOf(state, range, Date.now())).then(
      (data) => live && setLoaded({ state: 'ready', data }),
      (err: unknown) => live && setLoaded({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
    // Reload on a new query or an ingest tick; `state` is a fresh object on every route parse.
  }, [key, tick]);
  return loaded;
}

function StepEditor({ draft, onChange }: { draft: FunnelStep[]; onChange: (steps: FunnelStep[]) => void }) {
  const set = (i: number, patch: Partial<FunnelStep>) => {
    const next = draft.map((s, j) => {
      if (j !== i) return s;
      const merged: FunnelStep = { ...s, ...patch };
      if (merged.type !== 'attribute') delete merged.key;
      else merged.key ??= '';
      if (merged.kind === undefined) delete merged.kind;
      return merged;
    });
    onChange(next);
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...draft];
    const [step] = next.splice(i, 1);
    next.splice(i + by, 0, step!);
    onChange(next);
  };
  return (
    <ol className="funnel-steps">
      {draft.map((step, i) => (
        <li key={i} className="funnel-step-row" data-testid="funnel-step-row">
          <span className="funnel-step-number">{i + 1}</span>
          <select aria-label={`Step ${i + 1} matches`} value={step.type} onChange={(e) => set(i, { type: e.target.value as FunnelStepType })}>
            {(Object.keys(TYPE_LABELS) as FunnelStepType[]).map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          {step.type === 'attribute' && (
            <input aria-label={`Step ${i + 1} attribute key`} placeholder="key" value={step.key ?? ''} onChange={(e) => set(i, { key: e.target.value })} />
          )}
          <input
            aria-label={`Step ${i + 1} value`}
            placeholder={step.type === 'attribute' ? 'value' : `${TYPE_LABELS[step.type].toLowerCase()}`}
            value={step.value}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <select
            aria-label={`Step ${i + 1} GenAI kind`}
            value={step.kind ?? ''}
            onChange={(e) => set(i, e.target.value === '' ? { kind: undefined } : { kind: e.target.value as GenAiKind })}
          >
            <option value="">any kind</option>
            {GENAI_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          <button type="button" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
            ↑
          </button>
          <button type="button" aria-label={`Move step ${i + 1} down`} disabled={i === draft.length - 1} onClick={() => move(i, 1)}>
            ↓
          </button>
          <button type="button" aria-label={`Remove step ${i + 1}`} onClick={() => onChange(draft.filter((_, j) => j !== i))}>
            ✕
          </button>
        </li>
      ))}
    </ol>
  );
}

interface CountProps {
  label: string;
  set: FunnelRunSet;
  open: FunnelOpen;
  current: FunnelOpen;
  testId: string;
  onOpen: (open: FunnelOpen) => void;
}

function CountButton({ label, set, open, current, testId, onOpen }: CountProps) {
  const active = JSON.stringify(open) === JSON.stringify(current);
  return (
    <button type="button" className={`funnel-count${active ? ' is-open' : ''}`} data-testid={testId} aria-pressed={active} title={`Show the runs: ${label}`} onClick={() => onOpen(active ? null : open)}>
      <strong>{set.count.toLocaleString()}</strong> {label}
    </button>
  );
}

function RunList({ result, open }: { result: FunnelResult; open: Exclude<FunnelOpen, null> }) {
  const set = 'outcome' in open ? result.outcomes[open.outcome] : result.steps[open.step]?.[open.set];
  if (!set) return null;
  const title = 'outcome' in open ? OUTCOME_LABELS[open.outcome] : `Step ${open.step + 1} · ${open.set}`;
  return (
    <section className="funnel-runs" data-testid="funnel-runs" aria-label={`Runs: ${title}`}>
      <h2>
        {title}: {set.count === set.runs.length ? `${set.count} runs` : `the newest ${set.runs.length} of ${set.count} runs`}
      </h2>
      {set.runs.length === 0 ? (
        <p className="muted">No runs.</p>
      ) : (
        <table className="session-list-table">
          <thead>
            <tr>
              <th>{result.mode === 'sessions' ? 'Session' : 'Trace'}</th>
              <th>Started</th>
              <th>Steps reached</th>
              <th>Outcome</th>
              {result.mode === 'sessions' && <th>Furthest trace</th>}
            </tr>
          </thead>
          <tbody>
            {set.runs.map((run) => (
              <tr key={run.id} data-testid="funnel-run">
                <td className="mono">
                  <a data-testid="funnel-run-link" href={result.mode === 'sessions' ? formatRoute({ view: 'session', sessionId: run.id }) : formatRoute({ view: 'trace', traceId: run.traceId, spanId: null })}>
                    {result.mode === 'sessions' ? run.id : `${run.rootName} · ${run.id.slice(0, 8)}`}
                  </a>
                </td>
                <td>{new Date(Number(BigInt(run.startTimeUnixNano) / 1_000_000n)).toLocaleString()}</td>
                <td>
                  {run.reached} / {result.steps.length}
                </td>
                <td className={run.outcome === 'failed' ? 'funnel-failed' : undefined}>{run.outcome ? OUTCOME_LABELS[run.outcome] : '—'}</td>
                {result.mode === 'sessions' && (
                  <td className="mono">
                    <a href={formatRoute({ view: 'trace', traceId: run.traceId, spanId: null })}>{run.rootName}</a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Results({ result, state }: { result: FunnelResult; state: FunnelRouteState }) {
  // Which runs are open is view state, not a new page: it replaces the history entry.
  const onOpen = (open: FunnelOpen) => navigate({ view: 'funnels', funnel: { ...state, open } }, 'replace');
  const unit = result.mode === 'sessions' ? 'sessions' : 'traces';
  return (
    <>
      <p className="muted" data-testid="funnel-total">
        {result.runs.toLocaleString()} {unit} in range
      </p>
      <ol className="funnel-bars">
        {result.steps.map((s, i) => (
          <li key={i} className="funnel-bar-row" data-testid="funnel-bar" data-step={i + 1}>
            <div className="funnel-bar-label">
              <span className="funnel-step-number">{i + 1}</span> {funnelStepLabel(s.step)}
            </div>
            <div className="funnel-bar-track" aria-hidden="true">
              <div className="funnel-bar-fill" style={{ width: `${result.runs === 0 ? 0 : (s.reached.count / result.runs) * 100}%` }} />
            </div>
            <div className="funnel-bar-numbers">
              <CountButton label="reached" set={s.reached} open={{ step: i, set: 'reached' }} current={state.open} onOpen={onOpen} testId="funnel-reached" />
              <CountButton label="dropped" set={s.dropped} open={{ step: i, set: 'dropped' }} current={state.open} onOpen={onOpen} testId="funnel-dropped" />
              <span className="muted" data-testid="funnel-conversion" title="Conversion from the previous step, and from the first">
                {percent(s.conversionFromPrevious)} of previous · {percent(s.conversionFromFirst)} of first
              </span>
            </div>
          </li>
        ))}
      </ol>
      <div className="funnel-outcomes" data-testid="funnel-outcomes">
        {(['completed', 'abandoned', 'failed'] as const).map((o) => (
          <CountButton key={o} label={OUTCOME_LABELS[o].toLowerCase()} set={result.outcomes[o]} open={{ outcome: o }} current={state.open} onOpen={onOpen} testId={`funnel-outcome-${o}`} />
        ))}
      </div>
      {state.open && <RunList result={result} open={state.open} />}
    </>
  );
}

export function FunnelsView({ state }: { state: FunnelRouteState }) {
  const [draft, setDraft] = useState<FunnelStep[]>(state.steps);
  const [service, setService] = useState(state.service);
  const stepsKey = JSON.stringify(state.steps);
  useEffect(() => setDraft(state.steps), [stepsKey]);
  useEffect(() => setService(state.service), [state.service]);
  const loaded = useFunnel(state);
  const apply = (patch: Partial<FunnelRouteState>) => navigate({ view: 'funnels', funnel: { ...state, open: null, ...patch } });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply({ steps: draft, service: service.trim() });
  };
  return (
    <section className="session-view funnels-view" data-testid="funnels-view">
      <h1>Funnels</h1>
      <form className="funnel-form" onSubmit={onSubmit}>
        <StepEditor draft={draft} onChange={setDraft} />
        <div className="funnel-controls">
          <button type="button" onClick={() => setDraft([...draft, { type: 'tool', value: '' }])} disabled={draft.length >= 8}>
            Add step
          </button>
          <label>
            Runs are{' '}
            <select data-testid="funnel-mode" value={state.mode} onChange={(e) => apply({ mode: e.target.value === 'sessions' ? 'sessions' : 'traces' })}>
              <option value="traces">traces</option>
              <option value="sessions">sessions</option>
            </select>
          </label>
          <input aria-label="Service" placeholder="any service" value={service} onChange={(e) => setService(e.target.value)} />
          <button type="submit" className="funnel-run" data-testid="funnel-run-button" disabled={draft.length === 0}>
            Run funnel
          </button>
        </div>
      </form>
      {loaded.state === 'idle' && <p className="muted">Add steps (an agent, a tool, a span name or an attribute), in the order runs should reach them, then run the funnel.</p>}
      {loaded.state === 'loading' && <p className="muted">Counting runs…</p>}
      {loaded.state === 'error' && <p role="alert">Could not run the funnel: {loaded.message}</p>}
      {loaded.state === 'ready' && <Results result={loaded.data} state={state} />}
    </section>
  );
}

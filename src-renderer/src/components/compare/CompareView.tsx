// Compare two runs (#/compare?a=…&b=…): both runs' headers with totals and b − a deltas, then the
// aligned steps (agents, LLM calls, tool calls) marked same / changed / added / removed, each side
// linking to its span in its trace, and a word diff of what changed. Both ids live in the URL, so
// the page reloads and links as it is; a missing run is picked from the first run's session or
// from the recent traces.
import { useEffect, useState } from 'react';
import type { CompareFieldDiff, CompareResult, CompareRunTotals, CompareStep, CompareStepSide, TraceSummary } from '../../../../src-shared/contract';
import { formatDuration, formatTokens, formatUsd } from '../../lib/format';
import { api, errorMessage } from '../../api';
import { signed, wordDiff } from '../../lib/compare/word-diff';
import { formatRoute } from '../../lib/route';
import { useDataStore } from '../../state/data-store';
import { tickTouches } from '../../state/loaders';

type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/**
 * Loads again on a new key, or on an ingest tick that may touch `watch` (any tick when it is null,
 * as the session pages do): two 1k-span runs are ~150 ms of reads, not to be spent on every tick of
 * an unrelated busy ingest.
 */
function useLoaded<T>(load: () => Promise<T>, key: string, watch: string[] | null = null): Loaded<T> {
  const counts = useDataStore((s) => s.counts);
  const [touched, setTouched] = useState(0);
  const watchKey = watch?.join(',') ?? null;
  useEffect(() => {
    if (watchKey === null) return;
    const ids = watchKey.split(',');
    return api.onIngest((tick) => {
      if (ids.some((id) => tickTouches(tick, id))) setTouched((n) => n + 1);
    });
  }, [watchKey]);
  const tick = watchKey === null ? counts : touched;
  const [loaded, setLoaded] = useState<{ key: string; value: Loaded<T> }>({ key, value: { state: 'loading' } });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setLoaded({ key, value: { state: 'ready', data } }),
      (err: unknown) => live && setLoaded({ key, value: { state: 'error', message: errorMessage(err) } }),
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render; the key says what it loads.
  }, [key, tick]);
  return loaded.key === key ? loaded.value : { state: 'loading' };
}

const compareHref = (a: string | null, b: string | null): string => formatRoute({ view: 'compare', a, b });
const spanHref = (traceId: string, side: CompareStepSide): string => formatRoute({ view: 'trace', traceId, spanId: side.spanId });

export function CompareView({ a, b }: { a: string | null; b: string | null }) {
  return (
    <section className="compare-view" data-testid="compare-view">
      <nav className="session-crumbs">
        <a href="#/">Traces</a> / Compare
      </nav>
      <h1>Compare two runs</h1>
      <RunPicker a={a} b={b} />
      {a && b ? <Comparison a={a} b={b} /> : <p className="muted">{a ? 'Pick the run to compare it with.' : 'Open a trace and choose “Compare with…”, or pick both runs here.'}</p>}
    </section>
  );
}

/** The runs to choose from: the first run's session's other traces, then the recent traces. */
function RunPicker({ a, b }: { a: string | null; b: string | null }) {
  const loaded = useLoaded(async () => {
    const recent = (await api.listTraces({ limit: 50 })).traces;
    // An older run than the recent page: its session is its earliest span's, as the rollup says.
    const sessionId = recent.find((t) => t.traceId === a)?.genai?.sessionId ?? (a ? (await api.getTrace(a))?.spans.find((s) => s.genai?.sessionId)?.genai?.sessionId : null) ?? null;
    const session = sessionId ? ((await api.getSession(sessionId))?.traces ?? []) : [];
    return { session: session.filter((t) => t.traceId !== a), recent: recent.filter((t) => t.traceId !== a) };
  }, `${a}`);
  const choices = loaded.state === 'ready' ? loaded.data : { session: [], recent: [] };
  const label = (t: TraceSummary): string => `${t.rootName} · ${t.serviceName} · ${new Date(Number(BigInt(t.startTimeUnixNano) / 1_000_000n)).toLocaleString()} · ${t.traceId.slice(0, 8)}`;
  const pick = (which: 'a' | 'b', id: string): void => {
    window.location.hash = which === 'a' ? compareHref(id || null, b) : compareHref(a, id || null);
  };
  const options = (current: string | null) => (
    <>
      <option value="">{current ? current.slice(0, 8) : 'Choose a run…'}</option>
      {choices.session.length > 0 && (
        <optgroup label="Same session">
          {choices.session.map((t) => (
            <option key={`s${t.traceId}`} value={t.traceId}>
              {label(t)}
            </option>
          ))}
        </optgroup>
      )}
      <optgroup label="Recent traces">
        {choices.recent.map((t) => (
          <option key={`r${t.traceId}`} value={t.traceId}>
            {label(t)}
          </option>
        ))}
      </optgroup>
    </>
  );
  return (
    <div className="compare-picker">
      {!a && (
        <label>
          First run{' '}
          <select data-testid="compare-pick-a" value="" onChange={(e) => pick('a', e.target.value)}>
            {options(null)}
          </select>
        </label>
      )}
      <label>
        {b ? 'Compare with another' : 'Compare with…'}{' '}
        <select data-testid="compare-pick-b" value="" onChange={(e) => pick('b', e.target.value)}>
          {options(b)}
        </select>
      </label>
      {a && b && (
        <a className="bar-button" data-testid="compare-swap" href={compareHref(b, a)}>
          Swap
        </a>
      )}
    </div>
  );
}

function Comparison({ a, b }: { a: string; b: string }) {
  const loaded = useLoaded(() => api.compareTraces(a, b), `${a}/${b}`, [a, b]);
  if (loaded.state === 'loading') return <p className="muted">Comparing…</p>;
  if (loaded.state === 'error') return <p role="alert">Could not compare: {loaded.message}</p>;
  if (loaded.data === null) return <p role="alert">One of the two traces is not stored (deleted, or never received).</p>;
  const r = loaded.data;
  return (
    <>
      <RunHeaders result={r} />
      <Steps result={r} />
    </>
  );
}

function cost(c: number | null): string {
  return c === null ? 'no price' : formatUsd(c);
}

function RunHeaders({ result }: { result: CompareResult }) {
  const { a, b } = result.totals;
  const counts = result.steps.reduce((m, s) => m.set(s.status, (m.get(s.status) ?? 0) + 1), new Map<string, number>());
  const rows: Array<[string, (t: CompareRunTotals) => string, string]> = [
    ['Duration', (t) => formatDuration(t.durationMs), signed(b.durationMs - a.durationMs, formatDuration)],
    ['Tokens', (t) => formatTokens(t.tokens), signed(b.tokens - a.tokens, formatTokens)],
    ['Cost', (t) => cost(t.costUsd), a.costUsd === null || b.costUsd === null ? '—' : signed(b.costUsd - a.costUsd, formatUsd)],
    ['LLM calls', (t) => String(t.llmCalls), signed(b.llmCalls - a.llmCalls, String)],
    ['Tool calls', (t) => String(t.toolCalls), signed(b.toolCalls - a.toolCalls, String)],
    ['Errors', (t) => String(t.errors), signed(b.errors - a.errors, String)],
  ];
  const head = (t: CompareRunTotals, which: 'A' | 'B') => (
    <th scope="col" data-testid={`compare-run-${which.toLowerCase()}`}>
      <span className={`compare-badge is-${which.toLowerCase()}`}>{which}</span>{' '}
      <a href={formatRoute({ view: 'trace', traceId: t.traceId, spanId: null })}>{t.rootName || t.traceId}</a>
      <div className="muted mono">
        {t.serviceName} · {t.traceId.slice(0, 8)}
      </div>
    </th>
  );
  return (
    <>
      <table className="compare-totals" data-testid="compare-totals">
        <thead>
          <tr>
            <th />
            {head(a, 'A')}
            {head(b, 'B')}
            <th scope="col">B − A</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, value, d]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value(a)}</td>
              <td>{value(b)}</td>
              <td data-testid={`compare-delta-${name.toLowerCase().replace(' ', '-')}`}>{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="compare-counts" data-testid="compare-counts">
        {(['same', 'changed', 'added', 'removed'] as const).map((s) => `${counts.get(s) ?? 0} ${s}`).join(' · ')}
      </p>
    </>
  );
}

const STATUS_MARK: Record<CompareStep['status'], string> = { same: '=', changed: '~', added: '+', removed: '−' };

function Steps({ result }: { result: CompareResult }) {
  const { a, b } = result.totals;
  const [onlyDifferent, setOnlyDifferent] = useState(false);
  const steps = onlyDifferent ? result.steps.filter((s) => s.status !== 'same') : result.steps;
  return (
    <>
      <label className="compare-filter">
        <input type="checkbox" data-testid="compare-only-different" checked={onlyDifferent} onChange={(e) => setOnlyDifferent(e.target.checked)} /> Only differences
      </label>
      <ol className="compare-steps" data-testid="compare-steps">
        {steps.map((s, i) => (
          <li key={i} className={`compare-step is-${s.status}`} data-testid="compare-step" data-status={s.status} data-kind={s.kind}>
            <div className="compare-step-line" style={{ paddingLeft: `${s.depth * 16}px` }}>
              <span className="compare-mark" title={s.status} aria-label={s.status}>
                {STATUS_MARK[s.status]}
              </span>
              <span className={`compare-kind kind-${s.kind}`}>{s.kind}</span>
              <strong className="compare-name">{s.name}</strong>
              <span className="compare-sides">
                {s.a ? (
                  <a data-testid="compare-link-a" href={spanHref(a.traceId, s.a)} title={`A: ${s.a.spanName}`}>
                    A {formatDuration(s.a.durationMs)}
                  </a>
                ) : (
                  <span className="muted">A —</span>
                )}
                {s.b ? (
                  <a data-testid="compare-link-b" href={spanHref(b.traceId, s.b)} title={`B: ${s.b.spanName}`}>
                    B {formatDuration(s.b.durationMs)}
                  </a>
                ) : (
                  <span className="muted">B —</span>
                )}
                {s.delta.tokens !== 0 && <span className="muted">{signed(s.delta.tokens, formatTokens)} tokens</span>}
                {s.delta.costUsd !== 0 && <span className="muted">{signed(s.delta.costUsd, formatUsd)}</span>}
              </span>
            </div>
            {s.diffs && (
              <div className="compare-diffs" style={{ marginLeft: `${s.depth * 16 + 24}px` }}>
                {s.diffs.map((d) => (
                  <FieldDiff key={d.field} diff={d} />
                ))}
              </div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

const FIELD_LABELS: Record<CompareFieldDiff['field'], string> = { model: 'Model', input: 'Prompt', output: 'Output', arguments: 'Arguments', result: 'Result', status: 'Status' };

function FieldDiff({ diff }: { diff: CompareFieldDiff }) {
  return (
    <div className="compare-diff" data-testid="compare-diff" data-field={diff.field}>
      <div className="compare-diff-label">{FIELD_LABELS[diff.field]}</div>
      <pre className="compare-diff-text">
        {wordDiff(diff.a ?? '', diff.b ?? '').map((c, i) =>
          c.op === 'same' ? (
            <span key={i}>{c.text}</span>
          ) : c.op === 'del' ? (
            <del key={i} data-testid="diff-del">
              {c.text}
            </del>
          ) : (
            <ins key={i} data-testid="diff-ins">
              {c.text}
            </ins>
          ),
        )}
      </pre>
    </div>
  );
}

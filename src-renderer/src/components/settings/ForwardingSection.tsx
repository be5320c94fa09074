// The settings page's forwarding: the upstream OTLP endpoints everything received is also sent on
// to, how each is doing (refreshed every 2 s while the page is shown), and an edit of the list. An
// edit sends data off this machine, so it needs the OTLP token; header values stay in the engine
// and are never shown (docs/forwarding.md).
import { useEffect, useState } from 'react';
import type { ForwardCompression, ForwardEndpointStatus, ForwardEndpointView, ForwardingUpdate, ForwardingView } from '../../../../src-shared/forwarding';
import { SettingsError } from '../../../../src-shared/settings';
import { api, errorMessage } from '../../api';
import { formatBytes } from '../../lib/bytes';
import { formatDuration } from '../../lib/format';
import { formatWallClock } from '../../lib/time';

type Status = { kind: 'idle' | 'saving' | 'saved' | 'failed'; message?: string };

const REFRESH_MS = 2000;
const STATE_TEXT = { delivering: 'Delivering', idle: 'Up to date', retrying: 'Retrying' } as const;
const PROTOCOL_TEXT = { http: 'OTLP/HTTP', grpc: 'OTLP/gRPC' } as const;

/** `name: value` lines as headers; a line without a colon (or a name) is refused with its number. Blank lines are skipped. */
function parseHeaderLines(text: string): { headers: Record<string, string>; error: string | null } {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = line.indexOf(':');
    // The line is not quoted back: without its colon it may be the secret itself.
    if (at <= 0) return { headers, error: `line ${i + 1}: a header is name: value (this line has no name before a colon)` };
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { headers, error: null };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function EndpointStatus({ status, maxBacklogBytes }: { status: ForwardEndpointStatus | undefined; maxBacklogBytes: number }) {
  if (!status) return <p className="forwarding-line muted">Starting…</p>;
  const now = new Date();
  return (
    <>
      <p className="forwarding-line">
        <span className="forwarding-state" data-testid="forwarding-state" data-state={status.state}>
          {STATE_TEXT[status.state]}
        </span>
        <span data-testid="forwarding-lag">
          {status.lagRequests > 0
            ? `${plural(status.lagRequests, 'request')} waiting (${formatBytes(status.lagBytes)}), the oldest for ${formatDuration(status.lagMs)}`
            : 'nothing waiting'}
        </span>
        <span className="forwarding-sep" aria-hidden>
          ·
        </span>
        <span data-testid="forwarding-delivered">
          {plural(status.deliveredRequests, 'request')} delivered since start
          {status.lastDeliveredAt !== null && `, the last at ${formatWallClock(status.lastDeliveredAt, now)}`}
        </span>
        {status.refusedRequests > 0 && (
          <>
            <span className="forwarding-sep" aria-hidden>
              ·
            </span>
            <span className="forwarding-warn" data-testid="forwarding-refused" title="Refused by the upstream (a 4xx other than 401, 403 and 429): not sent again.">
              {plural(status.refusedRequests, 'request')} refused
            </span>
          </>
        )}
        {status.droppedRequests > 0 && (
          <>
            <span className="forwarding-sep" aria-hidden>
              ·
            </span>
            <span className="forwarding-warn" data-testid="forwarding-dropped" title={`Dropped when the backlog grew past ${formatBytes(maxBacklogBytes)}; still stored here.`}>
              {plural(status.droppedRequests, 'request')} dropped past the disk bound
            </span>
          </>
        )}
      </p>
      {status.lastError && (
        <p className="forwarding-line forwarding-last-error" data-testid="forwarding-error">
          Last error at {formatWallClock(status.lastError.at, now)}: {status.lastError.message}
        </p>
      )}
      {status.state === 'retrying' && status.nextAttemptAt !== null && (
        <p className="forwarding-line muted" data-testid="forwarding-next">
          Next attempt at {formatWallClock(status.nextAttemptAt, now)}
          {status.nextAttemptAt > now.getTime() && ` (in ${formatDuration(status.nextAttemptAt - now.getTime())})`}
        </p>
      )}
    </>
  );
}

function FieldError({ field, message }: { field: string; message: string }) {
  return (
    <p className="settings-error" role="alert" data-testid="forwarding-error-field" data-field={field}>
      {message}
    </p>
  );
}

export function ForwardingSection() {
  const [view, setView] = useState<ForwardingView | null>(null);
  // The list as edited: the saved one until a Remove; the 2 s refresh updates the status, not this.
  const [rows, setRows] = useState<ForwardEndpointView[]>([]);
  const [url, setUrl] = useState('');
  const [headers, setHeaders] = useState('');
  const [compression, setCompression] = useState<ForwardCompression>('gzip');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const show = (next: ForwardingView) => {
    setView(next);
    setRows(next.endpoints);
  };

  useEffect(() => {
    let live = true;
    api.getForwarding().then(
      (v) => live && show(v),
      (err: unknown) => live && setStatus({ kind: 'failed', message: `Could not read the forwarding endpoints: ${errorMessage(err)}` }),
    );
    // Only the status and the engine's facts are refreshed: what is being typed or removed stays.
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      api.getForwarding().then(
        (v) => live && setView(v),
        () => {}, // A missed refresh shows the last status; the next one tries again.
      );
    }, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  if (!view) {
    return (
      <fieldset data-testid="forwarding" aria-busy={status.kind !== 'failed'}>
        <legend>Forwarding</legend>
        <p className="muted">{status.message ?? 'Reading the forwarding endpoints…'}</p>
      </fieldset>
    );
  }

  const edited = () => setStatus({ kind: 'idle' });
  const save = async () => {
    const added = url.trim();
    const parsed = parseHeaderLines(headers);
    if (parsed.error) {
      setErrors({ headers: parsed.error });
      return setStatus({ kind: 'failed', message: 'Fix the headers; nothing was saved.' });
    }
    if (added === '' && Object.keys(parsed.headers).length > 0) {
      setErrors({ [`endpoints.${rows.length}.url`]: 'give the URL these headers are for' });
      return setStatus({ kind: 'failed', message: 'Fix the marked field; nothing was saved.' });
    }
    // Saved endpoints go without headers: the engine keeps the ones saved for the same URL.
    const update: ForwardingUpdate = {
      token,
      endpoints: [...rows.map((r) => ({ url: r.url, compression: r.compression })), ...(added ? [{ url: added, headers: parsed.headers, compression }] : [])],
    };
    setErrors({});
    setStatus({ kind: 'saving' });
    try {
      show(await api.updateForwarding(update));
      setUrl('');
      setHeaders('');
      setCompression('gzip');
      setToken('');
      setStatus({
        kind: 'saved',
        message: view.overridden
          ? 'Saved: the list applies to a run without --forward.'
          : update.endpoints.length === 0
            ? 'Saved: nothing is forwarded.'
            : 'Saved: what arrives from now on is forwarded to this list.',
      });
    } catch (err) {
      if (err instanceof SettingsError) {
        setErrors(err.fields);
        setStatus({ kind: 'failed', message: 'Fix the marked field; nothing was saved.' });
      } else setStatus({ kind: 'failed', message: errorMessage(err) });
    }
  };

  const statusOf = (u: string) => view.status.find((s) => s.url === u);
  const addedAt = rows.length;
  // Errors not about a row or the add form (the list as a whole) go with the Save button.
  const placed = new Set(['headers', ...rows.flatMap((_, i) => ['url', 'headers', 'compression'].map((f) => `endpoints.${i}.${f}`)), ...['url', 'headers', 'compression'].map((f) => `endpoints.${addedAt}.${f}`)]);
  const loose = Object.entries(errors).filter(([k]) => !placed.has(k));
  const rowErrors = (i: number) =>
    ['url', 'headers', 'compression'].flatMap((f) => {
      const message = errors[`endpoints.${i}.${f}`];
      return message ? [<FieldError key={f} field={`endpoints.${i}.${f}`} message={message} />] : [];
    });
  const removed = view.endpoints.filter((e) => !rows.some((r) => r.url === e.url));

  return (
    <form
      className="forwarding-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset data-testid="forwarding">
        <legend>Forwarding</legend>
        <p className="settings-hint">
          Everything Flowtrace receives is also sent on to your team’s backend (an OpenTelemetry Collector, Jaeger, Tempo…). It is queued on disk
          and sent in order, so nothing is lost while the backend is down or across restarts. Header values (API keys) are kept on this machine
          and never shown.
        </p>
        {view.overridden && (
          <p className="settings-restart" data-testid="forwarding-overridden">
            This run was started with serve --forward: those endpoints win over the saved list until a run without it.
          </p>
        )}
        {rows.length === 0 ? (
          <p className="muted" data-testid="forwarding-empty">
            Nothing is forwarded: what arrives stays on this machine.
          </p>
        ) : (
          <ul className="forwarding-endpoints">
            {rows.map((row, i) => (
              <li key={row.url} data-testid="forwarding-endpoint" data-url={row.url}>
                <div className="forwarding-head">
                  <code className="forwarding-url">{row.url}</code>
                  <span className="forwarding-tag">{PROTOCOL_TEXT[row.protocol]}</span>
                  {row.compression === 'gzip' && <span className="forwarding-tag">gzip</span>}
                  <button
                    type="button"
                    className="link"
                    data-testid="forwarding-remove"
                    onClick={() => {
                      setRows(rows.filter((r) => r.url !== row.url));
                      setErrors({});
                      edited();
                    }}
                  >
                    Remove
                  </button>
                </div>
                <p className="forwarding-header-names muted" data-testid="forwarding-headers-names">
                  {row.headerNames.length === 0 ? (
                    'No headers'
                  ) : (
                    <>
                      Headers:{' '}
                      {row.headerNames.map((h, n) => (
                        <span key={h}>
                          {n > 0 && ', '}
                          <code>{h}</code>
                        </span>
                      ))}{' '}
                      (values not shown)
                    </>
                  )}
                </p>
                <EndpointStatus status={statusOf(row.url)} maxBacklogBytes={view.maxBacklogBytes} />
                {rowErrors(i)}
              </li>
            ))}
          </ul>
        )}
        {removed.length > 0 && (
          <p className="settings-restart" data-testid="forwarding-unsaved">
            {removed.map((e) => e.url).join(', ')} will stop being forwarded to when you save; what it has not been sent yet is let go.
          </p>
        )}
        <div className="forwarding-add">
          <span className="forwarding-add-title">Add an endpoint</span>
          <label className="forwarding-add-url">
            <span>URL</span>
            <input
              type="text"
              data-testid="forwarding-url"
              spellCheck={false}
              placeholder="http://collector:4318 or grpc://collector:4317"
              value={url}
              aria-invalid={errors[`endpoints.${addedAt}.url`] !== undefined}
              onChange={(e) => {
                setUrl(e.target.value);
                edited();
              }}
            />
          </label>
          <label>
            <span>Compression</span>
            <select data-testid="forwarding-compression" value={compression} onChange={(e) => setCompression(e.target.value as ForwardCompression)}>
              <option value="gzip">gzip</option>
              <option value="none">none</option>
            </select>
          </label>
          <label className="forwarding-add-headers">
            <span>Headers</span>
            <textarea
              data-testid="forwarding-headers"
              spellCheck={false}
              rows={2}
              placeholder={'authorization: Bearer …\nx-api-key: …'}
              value={headers}
              aria-invalid={errors.headers !== undefined || errors[`endpoints.${addedAt}.headers`] !== undefined}
              onChange={(e) => {
                setHeaders(e.target.value);
                edited();
              }}
            />
          </label>
          {errors.headers && <FieldError field="headers" message={errors.headers} />}
          {rowErrors(addedAt)}
          <p className="settings-hint">One header a line, name: value. http(s):// is OTLP/HTTP (/v1/traces and the like are added); grpc:// and grpcs:// are OTLP/gRPC.</p>
        </div>
        <div className="forwarding-token">
          <label>
            <span>OTLP token</span>
            <input
              type="password"
              autoComplete="off"
              data-testid="forwarding-token"
              placeholder={view.tokenSet ? 'The OTLP token' : 'Save a token first'}
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                edited();
              }}
            />
          </label>
          <p className="settings-hint">
            Forwarding sends your data off this machine, so changing the endpoints needs the OTLP token (Settings → OTLP receivers, or
            --otlp-token).
            {!view.tokenSet && (
              <span className="forwarding-warn" data-testid="forwarding-no-token">
                {' '}
                No token is saved: save one above first.
              </span>
            )}
          </p>
        </div>
        {loose.map(([field, message]) => (
          <FieldError key={field} field={field} message={message} />
        ))}
        <div className="settings-actions">
          <button type="submit" className="primary" data-testid="forwarding-save" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? 'Saving…' : 'Save endpoints'}
          </button>
          {status.message && (
            <p className={`settings-status is-${status.kind}`} role="status" data-testid="forwarding-status">
              {status.message}
            </p>
          )}
        </div>
      </fieldset>
    </form>
  );
}

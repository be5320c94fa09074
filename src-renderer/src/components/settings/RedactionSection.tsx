// The settings page's redaction: what each built-in detector does, and the rules file as text. A
// save applies to the next request received; a bad line is refused with its number and the rules
// in force stay (docs/redaction.md).
import { useEffect, useState } from 'react';
import type { RedactionView } from '../../../../src-shared/redaction';
import { SettingsError } from '../../../../src-shared/settings';
import { api, errorMessage } from '../../api';

type Status = { kind: 'idle' | 'saving' | 'saved' | 'failed'; message?: string };

const ACTION_TEXT = { mask: 'masked', hash: 'hashed', drop: 'dropped', off: 'off' } as const;

export function RedactionSection() {
  const [view, setView] = useState<RedactionView | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const show = (next: RedactionView) => {
    setView(next);
    setText(next.rules);
    setError(null);
  };

  useEffect(() => {
    let live = true;
    api.getRedaction().then(
      (v) => live && show(v),
      (err: unknown) => live && setStatus({ kind: 'failed', message: `Could not read the redaction rules: ${errorMessage(err)}` }),
    );
    return () => {
      live = false;
    };
  }, []);

  if (!view) {
    return (
      <fieldset data-testid="redaction" aria-busy={status.kind !== 'failed'}>
        <legend>Redaction</legend>
        <p className="muted">{status.message ?? 'Reading the rules…'}</p>
      </fieldset>
    );
  }

  const save = async () => {
    setStatus({ kind: 'saving' });
    try {
      show(await api.updateRedaction(text));
      setStatus({ kind: 'saved', message: 'Saved: requests received from now on are redacted with these rules.' });
    } catch (err) {
      if (err instanceof SettingsError && err.fields.rules) {
        setError(err.fields.rules);
        setStatus({ kind: 'failed', message: 'Fix the line; nothing was saved and the rules in force stay.' });
      } else setStatus({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <form
      className="redaction-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset data-testid="redaction">
        <legend>Redaction</legend>
        <p className="settings-hint">
          Secrets are taken out of what agents send before anything is written: the stored spans, logs and metrics, the search index and the
          memory never hold them. Each span says how many values were redacted and by which rules (flowtrace.redacted.count, .rules).
        </p>
        {view.offForThisRun && (
          <p className="settings-restart" data-testid="redaction-off">
            This run was started with --no-redaction: what arrives is stored as it came. Your rules apply to a run without it.
          </p>
        )}
        <table className="redaction-detectors" data-testid="redaction-detectors">
          <thead>
            <tr>
              <th>Detector</th>
              <th>Finds</th>
              <th>Now</th>
            </tr>
          </thead>
          <tbody>
            {view.detectors.map((d) => (
              <tr key={d.id} data-testid="redaction-detector" data-action={d.action}>
                <td>
                  <code>{d.id}</code>
                </td>
                <td>{d.label}</td>
                <td>{ACTION_TEXT[d.action]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <label className="redaction-rules">
          <span>Rules (one a line: secrets, pii, detector, value, key)</span>
          <textarea
            data-testid="redaction-rules"
            spellCheck={false}
            rows={8}
            value={text}
            aria-invalid={error !== null}
            onChange={(e) => {
              setText(e.target.value);
              setStatus({ kind: 'idle' });
            }}
          />
        </label>
        {error && (
          <p className="settings-error" role="alert" data-testid="redaction-error">
            {error}
          </p>
        )}
        <div className="settings-actions">
          <button type="submit" className="primary" data-testid="redaction-save" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? 'Saving…' : 'Save rules'}
          </button>
          {status.message && (
            <p className={`settings-status is-${status.kind}`} role="status" data-testid="redaction-status">
              {status.message}
            </p>
          )}
        </div>
      </fieldset>
    </form>
  );
}

// The settings page (#/settings): receivers, storage, memory, costs, appearance and the desktop
// app's own. Saves only what changed; the engine checks every field and the page puts each message
// beside its field. Each field says whether it applies at once or after a restart, and when a
// flag of this run overrides it.
import { useEffect, useState, type ReactNode } from 'react';
import { LIVE_SETTINGS, SettingsError, type SettingKey, type SettingsView as View } from '../../../../src-shared/settings';
import { api, errorMessage } from '../../api';
import { formOf, patchOf, type SettingsForm } from '../../lib/settings-form';
import { applyTheme } from '../../lib/theme';
import { loadInfo } from '../../state/loaders';
import { ForwardingSection } from './ForwardingSection';
import { PricesSection } from './PricesSection';
import { RedactionSection } from './RedactionSection';
import './settings.css';

type FieldKey = SettingKey | 'otlpToken';

function Field({ name, label, view, error, children, hint }: { name: FieldKey; label: string; view: View; error?: string; children: ReactNode; hint?: ReactNode }) {
  const restart = view.restartNeeded.includes(name);
  const overridden = view.overridden.includes(name);
  return (
    <div className="settings-field" data-testid={`setting-${name}`} data-error={error ? 'true' : undefined}>
      <label className="settings-label">
        <span>{label}</span>
        {children}
      </label>
      <span className="settings-when">{LIVE_SETTINGS.has(name) ? 'applies at once' : 'applies after a restart'}</span>
      {hint && <p className="settings-hint">{hint}</p>}
      {restart && (
        <p className="settings-restart" data-testid={`setting-${name}-restart`}>
          Saved; restart Flowtrace for it to take effect.
        </p>
      )}
      {overridden && <p className="settings-hint">A command-line flag or environment variable sets this for the current run.</p>}
      {error && (
        <p className="settings-error" role="alert" data-testid={`setting-${name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SettingsView() {
  const [view, setView] = useState<View | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'failed'; message?: string }>({ kind: 'idle' });

  useEffect(() => {
    let live = true;
    api.getSettings().then(
      (v) => {
        if (!live) return;
        setView(v);
        setForm(formOf(v.settings));
      },
      (err: unknown) => live && setStatus({ kind: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, []);

  if (!view || !form) {
    return (
      <section className="settings-page" data-testid="settings-page" aria-busy={status.kind !== 'failed'}>
        <h1>Settings</h1>
        <p className="muted">{status.kind === 'failed' ? `Could not read the settings: ${status.message}` : 'Reading the settings…'}</p>
      </section>
    );
  }

  const set = (patch: Partial<SettingsForm>) => {
    setForm({ ...form, ...patch });
    setStatus({ kind: 'idle' });
  };
  const save = async () => {
    const { patch, errors: local } = patchOf(view.settings, form);
    setErrors(local);
    if (Object.keys(local).length > 0) return setStatus({ kind: 'failed', message: 'Fix the marked fields; nothing was saved.' });
    if (Object.keys(patch).length === 0) return setStatus({ kind: 'saved', message: 'Nothing changed.' });
    setStatus({ kind: 'saving' });
    try {
      const next = await api.updateSettings(patch);
      setView(next);
      setForm(formOf(next.settings));
      setErrors({});
      if (patch.theme) applyTheme(patch.theme);
      const waiting = next.restartNeeded.length > 0 ? ` ${next.restartNeeded.length} change(s) take effect after a restart.` : '';
      setStatus({ kind: 'saved', message: `Saved.${waiting}` });
      if (patch.otlpHttpPort !== undefined || patch.otlpGrpcPort !== undefined) await loadInfo();
    } catch (err) {
      if (err instanceof SettingsError) {
        setErrors(err.fields);
        setStatus({ kind: 'failed', message: 'Fix the marked fields; nothing was saved.' });
      } else setStatus({ kind: 'failed', message: errorMessage(err) });
    }
  };
  const f = (name: FieldKey) => ({ name, view, error: errors[name] });
  // Text, not type=number: what the user typed stays as typed, and a typo gets our message, not the browser's.
  const number = (key: 'otlpHttpPort' | 'otlpGrpcPort' | 'retentionDays' | 'retentionGb' | 'dailyBudgetUsd', whole = false) => (
    <input type="text" inputMode={whole ? 'numeric' : 'decimal'} className="settings-number" data-testid={`input-${key}`} value={form[key]} onChange={(e) => set({ [key]: e.target.value })} />
  );

  return (
    <section className="settings-page" data-testid="settings-page">
      <h1>Settings</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset>
          <legend>OTLP receivers</legend>
          <Field {...f('otlpHttpPort')} label="OTLP/HTTP port">{number('otlpHttpPort', true)}</Field>
          <Field {...f('otlpGrpcPort')} label="OTLP/gRPC port">{number('otlpGrpcPort', true)}</Field>
          <Field {...f('otlpHost')} label="Listen address" hint="127.0.0.1 keeps them on this machine; any other address needs a token.">
            <input type="text" data-testid="input-otlpHost" value={form.otlpHost} onChange={(e) => set({ otlpHost: e.target.value })} />
          </Field>
          <Field {...f('otlpToken')} label="Bearer token" hint={view.otlpTokenSet ? 'A token is saved (it is never shown).' : 'No token saved.'}>
            <input
              type="password"
              autoComplete="new-password"
              data-testid="input-otlpToken"
              placeholder={view.otlpTokenSet ? 'Type to replace it' : 'At least 16 characters'}
              value={form.otlpToken}
              disabled={form.removeToken}
              onChange={(e) => set({ otlpToken: e.target.value })}
            />
            {view.otlpTokenSet && (
              <span className="settings-inline">
                <input type="checkbox" data-testid="input-removeToken" checked={form.removeToken} onChange={(e) => set({ removeToken: e.target.checked })} /> remove it
              </span>
            )}
          </Field>
        </fieldset>
        <fieldset>
          <legend>Storage</legend>
          <Field {...f('retentionDays')} label="Keep data for (days)">{number('retentionDays')}</Field>
          <Field {...f('retentionGb')} label="Keep at most (GB)">{number('retentionGb')}</Field>
          <Field {...f('durability')} label="Durability" hint="Full also survives a power loss, at some cost to ingest.">
            <select data-testid="input-durability" value={form.durability} onChange={(e) => set({ durability: e.target.value as SettingsForm['durability'] })}>
              <option value="normal">Normal: survives a crash of Flowtrace</option>
              <option value="full">Full: survives a power loss too</option>
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Memory (search by meaning)</legend>
          <Field {...f('embedder')} label="Embedder">
            <select data-testid="input-embedderKind" value={form.embedderKind} onChange={(e) => set({ embedderKind: e.target.value as SettingsForm['embedderKind'] })}>
              <option value="local">The shipped local model (offline)</option>
              <option value="openai">An OpenAI-compatible server</option>
              <option value="off">Off</option>
            </select>
            {form.embedderKind === 'openai' && (
              <>
                <input type="url" data-testid="input-embedderUrl" placeholder="http://127.0.0.1:11434" value={form.embedderUrl} onChange={(e) => set({ embedderUrl: e.target.value })} />
                <input type="text" data-testid="input-embedderModel" placeholder="nomic-embed-text" value={form.embedderModel} onChange={(e) => set({ embedderModel: e.target.value })} />
              </>
            )}
          </Field>
        </fieldset>
        <fieldset>
          <legend>Costs and appearance</legend>
          <Field {...f('dailyBudgetUsd')} label="Daily budget (USD)" hint="Blank: no budget.">{number('dailyBudgetUsd')}</Field>
          <Field {...f('theme')} label="Theme">
            <select data-testid="input-theme" value={form.theme} onChange={(e) => set({ theme: e.target.value as SettingsForm['theme'] })}>
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Desktop app</legend>
          <Field {...f('launchAtLogin')} label="Launch at login">
            <input type="checkbox" data-testid="input-launchAtLogin" checked={form.launchAtLogin} onChange={(e) => set({ launchAtLogin: e.target.checked })} />
          </Field>
          <Field {...f('notifications')} label="Notifications">
            <span className="settings-checks">
            {(
              [
                ['errorBurst', 'a burst of agent errors'],
                ['budget', 'the day’s cost crossing the budget'],
                ['storage', 'storage nearly full'],
                ['quarantine', 'a damaged store moved aside'],
              ] as const
            ).map(([key, text]) => (
              <span className="settings-inline" key={key}>
                <input
                  type="checkbox"
                  data-testid={`input-notify-${key}`}
                  checked={form.notifications[key]}
                  onChange={(e) => set({ notifications: { ...form.notifications, [key]: e.target.checked } })}
                />{' '}
                {text}
              </span>
            ))}
            </span>
          </Field>
        </fieldset>
        <div className="settings-actions">
          <button type="submit" className="primary" data-testid="settings-save" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" data-testid="settings-revert" onClick={() => (setForm(formOf(view.settings)), setErrors({}), setStatus({ kind: 'idle' }))}>
            Revert
          </button>
          {status.message && (
            <p className={`settings-status is-${status.kind}`} role="status" data-testid="settings-status">
              {status.message}
            </p>
          )}
        </div>
      </form>
      <PricesSection />
      <RedactionSection />
      <ForwardingSection />
    </section>
  );
}

// The settings page's model prices: your list beside the shipped table, edited row by row, filled
// from a file, or dropped. Costs are worked out as spans are stored, so a saved change prices spans
// stored after the next start, and the section says so until then.
import { useEffect, useRef, useState } from 'react';
import type { PricesView } from '../../../../src-shared/prices';
import { SettingsError } from '../../../../src-shared/settings';
import { api, errorMessage } from '../../api';
import { blankRow, listOfRows, mergeImported, pricesOfFile, rowKey, rowsOf, type PriceRow } from '../../lib/prices-form';

type Status = { kind: 'idle' | 'saving' | 'saved' | 'failed'; message?: string };

/** The head of both price tables: yours (with a Remove column) and the shipped one. */
function PriceColumns({ removable = false }: { removable?: boolean }) {
  return (
    <thead>
      <tr>
        <th>Model</th>
        <th>Input</th>
        <th>Output</th>
        <th>Cached input</th>
        {removable && <th aria-label="Remove" />}
      </tr>
    </thead>
  );
}

export function PricesSection() {
  const [view, setView] = useState<PricesView | null>(null);
  const [rows, setRows] = useState<PriceRow[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [confirmReset, setConfirmReset] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const show = (next: PricesView) => {
    setView(next);
    setRows(rowsOf(next.yours));
    setErrors({});
  };

  useEffect(() => {
    let live = true;
    api.getPrices().then(
      (v) => live && show(v),
      (err: unknown) => live && setStatus({ kind: 'failed', message: `Could not read the prices: ${errorMessage(err)}` }),
    );
    return () => {
      live = false;
    };
  }, []);

  if (!view) {
    return (
      <fieldset data-testid="prices" aria-busy={status.kind !== 'failed'}>
        <legend>Model prices</legend>
        <p className="muted">{status.message ?? 'Reading the prices…'}</p>
      </fieldset>
    );
  }

  const edit = (id: number, patch: Partial<PriceRow>) => {
    setRows(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
    setStatus({ kind: 'idle' });
  };
  const refused = (err: unknown) => {
    if (err instanceof SettingsError) {
      setErrors(err.fields);
      setStatus({ kind: 'failed', message: 'Fix the marked prices; nothing was saved.' });
    } else setStatus({ kind: 'failed', message: errorMessage(err) });
  };
  const saved = (next: PricesView, what: string) => {
    show(next);
    setStatus({ kind: 'saved', message: next.restartNeeded ? `${what} They price spans stored after a restart.` : what });
  };
  const save = async () => {
    const { list, errors: local } = listOfRows(rows);
    setErrors(local);
    if (Object.keys(local).length > 0) return setStatus({ kind: 'failed', message: 'Fix the marked prices; nothing was saved.' });
    setStatus({ kind: 'saving' });
    try {
      saved(await api.updatePrices(list), 'Saved.');
    } catch (err) {
      refused(err);
    }
  };
  const reset = async () => {
    setConfirmReset(false);
    setStatus({ kind: 'saving' });
    try {
      saved(await api.resetPrices(), 'Your prices are dropped; the shipped table prices every model.');
    } catch (err) {
      refused(err);
    }
  };
  const importFile = async (file: File) => {
    try {
      const merged = mergeImported(rows, pricesOfFile(file.name, await file.text()));
      setRows(merged.rows);
      setErrors({});
      setStatus({ kind: 'idle', message: `Read ${merged.added + merged.replaced} price(s) from ${file.name} (${merged.added} new, ${merged.replaced} replaced); save to keep them.` });
    } catch (err) {
      setStatus({ kind: 'failed', message: errorMessage(err) });
    }
  };
  const shippedModels = Object.keys(view.shipped.models).sort((a, b) => a.localeCompare(b));
  const number = (row: PriceRow, key: 'input' | 'output' | 'cacheRead', label: string) => (
    <input
      type="text"
      inputMode="decimal"
      className="settings-number"
      aria-label={`${label} for ${row.model || 'the new model'}`}
      data-testid={`price-${key}`}
      value={row[key]}
      placeholder={key === 'cacheRead' ? 'as input' : ''}
      onChange={(e) => edit(row.id, { [key]: e.target.value })}
    />
  );

  return (
    <form
      className="prices-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset data-testid="prices">
        <legend>Model prices</legend>
        <p className="settings-hint">
          USD per million tokens. Yours win over the shipped table ({shippedModels.length} models, read {view.shipped.date}). A model is matched
          without its provider prefix and date suffix. Costs are worked out as spans are stored: a change prices spans stored after the next
          start.
        </p>
        {view.overridden && (
          <p className="settings-hint" data-testid="prices-overridden">
            A --prices flag sets the prices of this run; what you save here applies to a run without it.
          </p>
        )}
        {view.restartNeeded && (
          <p className="settings-restart" data-testid="prices-restart">
            Saved; restart Flowtrace for these prices to take effect.
          </p>
        )}
        <datalist id="shipped-models">
          {shippedModels.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        {rows.length === 0 ? (
          <p className="muted" data-testid="prices-empty">
            No prices of your own: the shipped table prices every model it knows.
          </p>
        ) : (
          <table className="prices-table">
            <PriceColumns removable />
            <tbody>
              {rows.map((row) => {
                const error = errors[rowKey(row)];
                return (
                  <tr key={row.id} data-testid="price-row" data-error={error ? 'true' : undefined}>
                    <td>
                      <input type="text" list="shipped-models" aria-label="Model name" data-testid="price-model" value={row.model} onChange={(e) => edit(row.id, { model: e.target.value })} />
                      {error && (
                        <p className="settings-error" role="alert" data-testid="price-error">
                          {error}
                        </p>
                      )}
                    </td>
                    <td>{number(row, 'input', 'Input price')}</td>
                    <td>{number(row, 'output', 'Output price')}</td>
                    <td>{number(row, 'cacheRead', 'Cached input price')}</td>
                    <td>
                      <button type="button" className="link" data-testid="price-remove" onClick={() => setRows(rows.filter((r) => r.id !== row.id))}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <div className="settings-actions">
          <button type="button" data-testid="price-add" onClick={() => setRows([...rows, blankRow()])}>
            Add a model
          </button>
          <button type="button" data-testid="prices-import" onClick={() => fileInput.current?.click()}>
            Import a file…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="prices-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
          <button type="submit" className="primary" data-testid="prices-save" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? 'Saving…' : 'Save prices'}
          </button>
          {Object.keys(view.yours).length > 0 &&
            (confirmReset ? (
              <span className="settings-inline" data-testid="prices-reset-confirm">
                Drop your {Object.keys(view.yours).length} price(s)?
                <button type="button" className="danger" data-testid="prices-reset-yes" onClick={() => void reset()}>
                  Drop them
                </button>
                <button type="button" onClick={() => setConfirmReset(false)}>
                  Keep them
                </button>
              </span>
            ) : (
              <button type="button" data-testid="prices-reset" onClick={() => setConfirmReset(true)}>
                Reset to the shipped prices
              </button>
            ))}
          {status.message && (
            <p className={`settings-status is-${status.kind}`} role="status" data-testid="prices-status">
              {status.message}
            </p>
          )}
        </div>
        <details className="prices-shipped">
          <summary>The shipped prices</summary>
          <p className="settings-hint">{view.shipped.source}</p>
          <table className="prices-table" data-testid="prices-shipped">
            <PriceColumns />
            <tbody>
              {shippedModels.map((m) => {
                const p = view.shipped.models[m]!;
                return (
                  <tr key={m}>
                    <td>{m}</td>
                    <td>{p.input}</td>
                    <td>{p.output}</td>
                    <td>{p.cacheRead ?? 'as input'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      </fieldset>
    </form>
  );
}

// Writes one item to a collection: its text and optional metadata (a JSON object), both checked
// before sending (lib/memory/input.ts) with a message that says what to change. Without a collection
// (the page's overview) it asks for the collection's name too: writing to a new name creates it.
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '../../api';
import { checkCollectionName, checkItemText, parseMetadata } from '../../lib/memory/input';
import { rememberItem } from '../../state/memory';
import { navigate } from '../../state/ui-store';

/**
 * `folded`: behind an "Add an item" disclosure (a collection's page, where recall and the items come
 * first), open at first when `startOpen` (an empty collection: adding is all there is to do).
 */
export function AddItemForm({ collection, folded = false, startOpen = false }: { collection: string | null; folded?: boolean; startOpen?: boolean }) {
  const id = useId();
  const [open, setOpen] = useState(!folded || startOpen);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [metadata, setMetadata] = useState('');
  const [error, setError] = useState<{ field: 'name' | 'text' | 'metadata' | 'send'; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setDone(null);
    const target = collection === null ? checkCollectionName(name) : { ok: true as const, value: collection };
    if (!target.ok) return setError({ field: 'name', message: target.message });
    const body = checkItemText(text);
    if (!body.ok) return setError({ field: 'text', message: body.message });
    const meta = parseMetadata(metadata);
    if (!meta.ok) return setError({ field: 'metadata', message: meta.message });
    setError(null);
    setBusy(true);
    try {
      await rememberItem(target.value, meta.value === undefined ? { text: body.value } : { text: body.value, metadata: meta.value });
      setText('');
      setMetadata('');
      setDone(`Remembered in ${target.value}.`);
      if (collection === null) navigate({ view: 'memory', collection: target.value });
    } catch (err) {
      setError({ field: 'send', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  // Ctrl/⌘+Enter in the text areas sends, as in most editors; plain Enter is a new line.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
  };
  const invalid = (field: 'name' | 'text' | 'metadata') => (error?.field === field ? true : undefined);
  const errorId = `${id}-error`;

  const heading = `Add an item${collection ? ` to ${collection}` : ''}`;
  const form = (
    <form className="memory-form" aria-label={heading} data-testid="memory-add-form" onSubmit={(e) => void submit(e)} noValidate>
      {!folded && <h3>{heading}</h3>}
      {collection === null && (
        <label className="memory-field">
          <span className="filter-label">Collection</span>
          <input
            className="filter-input"
            data-testid="memory-add-collection"
            placeholder="notes"
            value={name}
            aria-invalid={invalid('name')}
            aria-describedby={invalid('name') && errorId}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
      )}
      <label className="memory-field">
        <span className="filter-label">Text</span>
        <textarea
          className="filter-input memory-textarea"
          data-testid="memory-add-text"
          rows={3}
          placeholder="What to remember, in plain words"
          value={text}
          aria-invalid={invalid('text')}
          aria-describedby={invalid('text') && errorId}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
      </label>
      <label className="memory-field">
        <span className="filter-label">Metadata (optional JSON object)</span>
        <textarea
          className="filter-input memory-textarea mono"
          data-testid="memory-add-metadata"
          rows={2}
          placeholder='{"source": "notes"}'
          value={metadata}
          spellCheck={false}
          aria-invalid={invalid('metadata')}
          aria-describedby={invalid('metadata') && errorId}
          onChange={(e) => setMetadata(e.target.value)}
          onKeyDown={onKeyDown}
        />
      </label>
      {error && (
        <p className="memory-error" role="alert" id={errorId} data-testid="memory-add-error">
          {error.field === 'send' ? `Could not remember it: ${error.message}` : error.message}
        </p>
      )}
      <div className="memory-form-actions">
        <button type="submit" className="bar-button primary" data-testid="memory-add-submit" disabled={busy}>
          {busy ? 'Remembering…' : 'Remember'}
        </button>
        {done && (
          <span className="muted" role="status" data-testid="memory-add-done">
            {done}
          </span>
        )}
      </div>
    </form>
  );
  if (!folded) return form;
  return (
    <details className="memory-add-fold" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="memory-add-toggle">{heading}</summary>
      {form}
    </details>
  );
}

// One remembered item: its text (long ones folded), metadata, when it was written, the recall score
// when it was recalled, and Delete behind an in-page confirmation (a native confirm() would block
// the page and cannot be styled or tested).
import { useEffect, useRef, useState } from 'react';
import type { MemoryItem } from '../../../../src-shared/contract';
import { errorMessage } from '../../api';
import { formatMetadata, formatScore } from '../../lib/memory/format';
import { formatWallClock } from '../../lib/time';
import { forgetItem } from '../../state/memory';

/** Longer texts show this many characters until "Show all". */
const FOLD_CHARS = 600;

export function ItemCard({ item, score, testId }: { item: MemoryItem; score?: number; testId: string }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    // Focus follows the question and returns to Delete when it is withdrawn.
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) deleteRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const long = item.text.length > FOLD_CHARS;
  const text = long && !open ? `${item.text.slice(0, FOLD_CHARS)}…` : item.text;
  const meta = formatMetadata(item.metadata);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await forgetItem(item.collection, item.id);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <li className="memory-item" data-testid={testId} data-item-id={item.id}>
      <div className="memory-item-head">
        {score !== undefined && (
          <span className="memory-score" data-testid="recall-score" title="Cosine similarity to the query (-1 to 1)">
            {formatScore(score)}
          </span>
        )}
        <span className="memory-item-time" title={new Date(item.createdAt).toISOString()}>
          {formatWallClock(item.createdAt)}
        </span>
        <code className="memory-item-id" title="Item id">
          {item.id}
        </code>
        {!confirming && (
          <button type="button" ref={deleteRef} className="bar-button memory-delete" data-testid="memory-item-delete" aria-label="Delete this item" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <div className="memory-confirm" role="alertdialog" aria-label="Delete this item?" data-testid="memory-delete-confirm">
          <span>Delete this item? Recall will no longer find it.</span>
          <button type="button" className="bar-button danger" data-testid="memory-item-delete-confirm" disabled={busy} onClick={() => void remove()}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
          <button type="button" ref={cancelRef} className="bar-button" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="memory-error" role="alert">
          Could not delete: {error}
        </p>
      )}
      <p className="memory-item-text" data-testid="memory-item-text">
        {text}
      </p>
      {long && (
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show all ${item.text.length.toLocaleString('en-US')} characters`}
        </button>
      )}
      {meta && (
        <p className="memory-item-meta" title={JSON.stringify(item.metadata, null, 2)}>
          {meta}
        </p>
      )}
    </li>
  );
}

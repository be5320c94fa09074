// "Clear data…" in the header: every trace, log record, metric point and session, behind a
// confirmation that says how much that is. Memory collections agents wrote are kept (they are not
// telemetry), and the dialog says so. What was deleted shows beside the button for a few seconds.
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api';
import { deletedSummary, plural } from '../../lib/clear-data';
import { clearAllData } from '../../state/clear-data';
import { useDataStore } from '../../state/data-store';
import { ConfirmDialog } from './ConfirmDialog';

/** How long "Deleted N traces…" stays beside the button. */
const DONE_MS = 6000;

export function ClearAllDataButton() {
  const counts = useDataStore((s) => s.counts);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (done === null) return;
    const timer = setTimeout(() => setDone(null), DONE_MS);
    return () => clearTimeout(timer);
  }, [done]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(deletedSummary(await clearAllData()));
      setOpen(false);
    } catch (err) {
      setError(`Could not clear the data: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const what = counts ? `${plural(counts.traces, 'trace')} (${plural(counts.spans, 'span')})` : 'Every trace';
  return (
    <>
      <span className="clear-all-status" role="status" data-testid="clear-all-status">
        {done ?? ''}
      </span>
      <button type="button" className="bar-button header-clear" data-testid="clear-all-data" title="Delete every trace, log record, metric point and session" onClick={() => setOpen(true)}>
        Clear data…
      </button>
      <ConfirmDialog
        open={open}
        title="Clear all data?"
        confirmLabel="Delete everything"
        busyLabel="Deleting…"
        busy={busy}
        error={error}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
        testId="clear-all-dialog"
      >
        <p>
          {what}, every log record, metric point and session, and what the memory remembered of them are deleted from this Flowtrace. This cannot be undone;{' '}
          <code>flowtrace backup FILE</code> keeps a copy first.
        </p>
        <p className="muted">Memory collections that agents wrote are kept.</p>
      </ConfirmDialog>
    </>
  );
}

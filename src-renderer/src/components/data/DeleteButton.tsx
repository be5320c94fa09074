// "Delete" behind a confirmation, for one trace (trace view) or one session (session view). The
// question names what goes with it; the answer's counts are not shown here, since the page that
// showed the data is left at once (state/clear-data.ts).
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../api';
import { deleteSession, deleteTrace } from '../../state/clear-data';
import { plural } from '../../lib/clear-data';
import { ConfirmDialog } from './ConfirmDialog';

function DeleteButton({ what, question, details, run, testId }: { what: string; question: string; details: ReactNode; run: () => Promise<unknown>; testId: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await run();
      setOpen(false);
    } catch (err) {
      setError(`Could not delete: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="bar-button danger-quiet" data-testid={testId} title={`Delete this ${what} from Flowtrace`} onClick={() => setOpen(true)}>
        Delete
      </button>
      <ConfirmDialog
        open={open}
        title={question}
        confirmLabel={`Delete ${what}`}
        busyLabel="Deleting…"
        busy={busy}
        error={error}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
        testId={`${testId}-dialog`}
      >
        {details}
      </ConfirmDialog>
    </>
  );
}

export function DeleteTraceButton({ traceId, spanCount }: { traceId: string; spanCount: number | null }) {
  return (
    <DeleteButton
      what="trace"
      question="Delete this trace?"
      testId="delete-trace"
      run={() => deleteTrace(traceId)}
      details={
        <p>
          {spanCount === null ? 'Its spans' : `Its ${plural(spanCount, 'span')}`}, the log records logged in it and
          what the memory remembered of it are deleted from this Flowtrace (<code>{traceId}</code>). This cannot be undone; export it first to keep a copy.
        </p>
      }
    />
  );
}

export function DeleteSessionButton({ sessionId, traceCount }: { sessionId: string; traceCount: number }) {
  return (
    <DeleteButton
      what="session"
      question="Delete this session?"
      testId="delete-session"
      run={() => deleteSession(sessionId)}
      details={
        <p>
          Its {plural(traceCount, 'trace')}, its log records and metric points, and what the memory remembered of
          them are deleted from this Flowtrace (<code>{sessionId}</code>). This cannot be undone.
        </p>
      }
    />
  );
}

// A modal question before something that cannot be undone. The native <dialog> (showModal) keeps
// focus inside, makes the page behind inert and closes on Escape; Cancel has the focus first, so
// Enter never deletes by accident. Rejected: window.confirm, which blocks the page, cannot be
// styled, and is not there in every Electron window.
import { useEffect, useRef, type ReactNode } from 'react';
import './data.css';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
}

export function ConfirmDialog({ open, title, children, confirmLabel, busyLabel, busy, error, onConfirm, onCancel, testId }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      data-testid={testId}
      aria-labelledby={`${testId}-title`}
      onCancel={(e) => {
        // Escape: the same as Cancel, but not while the delete runs.
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${testId}-title`}>{title}</h2>
      <div className="confirm-body">{children}</div>
      {error && (
        <p className="confirm-error" role="alert">
          {error}
        </p>
      )}
      <div className="confirm-actions">
        <button type="button" ref={cancelRef} className="bar-button" disabled={busy} onClick={onCancel} data-testid={`${testId}-cancel`}>
          Cancel
        </button>
        <button type="button" className="bar-button danger" disabled={busy} onClick={onConfirm} data-testid={`${testId}-confirm`}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

// Puts text on the clipboard and says so for a moment ("copied", or "copy failed" when the page may
// not write the clipboard). The text is computed on click, so a big JSON is only built when wanted.
import { useEffect, useRef, useState, type ReactNode } from 'react';

const FEEDBACK_MS = 1500;

interface Props {
  text: string | (() => string);
  /** Accessible name, e.g. "Copy span id". */
  label: string;
  /** Visible content while idle; a copy icon when absent. */
  children?: ReactNode;
  className?: string;
}

export function CopyButton({ text, label, children, className }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onClick = () => {
    const value = typeof text === 'function' ? text() : text;
    const settle = (next: 'copied' | 'failed') => {
      setState(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setState('idle'), FEEDBACK_MS);
    };
    // navigator.clipboard is absent outside a secure context; that is a failure to report, not a crash.
    const write = navigator.clipboard?.writeText(value) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => settle('copied'),
      () => settle('failed'),
    );
  };

  return (
    <button
      type="button"
      className={`copy-btn${state === 'idle' ? '' : ` is-${state}`}${className ? ` ${className}` : ''}`}
      onClick={onClick}
      aria-label={label}
      title={label}
      data-testid="copy-button"
    >
      {state === 'copied' ? 'copied' : state === 'failed' ? 'copy failed' : (children ?? <CopyIcon />)}
    </button>
  );
}

// Drawn, not a glyph: no font on every platform has a copy symbol, and an icon adds no text to the row.
function CopyIcon() {
  return (
    <svg className="copy-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 5.5V3.5a1.5 1.5 0 0 0-1.5-1.5H3.5A1.5 1.5 0 0 0 2 3.5V9a1.5 1.5 0 0 0 1.5 1.5h2" />
    </svg>
  );
}

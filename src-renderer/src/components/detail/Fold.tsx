// A titled group that opens and closes (resource, scope, tool definitions). `forceOpen` overrides
// the user's choice while it is set (e.g. a filter matched something inside).
import { useState, type ReactNode } from 'react';

interface Props {
  title: string;
  /** Shown after the title, e.g. "3" or "2 of 14". */
  count?: string;
  defaultOpen?: boolean;
  forceOpen?: boolean;
  testId?: string;
  children: ReactNode;
}

export function Fold({ title, count, defaultOpen = false, forceOpen, testId, children }: Props) {
  const [userOpen, setUserOpen] = useState(defaultOpen);
  const open = forceOpen ?? userOpen;
  return (
    <div className={open ? 'fold is-open' : 'fold'} data-testid={testId}>
      <button type="button" className="fold-head" aria-expanded={open} onClick={() => setUserOpen(!open)}>
        <span className="fold-twisty" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="fold-title">{title}</span>
        {count !== undefined && <span className="count">{count}</span>}
      </button>
      {open && <div className="fold-body">{children}</div>}
    </div>
  );
}

// Long text folded behind "show more" (messages, tool arguments, log bodies). Always text: the
// content goes into a text node, whitespace and newlines preserved by CSS.
import { useMemo, useState } from 'react';
import { foldPoint, MESSAGE_FOLD, type FoldLimits } from '../../lib/detail/fold';

interface Props {
  text: string;
  /** Monospace block (JSON, code); prose otherwise. */
  mono?: boolean;
  limits?: FoldLimits;
  className?: string;
  testId?: string;
}

export function FoldableText({ text, mono = false, limits = MESSAGE_FOLD, className, testId }: Props) {
  const [expanded, setExpanded] = useState(false);
  const cut = useMemo(() => foldPoint(text, limits), [text, limits]);
  const folded = cut !== null && !expanded;
  const Tag = mono ? 'pre' : 'div';
  return (
    <div className="foldable">
      <Tag className={`${mono ? 'detail-pre' : 'detail-prose'}${className ? ` ${className}` : ''}`} data-testid={testId}>
        {folded ? `${text.slice(0, cut)}…` : text}
      </Tag>
      {cut !== null && (
        <button type="button" className="link-btn" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
          {expanded ? 'show less' : `show more (${(text.length - cut).toLocaleString('en-US')} more characters)`}
        </button>
      )}
    </div>
  );
}

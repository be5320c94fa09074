// A handoff span (a `transfer_to_<agent>` tool, a `handoff to <agent>` span): which agent handed
// the conversation to which, rather than a tool call with null arguments. Arguments show only when
// the model passed some (the OpenAI Agents SDK's handoff input).
import { useMemo } from 'react';
import type { HandoffView } from '../../../lib/graph/handoff';
import { toolInvocation } from '../../../lib/detail/conversation';
import { ValueBlock } from '../ValueBlock';
import type { SectionProps } from './types';

export function HandoffSection({ genai, handoff }: SectionProps & { handoff: HandoffView }) {
  const call = useMemo(() => toolInvocation(genai), [genai]);
  const args = call?.args;
  return (
    <section className="detail-section" data-testid="handoff" data-from={handoff.from ?? ''} data-to={handoff.to}>
      <h3>Handoff</h3>
      <p className="handoff-line">
        <span className="handoff-agent" data-testid="handoff-from">
          {handoff.from ?? 'unknown agent'}
        </span>
        <span className="handoff-arrow" aria-label="hands over to">
          →
        </span>
        <span className="handoff-agent" data-testid="handoff-to">
          {handoff.to}
        </span>
      </p>
      {args !== undefined && args !== null && (
        <>
          <h4>Input passed along</h4>
          <ValueBlock value={args} testId="handoff-args" />
        </>
      )}
    </section>
  );
}

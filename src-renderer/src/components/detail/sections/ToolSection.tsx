// A tool execution: which tool, under which call id, with what arguments and what came back (the
// normalizer reads them from whichever dialect sent them). A failure's message is in the header.
import { useMemo } from 'react';
import { hasConversation, toolInvocation } from '../../../lib/detail/conversation';
import { CopyButton } from '../CopyButton';
import { ValueBlock } from '../ValueBlock';
import { ConversationSection } from './ConversationSection';
import type { SectionProps } from './types';

export function ToolSection(props: SectionProps) {
  const { span, genai } = props;
  const call = useMemo(() => toolInvocation(genai), [genai]);
  if (!call) return hasConversation(genai) ? <ConversationSection {...props} /> : null;
  const failed = span.status.code === 'error';
  return (
    <section className="detail-section" data-testid="tool-invocation">
      <h3>Tool call</h3>
      <div className="tool-call">
        <div className="tool-head">
          <code className="tool-name">{call.name ?? '(unnamed tool)'}</code>
          {call.callId && (
            <>
              <code className="call-id">{call.callId}</code>
              <CopyButton text={call.callId} label="Copy call id" />
            </>
          )}
        </div>
        <h4>Arguments</h4>
        {call.args === undefined ? <p className="muted">Not recorded.</p> : <ValueBlock value={call.args} testId="tool-args" />}
      </div>
      <div className={failed ? 'tool-result is-failed' : 'tool-result'}>
        <h4>Result</h4>
        {call.result === undefined ? (
          <p className="muted">{failed ? 'None: the call failed.' : 'Not recorded.'}</p>
        ) : (
          <ValueBlock value={call.result} testId="tool-output" />
        )}
      </div>
    </section>
  );
}

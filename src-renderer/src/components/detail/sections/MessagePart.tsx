// One part of a message, by type. Text keeps its newlines; tool calls show name, call id and the
// arguments as pretty JSON; results name the call they answer. Binary and file parts are described,
// never loaded or rendered (a URI is shown as text, not followed).
import type { AttributeValue, GenAiPart } from '../../../../../src-shared/contract';
import type { ToolCallIndex } from '../../../lib/detail/conversation';
import { formatBytes } from '../../../lib/bytes';
import { CopyButton } from '../CopyButton';
import { FoldableText } from '../FoldableText';
import { ValueBlock } from '../ValueBlock';

export function MessagePart({ part, calls }: { part: GenAiPart; calls: ToolCallIndex }) {
  switch (part.type) {
    case 'text':
      return <FoldableText text={part.content} testId="message-text" />;
    case 'reasoning':
      return (
        <div className="part-reasoning">
          <span className="part-label">reasoning</span>
          <FoldableText text={part.content} />
        </div>
      );
    case 'tool_call': {
      const answered = part.id !== null && calls.answered.has(part.id);
      return (
        <div className="tool-call" data-testid="tool-call">
          <div className="tool-head">
            <span className="part-label">call</span>
            <code className="tool-name" data-testid="tool-call-name">
              {part.name}
            </code>
            {part.id && <code className="call-id">{part.id}</code>}
            {answered && <span className="muted call-note">result below</span>}
          </div>
          <ValueBlock value={part.arguments} testId="tool-call-args" />
        </div>
      );
    }
    case 'tool_call_response': {
      const name = part.id !== null ? calls.names.get(part.id) : undefined;
      return (
        <div className="tool-result" data-testid="tool-result">
          <div className="tool-head">
            <span className="part-label">result</span>
            {name && <code className="tool-name">{name}</code>}
            {part.id && <code className="call-id">{part.id}</code>}
          </div>
          <ValueBlock value={part.response} testId="tool-result-value" />
        </div>
      );
    }
    case 'blob':
      return (
        <div className="part-media">
          <span className="part-label">{part.modality}</span>
          <span>
            {part.mimeType ?? 'binary'}, {formatBytes(Math.floor((part.content.length * 3) / 4))} (base64, not shown)
          </span>
          <CopyButton text={part.content} label="Copy the base64 content" />
        </div>
      );
    case 'uri':
      return (
        <div className="part-media">
          <span className="part-label">{part.modality}</span>
          <code className="part-uri">{part.uri}</code>
          {part.mimeType && <span className="muted">{part.mimeType}</span>}
          <CopyButton text={part.uri} label="Copy the URI" />
        </div>
      );
    case 'file':
      return (
        <div className="part-media">
          <span className="part-label">{part.modality} file</span>
          <code>{part.fileId}</code>
          {part.mimeType && <span className="muted">{part.mimeType}</span>}
        </div>
      );
    case 'other':
      return (
        <div className="part-other">
          <span className="part-label">{part.originalType || 'part'}</span>
          <ValueBlock value={part.data} />
        </div>
      );
    default:
      // A part type this build does not know (a newer engine): shown raw rather than dropped.
      return <ValueBlock value={part as unknown as AttributeValue} />;
  }
}

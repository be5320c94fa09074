// One chat message: role (and participant name) above its parts. The role is also a data
// attribute for tests and a fixed class for colour (see css-classes.ts).
import type { ChatEntry, ToolCallIndex } from '../../../lib/detail/conversation';
import { roleClass } from '../../../lib/detail/css-classes';
import { MessagePart } from './MessagePart';

export function ChatMessage({ entry, calls }: { entry: ChatEntry; calls: ToolCallIndex }) {
  return (
    <article className={`chat-msg role-${roleClass(entry.role)}`} data-testid="chat-message" data-role={entry.role} data-side={entry.side}>
      <header className="chat-head">
        <span className="chat-role">{entry.side === 'system' ? 'system instructions' : entry.role}</span>
        {entry.name && <span className="chat-name">{entry.name}</span>}
      </header>
      {entry.parts.length === 0 ? (
        <p className="muted chat-empty">(no content)</p>
      ) : (
        entry.parts.map((part, i) => <MessagePart key={i} part={part} calls={calls} />)
      )}
    </article>
  );
}

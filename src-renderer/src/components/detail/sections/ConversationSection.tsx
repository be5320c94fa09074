// The chat of a GenAI span: system instructions, input messages, then output, each message with
// its parts; tool calls and results paired by call id. Offered tool definitions fold below.
import { useMemo } from 'react';
import { chatEntries, hasConversation, indexToolCalls } from '../../../lib/detail/conversation';
import { Fold } from '../Fold';
import { ValueBlock } from '../ValueBlock';
import { ChatMessage } from './ChatMessage';
import type { SectionProps } from './types';

export function ConversationSection({ genai }: SectionProps) {
  const entries = useMemo(() => chatEntries(genai), [genai]);
  const calls = useMemo(() => indexToolCalls(entries), [entries]);
  const tools = genai.toolDefinitions ?? [];
  if (!hasConversation(genai) && tools.length === 0) return null;
  const firstOutput = entries.findIndex((e) => e.side === 'output');
  return (
    <section className="detail-section">
      <h3>Conversation</h3>
      {entries.length === 0 ? (
        <p className="muted">No messages recorded.</p>
      ) : (
        <div className="chat" data-testid="span-conversation">
          {entries.map((entry, i) => (
            <div key={i} className="chat-slot">
              {i === firstOutput && <div className="chat-divider">Output</div>}
              <ChatMessage entry={entry} calls={calls} />
            </div>
          ))}
        </div>
      )}
      {tools.length > 0 && (
        <Fold title="Tools offered" count={String(tools.length)} testId="tool-definitions">
          <ul className="tool-defs">
            {tools.map((t, i) => (
              <li key={`${t.name}-${i}`}>
                <div className="tool-def-head">
                  <code className="tool-name">{t.name}</code>
                  {t.type && t.type !== 'function' && <span className="badge">{t.type}</span>}
                </div>
                {t.description && <p className="tool-def-desc">{t.description}</p>}
                {t.parameters !== undefined && <ValueBlock value={t.parameters} />}
              </li>
            ))}
          </ul>
        </Fold>
      )}
    </section>
  );
}

// Span events in time order as sent: name, offset from the span start (absolute time in the
// tooltip), attributes. Long event lists (streaming chunks) show the first ones until asked.
import { useState } from 'react';
import type { SpanRecord } from '../../../../src-shared/contract';
import { sortedEntries } from '../../lib/attributes';
import { formatDuration } from '../../lib/format';
import { formatNanoFull, nanoDiffMs } from '../../lib/time';
import { dropped } from './AttributesSection';
import { AttrTable } from './AttrTable';

const FIRST_EVENTS = 50;

export function EventsSection({ span }: { span: SpanRecord }) {
  const [all, setAll] = useState(false);
  const events = all ? span.events : span.events.slice(0, FIRST_EVENTS);
  return (
    <section className="detail-section" data-testid="span-events">
      <div className="section-head">
        <h3>Events</h3>
        <span className="count">{span.events.length}</span>
      </div>
      {span.events.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <ol className="detail-list">
          {events.map((ev, i) => (
            <li key={i} className="detail-item" data-testid="span-event">
              <div className="item-head">
                <span className="item-name">{ev.name || '(unnamed)'}</span>
                <span className="muted offset" title={formatNanoFull(ev.timeUnixNano)}>
                  +{formatDuration(nanoDiffMs(span.startTimeUnixNano, ev.timeUnixNano))}
                </span>
              </div>
              {Object.keys(ev.attributes).length > 0 && <AttrTable entries={sortedEntries(ev.attributes)} />}
              {ev.droppedAttributesCount > 0 && <p className="muted dropped">{dropped(ev.droppedAttributesCount, 'attribute')}</p>}
            </li>
          ))}
        </ol>
      )}
      {!all && span.events.length > FIRST_EVENTS && (
        <button type="button" className="link-btn" onClick={() => setAll(true)}>
          show all {span.events.length.toLocaleString('en-US')} events
        </button>
      )}
      {span.droppedEventsCount > 0 && <p className="muted dropped">{dropped(span.droppedEventsCount, 'event')}</p>}
    </section>
  );
}

// Span links: each opens the linked span (in this or another trace) through the URL, so Back
// returns here. Only shown when the span has links.
import type { SpanRecord } from '../../../../src-shared/contract';
import { sortedEntries } from '../../lib/attributes';
import { formatRoute } from '../../lib/route';
import { dropped } from './AttributesSection';
import { AttrTable } from './AttrTable';

export function LinksSection({ span }: { span: SpanRecord }) {
  if (span.links.length === 0 && span.droppedLinksCount === 0) return null;
  return (
    <section className="detail-section" data-testid="span-links">
      <div className="section-head">
        <h3>Links</h3>
        <span className="count">{span.links.length}</span>
      </div>
      <ol className="detail-list">
        {span.links.map((link, i) => (
          <li key={i} className="detail-item" data-testid="span-link">
            <a className="link-target" href={formatRoute({ view: 'trace', traceId: link.traceId, spanId: link.spanId })}>
              {link.traceId === span.traceId ? 'span in this trace' : 'span in trace'} <code>{link.spanId}</code>
            </a>
            {link.traceId !== span.traceId && (
              <div className="muted">
                trace <code>{link.traceId}</code>
              </div>
            )}
            {link.traceState && (
              <div className="muted">
                trace state <code>{link.traceState}</code>
              </div>
            )}
            {Object.keys(link.attributes).length > 0 && <AttrTable entries={sortedEntries(link.attributes)} />}
          </li>
        ))}
      </ol>
      {span.droppedLinksCount > 0 && <p className="muted dropped">{dropped(span.droppedLinksCount, 'link')}</p>}
    </section>
  );
}

// Detail panel for the selected span: identity and status, attributes, events, resource and
// scope. A plain panel for now; per-kind panels (LLM conversation, tool call) come via a registry.
import type { SpanRecord } from '../../../src-shared/contract';
import { serviceName } from '../lib/attributes';
import { formatMs, formatNanoFull, nanoDiffMs } from '../lib/time';
import { AttributeTable } from './AttributeTable';

interface Props {
  span: SpanRecord;
  traceStart: string;
  onClose: () => void;
}

export function SpanDetail({ span, traceStart, onClose }: Props) {
  const isError = span.status.code === 'error';
  return (
    <aside className="span-detail" data-testid="span-detail" data-span-id={span.spanId} aria-label="Span detail">
      <div className="detail-head">
        <h2 className="detail-title">{span.name || '(unnamed)'}</h2>
        <button type="button" className="close" onClick={onClose} aria-label="Close span detail">
          ×
        </button>
      </div>
      {isError && (
        <p className="error-banner" data-testid="span-error">
          {span.status.message || 'Error (no message)'}
        </p>
      )}
      <dl className="facts">
        <dt>Service</dt>
        <dd data-testid="span-service">{serviceName(span.resource.attributes) || '—'}</dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        <dt>Status</dt>
        <dd className={isError ? 'error-text' : undefined}>{span.status.code}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano))}</dd>
        <dt>Starts at</dt>
        <dd title={formatNanoFull(span.startTimeUnixNano)}>+{formatMs(nanoDiffMs(traceStart, span.startTimeUnixNano))}</dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.spanId}</code>
        </dd>
        <dt>Parent</dt>
        <dd>{span.parentSpanId ? <code>{span.parentSpanId}</code> : '—'}</dd>
        <dt>Scope</dt>
        <dd>{span.scope.name ? `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}` : '—'}</dd>
      </dl>

      <h3>Attributes</h3>
      <AttributeTable attributes={span.attributes} testId="span-attributes" />
      {span.droppedAttributesCount > 0 && <p className="muted">{span.droppedAttributesCount} attributes dropped by the SDK</p>}

      <h3>Events</h3>
      {span.events.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <ol className="events" data-testid="span-events">
          {span.events.map((ev, i) => (
            <li key={i}>
              <div className="event-head">
                <span className="event-name">{ev.name}</span>
                <span className="muted" title={formatNanoFull(ev.timeUnixNano)}>
                  +{formatMs(nanoDiffMs(span.startTimeUnixNano, ev.timeUnixNano))}
                </span>
              </div>
              {Object.keys(ev.attributes).length > 0 && <AttributeTable attributes={ev.attributes} />}
            </li>
          ))}
        </ol>
      )}

      {span.links.length > 0 && (
        <>
          <h3>Links</h3>
          <ul className="links">
            {span.links.map((l, i) => (
              <li key={i}>
                <code>{l.traceId}</code> / <code>{l.spanId}</code>
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Resource</h3>
      <AttributeTable attributes={span.resource.attributes} testId="span-resource" />
    </aside>
  );
}

// Who the span is: name, kind and status badges, the error, when it ran (absolute start with a
// full-precision tooltip, offset from the trace start, duration), where (service) and its ids; and
// "Similar runs", a search with this span's own remembered text.
import type { SpanRecord } from '../../../../src-shared/contract';
import { serviceName } from '../../lib/attributes';
import { formatRoute } from '../../lib/route';
import { formatDuration } from '../../lib/format';
import { formatNanoFull, formatNanoLocal, nanoDiffMs } from '../../lib/time';
import { CopyButton } from './CopyButton';
import { SimilarRunsLink } from '../search/SimilarRunsLink';
import { kindClass } from '../../lib/detail/css-classes';

interface Props {
  span: SpanRecord;
  traceStartUnixNano: string;
  onClose: () => void;
}

export function SpanHeader({ span, traceStartUnixNano, onClose }: Props) {
  const isError = span.status.code === 'error';
  const genaiKind = span.genai?.kind;
  return (
    <>
      <div className="detail-head">
        <h2 className="detail-title">{span.name || '(unnamed)'}</h2>
        <SimilarRunsLink traceId={span.traceId} spanId={span.spanId} />
        <CopyButton text={() => JSON.stringify(span, null, 2)} label="Copy the whole span as JSON" className="head-copy">
          JSON
        </CopyButton>
        <button type="button" className="close" onClick={onClose} aria-label="Close span detail">
          ×
        </button>
      </div>
      <div className="detail-badges">
        {genaiKind && (
          <span className={`badge kind-badge kind-${kindClass(genaiKind)}`} data-testid="span-kind-badge">
            {genaiKind}
          </span>
        )}
        <span className="badge" title="OpenTelemetry span kind">
          {span.kind}
        </span>
        {span.status.code !== 'unset' && (
          <span className={`badge status-badge status-${span.status.code === 'error' ? 'error' : 'ok'}`} data-testid="span-status">
            {span.status.code}
          </span>
        )}
      </div>
      {isError && (
        <p className="error-banner" data-testid="span-error">
          {span.status.message || 'Error (no message)'}
        </p>
      )}
      {!isError && span.status.message && <p className="muted status-message">{span.status.message}</p>}
      <dl className="facts">
        <dt>Service</dt>
        <dd data-testid="span-service">{serviceName(span.resource.attributes) || '—'}</dd>
        <dt>Start</dt>
        <dd title={formatNanoFull(span.startTimeUnixNano)} data-testid="span-start">
          {formatNanoLocal(span.startTimeUnixNano)}
        </dd>
        <dt>Offset</dt>
        <dd title="From the start of the trace">+{formatDuration(nanoDiffMs(traceStartUnixNano, span.startTimeUnixNano))}</dd>
        <dt>Duration</dt>
        <dd data-testid="span-duration">{formatDuration(nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano))}</dd>
        <dt>Span id</dt>
        <dd className="id-row">
          <code>{span.spanId}</code>
          <CopyButton text={span.spanId} label="Copy span id" />
        </dd>
        <dt>Trace id</dt>
        <dd className="id-row">
          <code>{span.traceId}</code>
          <CopyButton text={span.traceId} label="Copy trace id" />
        </dd>
        <dt>Parent</dt>
        <dd className="id-row">
          {span.parentSpanId ? (
            <>
              <a href={formatRoute({ view: 'trace', traceId: span.traceId, spanId: span.parentSpanId })} title="Open the parent span">
                <code>{span.parentSpanId}</code>
              </a>
              <CopyButton text={span.parentSpanId} label="Copy parent span id" />
            </>
          ) : (
            '— (root)'
          )}
        </dd>
        {span.traceState && (
          <>
            <dt>Trace state</dt>
            <dd>
              <code>{span.traceState}</code>
            </dd>
          </>
        )}
      </dl>
    </>
  );
}

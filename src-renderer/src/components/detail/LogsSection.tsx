// Log records emitted inside the span (matched by trace and span id), oldest first: severity, time
// (offset from the span start; absolute in the tooltip), event name, body and attributes. Loaded
// when the span opens; a newer selection's load wins (state/span-logs.ts).
import { useEffect } from 'react';
import type { LogRecordView, SpanRecord } from '../../../../src-shared/contract';
import { sortedEntries } from '../../lib/attributes';
import { severityLabel, severityLevel } from '../../lib/detail/severity';
import { spanLogsKey } from '../../lib/detail/span-logs-state';
import { formatDuration } from '../../lib/format';
import { formatNanoFull, formatNanoLocal, nanoDiffMs } from '../../lib/time';
import { loadSpanLogs, SPAN_LOG_LIMIT, useSpanLogsStore } from '../../state/span-logs';
import { AttrTable } from './AttrTable';
import { ValueBlock } from './ValueBlock';

export function LogsSection({ span }: { span: SpanRecord }) {
  const { traceId, spanId } = span;
  useEffect(() => loadSpanLogs(traceId, spanId), [traceId, spanId]);
  const state = useSpanLogsStore();
  const mine = state.key === spanLogsKey(traceId, spanId);
  const logs = mine ? state.logs : [];
  const loading = !mine || state.loading;

  return (
    <section className="detail-section" data-testid="span-logs" aria-busy={loading}>
      <div className="section-head">
        <h3>Logs</h3>
        <span className="count">{mine && !state.loading ? logs.length : '…'}</span>
        <button type="button" className="link-btn head-copy" onClick={() => loadSpanLogs(traceId, spanId)} disabled={loading}>
          reload
        </button>
      </div>
      {mine && state.error && (
        <p className="error-text" role="alert">
          Could not load logs: {state.error}
        </p>
      )}
      {loading && logs.length === 0 ? (
        <p className="muted">Loading logs…</p>
      ) : logs.length === 0 ? (
        !state.error && <p className="muted" data-testid="no-logs">No logs for this span.</p>
      ) : (
        <ol className="detail-list">
          {logs.map((log, i) => (
            <LogItem key={i} log={log} spanStart={span.startTimeUnixNano} />
          ))}
        </ol>
      )}
      {mine && state.truncated && <p className="muted">Showing the {SPAN_LOG_LIMIT} most recent records.</p>}
    </section>
  );
}

function LogItem({ log, spanStart }: { log: LogRecordView; spanStart: string }) {
  // A record without a time is placed by when the collector saw it (as the engine orders it).
  const time = log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano;
  const level = severityLevel(log.severityNumber);
  return (
    <li className="detail-item log-item" data-testid="span-log" data-severity={level}>
      <div className="item-head">
        <span className={`badge sev-badge sev-${level}`}>{severityLabel(log.severityNumber, log.severityText)}</span>
        {log.eventName && <span className="item-name">{log.eventName}</span>}
        <span className="muted offset" title={`${formatNanoFull(time)} (${formatNanoLocal(time)})`}>
          +{formatDuration(nanoDiffMs(spanStart, time))}
        </span>
      </div>
      {log.body !== null && <ValueBlock value={log.body} testId="log-body" />}
      {Object.keys(log.attributes).length > 0 && <AttrTable entries={sortedEntries(log.attributes)} />}
    </li>
  );
}

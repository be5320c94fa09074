// One row per trace. The whole row opens the trace; the name is also a real link so it works
// from the keyboard and can be opened in a new tab.
import type { TraceSummary } from '../../../src-shared/contract';
import { formatRoute } from '../lib/route';
import { formatMs, formatNanoFull, formatNanoLocal } from '../lib/time';
import { navigate } from '../state/ui-store';

export function TraceTable({ traces, stale }: { traces: TraceSummary[]; stale: boolean }) {
  const now = new Date();
  return (
    <table className={stale ? 'trace-table stale' : 'trace-table'} data-testid="trace-table">
      <thead>
        <tr>
          <th>Root span</th>
          <th>Service</th>
          <th>Start</th>
          <th className="num">Duration</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr
            key={t.traceId}
            data-testid="trace-row"
            data-trace-id={t.traceId}
            onClick={() => navigate({ view: 'trace', traceId: t.traceId, spanId: null })}
          >
            <td className="root-name">
              <a href={formatRoute({ view: 'trace', traceId: t.traceId, spanId: null })} onClick={(e) => e.stopPropagation()}>
                {t.rootName || '(unnamed)'}
              </a>
            </td>
            <td>{t.serviceName}</td>
            <td className="time" title={formatNanoFull(t.startTimeUnixNano)}>
              {formatNanoLocal(t.startTimeUnixNano, now)}
            </td>
            <td className="num">{formatMs(t.durationMs)}</td>
            <td className="num">{t.spanCount}</td>
            <td className="num">
              {t.errorCount > 0 ? <span className="error-count">{t.errorCount}</span> : <span className="muted">0</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Top bar: product name (a link home), the live span/trace counts pushed by ingest ticks and the
// database size from stats.
import { formatBytes } from '../lib/bytes';
import { useDataStore } from '../state/data-store';

export function Header() {
  const counts = useDataStore((s) => s.counts);
  const dbBytes = useDataStore((s) => s.dbBytes);
  return (
    <header className="header">
      <a className="brand" href="#/">
        <span className="brand-mark" aria-hidden="true" />
        Flowtrace
      </a>
      <div className="header-stats" data-testid="header-stats" aria-live="polite">
        {counts ? (
          <>
            <span className="live-dot" aria-hidden="true" />
            <span>
              <strong data-testid="stat-traces">{counts.traces.toLocaleString()}</strong> traces
            </span>
            <span>
              <strong data-testid="stat-spans">{counts.spans.toLocaleString()}</strong> spans
            </span>
            {dbBytes !== null && (
              <span className="db-size" data-testid="stat-db-bytes" title="Database size on disk, with its write-ahead log">
                {formatBytes(dbBytes)}
              </span>
            )}
          </>
        ) : (
          <span className="muted">connecting…</span>
        )}
      </div>
    </header>
  );
}

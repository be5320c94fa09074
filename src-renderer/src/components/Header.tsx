// Top bar: product name (a link home) and the live span/trace counts pushed by ingest ticks.
import { useDataStore } from '../state/data-store';

export function Header() {
  const counts = useDataStore((s) => s.counts);
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
          </>
        ) : (
          <span className="muted">connecting…</span>
        )}
      </div>
    </header>
  );
}

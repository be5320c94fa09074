// Top bar: product name (a link home), the live span/trace counts pushed by ingest ticks, the
// database size from stats, and the colour theme switch.
import { useState } from 'react';
import { formatBytes } from '../lib/bytes';
import { applyTheme, loadTheme, parseTheme, THEME_CHOICES, type ThemeChoice } from '../lib/theme';
import { useDataStore } from '../state/data-store';

const THEME_LABELS: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function Header() {
  const counts = useDataStore((s) => s.counts);
  const dbBytes = useDataStore((s) => s.dbBytes);
  const [theme, setTheme] = useState<ThemeChoice>(loadTheme);
  return (
    <header className="header">
      <a className="brand" href="#/">
        <span className="brand-mark" aria-hidden="true" />
        Flowtrace
      </a>
      <nav className="header-nav">
        <a href="#/" data-testid="nav-traces">
          Traces
        </a>
        <a href="#/sessions" data-testid="nav-sessions">
          Sessions
        </a>
      </nav>
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
      <select
        className="theme-switch"
        data-testid="theme-switch"
        aria-label="Colour theme"
        value={theme}
        onChange={(e) => {
          const next = parseTheme(e.target.value);
          applyTheme(next);
          setTheme(next);
        }}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {THEME_LABELS[c]}
          </option>
        ))}
      </select>
    </header>
  );
}

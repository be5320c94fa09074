// Top bar: product name (a link home), the page nav and the app's one time range (shell/), the
// connection dot (green while the engine is reachable,
// red with a message while it is not, see api/connection.ts), the live span/trace counts pushed by
// ingest ticks, the database size from stats, where the REST API is (the desktop app serves it too,
// on 9600 or the next free port), and the colour theme switch. The "Search by meaning" box
// (search/HeaderSearch.tsx) is here so a search starts from any page; "?" lists the shortcuts.
import { useEffect, useState } from 'react';
import { useConnection, type ConnectionStatus } from '../api/connection';
import { formatBytes } from '../lib/bytes';
import { api } from '../api';
import { applyTheme, loadTheme, parseTheme, THEME_CHOICES, THEME_EVENT, type ThemeChoice } from '../lib/theme';
import { useDataStore } from '../state/data-store';
import { useUiStore } from '../state/ui-store';
import { HeaderSearch } from './search/HeaderSearch';
import { ClearAllDataButton } from './data/ClearAllDataButton';
import { HeaderNav } from './shell/HeaderNav';
import { ShortcutsButton } from './shell/Shortcuts';
import { TimeRangeControl } from './shell/TimeRangeControl';
import { pageHref } from '../lib/nav';
import './shell/shell.css';

const THEME_LABELS: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

const DOT_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting to the Flowtrace server',
  connected: 'Connected: live updates on',
  lost: 'Server unreachable: no live updates',
};

/** "Server unreachable · retrying in 4 s", counting down to the socket's next attempt. */
function LostMessage({ retryAt }: { retryAt: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = retryAt === null ? 0 : Math.ceil((retryAt - now) / 1000);
  return (
    <span className="connection-lost" data-testid="connection-message" role="status">
      Server unreachable · {seconds > 0 ? `retrying in ${seconds} s` : 'retrying…'}
    </span>
  );
}

export function Header() {
  const counts = useDataStore((s) => s.counts);
  const dbBytes = useDataStore((s) => s.dbBytes);
  const apiUrl = useDataStore((s) => s.info?.apiUrl);
  const connection = useConnection((s) => s.status);
  const retryAt = useConnection((s) => s.retryAt);
  const [theme, setTheme] = useState<ThemeChoice>(loadTheme);
  useEffect(() => {
    const follow = (e: Event) => setTheme(parseTheme((e as CustomEvent<unknown>).detail));
    window.addEventListener(THEME_EVENT, follow);
    // The saved setting (the settings page's, kept by the engine) wins over this browser's memory of it.
    let live = true;
    api.getSettings().then(
      (v) => live && v.settings.theme !== loadTheme() && applyTheme(v.settings.theme),
      () => {},
    );
    return () => {
      live = false;
      window.removeEventListener(THEME_EVENT, follow);
    };
  }, []);
  const home = useUiStore((s) => pageHref('traces', s.range, s.lastListFilters));
  return (
    <header className="header">
      <a className="brand" href={home}>
        <span className="brand-mark" aria-hidden="true" />
        Flowtrace
      </a>
      <HeaderNav />
      <TimeRangeControl />
      <HeaderSearch />
      <div className="header-stats" data-testid="header-stats" aria-live="polite">
        <span className={`live-dot is-${connection}`} data-testid="connection-dot" data-state={connection} role="img" aria-label={DOT_LABELS[connection]} title={DOT_LABELS[connection]} />
        {connection === 'lost' && <LostMessage retryAt={retryAt} />}
        {counts ? (
          <>
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
          connection === 'connecting' && <span className="muted">connecting…</span>
        )}
        {apiUrl && (
          <span className="api-url" data-testid="api-url" title="REST API, WebSocket and this UI for a browser, scripts, the CLI (--url) and agents">
            API <span className="api-url-address">{apiUrl.replace(/^https?:\/\//, '')}</span>
          </span>
        )}
      </div>
      <ClearAllDataButton />
      <ShortcutsButton />
      <select
        className="theme-switch"
        data-testid="theme-switch"
        aria-label="Colour theme"
        value={theme}
        onChange={(e) => {
          const next = parseTheme(e.target.value);
          applyTheme(next);
          // Saved with the other settings, so every window and the next start keep it.
          void api.updateSettings({ theme: next }).catch(() => {});
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

// The shell of the UI: header, store notices, then the view the URL hash names. Starts the
// live-update wiring, the app-wide keys and the time range's carry-over on links once.
import { useEffect } from 'react';
import { startLiveUpdates } from '../state/loaders';
import { keepRangeOnLinks, syncRouteWithHash, useUiStore } from '../state/ui-store';
import { Header } from './Header';
import { ReceiverBanner } from './ReceiverBanner';
import { Shortcuts } from './shell/Shortcuts';
import { StoreNotices } from './StoreNotices';
import { TraceListView } from './TraceListView';
import { TraceView } from './TraceView';
import { SessionListView } from './sessions/SessionListView';
import { SessionView } from './sessions/SessionView';
import { MemoryView } from './memory/MemoryView';
import { SearchView } from './search/SearchView';
import { CompareView } from './compare/CompareView';
import { LogsView } from './telemetry/LogsView';
import { MetricsView } from './telemetry/MetricsView';
import { FunnelsView } from './funnels/FunnelsView';
import { DashboardView } from './dashboard/DashboardView';
import { SettingsView } from './settings/SettingsView';

export function App() {
  const route = useUiStore((s) => s.route);
  useEffect(() => syncRouteWithHash(), []);
  useEffect(() => startLiveUpdates(), []);
  useEffect(() => keepRangeOnLinks(), []);
  return (
    <div className="app">
      <Header />
      <ReceiverBanner />
      <StoreNotices />
      <Shortcuts />
      <main className="main">
        {route.view === 'trace' ? (
          <TraceView traceId={route.traceId} spanId={route.spanId} zoom={route.zoom} />
        ) : route.view === 'session' ? (
          <SessionView sessionId={route.sessionId} />
        ) : route.view === 'sessions' ? (
          <SessionListView />
        ) : route.view === 'search' ? (
          <SearchView route={route} />
        ) : route.view === 'compare' ? (
          <CompareView a={route.a} b={route.b} />
        ) : route.view === 'logs' ? (
          <LogsView route={route} />
        ) : route.view === 'metrics' ? (
          <MetricsView route={route} />
        ) : route.view === 'funnels' ? (
          <FunnelsView state={route.funnel} />
        ) : route.view === 'dashboard' ? (
          <DashboardView route={route} />
        ) : route.view === 'settings' ? (
          <SettingsView />
        ) : route.view === 'memory' ? (
          <MemoryView collection={route.collection ?? null} />
        ) : (
          <TraceListView />
        )}
      </main>
    </div>
  );
}

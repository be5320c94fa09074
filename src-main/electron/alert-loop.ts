/**
 * Runs the desktop notifications: every half minute, reads what AlertWatcher needs from the engine
 * (error and span counts of the last five minutes and today's cost from the rollups, size and
 * notices from the stats, the opt-outs and budget from the settings) and shows what it returns as
 * OS notifications. Cheap by construction: rollups and counters, never spans.
 */
import type { Engine } from '../engine/engine-types';
import { AlertWatcher, type Alert } from './alerts';

const INTERVAL_MS = 30_000;
const RECENT_MS = 5 * 60_000;
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

async function sumOf(engine: Engine, metric: 'spans' | 'errors' | 'cost', fromMs: number, now: number): Promise<number> {
  const series = await engine.getAnalyticsTimeseries({ metric, from: ns(fromMs), to: ns(now), bucket: 60 });
  return series.buckets.reduce((sum, b) => sum + (b.values.all ?? 0), 0);
}

export function startAlertLoop(engine: Engine, show: (alert: Alert) => void, log: (line: string) => void): () => void {
  let watcher: AlertWatcher | null = null;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const now = Date.now();
      const dayStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
      const [stats, { settings }, recentSpans, recentErrors, costTodayUsd] = await Promise.all([
        engine.getStats(),
        engine.getSettings(),
        sumOf(engine, 'spans', now - RECENT_MS, now),
        sumOf(engine, 'errors', now - RECENT_MS, now),
        sumOf(engine, 'cost', dayStart, now),
      ]);
      watcher ??= new AlertWatcher(stats.notices);
      const alerts = watcher.check(
        {
          recentSpans,
          recentErrors,
          costTodayUsd,
          budgetUsd: settings.dailyBudgetUsd,
          dbBytes: stats.dbBytes,
          limitBytes: settings.retentionGb * 1024 ** 3,
          notices: stats.notices,
          enabled: settings.notifications,
        },
        now,
      );
      alerts.forEach(show);
    } catch (err) {
      log(`flowtrace: notifications: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), INTERVAL_MS);
  return () => clearInterval(timer);
}

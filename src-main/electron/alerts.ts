/**
 * What the desktop app tells the user through OS notifications, decided from what the engine
 * already keeps (rollups, stats, store notices), so nothing scans spans: a burst of agent errors,
 * the day's cost crossing the budget, storage nearly full, a damaged store moved aside. Each kind
 * fires once per episode (a quiet period or a new day re-arms it) and can be turned off in the
 * settings. Pure: main.ts gathers the inputs and shows what this returns.
 */
import type { StoreNotice } from '../../src-shared/contract';
import type { NotificationSettings } from '../../src-shared/settings';

export type AlertKind = keyof NotificationSettings;

export interface Alert {
  kind: AlertKind;
  title: string;
  body: string;
}

export interface AlertInputs {
  /** Spans and error spans in the last few minutes (the rollups' counts). */
  recentSpans: number;
  recentErrors: number;
  /** Cost of the current UTC day so far, USD. */
  costTodayUsd: number;
  budgetUsd: number | null;
  /** Bytes the store uses, and the retention size limit. */
  dbBytes: number;
  limitBytes: number;
  notices: readonly StoreNotice[];
  enabled: NotificationSettings;
}

/** A burst: at least this many errors in the window… */
export const BURST_MIN_ERRORS = 10;
/** …making up at least this share of the spans. */
export const BURST_MIN_SHARE = 0.2;
/** Storage is "nearly full" from this share of the size limit (retention then starts deleting). */
export const STORAGE_SHARE = 0.9;
/** After a burst or a storage alert, the same kind stays quiet this long. */
const QUIET_MS = 30 * 60 * 1000;

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;

export class AlertWatcher {
  private quietUntil: Partial<Record<AlertKind, number>> = {};
  private budgetDay: string | null = null;
  private lastNoticeAt: number;

  /** Notices already there when the app starts were shown in its banner, not as news. */
  constructor(initialNotices: readonly StoreNotice[] = []) {
    this.lastNoticeAt = Math.max(0, ...initialNotices.map((n) => n.at));
  }

  check(inputs: AlertInputs, now: number): Alert[] {
    const alerts: Alert[] = [];
    const quiet = (kind: AlertKind) => (this.quietUntil[kind] ?? 0) > now;
    const fire = (alert: Alert, quietMs: number) => {
      if (quietMs > 0) this.quietUntil[alert.kind] = now + quietMs;
      if (inputs.enabled[alert.kind]) alerts.push(alert);
    };

    const share = inputs.recentSpans > 0 ? inputs.recentErrors / inputs.recentSpans : 0;
    if (inputs.recentErrors >= BURST_MIN_ERRORS && share >= BURST_MIN_SHARE && !quiet('errorBurst')) {
      fire({ kind: 'errorBurst', title: 'Agents are failing', body: `${inputs.recentErrors} failed spans in the last minutes (${Math.round(share * 100)} % of them).` }, QUIET_MS);
    }

    const day = new Date(now).toISOString().slice(0, 10);
    if (inputs.budgetUsd !== null && inputs.costTodayUsd >= inputs.budgetUsd && this.budgetDay !== day) {
      this.budgetDay = day;
      fire({ kind: 'budget', title: 'Daily budget reached', body: `Today's runs cost ${usd(inputs.costTodayUsd)}, over the ${usd(inputs.budgetUsd)} budget.` }, 0);
    }

    if (inputs.limitBytes > 0 && inputs.dbBytes >= inputs.limitBytes * STORAGE_SHARE && !quiet('storage')) {
      const pct = Math.round((inputs.dbBytes / inputs.limitBytes) * 100);
      fire({ kind: 'storage', title: 'Storage nearly full', body: `The store uses ${pct} % of its size limit; the oldest traces are deleted beyond it. Raise the limit in Settings.` }, QUIET_MS);
    }

    for (const notice of inputs.notices) {
      if (notice.at <= this.lastNoticeAt) continue;
      this.lastNoticeAt = notice.at;
      if (notice.level === 'error') fire({ kind: 'quarantine', title: 'Flowtrace moved a damaged store aside', body: notice.message }, 0);
    }
    return alerts;
  }
}

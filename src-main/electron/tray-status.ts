/**
 * The tray's tooltip, as text: the span count and the rate it grows at, whether ingest is paused,
 * the day's traces and how many failed, a receiver whose port is busy, and where the API is. Pure, so
 * it is tested without a tray.
 */
import { RECEIVER_LABELS, type ReceiverStatus } from '../../src-shared/contract';

export interface TrayStatus {
  spans: number;
  /** Spans per second over the last ticks; null before there are two. */
  spansPerSecond: number | null;
  paused: boolean;
  receivers: readonly ReceiverStatus[];
  apiUrl: string | null;
  /** Traces started since local midnight, and of them the ones with a failed span; null until first read. */
  today: { traces: number; failed: number } | null;
}

const count = new Intl.NumberFormat('en-US');

export function trayTooltip(s: TrayStatus): string {
  const rate = s.spansPerSecond !== null && s.spansPerSecond > 0 ? ` · ${count.format(Math.round(s.spansPerSecond))}/s` : '';
  const lines = [`Flowtrace: ${count.format(s.spans)} spans${rate}${s.paused ? ' (ingest paused)' : ''}`];
  if (s.today) {
    const { traces, failed } = s.today;
    lines.push(`Today: ${count.format(traces)} trace${traces === 1 ? '' : 's'}, ${failed === 0 ? 'none failed' : `${count.format(failed)} failed`}`);
  }
  for (const r of s.receivers) if (r.state !== 'listening') lines.push(`${RECEIVER_LABELS[r.kind]} not receiving: port ${r.port} ${r.state}`);
  lines.push(s.apiUrl ? `API ${s.apiUrl}` : 'API off');
  return lines.join('\n');
}

/** The last local midnight at or before `now` (ms), in Unix nanoseconds: where the tray's "today" starts. */
export function localMidnightNs(now: number): string {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return `${BigInt(midnight.getTime()) * 1_000_000n}`;
}

/** Spans per second from the counts the ticks report, over a sliding window. */
export class SpanRate {
  private samples: Array<{ at: number; spans: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  add(spans: number, at: number): number | null {
    this.samples.push({ at, spans });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    return this.samples.length < 2 || seconds <= 0 ? null : Math.max(0, spans - first.spans) / seconds;
  }
}

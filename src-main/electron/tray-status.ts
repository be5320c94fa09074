/**
 * The tray's tooltip, as text: the span count and the rate it grows at, whether ingest is paused,
 * a receiver whose port is busy, and where the API is. Pure, so it is tested without a tray.
 */
import { RECEIVER_LABELS, type ReceiverStatus } from '../../src-shared/contract';

export interface TrayStatus {
  spans: number;
  /** Spans per second over the last ticks; null before there are two. */
  spansPerSecond: number | null;
  paused: boolean;
  receivers: readonly ReceiverStatus[];
  apiUrl: string | null;
}

const count = new Intl.NumberFormat('en-US');

export function trayTooltip(s: TrayStatus): string {
  const rate = s.spansPerSecond !== null && s.spansPerSecond > 0 ? ` · ${count.format(Math.round(s.spansPerSecond))}/s` : '';
  const lines = [`Flowtrace: ${count.format(s.spans)} spans${rate}${s.paused ? ' (ingest paused)' : ''}`];
  for (const r of s.receivers) if (r.state !== 'listening') lines.push(`${RECEIVER_LABELS[r.kind]} not receiving: port ${r.port} ${r.state}`);
  lines.push(s.apiUrl ? `API ${s.apiUrl}` : 'API off');
  return lines.join('\n');
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

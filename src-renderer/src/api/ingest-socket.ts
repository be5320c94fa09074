// One WebSocket shared by every onIngest listener, opened on the first subscribe and closed after
// the last unsubscribe. It reconnects with capped, jittered backoff. Ticks sent while it was down
// are lost, so on every (re)connect it emits one synthetic tick built from stats with
// `truncated: true`: "something may have changed, pull again". That also closes the gap between
// a view's first fetch and the socket opening. It reports its state (open, or closed with the next
// attempt's time) to `onStatus`, which drives the header's connection dot.
import type { IngestTick, Stats, Unsubscribe } from '../../../src-shared/contract';

type Listener = (tick: IngestTick) => void;
export type SocketStatus = { open: true } | { open: false; retryAt: number | null };

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with up to 50% jitter down. */
export function backoffDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (1 - random / 2));
}

/** Returns the tick inside a server message, or null for anything else (ignored, not fatal). */
export function parseIngestMessage(data: unknown): IngestTick | null {
  if (typeof data !== 'string') return null;
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return null;
  }
  if (!msg || typeof msg !== 'object') return null;
  const { type, tick } = msg as { type?: unknown; tick?: unknown };
  if (type !== 'ingest' || !tick || typeof tick !== 'object') return null;
  const t = tick as Partial<IngestTick>;
  return {
    spans: typeof t.spans === 'number' ? t.spans : 0,
    traces: typeof t.traces === 'number' ? t.traces : 0,
    newSpans: typeof t.newSpans === 'number' ? t.newSpans : 0,
    newLogRecords: typeof t.newLogRecords === 'number' ? t.newLogRecords : 0,
    newMetricPoints: typeof t.newMetricPoints === 'number' ? t.newMetricPoints : 0,
    traceIds: Array.isArray(t.traceIds) ? t.traceIds.filter((id): id is string => typeof id === 'string') : [],
    truncated: t.truncated === true,
  };
}

export class IngestSocket {
  private readonly listeners = new Set<Listener>();
  private ws: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;

  constructor(
    private readonly url: () => string,
    private readonly stats: () => Promise<Stats>,
    private readonly onStatus: (status: SocketStatus) => void = () => {},
  ) {}

  subscribe(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private emit(tick: IngestTick): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(tick);
      } catch (err) {
        console.error('onIngest listener failed', err);
      }
    }
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onStatus({ open: true });
      this.stats().then(
        (s) => {
          if (this.ws === ws) this.emit({ spans: s.spans, traces: s.traces, newSpans: 0, newLogRecords: 0, newMetricPoints: 0, traceIds: [], truncated: true });
        },
        () => {},
      );
    };
    ws.onmessage = (ev: MessageEvent) => {
      const tick = parseIngestMessage(ev.data);
      if (tick) this.emit(tick);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.listeners.size === 0 || this.retryTimer !== null) return;
    const delay = backoffDelay(this.attempt++);
    this.onStatus({ open: false, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.listeners.size > 0) this.connect();
    }, delay);
  }

  private disconnect(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.onmessage = null;
    // Closing a socket that is still connecting logs a console error in Chromium; let it open first.
    if (ws?.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close();
    else ws?.close();
  }
}

/**
 * Forwarding to a team's backend (issue 18, ADR 0012, docs/forwarding.md): the configured upstream
 * endpoints (saved in forwarding.json, or `serve --forward` for one run), a sender for each, their
 * status for `/api/v1/health` and the settings page, and the disk bound: an endpoint whose backlog
 * grows past `maxBacklogBytes` loses its oldest requests, with a notice saying how many and from when.
 */
import {
  applyForwardingUpdate,
  DEFAULT_FORWARD_MAX_BACKLOG_BYTES,
  ForwardingTokenError,
  viewOfEndpoint,
  type ForwardEndpoint,
  type ForwardEndpointStatus,
  type ForwardingView,
} from '../../../src-shared/forwarding';
import type { StoreNotice } from '../../../src-shared/contract';
import type { StoreClient } from '../store/client';
import type { ForwardPosition } from '../store/forward-queue';
import { EndpointForwarder, type Backoff, type ForwardQueueAccess } from './endpoint-forwarder';
import { readForwardingFile, writeForwardingFile } from './forwarding-file';

export interface ForwardingOptions {
  dataDir: string;
  /** `serve --forward`: these endpoints for this run, instead of the saved ones. */
  override?: ForwardEndpoint[];
  /** The store's size limit: the backlog bound's default is at most a quarter of it. */
  retentionMaxBytes: number;
  /** Default: 1 GB, or a quarter of retentionMaxBytes when that is less. */
  maxBacklogBytes?: number;
  backoff?: Backoff;
  /** How often the lag is read and the disk bound checked. */
  statusIntervalMs?: number;
}

export interface ForwardingTokens {
  /** Whether an OTLP token is saved. */
  isSet(): boolean;
  matches(candidate: string): boolean;
}

/** Of the backlog past the bound, this share of the bound is kept (so a drop is not repeated at once). */
const KEEP_AFTER_DROP = 0.9;
const STATUS_INTERVAL_MS = 2000;

export class Forwarding {
  private endpoints: ForwardEndpoint[];
  private forwarders: EndpointForwarder[] = [];
  private positions: ForwardPosition[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly maxBacklogBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** forwarding.json could not be used: nothing is forwarded, and no endpoint's place is given up. */
  private readonly unreadable: boolean;

  private constructor(
    private readonly options: ForwardingOptions,
    private readonly store: StoreClient,
    private readonly tokens: ForwardingTokens,
    private readonly log: (line: string) => void,
    private readonly notice: (level: StoreNotice['level'], message: string) => void,
  ) {
    // What waits for an upstream counts against the size limit, and retention makes room by deleting
    // the oldest traces: a bound of a quarter of it keeps an upstream that is down from eating the local history.
    this.maxBacklogBytes = options.maxBacklogBytes ?? Math.min(DEFAULT_FORWARD_MAX_BACKLOG_BYTES, Math.floor(options.retentionMaxBytes / 4));
    const saved = readForwardingFile(options.dataDir);
    this.unreadable = saved.problem !== undefined && !options.override;
    if (this.unreadable) notice('error', `Forwarding is off: ${saved.problem}. Fix the file or save the endpoints again in Settings; what arrives meanwhile waits for them.`);
    this.endpoints = options.override ?? saved.endpoints;
    this.timer = setInterval(() => void this.refresh(), options.statusIntervalMs ?? STATUS_INTERVAL_MS);
    this.timer.unref();
  }

  static async start(
    options: ForwardingOptions,
    store: StoreClient,
    tokens: ForwardingTokens,
    log: (line: string) => void,
    notice: (level: StoreNotice['level'], message: string) => void,
  ): Promise<Forwarding> {
    const forwarding = new Forwarding(options, store, tokens, log, notice);
    // Only the saved list lets endpoints go: a --forward run or an unreadable file keeps their places.
    await forwarding.configure(forwarding.endpoints, options.override === undefined && !forwarding.unreadable);
    return forwarding;
  }

  /** Requests were appended: each sender looks at the log now. */
  nudge(): void {
    for (const f of this.forwarders) f.nudge();
  }

  view(): ForwardingView {
    return {
      endpoints: this.endpoints.map(viewOfEndpoint),
      overridden: this.options.override !== undefined,
      maxBacklogBytes: this.maxBacklogBytes,
      status: this.status(),
      tokenSet: this.tokens.isSet(),
    };
  }

  status(): ForwardEndpointStatus[] {
    const now = Date.now();
    return this.forwarders.map((f) => {
      const p = this.positions.find((q) => q.endpoint === f.endpoint.url);
      const progress = f.progress();
      return {
        url: f.endpoint.url,
        ...progress,
        // The lag is read every STATUS_INTERVAL_MS; "idle" with requests waiting is "delivering".
        state: progress.state === 'idle' && (p?.lagRequests ?? 0) > 0 ? 'delivering' : progress.state,
        lagRequests: p?.lagRequests ?? 0,
        lagBytes: p?.lagBytes ?? 0,
        lagMs: p?.oldestWaitingAt ? Math.max(0, now - p.oldestWaitingAt) : 0,
        droppedRequests: p?.droppedRequests ?? 0,
      };
    });
  }

  /**
   * A new list of endpoints, saved and in effect at once. It sends data off this machine, so it
   * needs the OTLP token (ForwardingTokenError otherwise); ForwardingError names each wrong field.
   */
  update(input: unknown): Promise<ForwardingView> {
    const run = this.queue.then(async () => {
      const edit = (typeof input === 'object' && input !== null ? input : {}) as { token?: unknown; endpoints?: unknown };
      if (!this.tokens.isSet()) throw new ForwardingTokenError('forwarding sends your data off this machine: save an OTLP token first (Settings → Receivers), then give it here');
      if (typeof edit.token !== 'string' || !this.tokens.matches(edit.token)) throw new ForwardingTokenError('forwarding sends your data off this machine: give the OTLP token to change it');
      const next = applyForwardingUpdate(this.endpoints, edit.endpoints);
      writeForwardingFile(this.options.dataDir, next);
      if (this.options.override === undefined) await this.configure(next, true);
      return this.view();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.forwarders.map((f) => f.stop()));
    this.forwarders = [];
  }

  /** Senders for the endpoints, in place of the old ones; the store keeps each position. */
  private async configure(endpoints: ForwardEndpoint[], forgetOthers: boolean): Promise<void> {
    await Promise.all(this.forwarders.map((f) => f.stop()));
    this.forwarders = [];
    this.endpoints = endpoints;
    this.positions = await this.store.request({ op: 'forwardConfigure', endpoints: endpoints.map((e) => e.url), forgetOthers });
    if (this.closed) return;
    const access: ForwardQueueAccess = {
      next: (endpoint, maxRows, maxBytes) => this.store.request({ op: 'forwardNext', endpoint, maxRows, maxBytes }),
      acknowledge: async (endpoint, seq) => void (await this.store.request({ op: 'forwardAcknowledge', endpoint, seq })),
    };
    for (const e of endpoints) {
      try {
        this.forwarders.push(new EndpointForwarder(e, access, this.log, this.options.backoff));
      } catch (err) {
        // Checked when saved (src-shared/forwarding.ts); a sender that still cannot be made stops only itself.
        this.notice('error', `Forwarding to ${e.url} could not start: ${(err as Error).message}`);
      }
    }
    for (const f of this.forwarders) f.start();
    if (endpoints.length > 0) this.log(`forwarding to ${endpoints.map((e) => e.url).join(', ')}`);
  }

  /** The lag from the store, and the disk bound: for every endpoint with a place in the log, sending now or not. */
  private async refresh(): Promise<void> {
    if (this.forwarders.length === 0 && this.positions.length === 0) return;
    try {
      let positions = await this.store.request({ op: 'forwardPositions' });
      const dropped: string[] = [];
      for (const p of positions) {
        if (p.lagBytes <= this.maxBacklogBytes) continue;
        const drop = await this.store.request({ op: 'forwardDropOldest', endpoint: p.endpoint, keepBytes: Math.floor(this.maxBacklogBytes * KEEP_AFTER_DROP) });
        if (!drop) continue;
        const span = `${new Date(drop.fromReceivedAt).toISOString()} to ${new Date(drop.toReceivedAt).toISOString()}`;
        dropped.push(`Forwarding to ${p.endpoint} fell more than ${mb(this.maxBacklogBytes)} behind: the oldest ${drop.requests} requests (${mb(drop.bytes)}, received ${span}) were dropped and will not reach it. They are still stored here.`);
      }
      if (dropped.length > 0) positions = await this.store.request({ op: 'forwardPositions' });
      // The status first, then the notices: whoever reads a notice finds the lag it speaks of gone.
      this.positions = positions;
      for (const message of dropped) this.notice('error', message);
    } catch (err) {
      if (!this.closed) this.log(`forwarding status could not be read: ${(err as Error).message}`);
    }
  }
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/**
 * The two OTLP receivers and what became of binding them. A busy port never stops Flowtrace: the
 * receiver is marked busy (with who holds the port, when the system says), the rest of the app
 * runs, and `retry` binds it later, on the same port once it is free or on another.
 */
import { RECEIVER_LABELS, type ReceiverKind, type ReceiverStatus } from '../../../src-shared/contract';
import { portHolder } from './port-holder';

/** A bound receiver, whatever its protocol. */
export interface BoundReceiver {
  readonly port: number;
  close(): Promise<void>;
}

export type BindReceiver = (port: number) => Promise<BoundReceiver>;

/** "Use another port" tries this many ports above the one asked for. */
const NEXT_PORT_TRIES = 20;

const FLAG: Record<ReceiverKind, string> = { 'otlp-http': '--otlp-http-port', 'otlp-grpc': '--otlp-grpc-port' };

interface BindFailure {
  message: string;
  busy: boolean;
}

interface Slot {
  bind: BindReceiver;
  /** The port asked for last (0: any free port). */
  port: number;
  bound: BoundReceiver | null;
  error: { message: string; busy: boolean; holder: string | null } | null;
  /** Retries of one receiver run one after another. */
  queue: Promise<unknown>;
}

export class OtlpReceivers {
  private readonly slots: Record<ReceiverKind, Slot>;
  private closed = false;

  /** `onChange`: after every bind attempt, so whoever shows where the receivers listen can follow. */
  constructor(
    private readonly host: string,
    receivers: Record<ReceiverKind, { bind: BindReceiver; port: number }>,
    private readonly log: (line: string) => void,
    private readonly onChange: () => void = () => {},
  ) {
    const slot = (r: { bind: BindReceiver; port: number }): Slot => ({ bind: r.bind, port: r.port, bound: null, error: null, queue: Promise.resolve() });
    this.slots = { 'otlp-http': slot(receivers['otlp-http']), 'otlp-grpc': slot(receivers['otlp-grpc']) };
  }

  /** Binds both; a port that cannot be bound is reported, not thrown. */
  async start(): Promise<void> {
    await Promise.all((Object.keys(this.slots) as ReceiverKind[]).map((kind) => this.bindSlot(kind, this.slots[kind].port)));
    this.onChange();
  }

  statuses(): ReceiverStatus[] {
    return (Object.keys(this.slots) as ReceiverKind[]).map((kind) => this.status(kind));
  }

  status(kind: ReceiverKind): ReceiverStatus {
    const slot = this.slots[kind];
    const base = { kind, host: this.host };
    if (slot.bound) return { ...base, state: 'listening', port: slot.bound.port, endpoint: this.endpointOf(slot.bound.port) };
    const error = slot.error ?? { message: 'not started', busy: false, holder: null };
    return { ...base, state: error.busy ? 'busy' : 'failed', port: slot.port, endpoint: null, error: error.message, holder: error.holder };
  }

  /** What an exporter should be pointed at: where it listens, or the port it waits to bind. */
  endpoint(kind: ReceiverKind): string {
    const slot = this.slots[kind];
    return this.endpointOf(slot.bound?.port ?? slot.port);
  }

  /**
   * Binds the receiver again: on `port` when given, on the first free port above the one asked
   * for with 'next', else on the same port (after the user freed it). A listening receiver moves
   * only once the new port is bound, so a failed move leaves it where it was.
   */
  retry(kind: ReceiverKind, port?: number | 'next'): Promise<ReceiverStatus> {
    const slot = this.slots[kind];
    const run = slot.queue.then(async () => {
      if (this.closed) throw new Error('Flowtrace is shutting down');
      const outcome = port === 'next' ? await this.bindNextFree(kind) : await this.bindSlot(kind, port ?? slot.port);
      this.onChange();
      if (outcome !== null && slot.bound) {
        throw Object.assign(new Error(`${RECEIVER_LABELS[kind]} stays on port ${slot.bound.port}: ${outcome.message}`), { code: outcome.busy ? 'EADDRINUSE' : 'EBIND' });
      }
      return this.status(kind);
    });
    slot.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      Object.values(this.slots).map(async (slot) => {
        await slot.queue;
        await slot.bound?.close();
        slot.bound = null;
      }),
    );
  }

  private async bindNextFree(kind: ReceiverKind): Promise<BindFailure | null> {
    const slot = this.slots[kind];
    const from = (slot.bound?.port ?? slot.port) + 1;
    let failure: BindFailure | null = { message: `no free port from ${from}`, busy: true };
    for (let port = from; port < from + NEXT_PORT_TRIES && port <= 65_535; port++) {
      failure = await this.bindSlot(kind, port);
      if (failure === null || !failure.busy) break;
    }
    return failure;
  }

  /** null when bound; else why not (a listening receiver keeps listening where it was). */
  private async bindSlot(kind: ReceiverKind, port: number): Promise<BindFailure | null> {
    const slot = this.slots[kind];
    if (slot.bound && (slot.bound.port === port || port === 0)) return null;
    try {
      const bound = await slot.bind(port);
      const previous = slot.bound;
      slot.bound = bound;
      slot.port = port;
      slot.error = null;
      await previous?.close();
      if (previous) this.log(`${RECEIVER_LABELS[kind]} moved from port ${previous.port} to ${bound.port}`);
      return null;
    } catch (err) {
      const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      const holder = busy ? portHolder(port) : null;
      const message = busy
        ? `port ${port} on ${this.host} is in use ${holder ? `by ${holder}` : '(another Flowtrace or a collector?)'}; pick another with ${FLAG[kind]}`
        : `cannot listen on ${this.host}:${port}: ${(err as Error).message}`;
      if (!slot.bound) {
        slot.port = port;
        slot.error = { message, busy, holder };
      }
      this.log(`${RECEIVER_LABELS[kind]} ${message}`);
      return { message, busy };
    }
  }

  private endpointOf(port: number): string {
    const urlHost = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${urlHost}:${port}`;
  }
}

/**
 * What the log and metric decoders produce: the items kept, the count and a few reasons of the
 * items rejected alone (sent back as partial success), and what the size limits trimmed.
 * Pure: no Node imports.
 */
import { limitTally } from './limits';

export interface ItemBatch<T> {
  items: T[];
  rejected: number;
  /** Up to a few distinct reasons, for `partial_success.error_message`. */
  rejectReasons: string[];
  warnings: string[];
}

const HEX_RE = /^[0-9a-f]*$/;

/**
 * An optional trace or span id of a log record or exemplar, as lowercase hex: null when absent
 * (empty or all zeros, which OTLP uses for "no context"), a string when valid, or undefined when
 * it has the wrong length or is not hex.
 */
export function optionalId(hex: string, bytes: number): string | null | undefined {
  if (hex === '' || /^0+$/.test(hex)) return hex.length === 0 || hex.length === bytes * 2 ? null : undefined;
  return hex.length === bytes * 2 && HEX_RE.test(hex) ? hex : undefined;
}

export class ItemBatchBuilder<T> {
  readonly items: T[] = [];
  rejected = 0;
  readonly rejectReasons: string[] = [];

  constructor() {
    // The tally is per thread and the decoders are synchronous: one request at a time.
    limitTally.reset();
  }

  add(item: T): void {
    this.items.push(item);
  }

  reject(reason: string, count = 1): void {
    if (count <= 0) return;
    this.rejected += count;
    if (this.rejectReasons.length < 5 && !this.rejectReasons.includes(reason)) this.rejectReasons.push(reason);
  }

  finish(): ItemBatch<T> {
    return { items: this.items, rejected: this.rejected, rejectReasons: this.rejectReasons, warnings: limitTally.warnings() };
  }
}

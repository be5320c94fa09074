/**
 * Bounds on what one request may contain. Exceeding a structural bound (nesting depth) makes the
 * request a 400; exceeding a size bound trims the item and says so, keeping the rest of the data.
 */

/** Deeper AnyValue nesting than this is refused: it only ever comes from a broken or hostile client. */
export const MAX_ANY_VALUE_DEPTH = 32;
/** Decompressed body limit for OTLP/HTTP, the spec's recommended 20 MiB. */
export const MAX_HTTP_BODY_BYTES = 20 * 1024 * 1024;
/** Longer string or bytes attribute values are cut to this many UTF-8 bytes (bodies of log records too). */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Per span (and per event or link): further attributes are dropped and counted, as the OTel SDKs do. */
export const MAX_ATTRIBUTES = 128;
export const MAX_EVENTS_PER_SPAN = 128;
export const MAX_LINKS_PER_SPAN = 128;

/**
 * What the limits changed while one request was read; decoders run synchronously, so one tally per
 * thread is enough. The receivers turn it into a partial-success warning (rejected 0 + a message).
 */
export class LimitTally {
  truncatedValues = 0;
  droppedAttributes = 0;
  droppedEvents = 0;
  droppedLinks = 0;

  reset(): void {
    this.truncatedValues = 0;
    this.droppedAttributes = 0;
    this.droppedEvents = 0;
    this.droppedLinks = 0;
  }

  /** Human-readable warnings, empty when nothing was trimmed. */
  warnings(): string[] {
    const out: string[] = [];
    if (this.truncatedValues) out.push(`${this.truncatedValues} value(s) longer than ${MAX_VALUE_BYTES} bytes were truncated`);
    if (this.droppedAttributes) out.push(`${this.droppedAttributes} attribute(s) beyond ${MAX_ATTRIBUTES} per item were dropped (counted in dropped_attributes_count)`);
    if (this.droppedEvents) out.push(`${this.droppedEvents} event(s) beyond ${MAX_EVENTS_PER_SPAN} per span were dropped (counted in dropped_events_count)`);
    if (this.droppedLinks) out.push(`${this.droppedLinks} link(s) beyond ${MAX_LINKS_PER_SPAN} per span were dropped (counted in dropped_links_count)`);
    return out;
  }
}

export const limitTally = new LimitTally();

/**
 * Stores one attribute as an own property whatever its key: a plain assignment of `__proto__`
 * would run the prototype setter instead, losing the attribute and re-parenting the object.
 */
export function setAttribute<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Keeps an item's first MAX_ATTRIBUTES attributes (in the order sent); returns how many were dropped. */
export function trimAttributes(attributes: Record<string, unknown>): number {
  let seen = 0;
  let dropped = 0;
  for (const key in attributes) {
    if (++seen > MAX_ATTRIBUTES) {
      delete attributes[key];
      dropped++;
    }
  }
  limitTally.droppedAttributes += dropped;
  return dropped;
}

/** Cuts a string to MAX_VALUE_BYTES of UTF-8 without splitting a character; counts the cut. */
export function limitString(s: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: shorter strings cannot be over the limit.
  if (s.length * 3 <= MAX_VALUE_BYTES) return s;
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= MAX_VALUE_BYTES) return s;
  limitTally.truncatedValues++;
  return utf8Prefix(bytes, MAX_VALUE_BYTES);
}

/** The longest whole-character UTF-8 prefix of `bytes` that fits in `max` bytes, as a string. */
export function utf8Prefix(bytes: Uint8Array, max: number): string {
  let end = Math.min(max, bytes.length);
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8');
}

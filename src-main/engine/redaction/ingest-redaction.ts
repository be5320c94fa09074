/**
 * Redaction at ingest, on the receivers' thread before a request reaches the store: the append log,
 * and so every table, the full text, the memory and anything fed from them, only ever see the
 * redacted request. A request is first searched as it came (the detectors' anchors over its bytes);
 * most hold nothing to redact and are stored untouched, unparsed. One that may is decoded, redacted
 * (redactor.ts) and, when something was found, re-encoded as OTLP/JSON and stored in place of the
 * original; what the decoder rejected there is answered as it would have been (partial success).
 */
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import { decodeLogsRequest, decodeLogsRequestJson } from '../otlp/decode-logs';
import { decodeMetricsRequest, decodeMetricsRequestJson } from '../otlp/decode-metrics';
import { encodeTraceRequestJson } from '../otlp/encode-json';
import { encodeLogsRequestJson } from '../otlp/encode-logs-json';
import { encodeMetricsRequestJson } from '../otlp/encode-metrics-json';
import { DETECTORS } from './detectors';
import { Redactor } from './redactor';
import { redactsAnything, type RedactionRules } from './rules';

export interface RedactedRequest {
  encoding: OtlpEncoding;
  body: Uint8Array;
  /** Spans, log records or metric points that lost something. */
  redactedItems: number;
  /** Items the decoder rejected before re-encoding: the store never sees them, so they are answered here. */
  rejected: number;
  rejectReasons: string[];
}

/** The longest run without wildcards, if long enough to be worth searching the body for. */
function literalOf(glob: string): string | null {
  const longest = glob.split(/[*?]/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest.length >= 3 ? longest : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Plan {
  redactor: Redactor;
  /** null: every request is decoded (a value rule, or a key glob without a literal part). */
  anchors: RegExp[] | null;
}

export class IngestRedaction {
  private plan: Plan | null = null;

  constructor(
    rules: RedactionRules,
    private readonly hashKey: Uint8Array,
  ) {
    this.setRules(rules);
  }

  /** New rules apply to the next request received. */
  setRules(rules: RedactionRules): void {
    if (!redactsAnything(rules)) {
      this.plan = null;
      return;
    }
    const enabled = DETECTORS.filter((d) => (rules.detectors[d.id] ?? 'off') !== 'off');
    // One pass over the body for every detector: half the time of one search per detector.
    let anchors: RegExp[] | null = enabled.length === 0 ? [] : [new RegExp(enabled.map((d) => `(?:${d.anchor.source})`).join('|'))];
    if (rules.values.length > 0) anchors = null;
    for (const k of rules.keys) {
      const literal = literalOf(k.glob);
      if (literal === null) anchors = null;
      else anchors?.push(new RegExp(escapeRegExp(literal), 'i'));
    }
    this.plan = { redactor: new Redactor(rules, this.hashKey), anchors };
  }

  get active(): boolean {
    return this.plan !== null;
  }

  apply(signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array): RedactedRequest {
    const untouched: RedactedRequest = { encoding, body, redactedItems: 0, rejected: 0, rejectReasons: [] };
    const plan = this.plan;
    if (plan === null || !mayHold(plan, encoding, body)) return untouched;
    let redacted: { encoded: object; items: number; rejected: number; rejectReasons: string[] };
    try {
      redacted = decodeAndRedact(plan.redactor, signal, encoding, body);
    } catch {
      // Not decodable: the store refuses it with the decoder's message, and nothing of it is kept.
      return untouched;
    }
    if (redacted.items === 0) return untouched;
    return {
      encoding: 'json',
      // Its own ArrayBuffer, as the receivers' bodies have: it is transferred to the store thread,
      // and a small Buffer.from() would hand over Node's shared allocation pool.
      body: new TextEncoder().encode(JSON.stringify(redacted.encoded)),
      redactedItems: redacted.items,
      rejected: redacted.rejected,
      rejectReasons: redacted.rejectReasons,
    };
  }
}

function mayHold(plan: Plan, encoding: OtlpEncoding, body: Uint8Array): boolean {
  if (plan.anchors === null) return true;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  // An escaped character could split an anchor in JSON text: then the strings themselves are searched.
  if (encoding === 'json' && /\\[u/]/.test(text)) return true;
  return plan.anchors.some((a) => a.test(text));
}

function decodeAndRedact(redactor: Redactor, signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array): { encoded: object; items: number; rejected: number; rejectReasons: string[] } {
  const json = encoding === 'json';
  if (signal === 'traces') {
    const batch = json ? decodeTraceRequestJson(body) : decodeTraceRequest(body);
    const items = redactor.redactSpans(batch.spans);
    return { encoded: encodeTraceRequestJson(batch.spans), items, rejected: batch.rejected, rejectReasons: batch.rejectReasons };
  }
  if (signal === 'logs') {
    const batch = json ? decodeLogsRequestJson(body) : decodeLogsRequest(body);
    const items = redactor.redactLogs(batch.items);
    return { encoded: encodeLogsRequestJson(batch.items), items, rejected: batch.rejected, rejectReasons: batch.rejectReasons };
  }
  const batch = json ? decodeMetricsRequestJson(body) : decodeMetricsRequest(body);
  const items = redactor.redactPoints(batch.items);
  return { encoded: encodeMetricsRequestJson(batch.items), items, rejected: batch.rejected, rejectReasons: batch.rejectReasons };
}

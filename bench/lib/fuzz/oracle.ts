/**
 * What a fuzz case must satisfy. Protobuf: `decodeTraceRequest` returns or throws DecodeError (any
 * other exception is a bug), and `scanTraceRequest` — which the store acknowledges on, decoding
 * only later — reaches the same verdict with the same span and rejection counts (and reasons).
 * JSON: `decodeTraceRequestJson` returns or throws DecodeError.
 */
import { decodeTraceRequest } from '../../../src-main/engine/otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { scanTraceRequest } from '../../../src-main/engine/otlp/scan-protobuf';
import { DecodeError } from '../../../src-main/engine/otlp/wire';
import type { Rng } from '../../gen/agent-spans';
import type { Corpus } from './corpus';
import { caseRng, mutateProtobuf, STREAM_JSON, STREAM_PROTOBUF, type MutatedCase } from './mutate-protobuf';
import { mutateJson } from './mutate-json';

export type CaseKind = 'protobuf' | 'json';

/** How a case ended when it did not fail: a clean refusal, accepted, or accepted with rejected spans. */
export type Outcome = 'invalid' | 'accepted' | 'partial';

export interface CaseFailure {
  kind: CaseKind;
  seed: number;
  index: number;
  /** What went wrong, e.g. "decode threw RangeError: ..." or "scan disagrees: ...". */
  problem: string;
  stack: string | null;
  mutation: Pick<MutatedCase, 'seed' | 'steps'>;
  input: Uint8Array;
}

type Verdict = { ok: true; spans: number; rejected: number; reasons: string[] } | { ok: false; message: string } | { ok: 'crash'; error: unknown };

function verdict(run: () => { spans: number; rejected: number; reasons: string[] }): Verdict {
  try {
    return { ok: true, ...run() };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, message: err.message };
    return { ok: 'crash', error: err };
  }
}

function describe(err: unknown): { text: string; stack: string | null } {
  if (err instanceof Error) return { text: `${err.name}: ${err.message}`, stack: err.stack ?? null };
  return { text: String(err), stack: null };
}

function show(v: Verdict): string {
  if (v.ok === true) return `accepted ${v.spans} span(s), rejected ${v.rejected} [${v.reasons.join(' | ')}]`;
  if (v.ok === false) return `DecodeError (${v.message})`;
  return `crash (${describe(v.error).text})`;
}

/** Checks one protobuf input; a problem description, or the outcome when it holds. */
export function checkProtobuf(input: Uint8Array): { problem: string; stack: string | null } | Outcome {
  const decoded = verdict(() => {
    const b = decodeTraceRequest(input);
    return { spans: b.spans.length, rejected: b.rejected, reasons: b.rejectReasons };
  });
  if (decoded.ok === 'crash') {
    const d = describe(decoded.error);
    return { problem: `decodeTraceRequest threw ${d.text}`, stack: d.stack };
  }
  const scanned = verdict(() => {
    const s = scanTraceRequest(input);
    return { spans: s.spans, rejected: s.rejected, reasons: s.rejectReasons };
  });
  if (scanned.ok === 'crash') {
    const d = describe(scanned.error);
    return { problem: `scanTraceRequest threw ${d.text}`, stack: d.stack };
  }
  const agree =
    decoded.ok === scanned.ok &&
    (decoded.ok === false ||
      (scanned.ok === true && decoded.spans === scanned.spans && decoded.rejected === scanned.rejected && decoded.reasons.join('\n') === scanned.reasons.join('\n')));
  if (!agree) return { problem: `scan disagrees with decode: decode ${show(decoded)}, scan ${show(scanned)}`, stack: null };
  return decoded.ok === false ? 'invalid' : decoded.rejected > 0 ? 'partial' : 'accepted';
}

export function checkJson(input: Uint8Array): { problem: string; stack: string | null } | Outcome {
  const decoded = verdict(() => {
    const b = decodeTraceRequestJson(input);
    return { spans: b.spans.length, rejected: b.rejected, reasons: b.rejectReasons };
  });
  if (decoded.ok === 'crash') {
    const d = describe(decoded.error);
    return { problem: `decodeTraceRequestJson threw ${d.text}`, stack: d.stack };
  }
  return decoded.ok === false ? 'invalid' : decoded.rejected > 0 ? 'partial' : 'accepted';
}

/** The input of case `index` of a stream (what a reproducer rebuilds). */
export function buildCase(corpus: Corpus, kind: CaseKind, seed: number, index: number): MutatedCase {
  const rng: Rng = caseRng(seed, kind === 'protobuf' ? STREAM_PROTOBUF : STREAM_JSON, index);
  return kind === 'protobuf' ? mutateProtobuf(corpus, rng) : mutateJson(corpus, rng);
}

export interface RunTotals {
  cases: number;
  outcomes: Record<Outcome, number>;
  failures: CaseFailure[];
  /** Failures beyond those kept in `failures`. */
  moreFailures: number;
  bytes: number;
}

export function emptyTotals(): RunTotals {
  return { cases: 0, outcomes: { invalid: 0, accepted: 0, partial: 0 }, failures: [], moreFailures: 0, bytes: 0 };
}

/**
 * Runs cases [from, to) of one stream into `totals`. `beforeCase` is called with each index before
 * it runs (a watchdog uses it to name the case that hangs).
 */
export function runCases(
  corpus: Corpus,
  kind: CaseKind,
  seed: number,
  from: number,
  to: number,
  totals: RunTotals,
  options: { keepFailures?: number; beforeCase?: (index: number) => void } = {},
): void {
  const keep = options.keepFailures ?? 20;
  const check = kind === 'protobuf' ? checkProtobuf : checkJson;
  for (let index = from; index < to; index++) {
    options.beforeCase?.(index);
    const c = buildCase(corpus, kind, seed, index);
    const result = check(c.bytes);
    totals.cases++;
    totals.bytes += c.bytes.length;
    if (typeof result === 'string') {
      totals.outcomes[result]++;
      continue;
    }
    if (totals.failures.length >= keep) {
      totals.moreFailures++;
      continue;
    }
    totals.failures.push({ kind, seed, index, problem: result.problem, stack: result.stack, mutation: { seed: c.seed, steps: c.steps }, input: c.bytes });
  }
}

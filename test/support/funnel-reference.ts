/**
 * Funnels computed the plain way, to check the store's SQL against: every span of every run read
 * back through getTrace, each step matched in JS on the span as the API shows it (name, attributes,
 * GenAI reading), then a walk in start order. Slow and obvious on purpose.
 */
import type { FunnelOutcome, FunnelStep, SpanRecord } from '../../src-shared/contract';

export interface ReferenceRun {
  id: string;
  /** In start order. */
  traces: Array<{ traceId: string; spans: SpanRecord[] }>;
}

export interface ReferenceProgress {
  reached: number;
  outcome: FunnelOutcome | null;
  /** The trace of the span taken for the last reached step (the first trace when none). */
  traceId: string;
  /** Two spans starting at the same instant both fit the step taken, one failed and one not: either outcome is right. */
  tieDecidesFailure: boolean;
}

function attributeMatches(value: unknown, wanted: string): boolean {
  if (typeof value === 'string') return value === wanted;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) === wanted;
  return false;
}

export function spanMatchesStep(span: SpanRecord, step: FunnelStep): boolean {
  const kind = span.genai ? (span.genai.kind ?? 'other') : null;
  if (step.kind !== undefined && kind !== step.kind) return false;
  switch (step.type) {
    case 'agent':
      return kind === 'agent' && span.genai?.agentName === step.value;
    case 'tool':
      return kind === 'tool' && span.genai?.toolName === step.value;
    case 'spanName':
      return span.name === step.value;
    case 'attribute':
      return attributeMatches(span.attributes[step.key ?? ''], step.value);
  }
}

export function referenceProgress(run: ReferenceRun, steps: readonly FunnelStep[]): ReferenceProgress {
  const spans = run.traces
    .flatMap((t) => t.spans.map((span) => ({ span, traceId: t.traceId, start: BigInt(span.startTimeUnixNano), failed: span.status.code === 'error' })))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reached = 0;
  let lastStart: bigint | null = null;
  let traceId = run.traces[0]!.traceId;
  let stepFailed = false;
  let tieDecidesFailure = false;
  while (reached < steps.length) {
    const step = steps[reached]!;
    const candidates = spans.filter((s) => (lastStart === null || s.start > lastStart) && spanMatchesStep(s.span, step));
    if (candidates.length === 0) break;
    const at = candidates[0]!.start;
    const tied = candidates.filter((c) => c.start === at);
    if (tied.some((c) => c.failed) && tied.some((c) => !c.failed)) tieDecidesFailure = true;
    stepFailed ||= candidates[0]!.failed;
    traceId = candidates[0]!.traceId;
    lastStart = at;
    reached++;
  }
  if (reached === 0) return { reached, outcome: null, traceId, tieDecidesFailure: false };
  const failedAfter = spans.some((s) => s.failed && s.start >= lastStart!);
  const outcome: FunnelOutcome = stepFailed ? 'failed' : reached === steps.length ? 'completed' : failedAfter ? 'failed' : 'abandoned';
  return { reached, outcome, traceId, tieDecidesFailure };
}

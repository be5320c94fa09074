// The GenAI facts of a span as people read them (numbers through lib/format.ts): "no price" kept
// apart from "no cost", request and response model as one value.
import type { GenAiSpan } from '../../../../src-shared/contract';
import { formatUsd } from '../format';

/**
 * The cost line of a span: null when there is nothing to say (no tokens, no reported cost), "no
 * price" when tokens are known but the model has no price, else the amount.
 */
export function costText(genai: Pick<GenAiSpan, 'costUsd'>): string | null {
  if (genai.costUsd === undefined) return null;
  if (genai.costUsd === null) return 'no price';
  return formatUsd(genai.costUsd);
}

/** Request and response model as one value; the response model alone when they agree. */
export function modelText(genai: Pick<GenAiSpan, 'requestModel' | 'responseModel'>): string | null {
  const { requestModel: req, responseModel: res } = genai;
  if (req && res && req !== res) return `${req} → ${res}`;
  return res ?? req ?? null;
}

// Numbers of the GenAI facts as people read them: token counts grouped, USD with enough digits that
// a fraction of a cent is not shown as $0.00, and "no price" kept apart from "no cost".
import type { GenAiSpan } from '../../../../src-shared/contract';

export function formatTokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** $12.35, $0.50, $0.00027, $0.00000016: two decimals, more only as the size needs (3 significant). */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  const digits = abs >= 1 ? 2 : Math.min(20, Math.max(2, 2 - Math.floor(Math.log10(abs))));
  let text = abs.toFixed(digits);
  if (digits > 2) text = text.replace(/0+$/, '').replace(/\.\d$/, (d) => `${d}0`);
  return `${usd < 0 ? '-' : ''}$${text}`;
}

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

// The GenAI reading of a span (docs/genai-normalization.md): what was called (operation, provider,
// model, agent, tool), what it cost (tokens, USD or "no price") and how it ended. Only known facts
// show; an absent field means the producer did not say.
import type { GenAiSpan } from '../../../../src-shared/contract';
import { costText, modelText } from '../../lib/detail/format';
import { formatTokens } from '../../lib/format';

export function GenAiFacts({ genai }: { genai: GenAiSpan }) {
  const model = modelText(genai);
  const cost = costText(genai);
  const tokens: [label: string, value: number | undefined, testId: string][] = [
    ['Input', genai.inputTokens, 'tokens-input'],
    ['Output', genai.outputTokens, 'tokens-output'],
    ['Total', genai.totalTokens, 'tokens-total'],
    ['Cache read', genai.cacheReadTokens, 'tokens-cache-read'],
    ['Reasoning', genai.reasoningTokens, 'tokens-reasoning'],
  ];
  const known = tokens.filter(([, v]) => v !== undefined);
  const main = known.filter(([label]) => label === 'Input' || label === 'Output' || label === 'Total');
  const detail = known.filter((t) => !main.includes(t));
  return (
    <section className="detail-section" data-testid="genai-facts">
      <h3>GenAI</h3>
      {(known.length > 0 || cost !== null) && (
        <div className="token-tiles" data-testid="genai-usage">
          {main.map(tile)}
          {cost !== null && (
            <div className={genai.costUsd === null ? 'tile no-price' : 'tile'} data-testid="genai-cost" title={genai.costUsd === null ? 'Tokens are known but this model has no price' : 'USD'}>
              <span className="tile-label">Cost</span>
              <span className="tile-value">{cost}</span>
            </div>
          )}
          {detail.map(tile)}
        </div>
      )}
      <dl className="facts">
        {fact('Operation', genai.operation)}
        {fact('Provider', genai.provider)}
        {fact('Model', model, 'genai-model')}
        {fact('Agent', genai.agentName)}
        {fact('Tool', genai.toolName)}
        {fact('Tool call id', genai.toolCallId, undefined, true)}
        {fact('Finish', genai.finishReasons && genai.finishReasons.length > 0 ? genai.finishReasons.join(', ') : undefined, 'genai-finish')}
        {fact('Session', genai.sessionId, undefined, true)}
        {fact('User', genai.userId)}
      </dl>
    </section>
  );
}

function tile([label, value, testId]: [string, number | undefined, string]) {
  return (
    <div className="tile" key={label} data-testid={testId}>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value === undefined ? '—' : formatTokens(value)}</span>
    </div>
  );
}

function fact(label: string, value: string | null | undefined, testId?: string, code = false) {
  if (value === undefined || value === null || value === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{code ? <code>{value}</code> : value}</dd>
    </>
  );
}

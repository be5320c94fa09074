// What every per-kind detail section receives: the span and its GenAI reading.
import type { GenAiSpan, SpanRecord } from '../../../../../src-shared/contract';

export interface SectionProps {
  span: SpanRecord;
  genai: GenAiSpan;
}

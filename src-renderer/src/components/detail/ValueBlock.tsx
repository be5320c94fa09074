// A structured value (tool arguments or result, a log body, an unknown message part): JSON
// pretty-printed into a <pre> as text, or plain text when it is not JSON. Folds when long.
import { useMemo } from 'react';
import type { AttributeValue } from '../../../../src-shared/contract';
import { valueText } from '../../lib/detail/json';
import { FoldableText } from './FoldableText';

export function ValueBlock({ value, testId }: { value: AttributeValue | undefined; testId?: string }) {
  const { text, json } = useMemo(() => valueText(value), [value]);
  return <FoldableText text={text} mono={json} testId={testId} />;
}

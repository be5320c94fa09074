// Key/value rows for any attribute map. Values are shown as text (strings verbatim, everything
// else as JSON), never as markup.
import type { Attributes } from '../../../src-shared/contract';
import { attributeText, sortedEntries } from '../lib/attributes';

export function AttributeTable({ attributes, testId }: { attributes: Attributes; testId?: string }) {
  const entries = sortedEntries(attributes);
  if (entries.length === 0) return <p className="muted">None</p>;
  return (
    <table className="attr-table" data-testid={testId}>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className={typeof value === 'string' ? undefined : 'attr-json'}>{attributeText(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

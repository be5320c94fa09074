// Key/value rows. Each row's text reads "key value" (tests and users searching the page rely on
// it); values are text: strings verbatim, anything else as JSON. Each value can be copied.
import { Fragment } from 'react';
import type { AttributeEntry } from '../../lib/detail/attributes';
import { ATTRIBUTE_FOLD } from '../../lib/detail/fold';
import { attributeText } from '../../lib/attributes';
import { CopyButton } from './CopyButton';
import { FoldableText } from './FoldableText';

interface Props {
  entries: readonly AttributeEntry[];
  testId?: string;
  /** Shown instead of an empty table. */
  emptyText?: string;
}

export function AttrTable({ entries, testId, emptyText = 'None' }: Props) {
  if (entries.length === 0) {
    return (
      <p className="muted attr-empty" data-testid={testId}>
        {emptyText}
      </p>
    );
  }
  return (
    <table className="attr-table detail-attrs" data-testid={testId}>
      <tbody>
        {entries.map(([key, value]) => {
          const text = attributeText(value);
          return (
            <tr key={key}>
              <th scope="row">
                <DottedKey name={key} />
              </th>
              <td className={typeof value === 'string' ? undefined : 'attr-json'}>
                <FoldableText text={text} limits={ATTRIBUTE_FOLD} className="attr-value" />
                <CopyButton text={text} label={`Copy value of ${key}`} className="row-copy" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A dotted key that wraps after its dots (gen_ai.usage. / input_tokens) rather than mid-word. */
function DottedKey({ name }: { name: string }) {
  const parts = name.split('.');
  return parts.map((p, i) => (
    <Fragment key={i}>
      {p}
      {i < parts.length - 1 && (
        <>
          .<wbr />
        </>
      )}
    </Fragment>
  ));
}

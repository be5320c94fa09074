// The span's attributes, then its resource and instrumentation scope in their own folds, under one
// filter box (key or value). A folded group opens while the filter matches something in it.
import { useMemo, useState } from 'react';
import type { SpanRecord } from '../../../../src-shared/contract';
import { sortedEntries } from '../../lib/attributes';
import { attributesJson, filterEntries } from '../../lib/detail/attributes';
import { AttrTable } from './AttrTable';
import { CopyButton } from './CopyButton';
import { Fold } from './Fold';

export function AttributesSection({ span }: { span: SpanRecord }) {
  const [query, setQuery] = useState('');
  const all = useMemo(() => sortedEntries(span.attributes), [span.attributes]);
  const resource = useMemo(() => sortedEntries(span.resource.attributes), [span.resource.attributes]);
  const scopeAttrs = useMemo(() => sortedEntries(span.scope.attributes), [span.scope.attributes]);
  const filtering = query.trim() !== '';
  const shown = filterEntries(all, query);
  const shownResource = filterEntries(resource, query);
  const shownScope = filterEntries(scopeAttrs, query);
  const count = (n: number, of: number) => (filtering ? `${n} of ${of}` : String(of));
  const scope = span.scope;

  return (
    <section className="detail-section">
      <div className="section-head">
        <h3>Attributes</h3>
        <span className="count">{count(shown.length, all.length)}</span>
        <CopyButton text={() => attributesJson(span.attributes)} label="Copy all attributes as JSON" className="head-copy">
          Copy JSON
        </CopyButton>
      </div>
      <input
        type="search"
        className="attr-filter"
        data-testid="attr-filter"
        placeholder="Filter by key or value"
        aria-label="Filter attributes by key or value"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <AttrTable entries={shown} testId="span-attributes" emptyText={filtering ? 'No attribute matches.' : 'None'} />
      {span.droppedAttributesCount > 0 && <p className="muted dropped">{dropped(span.droppedAttributesCount, 'attribute')}</p>}

      <Fold title="Resource" count={count(shownResource.length, resource.length)} forceOpen={filtering ? shownResource.length > 0 : undefined} testId="span-resource-group">
        <AttrTable entries={shownResource} testId="span-resource" emptyText={filtering ? 'No attribute matches.' : 'None'} />
        {span.resource.droppedAttributesCount > 0 && <p className="muted dropped">{dropped(span.resource.droppedAttributesCount, 'resource attribute')}</p>}
      </Fold>

      <Fold title="Scope" count={scope.name ? undefined : '—'} forceOpen={filtering ? shownScope.length > 0 : undefined} testId="span-scope-group">
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="scope-name">{scope.name || '—'}</dd>
          <dt>Version</dt>
          <dd data-testid="scope-version">{scope.version || '—'}</dd>
        </dl>
        {scopeAttrs.length > 0 && <AttrTable entries={shownScope} testId="span-scope" emptyText="No attribute matches." />}
        {scope.droppedAttributesCount > 0 && <p className="muted dropped">{dropped(scope.droppedAttributesCount, 'scope attribute')}</p>}
      </Fold>
    </section>
  );
}

export function dropped(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'} dropped by the SDK`;
}

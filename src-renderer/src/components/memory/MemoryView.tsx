// The Memory page (#/memory, #/memory/{collection}): the collections people and agents write to,
// with their counts; one collection's items newest first (paged), recall by meaning with scores,
// delete (confirmed) and add. With no collections yet it says what they are and how an agent writes
// one. The quiet status line says what the memory process is doing. Collections and status are
// pulled again on ingest ticks (the memory catches up with ingest), never on a timer.
import { useEffect } from 'react';
import type { MemoryCollectionInfo } from '../../../../src-shared/contract';
import { statusLine } from '../../lib/memory/format';
import { formatRoute } from '../../lib/route';
import { formatWallClock } from '../../lib/time';
import { useDataStore } from '../../state/data-store';
import { loadCollections, loadItems, loadMemoryStatus, loadMoreItems, useMemory } from '../../state/memory';
import { AddItemForm } from './AddItemForm';
import { ItemCard } from './ItemCard';
import { MemoryIntro } from './MemoryIntro';
import { RecallBox } from './RecallBox';
import './memory.css';

function CollectionNav({ collections, selected }: { collections: MemoryCollectionInfo[]; selected: string | null }) {
  return (
    <nav className="memory-collections" aria-label="Collections">
      <h2>Collections</h2>
      <ul>
        {collections.map((c) => (
          <li key={c.name}>
            <a
              href={formatRoute({ view: 'memory', collection: c.name })}
              aria-current={c.name === selected ? 'page' : undefined}
              data-testid="memory-collection"
              data-collection={c.name}
            >
              <span className="memory-collection-name">{c.name}</span>
              <span className="memory-count" data-testid="memory-collection-count">
                {c.count.toLocaleString('en-US')}
              </span>
            </a>
          </li>
        ))}
      </ul>
      <a className="memory-all" href="#/memory" aria-current={selected === null ? 'page' : undefined}>
        All collections · add to a new one
      </a>
    </nav>
  );
}

function Overview({ collections }: { collections: MemoryCollectionInfo[] }) {
  return (
    <>
      <table className="session-list-table memory-table" data-testid="memory-collection-table">
        <thead>
          <tr>
            <th>Collection</th>
            <th className="num">Items</th>
            <th>Last written</th>
          </tr>
        </thead>
        <tbody>
          {collections.map((c) => (
            <tr key={c.name}>
              <td className="mono">
                <a href={formatRoute({ view: 'memory', collection: c.name })}>{c.name}</a>
              </td>
              <td className="num">{c.count.toLocaleString('en-US')}</td>
              <td>{c.updatedAt === null ? '—' : formatWallClock(c.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddItemForm collection={null} />
    </>
  );
}

function Collection({ name, info }: { name: string; info: MemoryCollectionInfo | undefined }) {
  const items = useMemory((s) => s.items);
  const mine = items.collection === name;
  return (
    <div className="memory-collection" data-testid="memory-collection-view" data-collection={name}>
      <div className="memory-collection-head">
        <h2 className="mono">{name}</h2>
        <span className="muted">{info ? `${info.count.toLocaleString('en-US')} ${info.count === 1 ? 'item' : 'items'}` : 'no items yet'}</span>
      </div>
      <RecallBox key={name} collection={name} />
      <AddItemForm key={`add-${name}`} collection={name} folded startOpen={!info || info.count === 0} />
      <section aria-label={`Items of ${name}, newest first`}>
        <h3>Items, newest first</h3>
        {mine && items.error && (
          <p className="memory-error" role="alert">
            Could not load the items: {items.error}
          </p>
        )}
        {(!mine || (!items.loaded && !items.error)) && <p className="muted">Loading items…</p>}
        {mine && items.loaded && items.items.length === 0 && (
          <p className="muted" data-testid="memory-items-empty">
            Nothing in {name} yet. Add an item above, or have an agent write one.
          </p>
        )}
        {mine && items.items.length > 0 && (
          <ol className="memory-items" data-testid="memory-items">
            {items.items.map((item) => (
              <ItemCard key={item.id} item={item} testId="memory-item" />
            ))}
          </ol>
        )}
        {mine && items.nextCursor && (
          <div className="load-more">
            <button type="button" className="bar-button" data-testid="memory-load-more" disabled={items.loadingMore} onClick={() => void loadMoreItems()}>
              {items.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

export function MemoryView({ collection }: { collection: string | null }) {
  const tick = useDataStore((s) => s.counts);
  const collections = useMemory((s) => s.collections);
  const loaded = useMemory((s) => s.collectionsLoaded);
  const error = useMemory((s) => s.collectionsError);
  const status = useMemory((s) => s.status);

  useEffect(() => {
    void loadCollections();
    void loadMemoryStatus();
  }, [tick]);
  useEffect(() => {
    if (collection) void loadItems(collection);
  }, [collection]);

  const none = loaded && !error && collections.length === 0 && collection === null;
  return (
    <section className="memory-view" data-testid="memory-view">
      <div className="memory-head">
        <h1>Memory</h1>
        {status && (
          <span className="memory-status" data-testid="memory-status" title={status.lastError ? `Last error: ${status.lastError}` : 'What the memory process is doing'}>
            {statusLine(status)}
          </span>
        )}
      </div>
      {status?.lastError && (
        <p className="store-notice is-warning memory-last-error" role="status">
          The memory process reported: {status.lastError}
        </p>
      )}
      {error && (
        <p className="error-banner" role="alert">
          Could not load the collections: {error}
        </p>
      )}
      {!loaded && <p className="muted pad">Loading collections…</p>}
      {none && (
        <div className="memory-empty">
          <MemoryIntro />
          <AddItemForm collection={null} />
        </div>
      )}
      {loaded && !none && (
        <div className="memory-body">
          <CollectionNav collections={collections} selected={collection} />
          <div className="memory-main">
            {collection === null ? (
              <Overview collections={collections} />
            ) : (
              <Collection name={collection} info={collections.find((c) => c.name === collection)} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}

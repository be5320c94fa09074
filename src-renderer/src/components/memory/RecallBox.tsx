// Recall from one collection: a query and how many (k), then the closest items with their scores,
// best first, as an agent calling recall would get them.
import { useState, type FormEvent } from 'react';
import { DEFAULT_K, MAX_K, parseK } from '../../lib/memory/input';
import { isRecallOf } from '../../lib/memory/items-state';
import { recallItems, useMemory } from '../../state/memory';
import { ItemCard } from './ItemCard';

export function RecallBox({ collection }: { collection: string }) {
  const [query, setQuery] = useState('');
  const [k, setK] = useState(String(DEFAULT_K));
  const [problem, setProblem] = useState<string | null>(null);
  const recall = useMemory((s) => s.recall);
  const parsedK = parseK(k);
  // The answer shown must belong to this collection.
  const mine = isRecallOf(recall.key, collection);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!parsedK.ok) return setProblem(parsedK.message);
    if (query.trim() === '') return setProblem('Write what to recall: a question or a few words.');
    setProblem(null);
    void recallItems(collection, query, parsedK.value);
  };

  return (
    <section className="memory-recall" aria-label={`Recall from ${collection}`}>
      <form className="memory-recall-form" role="search" onSubmit={submit} noValidate>
        <input
          type="search"
          className="filter-input memory-recall-input"
          data-testid="memory-recall-input"
          data-page-search
          aria-label={`Recall from ${collection} by meaning`}
          placeholder="Recall by meaning: a question or a few words"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="filter-field">
          <span className="filter-label">How many</span>
          <input
            className="filter-input filter-number"
            inputMode="numeric"
            data-testid="memory-recall-k"
            aria-label={`How many items to recall (1 to ${MAX_K})`}
            aria-invalid={!parsedK.ok || undefined}
            value={k}
            onChange={(e) => setK(e.target.value)}
          />
        </label>
        <button type="submit" className="bar-button primary" data-testid="memory-recall-submit" disabled={recall.loading}>
          Recall
        </button>
      </form>
      {problem && (
        <p className="memory-error" role="alert">
          {problem}
        </p>
      )}
      {mine && recall.error && (
        <p className="memory-error" role="alert">
          Could not recall: {recall.error}
        </p>
      )}
      {mine && !recall.error && !recall.loading && recall.items.length === 0 && (
        <p className="muted" data-testid="memory-recall-none">
          Nothing recalled: the collection is empty, or nothing is close enough.
        </p>
      )}
      {mine && recall.items.length > 0 && <h3>Recalled, closest first</h3>}
      {mine && recall.items.length > 0 && (
        <ol className={recall.loading ? 'memory-items stale' : 'memory-items'} aria-label="Recalled items, closest first" data-testid="memory-recalled">
          {recall.items.map((item) => (
            <ItemCard key={item.id} item={item} score={item.score} testId="recalled-item" />
          ))}
        </ol>
      )}
    </section>
  );
}

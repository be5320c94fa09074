// Text and service filters. Typing is debounced so each keystroke does not become a request.
import { useEffect, useState } from 'react';
import { useDataStore } from '../state/data-store';
import { setFilters, useUiStore } from '../state/ui-store';

const DEBOUNCE_MS = 200;

export function TraceFilters() {
  const q = useUiStore((s) => s.filters.q);
  const service = useUiStore((s) => s.filters.service);
  const services = useDataStore((s) => s.services);
  const [text, setText] = useState(q);

  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(() => setFilters({ q: text }), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, q]);

  return (
    <div className="filters">
      <input
        type="search"
        className="filter-text"
        placeholder="Filter by span name…"
        aria-label="Filter by span name"
        data-testid="filter-q"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <select
        className="filter-service"
        aria-label="Filter by service"
        data-testid="filter-service"
        value={service}
        onChange={(e) => setFilters({ service: e.target.value })}
      >
        <option value="">All services</option>
        {services.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
        {service && !services.includes(service) && <option value={service}>{service}</option>}
      </select>
    </div>
  );
}

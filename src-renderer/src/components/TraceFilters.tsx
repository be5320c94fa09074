// The trace list's filter bar. Each control edits one filter in the list's URL, which maps to one
// TraceListQuery field (lib/list/query.ts); text is debounced and replaces the history entry,
// choices apply at once as a new entry. Model, agent and tool offer the values seen so far as
// suggestions. The time range is the app's one range, set in the header.
import type { Ref } from 'react';
import { clearedFilters, isFiltered, isInvalidNumber, type NumberField, type StatusFilter } from '../lib/list/query';
import { useDataStore } from '../state/data-store';
import type { ListFilters } from '../state/list-state';
import { setFilters, useListFilterInput } from '../state/ui-store';
import { DebouncedInput } from './list/DebouncedInput';
import { FEEDBACK_CHOICES } from '../lib/feedback';
import type { FeedbackFilter } from '../../../src-shared/contract';
import { useListUi } from './list/list-ui-store';

// Module-level so DebouncedInput's pending wait is not restarted by every render.
const commit = {
  q: (v: string) => setFilters({ q: v }, 'replace'),
  model: (v: string) => setFilters({ model: v }, 'replace'),
  agent: (v: string) => setFilters({ agent: v }, 'replace'),
  tool: (v: string) => setFilters({ tool: v }, 'replace'),
  label: (v: string) => setFilters({ label: v }, 'replace'),
  minDurationMs: (v: string) => setFilters({ minDurationMs: v }, 'replace'),
  maxDurationMs: (v: string) => setFilters({ maxDurationMs: v }, 'replace'),
  minTokens: (v: string) => setFilters({ minTokens: v }, 'replace'),
  minCostUsd: (v: string) => setFilters({ minCostUsd: v }, 'replace'),
} satisfies Partial<Record<keyof ListFilters, (v: string) => void>>;

function NumberFilter({ field, label, unit, testId, placeholder }: { field: NumberField; label: string; unit?: string; testId: string; placeholder: string }) {
  const value = useListFilterInput()[field] ?? '';
  const invalid = isInvalidNumber(field, value);
  return (
    <label className="filter-field">
      <span className="filter-label">{label}</span>
      <DebouncedInput
        className="filter-input filter-number"
        inputMode="decimal"
        placeholder={placeholder}
        aria-label={unit ? `${label} (${unit})` : label}
        aria-invalid={invalid || undefined}
        title={invalid ? (field === 'minTokens' ? 'A whole number of tokens' : 'A number ≥ 0') : undefined}
        data-testid={testId}
        value={value}
        onCommit={commit[field]}
      />
      {unit && <span className="filter-unit">{unit}</span>}
    </label>
  );
}

function SuggestField({ field, label, testId, options }: { field: 'model' | 'agent' | 'tool'; label: string; testId: string; options: readonly string[] }) {
  const value = useListFilterInput()[field] ?? '';
  const listId = `filter-${field}-options`;
  return (
    <label className="filter-field">
      <span className="filter-label">{label}</span>
      <DebouncedInput
        className="filter-input filter-name"
        list={listId}
        placeholder="any"
        aria-label={`Filter by ${label.toLowerCase()} (exact)`}
        data-testid={testId}
        value={value}
        onCommit={commit[field]}
        clearOnEscape
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
    </label>
  );
}

export function TraceFilters({ searchRef }: { searchRef?: Ref<HTMLInputElement> }) {
  const filters = useListFilterInput();
  const services = useDataStore((s) => s.services);
  const suggestions = useListUi((s) => s.suggestions);
  const status: StatusFilter = filters.status ?? 'any';

  return (
    <div className="filters" role="search" aria-label="Trace filters">
      <div className="filter-row">
        <DebouncedInput
          type="search"
          className="filter-input filter-text"
          placeholder="Search span names, attributes, messages…  ( / )"
          aria-label="Search traces"
          aria-keyshortcuts="/"
          data-testid="filter-q"
          data-page-search
          value={filters.q}
          onCommit={commit.q}
          inputRef={searchRef}
          clearOnEscape
        />
        <label className="filter-field">
          <span className="filter-label">Service</span>
          <select
            className="filter-input filter-service"
            aria-label="Filter by service"
            data-testid="filter-service"
            value={filters.service}
            onChange={(e) => setFilters({ service: e.target.value })}
          >
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            {filters.service && !services.includes(filters.service) && <option value={filters.service}>{filters.service}</option>}
          </select>
        </label>
        <label className="filter-field">
          <span className="filter-label">Status</span>
          <select
            className="filter-input"
            aria-label="Filter by status"
            data-testid="filter-status"
            value={status}
            onChange={(e) => setFilters({ status: e.target.value as StatusFilter })}
          >
            <option value="any">Any</option>
            <option value="error">Has errors</option>
            <option value="ok">No errors</option>
          </select>
        </label>
        <label className="filter-field">
          <span className="filter-label">Feedback</span>
          <select
            className="filter-input"
            aria-label="Filter by feedback"
            data-testid="filter-feedback"
            value={filters.feedback ?? ''}
            onChange={(e) => setFilters({ feedback: e.target.value as FeedbackFilter | '' })}
          >
            {FEEDBACK_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="filter-field">
          <span className="filter-label">Label</span>
          <DebouncedInput
            className="filter-input filter-name"
            placeholder="any"
            aria-label="Filter by feedback label (exact)"
            data-testid="filter-label"
            value={filters.label ?? ''}
            onCommit={commit.label}
            clearOnEscape
          />
        </label>
        <label
          className="filter-field filter-check"
          title="Traces without a GenAI span from a service that sends GenAI spans (a coding agent's auth, config and file reads) are stored and searchable, but not listed as runs unless shown here. A search always finds them."
        >
          <input
            type="checkbox"
            aria-label="Show internal traces"
            data-testid="filter-internal"
            checked={filters.internal === true}
            onChange={(e) => setFilters({ internal: e.target.checked })}
          />
          <span className="filter-label">Internal traces</span>
        </label>
        {/* The range is the whole app's: this clears the list's own filters only. */}
        {isFiltered({ ...filters, range: 'all' }) && (
          <button type="button" className="filter-clear" data-testid="filter-clear" onClick={() => setFilters(clearedFilters(filters))}>
            Clear filters
          </button>
        )}
      </div>
      <div className="filter-row">
        <SuggestField field="model" label="Model" testId="filter-model" options={suggestions.models} />
        <SuggestField field="agent" label="Agent" testId="filter-agent" options={suggestions.agents} />
        <SuggestField field="tool" label="Tool" testId="filter-tool" options={suggestions.tools} />
        <NumberFilter field="minDurationMs" label="Duration ≥" unit="ms" testId="filter-min-duration" placeholder="0" />
        <NumberFilter field="maxDurationMs" label="≤" unit="ms" testId="filter-max-duration" placeholder="∞" />
        <NumberFilter field="minTokens" label="Tokens ≥" testId="filter-min-tokens" placeholder="0" />
        <NumberFilter field="minCostUsd" label="Cost ≥ $" testId="filter-min-cost" placeholder="0" />
      </div>
    </div>
  );
}

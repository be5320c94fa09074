// Keyboard moves between search results: the header box's ↓ focuses the first, ↑/↓ (or j/k) step
// through them, and ↑ from the first goes back to the box. The results are links, so Enter opens.
const RESULT = '[data-testid="search-result"]';

function results(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(RESULT)];
}

/** Focuses result `index` (clamped); false when there are none. */
export function focusResult(index: number): boolean {
  const all = results();
  if (all.length === 0) return false;
  const el = all[Math.max(0, Math.min(all.length - 1, index))]!;
  el.focus();
  el.scrollIntoView({ block: 'nearest' });
  return true;
}

/** Moves focus from the focused result by `delta`; above the first, to the header's search box. */
export function stepResult(from: Element | null, delta: number): boolean {
  const all = results();
  const at = all.findIndex((el) => el === from);
  if (at < 0) return false;
  if (at + delta < 0) {
    document.querySelector<HTMLInputElement>('[data-testid="memory-search-input"]')?.focus();
    return true;
  }
  return focusResult(at + delta);
}

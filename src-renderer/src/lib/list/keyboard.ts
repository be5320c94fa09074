// Keyboard use of the trace list, as pure functions: which key does what, where the highlight goes,
// and how far to scroll so the highlighted row is seen. The row may not be in the DOM (the table is
// virtualized), so scrolling is computed from the row index, not from an element.

export type ListKeyAction = { type: 'move'; delta: 1 | -1 } | { type: 'open' } | { type: 'focusSearch' } | { type: 'clearSearch' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** Where keyboard focus is when a key is pressed. */
export type FocusPlace =
  /** Nothing in particular: the list page itself. */
  | 'page'
  /** The text filter: arrows and Enter still drive the list, letters are typed. */
  | 'search'
  /** A button or link: Enter activates it, the rest drive the list. */
  | 'control'
  /** Any other input or select: it keeps every key (a select uses the arrows, a box takes "j"). */
  | 'field';

export function listKeyAction(e: KeyInput, where: FocusPlace): ListKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || where === 'field') return null;
  switch (e.key) {
    case 'ArrowDown':
      return { type: 'move', delta: 1 };
    case 'ArrowUp':
      return { type: 'move', delta: -1 };
    case 'Enter':
      return where === 'control' ? null : { type: 'open' };
    case 'Escape':
      return { type: 'clearSearch' };
  }
  if (where === 'search') return null;
  if (e.key === 'j') return { type: 'move', delta: 1 };
  if (e.key === 'k') return { type: 'move', delta: -1 };
  if (e.key === '/') return { type: 'focusSearch' };
  return null;
}

/**
 * The id highlighted after moving by `delta`. Without a highlight (or when it left the list),
 * either direction starts at row `firstInView`, so the keyboard picks up where the user is looking.
 */
export function moveHighlight(ids: readonly string[], current: string | null, delta: 1 | -1, firstInView = 0): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at < 0) return ids[Math.min(ids.length - 1, Math.max(0, firstInView))]!;
  return ids[Math.min(ids.length - 1, Math.max(0, at + delta))]!;
}

/**
 * The scrollTop that brings row `index` fully into view below a sticky header of `headerHeight`
 * (rows start after it), or null when it already is.
 */
export function revealScrollTop(index: number, rowHeight: number, headerHeight: number, scrollTop: number, viewport: number): number | null {
  const top = headerHeight + index * rowHeight;
  const bottom = top + rowHeight;
  if (top - headerHeight < scrollTop) return Math.max(0, top - headerHeight);
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}

// The app-wide keyboard shortcuts as pure data and one pure function, tested without a DOM:
// `g` then a letter goes to a page (as in Gmail and GitHub: letters need no modifier, so they
// cannot clash with the browser's or the OS's Alt/Ctrl combinations, which Alt+digit would on
// some keyboard layouts), `/` focuses the page's search box, `?` lists the shortcuts, Escape
// closes that list. None fire while the user types in a field. Page-local keys (the list's j/k,
// the timeline's arrows and +/−) stay with their pages.
import { NAV, type NavPage } from './nav';

/** How long after `g` the page letter may come; later, it is an ordinary key again. */
export const SEQUENCE_MS = 1500;

/** Every shortcut with its keys as shown in the overlay (page-local ones included, for the reader). */
export const SHORTCUT_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  ...NAV.map((n) => ({ keys: `g ${n.key}`, what: `Go to ${n.label}` })),
  { keys: '/', what: "Focus the page's search or filter box" },
  { keys: '?', what: 'Show or hide these shortcuts' },
  { keys: 'Esc', what: 'Close this list; in a search box, clear it' },
  { keys: 'j / k, ↑ / ↓, Enter', what: 'Trace list: move the highlight, open the trace' },
  { keys: '↑ ↓ ← → Home End', what: 'Timeline: move the selection, fold and unfold' },
  { keys: '+ / − / 0', what: 'Timeline: zoom in, out, reset' },
];

export type ShellAction = { type: 'go'; page: NavPage } | { type: 'search' } | { type: 'help' } | { type: 'close' };

export interface ShortcutKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

export interface ShortcutContext {
  /** Focus is in a text field, a select or an editable element: every key is the field's. */
  typing: boolean;
  overlayOpen: boolean;
  /** When `g` was pressed (ms), or null. */
  pendingSince: number | null;
  now: number;
}

/** What a key press does, and whether a `g` sequence is now pending (its start time). */
export function shortcutAction(e: ShortcutKey, ctx: ShortcutContext): { action: ShellAction | null; pendingSince: number | null } {
  if (e.ctrlKey || e.metaKey || e.altKey) return { action: null, pendingSince: null };
  if (e.key === 'Escape') return { action: ctx.overlayOpen ? { type: 'close' } : null, pendingSince: null };
  if (ctx.typing) return { action: null, pendingSince: null };
  const pending = ctx.pendingSince !== null && ctx.now - ctx.pendingSince <= SEQUENCE_MS;
  if (pending) {
    const entry = NAV.find((n) => n.key === e.key.toLowerCase());
    if (entry) return { action: { type: 'go', page: entry.page }, pendingSince: null };
  }
  if (e.key === 'g') return { action: null, pendingSince: ctx.now };
  if (e.key === '?') return { action: { type: 'help' }, pendingSince: null };
  if (e.key === '/') return { action: { type: 'search' }, pendingSince: null };
  return { action: null, pendingSince: null };
}

// The app-wide keys (lib/shortcuts.ts) and the `?` overlay that lists them. The listener runs in
// the capture phase, before the pages' own: a key it acts on is not also a page key (Escape that
// closes the overlay does not clear the list's search as well).
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import { pageHref } from '../../lib/nav';
import { SHORTCUT_HELP, shortcutAction } from '../../lib/shortcuts';
import { useUiStore } from '../../state/ui-store';

const useOverlay = create<{ open: boolean }>()(() => ({ open: false }));

export function toggleShortcuts(open = !useOverlay.getState().open): void {
  useOverlay.setState({ open });
}

/** A text field, a select or editable content: keys there are typed, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  // Checkboxes, radios and buttons take no text: shortcuts still work from them.
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(target.type);
}

/** The page's own search or filter box (marked `data-page-search`), else the header's search. */
function focusSearch(): void {
  const shown = (selector: string) => [...document.querySelectorAll<HTMLInputElement>(selector)].find((b) => b.offsetParent !== null && !b.disabled);
  const box = shown('[data-page-search]') ?? shown('[data-testid="memory-search-input"]');
  box?.focus();
  box?.select();
}

function useShellKeys(): void {
  useEffect(() => {
    let pendingSince: number | null = null;
    const onKey = (e: KeyboardEvent) => {
      const next = shortcutAction(e, { typing: isTyping(e.target), overlayOpen: useOverlay.getState().open, pendingSince, now: Date.now() });
      pendingSince = next.pendingSince;
      const { action } = next;
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      if (action.type === 'close') toggleShortcuts(false);
      else if (action.type === 'help') toggleShortcuts();
      else if (action.type === 'search') {
        toggleShortcuts(false);
        focusSearch();
      } else {
        toggleShortcuts(false);
        const { range, lastListFilters } = useUiStore.getState();
        const href = pageHref(action.page, range, lastListFilters);
        if (location.hash !== href) location.hash = href;
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

function Overlay() {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus moves into the list so a screen reader reads it; it goes back where it was on close.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="shortcuts-backdrop" onClick={() => toggleShortcuts(false)}>
      <div
        ref={dialog}
        className="shortcuts-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-overlay"
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcuts-table">
          <tbody>
            {SHORTCUT_HELP.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Shortcuts wait while you type in a field.</p>
        <button type="button" data-testid="shortcuts-close" onClick={() => toggleShortcuts(false)}>
          Close
        </button>
      </div>
    </div>
  );
}

/** Mount once in the app shell: the keys, and the overlay while it is open. */
export function Shortcuts() {
  useShellKeys();
  const open = useOverlay((s) => s.open);
  return open ? <Overlay /> : null;
}

/** The header's "?" button, for those who do not guess the key. */
export function ShortcutsButton() {
  return (
    <button type="button" className="shortcuts-button" data-testid="shortcuts-button" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" title="Keyboard shortcuts (?)" onClick={() => toggleShortcuts()}>
      ?
    </button>
  );
}

// The colour theme: follow the OS (default), or light or dark as the user picked. Applied as
// <html data-theme> (styles.css keys its variables on it; canvases repaint when it changes) and
// remembered in localStorage, so a reload and the next start keep it.
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const KEY = 'flowtrace.theme';

export function parseTheme(value: unknown): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function loadTheme(): ThemeChoice {
  try {
    return parseTheme(localStorage.getItem(KEY));
  } catch {
    return 'system';
  }
}

/** Sent on window whenever the theme changes, so every control showing it follows. */
export const THEME_EVENT = 'flowtrace:theme';

export function applyTheme(choice: ThemeChoice): void {
  window.dispatchEvent(new CustomEvent<ThemeChoice>(THEME_EVENT, { detail: choice }));
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage unavailable: the choice lasts until the page goes.
  }
}

// The header's page links. Each carries the app's time range (so it survives the move, and a link
// opened in a new tab has it too) and names its `g` shortcut.
import { NAV, pageHref } from '../../lib/nav';
import { useUiStore } from '../../state/ui-store';

export function HeaderNav() {
  const view = useUiStore((s) => s.route.view);
  const range = useUiStore((s) => s.range);
  const lastListFilters = useUiStore((s) => s.lastListFilters);
  return (
    <nav className="header-nav">
      {NAV.map((n) => (
        <a
          key={n.page}
          href={pageHref(n.page, range, lastListFilters)}
          data-testid={`nav-${n.page}`}
          aria-current={n.views.includes(view) ? 'page' : undefined}
          aria-keyshortcuts={`g ${n.key}`}
          title={`${n.label} (g then ${n.key})`}
        >
          {n.label}
        </a>
      ))}
    </nav>
  );
}

// Fixed-height row windowing for per-span lists: only rows in (and just around) the viewport are
// in the DOM, so a 100k-span trace costs what its visible rows cost. Fixed height keeps the maths
// O(1); variable-height rows would need measuring, which no span row needs yet.
import { useLayoutEffect, useState, type RefObject } from 'react';

export interface VirtualWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

export function windowFor(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan: number): VirtualWindow {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visible = Math.ceil(viewport / rowHeight) + 2 * overscan;
  const start = Math.min(first, count);
  const end = Math.min(count, start + visible);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

export function useVirtualRows(
  container: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan = 10,
): VirtualWindow {
  const [view, setView] = useState({ scrollTop: 0, height: 800 });
  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    // Scroll events come several per frame and mostly move within the same rows: re-render only
    // when the first visible row or the viewport height changes, not on every pixel.
    const update = () => {
      const next = { scrollTop: Math.floor(el.scrollTop / rowHeight) * rowHeight, height: el.clientHeight || 800 };
      setView((v) => (v.scrollTop === next.scrollTop && v.height === next.height ? v : next));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro.disconnect();
    };
  }, [container, rowHeight]);
  return windowFor(count, rowHeight, view.scrollTop, view.height, overscan);
}

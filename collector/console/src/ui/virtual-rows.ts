import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Windowing for long fixed-height lists: only the rows in view (plus an overscan) are rendered,
 * so ten thousand rows cost as much as fifty. Put `ref` and `onScroll` on the scrolling element,
 * give its inner element `height: total`, and absolutely position each row at `index * rowHeight`.
 */
export function useVirtualRows(count: number, rowHeight: number, overscan = 8) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || 600);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);

  /** Scrolls just enough to show row `index`. */
  const reveal = useCallback((index: number) => {
    const el = ref.current;
    if (!el) return;
    if (index * rowHeight < el.scrollTop) el.scrollTop = index * rowHeight;
    else if ((index + 1) * rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = (index + 1) * rowHeight - el.clientHeight;
  }, [rowHeight]);

  return {
    ref,
    first,
    last,
    total: count * rowHeight,
    onScroll: (event: Event) => setScrollTop((event.currentTarget as HTMLElement).scrollTop),
    reveal,
  };
}

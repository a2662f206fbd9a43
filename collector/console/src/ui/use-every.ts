import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `tick` every `ms` while the tab is visible, and once when it becomes visible again: lists
 * a NOC screen leaves open stay current without hammering the collector from background tabs.
 */
export function useEvery(ms: number, tick: () => void): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!document.hidden) latest.current();
    }, ms);
    const visible = () => {
      if (!document.hidden) latest.current();
    };
    document.addEventListener('visibilitychange', visible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [ms]);
}

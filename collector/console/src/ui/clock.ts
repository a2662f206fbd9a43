/** One shared one-second ticker: each countdown subscribes on its own, so ticking re-renders only the countdowns. */
type Listener = (now: number) => void;
const listeners = new Set<Listener>();
let timer: number | undefined;

export function onTick(listener: Listener): () => void {
  listeners.add(listener);
  if (timer === undefined) timer = window.setInterval(() => {
    const now = Date.now();
    for (const l of listeners) l(now);
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

export type ClockState = 'none' | 'met' | 'ok' | 'warn' | 'breached';

/** Amber under a quarter of the allowed time left, red once breached. */
export function clockState(now: number, startedAt: number, by: number | null, breachedAt: number | null, met: boolean): ClockState {
  if (by === null) return 'none';
  if (breachedAt !== null || (!met && now >= by)) return 'breached';
  if (met) return 'met';
  const total = by - startedAt;
  const left = by - now;
  return total > 0 && left < total * 0.25 ? 'warn' : 'ok';
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/** How the console says durations and "how long ago", the same on every page. */

/** A run's duration: "850 ms", "12.4 s", "3 m 05 s", "1 h 02 m"; an em dash for none. */
export function formatRunDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} m`;
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; `never` (an em dash unless given) for no time. */
export function timeAgo(at: number | null | undefined, now: number, never = '—'): string {
  if (at === null || at === undefined) return never;
  // A clock a little ahead of ours still means "now", not a time in the future.
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

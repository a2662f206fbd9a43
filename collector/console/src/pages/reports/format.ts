/** How the report writes its figures; the API's nulls ("nothing to measure") become a dash. */

export const NO_DATA = '—';

/**
 * A percentage to one decimal, cut rather than rounded: 99.96 % of an SLA is not 100 %, and a
 * report must never show a target as met when it was missed. A share of failures (breached
 * alerts) is cut upwards for the same reason, which also keeps met + breached at 100 %.
 */
export function formatPercent(value: number | null, direction: 'down' | 'up' = 'down', locale?: string): string {
  if (value === null) return NO_DATA;
  // The small epsilon keeps 99.9 (stored as 99.899999…) from being cut to 99.8, and 5.6 from rising to 5.7.
  // `|| 0` turns the ceiling's -0 into a plain zero.
  const cut = (direction === 'down' ? Math.floor(value * 10 + 1e-9) / 10 : Math.ceil(value * 10 - 1e-9) / 10) || 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(cut)}%`;
}

export function formatCount(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

const UNITS = [
  { ms: 24 * 60 * 60 * 1000, label: 'd' },
  { ms: 60 * 60 * 1000, label: 'h' },
  { ms: 60 * 1000, label: 'min' },
  { ms: 1000, label: 's' },
] as const;

/**
 * A duration in its two largest units, to the second: "45 s", "4 min 12 s", "2 h 5 min",
 * "3 d 4 h". Under half a second reads "< 1 s" rather than a misleading zero.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return NO_DATA;
  let rest = Math.round(ms / 1000) * 1000;
  if (rest <= 0) return '< 1 s';
  const parts: string[] = [];
  for (const unit of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / unit.ms);
    rest -= n * unit.ms;
    // A zero after the first unit ends it: "2 h", not "2 h 0 min".
    if (n > 0) parts.push(`${n} ${unit.label}`);
    else if (parts.length === 1) break;
  }
  return parts.join(' ');
}

const MIN = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `at`, in minutes (+120 for Berlin in summer). */
export function offsetMinutes(timeZone: string, at: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * Whether the wall-clock time at `at` already happened earlier that night: the second pass
 * through the hour a "fall back" DST change repeats (in Berlin on 26 October 2025, 02:30 CET at
 * 01:30 UTC after 02:30 CEST at 00:30 UTC). Offsets change at most once in three hours.
 */
export function isRepeatedWallTime(timeZone: string, at: number): boolean {
  const now = offsetMinutes(timeZone, at);
  const before = offsetMinutes(timeZone, at - 180 * MIN);
  if (before <= now) return false;
  return offsetMinutes(timeZone, at - (before - now) * MIN) === before;
}

/**
 * The geometry of the report's bar charts: a value axis with round ticks, bands for categories
 * (and for the series within one), and the length of a bar. Pure numbers in SVG user units.
 */

export interface Scale {
  /** The axis end: the data's maximum rounded up to a whole number of steps. */
  max: number;
  ticks: number[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps a duration axis may take, so that ticks fall on whole seconds, minutes, hours or days. */
export const DURATION_STEPS: readonly number[] = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY,
];

/** The smallest 1-2-5 step (whole, since these axes count alerts) giving at most `maxTicks` intervals. */
function countStep(max: number, maxTicks: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * magnitude;
      if (Math.ceil(max / step) <= maxTicks) return step;
    }
  }
}

function durationStep(max: number, maxTicks: number): number {
  const fitting = DURATION_STEPS.find((step) => Math.ceil(max / step) <= maxTicks);
  if (fitting !== undefined) return fitting;
  // Beyond the list (centuries): whole multiples of its largest step.
  const largest = DURATION_STEPS[DURATION_STEPS.length - 1]!;
  return Math.ceil(max / largest / maxTicks) * largest;
}

/**
 * A value axis from zero covering `dataMax` with round steps. An all-zero (or empty) chart
 * still gets one step so that its bars sit on a visible axis instead of dividing by zero.
 */
export function valueScale(dataMax: number, kind: 'count' | 'duration', maxTicks = 5): Scale {
  const max = Number.isFinite(dataMax) && dataMax > 0 ? dataMax : 0;
  const step = max === 0 ? (kind === 'count' ? 1 : MINUTE) : kind === 'count' ? countStep(max, maxTicks) : durationStep(max, maxTicks);
  const intervals = Math.max(1, Math.ceil(max / step));
  return { max: intervals * step, ticks: Array.from({ length: intervals + 1 }, (_, i) => i * step) };
}

export interface Band {
  /** Where the band starts along its axis. */
  start: number;
  size: number;
}

/**
 * `count` equal bands laid along [start, start + length]: a gap of `inner` band widths between
 * neighbours and `outer` band widths before the first and after the last.
 */
export function bands(count: number, start: number, length: number, inner = 0.3, outer = 0.2): Band[] {
  if (count <= 0) return [];
  const units = count + inner * (count - 1) + 2 * outer;
  const size = length / units;
  return Array.from({ length: count }, (_, i) => ({ start: start + size * (outer + i * (1 + inner)), size }));
}

/** A bar's length for `value` on an axis `length` long ending at `scaleMax`; nothing for no value. */
export function barLength(value: number | null, scaleMax: number, length: number): number {
  if (value === null || value <= 0 || scaleMax <= 0) return 0;
  return Math.min(length, (value / scaleMax) * length);
}

/** The largest of the values given, ignoring the missing; 0 for none. */
export function maxOf(values: readonly (number | null)[]): number {
  return values.reduce<number>((max, v) => (v !== null && v > max ? v : max), 0);
}

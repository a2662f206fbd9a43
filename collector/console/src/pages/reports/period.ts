/**
 * The report's period: a preset (last 7 or 30 days, this or last calendar quarter) or custom
 * dates, turned into the [from, to) milliseconds the KPI API takes. Calendar boundaries (days,
 * quarters) are the browser's local time: a business review talks about the customer's quarter,
 * not UTC's.
 */

export const PERIOD_PRESETS = ['7d', '30d', 'quarter', 'last-quarter', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const PRESET_LABELS: Readonly<Record<PeriodPreset, string>> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  quarter: 'This quarter',
  'last-quarter': 'Last quarter',
  custom: 'Custom dates',
};

/** What a page without a period in its URL shows. */
export const DEFAULT_PRESET: PeriodPreset = '30d';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The period as chosen: custom dates are `YYYY-MM-DD` (as date inputs hold them), both days included. */
export interface PeriodChoice {
  preset: PeriodPreset;
  fromDate: string;
  toDate: string;
}

export type ResolvedPeriod =
  | { ok: true; from: number; to: number }
  | { ok: false; field: 'from' | 'to'; message: string };

/** A preset named in the URL, or the default for anything else. */
export function parsePreset(value: string): PeriodPreset {
  return (PERIOD_PRESETS as readonly string[]).includes(value) ? (value as PeriodPreset) : DEFAULT_PRESET;
}

/** Local midnight starting the quarter that contains `ms`. */
export function quarterStart(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), Math.floor(d.getMonth() / 3) * 3, 1).getTime();
}

/** Local midnight starting the quarter after the one that contains `ms` (Date rolls month 12 into January). */
export function nextQuarterStart(ms: number): number {
  const d = new Date(quarterStart(ms));
  return new Date(d.getFullYear(), d.getMonth() + 3, 1).getTime();
}

/** Local midnight starting the quarter before the one that contains `ms` (Date rolls month -3 into October). */
export function previousQuarterStart(ms: number): number {
  const d = new Date(quarterStart(ms));
  return new Date(d.getFullYear(), d.getMonth() - 3, 1).getTime();
}

/** A `YYYY-MM-DD` date input's value as its local midnight, or null when it is not a real date. */
export function parseDateInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  // new Date(2025, 1, 30) quietly becomes 2 March; a date that does not round-trip was not one.
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date.getTime();
}

/** The local calendar date of `ms` as a date input holds it. */
export function toDateInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight after the one starting the day of `ms`, DST-proof (a day is not always 24 h). */
function nextLocalMidnight(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

/**
 * The [from, to) the API is asked for, `now` being when the period was chosen. Rolling presets
 * end now; "this quarter" is the quarter to date; custom dates run from the first day's start to
 * the last day's end.
 */
export function resolvePeriod(choice: PeriodChoice, now: number): ResolvedPeriod {
  switch (choice.preset) {
    case '7d':
      return { ok: true, from: now - 7 * DAY_MS, to: now };
    case '30d':
      return { ok: true, from: now - 30 * DAY_MS, to: now };
    case 'quarter': {
      const from = quarterStart(now);
      // At the very first millisecond of a quarter there is nothing yet; the API wants to > from.
      return { ok: true, from, to: Math.max(now, from + 1) };
    }
    case 'last-quarter':
      return { ok: true, from: previousQuarterStart(now), to: quarterStart(now) };
    case 'custom': {
      const from = parseDateInput(choice.fromDate);
      if (from === null) return { ok: false, field: 'from', message: 'choose the first day of the period' };
      const last = parseDateInput(choice.toDate);
      if (last === null) return { ok: false, field: 'to', message: 'choose the last day of the period' };
      if (last < from) return { ok: false, field: 'to', message: 'the last day comes before the first' };
      return { ok: true, from, to: nextLocalMidnight(last) };
    }
  }
}

/** The dates a custom period starts from when switching away from a preset: the same days. */
export function customDatesFor(from: number, to: number): { fromDate: string; toDate: string } {
  return { fromDate: toDateInput(from), toDate: toDateInput(Math.max(from, to - 1)) };
}

const isLocalMidnight = (ms: number): boolean => {
  const d = new Date(ms);
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
};

/**
 * The period for people: whole days as an inclusive date range ("1 Apr 2025 – 30 Jun 2025"),
 * anything else with times.
 */
export function describePeriod(from: number, to: number, locale?: string): string {
  if (isLocalMidnight(from) && isLocalMidnight(to)) {
    const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const first = days.format(from);
    const last = days.format(to - 1);
    return first === last ? first : `${first} – ${last}`;
  }
  const times = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return `${times.format(from)} – ${times.format(to)}`;
}

import { describe, expect, it } from 'vitest';
import {
  customDatesFor, describePeriod, nextQuarterStart, parseDateInput, parsePreset, previousQuarterStart, quarterStart, resolvePeriod, toDateInput,
} from './period.js';

// Local dates throughout: the module works in the browser's time zone, and so do these expectations.
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const DAY = 24 * 60 * 60 * 1000;

describe('quarter boundaries', () => {
  it('starts each quarter on the first of January, April, July and October', () => {
    expect(quarterStart(local(2025, 1, 1))).toBe(local(2025, 1, 1));
    expect(quarterStart(local(2025, 3, 31, 23, 59))).toBe(local(2025, 1, 1));
    expect(quarterStart(local(2025, 4, 1))).toBe(local(2025, 4, 1));
    expect(quarterStart(local(2025, 6, 30, 12))).toBe(local(2025, 4, 1));
    expect(quarterStart(local(2025, 8, 15))).toBe(local(2025, 7, 1));
    expect(quarterStart(local(2025, 12, 31, 23, 59))).toBe(local(2025, 10, 1));
  });

  it('crosses the year going forward and back', () => {
    expect(nextQuarterStart(local(2025, 11, 20))).toBe(local(2026, 1, 1));
    expect(nextQuarterStart(local(2025, 2, 10))).toBe(local(2025, 4, 1));
    expect(previousQuarterStart(local(2025, 2, 10))).toBe(local(2024, 10, 1));
    expect(previousQuarterStart(local(2025, 5, 1))).toBe(local(2025, 1, 1));
  });
});

describe('resolvePeriod', () => {
  const now = local(2025, 5, 14, 9, 30);
  const preset = (p: Parameters<typeof resolvePeriod>[0]['preset']) => resolvePeriod({ preset: p, fromDate: '', toDate: '' }, now);

  it('ends rolling periods now', () => {
    expect(preset('7d')).toEqual({ ok: true, from: now - 7 * DAY, to: now });
    expect(preset('30d')).toEqual({ ok: true, from: now - 30 * DAY, to: now });
  });

  it('covers this quarter to date and the whole of the last one', () => {
    expect(preset('quarter')).toEqual({ ok: true, from: local(2025, 4, 1), to: now });
    expect(preset('last-quarter')).toEqual({ ok: true, from: local(2025, 1, 1), to: local(2025, 4, 1) });
    const january = local(2025, 1, 20);
    expect(resolvePeriod({ preset: 'last-quarter', fromDate: '', toDate: '' }, january)).toEqual({ ok: true, from: local(2024, 10, 1), to: local(2025, 1, 1) });
  });

  it('keeps a period non-empty at the first instant of a quarter', () => {
    const start = local(2025, 7, 1);
    expect(resolvePeriod({ preset: 'quarter', fromDate: '', toDate: '' }, start)).toEqual({ ok: true, from: start, to: start + 1 });
  });

  it('includes both custom days', () => {
    expect(resolvePeriod({ preset: 'custom', fromDate: '2025-01-01', toDate: '2025-03-31' }, now)).toEqual({ ok: true, from: local(2025, 1, 1), to: local(2025, 4, 1) });
    expect(resolvePeriod({ preset: 'custom', fromDate: '2025-03-05', toDate: '2025-03-05' }, now)).toEqual({ ok: true, from: local(2025, 3, 5), to: local(2025, 3, 6) });
  });

  it('names the custom date that is wrong', () => {
    expect(resolvePeriod({ preset: 'custom', fromDate: '', toDate: '2025-03-31' }, now)).toMatchObject({ ok: false, field: 'from' });
    expect(resolvePeriod({ preset: 'custom', fromDate: '2025-03-01', toDate: '2025-02-30' }, now)).toMatchObject({ ok: false, field: 'to' });
    expect(resolvePeriod({ preset: 'custom', fromDate: '2025-03-10', toDate: '2025-03-09' }, now)).toEqual({ ok: false, field: 'to', message: 'the last day comes before the first' });
  });
});

describe('date inputs', () => {
  it('reads real dates only', () => {
    expect(parseDateInput('2024-02-29')).toBe(local(2024, 2, 29));
    expect(parseDateInput('2025-02-29')).toBeNull();
    expect(parseDateInput('2025-13-01')).toBeNull();
    expect(parseDateInput('25-1-1')).toBeNull();
    expect(parseDateInput('')).toBeNull();
  });

  it('writes the local date and round-trips', () => {
    expect(toDateInput(local(2025, 4, 1, 23, 59))).toBe('2025-04-01');
    expect(parseDateInput(toDateInput(local(2031, 12, 31)))).toBe(local(2031, 12, 31));
  });

  it('turns a preset into the same days for custom editing', () => {
    expect(customDatesFor(local(2025, 1, 1), local(2025, 4, 1))).toEqual({ fromDate: '2025-01-01', toDate: '2025-03-31' });
    expect(customDatesFor(local(2025, 5, 7, 9, 30), local(2025, 5, 14, 9, 30))).toEqual({ fromDate: '2025-05-07', toDate: '2025-05-14' });
  });
});

describe('presets and descriptions', () => {
  it('falls back to the default preset for anything unknown', () => {
    expect(parsePreset('quarter')).toBe('quarter');
    expect(parsePreset('')).toBe('30d');
    expect(parsePreset('year')).toBe('30d');
  });

  it('shows whole days as an inclusive range and other periods with times', () => {
    expect(describePeriod(local(2025, 4, 1), local(2025, 7, 1), 'en-GB')).toBe('1 Apr 2025 – 30 Jun 2025');
    expect(describePeriod(local(2025, 3, 5), local(2025, 3, 6), 'en-GB')).toBe('5 Mar 2025');
    expect(describePeriod(local(2025, 5, 7, 9, 30), local(2025, 5, 14, 9, 30), 'en-GB')).toBe('7 May 2025, 09:30 – 14 May 2025, 09:30');
  });
});

import { describe, expect, it } from 'vitest';
import { weeklyCron, weeklyFrom, weeklyText } from './weekly-cron.js';

describe('weekly schedules as cron', () => {
  it('writes days and a time as a cron expression, days in week order', () => {
    expect(weeklyCron({ days: ['THU', 'MON'], time: '02:30' })).toBe('30 2 * * MON,THU');
    expect(weeklyCron({ days: ['SUN'], time: '00:00' })).toBe('0 0 * * SUN');
  });

  it('leaves out what is missing, for the API to refuse by name', () => {
    expect(weeklyCron({ days: [], time: '02:00' })).toBe('0 2 * *');
    expect(weeklyCron({ days: ['MON'], time: '' })).toBe('* * MON');
  });

  it('reads a weekly cron expression back, by day name or number', () => {
    expect(weeklyFrom('30 2 * * MON,THU')).toEqual({ days: ['MON', 'THU'], time: '02:30' });
    expect(weeklyFrom('0 2 * * 0')).toEqual({ days: ['SUN'], time: '02:00' });
    expect(weeklyFrom(' 5  22 * * sat,7 ')).toEqual({ days: ['SAT', 'SUN'], time: '22:05' });
  });

  it('keeps anything else as cron', () => {
    expect(weeklyFrom('0 2 1 * *')).toBeNull();
    expect(weeklyFrom('*/15 * * * MON')).toBeNull();
    expect(weeklyFrom('0 2 * * MON-FRI')).toBeNull();
    expect(weeklyFrom('0 2 * * 8')).toBeNull();
    expect(weeklyFrom('@weekly')).toBeNull();
  });

  it('says a weekly schedule in words', () => {
    expect(weeklyText({ days: ['MON', 'THU'], time: '02:30' })).toBe('Mon, Thu at 02:30');
    expect(weeklyText({ days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], time: '01:00' })).toBe('Every day at 01:00');
  });
});

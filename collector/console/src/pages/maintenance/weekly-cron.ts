/**
 * A weekly schedule (days and a time of day) as the cron expression the API stores, and back.
 * Only the form's convenience: the API knows cron alone, and checks what it gets.
 */
export const WEEK_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export const WEEK_DAY_NAMES: Readonly<Record<WeekDay, string>> = {
  MON: 'Mon', TUE: 'Tue', WED: 'Wed', THU: 'Thu', FRI: 'Fri', SAT: 'Sat', SUN: 'Sun',
};

export interface Weekly { days: WeekDay[]; time: string }

/** Cron numbers days from Sunday (0, and 7 again). */
const BY_NUMBER: readonly WeekDay[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/**
 * "MON,THU at 02:30" → "30 2 * * MON,THU", days in week order. What is missing is left out as is,
 * so that the API says what is wrong with the expression (no days: too few fields).
 */
export function weeklyCron({ days, time }: Weekly): string {
  const [hour = '', minute = ''] = time.split(':');
  const ordered = WEEK_DAYS.filter((d) => days.includes(d));
  const number = (text: string) => (/^\d+$/.test(text) ? String(Number(text)) : text);
  return [number(minute), number(hour), '*', '*', ordered.join(',')].filter((part) => part !== '').join(' ');
}

const WEEKLY = /^(\d{1,2}) (\d{1,2}) \* \* ([A-Za-z0-7]{1,3}(?:,[A-Za-z0-7]{1,3})*)$/;

/** The weekly schedule a cron expression is, or null when it is anything else (it stays cron). */
export function weeklyFrom(cron: string): Weekly | null {
  const match = WEEKLY.exec(cron.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  const [, minute, hour, list] = match as unknown as [string, string, string, string];
  const days: WeekDay[] = [];
  for (const item of list.toUpperCase().split(',')) {
    const day = /^\d$/.test(item) ? BY_NUMBER[Number(item)] : WEEK_DAYS.find((d) => d === item);
    if (!day) return null;
    if (!days.includes(day)) days.push(day);
  }
  if (Number(hour) > 23 || Number(minute) > 59) return null;
  return { days: WEEK_DAYS.filter((d) => days.includes(d)), time: `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}` };
}

/** "Mon, Thu at 02:30" */
export function weeklyText({ days, time }: Weekly): string {
  const names = days.length === 7 ? 'Every day' : days.map((d) => WEEK_DAY_NAMES[d]).join(', ');
  return `${names} at ${time}`;
}

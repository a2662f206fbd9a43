import { CronExpressionParser } from 'cron-parser';
import type { RecurringWindow } from '@vigil/shared';
import { isRepeatedWallTime } from './time-zone-offset.js';

type CronSchedule = Pick<RecurringWindow, 'cron' | 'timezone'>;

/*
 * The starts of a recurring window are what cron-parser's forward iteration (next()) yields in the
 * window's time zone, except a second pass through a wall-clock time that DST repeats: a time the
 * clock skips (spring forward) starts as the clock reads after the jump; a repeated one (fall
 * back) starts once, at its first instance. prev() is not used for answers: around DST changes
 * it disagrees with next() (it skips the shifted spring start and yields both fall-back passes),
 * and a window must mean one thing whichever way it is asked.
 */

const HOUR = 3_600_000;
/** prev() goes back at least this far before forward iteration takes over, past any DST change. */
const DST_SLACK_MS = 3 * HOUR;
/** Iteration bounds: a valid expression never needs them, a pathological one cannot hang the collector. */
const MAX_STEPS = 20_000;

function expression(schedule: CronSchedule, from: number) {
  return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(from), tz: schedule.timezone });
}

const isStart = (schedule: CronSchedule, at: number): boolean => !isRepeatedWallTime(schedule.timezone, at);

/** The first start strictly after `now`, or null when the expression never fires again. */
export function nextStart(schedule: CronSchedule, now: number): number | null {
  try {
    const forward = expression(schedule, now);
    for (let i = 0; i < MAX_STEPS; i++) {
      const at = forward.next().getTime();
      if (isStart(schedule, at)) return at;
    }
  } catch {
    // No further occurrence.
  }
  return null;
}

/** The latest start in (now - withinMs, now], or null: the start of the occurrence in progress. */
export function latestStartWithin(schedule: CronSchedule, now: number, withinMs: number): number | null {
  const earliest = now - withinMs;
  // prev() (exclusive; cron instants are whole minutes, so from now + 1 it includes now) finds
  // where to begin: far enough back to be clear of DST artefacts, or before the span.
  let from = earliest;
  try {
    const back = expression(schedule, now + 1);
    for (let i = 0; i < MAX_STEPS; i++) {
      const at = back.prev().getTime();
      if (at <= earliest) break;
      if (at < now - DST_SLACK_MS) { from = at - 1; break; }
    }
  } catch {
    // Nothing earlier: begin at the span's start.
  }
  let latest: number | null = null;
  try {
    const forward = expression(schedule, from);
    for (let i = 0; i < MAX_STEPS; i++) {
      const at = forward.next().getTime();
      if (at > now) break;
      if (at > earliest && isStart(schedule, at)) latest = at;
    }
  } catch {
    // The expression ran out.
  }
  return latest;
}

/** Standalone H (a hashed value) picks a random minute unless seeded: a calendar must not be random. */
const HASHED = /(^|[\s,/-])H($|[\s,/(-])/i;

/**
 * Why the expression cannot serve as a window's schedule, or null when it can: values out of
 * range, unknown names, hashed values, or a schedule that never fires (e.g. 30 February).
 */
export function cronProblem(schedule: CronSchedule, now: number): string | null {
  if (HASHED.test(schedule.cron)) return 'hashed (H) values are not supported';
  try {
    expression(schedule, now).next();
    return null;
  } catch (err) {
    const message = (err as Error).message;
    return /day of month/i.test(message) ? `never fires (${message})` : message;
  }
}

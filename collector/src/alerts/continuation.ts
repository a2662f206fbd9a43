import type { AlertRecord } from '../store/index.js';

/**
 * Whether a series that breaches again continues its last alert rather than opening a new one:
 * when that alert was resolved and the breach began no later than `reopenMs` after it (measured
 * from the breach's start, so a rule with a long `for` can still continue a recent incident).
 * A window of 0 never continues.
 */
export function continuesAlert(
  last: Pick<AlertRecord, 'state' | 'resolvedAt'> | undefined,
  breachSince: number,
  reopenMs: number,
): boolean {
  if (last === undefined || last.state !== 'resolved' || last.resolvedAt === null || reopenMs <= 0) return false;
  return breachSince - last.resolvedAt <= reopenMs;
}

import type { Sample } from '@vigil/shared';
import type { PatchMarks } from '../store/telemetry.js';

/**
 * Patch compliance as ordinary threshold rules (`patch.security_pending_days > 14`): the collector
 * derives how long a patch has been pending from the marks it keeps per agent, so a rule needs
 * neither a scan of old frames nor a rule kind of its own.
 */
export const SECURITY_PENDING_DAYS_METRIC = 'patch.security_pending_days';
export const REBOOT_PENDING_DAYS_METRIC = 'patch.reboot_pending_days';

const DAY_MS = 86_400_000;

function pendingDays(since: number | null, ts: number): number {
  // A mark later than the frame cannot happen with in-order frames; never report negative ages.
  return since === null ? 0 : Math.max(0, ts - since) / DAY_MS;
}

function isDerived(metric: string): boolean {
  return metric === SECURITY_PENDING_DAYS_METRIC || metric === REBOOT_PENDING_DAYS_METRIC;
}

/**
 * The samples the rule engine evaluates for one stored frame: the frame's own, plus the pending
 * ages for the patch metrics it carried (`marks` holds only those the frame reported), measured at
 * the frame's timestamp, in fractional days. The ages are the collector's alone: the same metrics
 * reported by an agent are left out, as `agent.online` is. Frames without patch metrics come back
 * as they are, unallocated.
 */
export function evaluatedSamples(samples: readonly Sample[], ts: number, marks: PatchMarks | undefined): readonly Sample[] {
  const reported = samples.some((s) => isDerived(s.metric)) ? samples.filter((s) => !isDerived(s.metric)) : samples;
  if (!marks) return reported;
  const derived: Sample[] = [];
  if (marks.securityPendingSince !== undefined) derived.push({ metric: SECURITY_PENDING_DAYS_METRIC, value: pendingDays(marks.securityPendingSince, ts), labels: {} });
  if (marks.rebootPendingSince !== undefined) derived.push({ metric: REBOOT_PENDING_DAYS_METRIC, value: pendingDays(marks.rebootPendingSince, ts), labels: {} });
  return derived.length > 0 ? [...reported, ...derived] : reported;
}

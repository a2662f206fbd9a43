import type { MaintenanceWindow, MaintenanceWindowPatch } from '@vigil/shared';

/**
 * A PATCH body over the current window, as a full input body for MaintenanceWindowInputSchema:
 * schedule fields of the window's own kind merge over it (endsAt alone shortens a one-off
 * window); any field of the other kind replaces the schedule, which must then be complete.
 */
export function mergeWindowPatch(current: MaintenanceWindow, patch: MaintenanceWindowPatch): Record<string, unknown> {
  const switchesKind = current.kind === 'once'
    ? patch.cron !== undefined || patch.durationMinutes !== undefined || patch.timezone !== undefined
    : patch.startsAt !== undefined || patch.endsAt !== undefined;
  const schedule = switchesKind ? {}
    : current.kind === 'once' ? { startsAt: current.startsAt, endsAt: current.endsAt }
    : { cron: current.cron, durationMinutes: current.durationMinutes, timezone: current.timezone };
  const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { name: current.name, scope: current.scope, ...schedule, ...given };
}

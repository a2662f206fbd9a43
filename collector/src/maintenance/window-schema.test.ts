import { describe, expect, it } from 'vitest';
import { MaintenanceWindowInputSchema, describeZodError, type MaintenanceWindow } from '@vigil/shared';
import { cronProblem } from './cron.js';
import { mergeWindowPatch } from './merge-patch.js';

const problem = (body: unknown): string => {
  const result = MaintenanceWindowInputSchema.safeParse(body);
  return result.success ? 'valid' : describeZodError(result.error);
};

describe('MaintenanceWindowInputSchema', () => {
  it('takes a one-off window with ISO instants (with an offset) or epoch milliseconds', () => {
    expect(MaintenanceWindowInputSchema.parse({ name: 'Patch night', startsAt: '2026-03-29T02:00:00+02:00', endsAt: 1774746000000 })).toEqual({
      name: 'Patch night', scope: {}, kind: 'once', startsAt: Date.UTC(2026, 2, 29, 0), endsAt: 1774746000000,
    });
  });

  it('takes a recurring window with a cron expression, a duration and a time zone, and a scope with agent ids', () => {
    expect(MaintenanceWindowInputSchema.parse({
      name: 'Sunday reboots', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin', scope: { tenant: 'acme', agentIds: ['agt_a'] },
    })).toEqual({ name: 'Sunday reboots', scope: { tenant: 'acme', agentIds: ['agt_a'] }, kind: 'recurring', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin' });
  });

  it('names the field in every refusal', () => {
    expect(problem({ name: 'x', startsAt: 2000, endsAt: 1000 })).toBe('endsAt: must be after startsAt');
    expect(problem({ name: 'x', startsAt: 1000, endsAt: 1000 })).toBe('endsAt: must be after startsAt');
    expect(problem({ name: 'x', cron: '0 2 * * SUN', durationMinutes: 60, timezone: 'Mars/Olympus' })).toMatch(/^timezone: unknown time zone/);
    expect(problem({ name: 'x', cron: '0 2 * *', durationMinutes: 60, timezone: 'UTC' })).toMatch(/^cron: must have 5 fields/);
    expect(problem({ name: 'x', cron: '0 2 * * SUN', timezone: 'UTC' })).toBe('durationMinutes: required for a recurring window');
    expect(problem({ name: 'x', startsAt: 1000 })).toBe('endsAt: required for a one-off window');
    expect(problem({ name: 'x', startsAt: '2026-03-29T02:00:00', endsAt: 5000 })).toMatch(/^startsAt: must be epoch milliseconds or an ISO 8601 date-time with an offset/);
    expect(problem({ name: 'x', startsAt: 1000, endsAt: 2000, cron: '0 2 * * SUN' })).toMatch(/^cron: a window is one-off .* not both/);
    expect(problem({ name: 'x' })).toMatch(/^startsAt: required: startsAt and endsAt for a one-off window, or cron/);
    expect(problem({ name: 'x', startsAt: 1000, endsAt: 2000, scope: { agentId: 'agt_a' } })).toMatch(/^scope: Unrecognized key/);
  });
});

describe('cronProblem (values the cron parser checks)', () => {
  const now = Date.UTC(2026, 0, 1);
  it('accepts a valid expression and refuses out-of-range values, unknown names, impossible dates and hashed values', () => {
    expect(cronProblem({ cron: '0 2 * * SUN', timezone: 'Europe/Berlin' }, now)).toBeNull();
    expect(cronProblem({ cron: '61 2 * * *', timezone: 'UTC' }, now)).toMatch(/61/);
    expect(cronProblem({ cron: '0 2 * * FUNDAY', timezone: 'UTC' }, now)).not.toBeNull();
    expect(cronProblem({ cron: '0 0 30 2 *', timezone: 'UTC' }, now)).toMatch(/^never fires/);
    expect(cronProblem({ cron: 'H 2 * * *', timezone: 'UTC' }, now)).toBe('hashed (H) values are not supported');
    expect(cronProblem({ cron: '0 2 * * THU', timezone: 'UTC' }, now)).toBeNull();
  });
});

describe('mergeWindowPatch', () => {
  const oneOff: MaintenanceWindow = { id: 'mnt_1', name: 'a', scope: { tenant: 'acme' }, kind: 'once', startsAt: 1000, endsAt: 5000, createdAt: 0, updatedAt: 0 };

  it('merges schedule fields of the same kind: endsAt alone shortens a one-off window', () => {
    expect(MaintenanceWindowInputSchema.parse(mergeWindowPatch(oneOff, { endsAt: 2000 }))).toMatchObject({ kind: 'once', startsAt: 1000, endsAt: 2000, scope: { tenant: 'acme' } });
  });

  it('replaces the schedule when the patch gives the other kind, which must then be complete', () => {
    expect(MaintenanceWindowInputSchema.parse(mergeWindowPatch(oneOff, { cron: '0 2 * * *', durationMinutes: 30, timezone: 'UTC' })))
      .toEqual({ name: 'a', scope: { tenant: 'acme' }, kind: 'recurring', cron: '0 2 * * *', durationMinutes: 30, timezone: 'UTC' });
    expect(problem(mergeWindowPatch(oneOff, { cron: '0 2 * * *' }))).toMatch(/durationMinutes: required for a recurring window/);
  });
});

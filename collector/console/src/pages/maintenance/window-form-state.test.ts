import type { MaintenanceWindow } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { localInput, newWindowForm, windowBody, windowForm } from './window-form-state.js';

const NOW = new Date('2030-03-04T10:20:00').getTime();
const stored = { id: 'mnt_1', name: 'Patch night', scope: { tenant: 'acme', tags: ['server'] }, createdAt: 1, updatedAt: 1 };

describe('maintenance window form state', () => {
  it('starts a new window at the next full hour, for an hour', () => {
    const form = newWindowForm('acme', 'Europe/Berlin', NOW);
    expect(form).toMatchObject({ kind: 'once', startsAt: '2030-03-04T11:00', endsAt: '2030-03-04T12:00', timezone: 'Europe/Berlin', scope: { tenant: 'acme' } });
  });

  it('sends a one-off window\'s local times as instants', () => {
    const form = { ...newWindowForm('acme', 'UTC', NOW), name: 'Reboot' };
    expect(windowBody(form, 'create')).toEqual({
      name: 'Reboot', scope: { tenant: 'acme' },
      startsAt: new Date('2030-03-04T11:00').getTime(), endsAt: new Date('2030-03-04T12:00').getTime(),
    });
  });

  it('leaves an empty time out of a new window and sends it empty in an edit, for the API to name', () => {
    const form = { ...newWindowForm('', 'UTC', NOW), endsAt: '' };
    expect(windowBody(form, 'create')).not.toHaveProperty('endsAt');
    expect(windowBody(form, 'edit')).toMatchObject({ endsAt: '' });
  });

  it('sends a recurring window\'s weekly schedule as cron, or the cron typed', () => {
    const form = { ...newWindowForm('', 'Europe/Berlin', NOW), name: 'Sunday', kind: 'recurring' as const, weekly: { days: ['SAT' as const, 'SUN' as const], time: '01:30' } };
    expect(windowBody(form, 'create')).toEqual({ name: 'Sunday', scope: {}, cron: '30 1 * * SAT,SUN', durationMinutes: 120, timezone: 'Europe/Berlin' });
    expect(windowBody({ ...form, schedule: 'cron', cron: ' 0 3 1 * * ', durationMinutes: '', timezone: '' }, 'create'))
      .toEqual({ name: 'Sunday', scope: {}, cron: '0 3 1 * *', durationMinutes: null });
  });

  it('turns a stored window into its form', () => {
    const once: MaintenanceWindow = { ...stored, kind: 'once', startsAt: NOW, endsAt: NOW + 3_600_000 };
    expect(windowForm(once, 'UTC', NOW)).toMatchObject({ kind: 'once', name: 'Patch night', startsAt: localInput(NOW), endsAt: '2030-03-04T11:20', scope: { tenant: 'acme', tags: 'server' } });
    const weekly: MaintenanceWindow = { ...stored, kind: 'recurring', cron: '0 2 * * SUN', durationMinutes: 90, timezone: 'Europe/Berlin' };
    expect(windowForm(weekly, 'UTC', NOW)).toMatchObject({ kind: 'recurring', schedule: 'weekly', weekly: { days: ['SUN'], time: '02:00' }, durationMinutes: '90', timezone: 'Europe/Berlin' });
    const monthly: MaintenanceWindow = { ...weekly, cron: '0 2 1 * *' };
    expect(windowForm(monthly, 'UTC', NOW)).toMatchObject({ schedule: 'cron', cron: '0 2 1 * *' });
    expect(windowBody(windowForm(monthly, 'UTC', NOW), 'edit')).toEqual({ name: 'Patch night', scope: { tenant: 'acme', tags: ['server'] }, cron: '0 2 1 * *', durationMinutes: 90, timezone: 'Europe/Berlin' });
  });
});

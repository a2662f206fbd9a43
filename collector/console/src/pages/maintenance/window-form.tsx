import { useMemo, useState } from 'preact/hooks';
import type { MaintenanceWindowView, WhoAmI } from '@vigil/shared';
import { api } from '../../app/api.js';
import { Field, FormError } from '../../ui/field.js';
import { FieldGroup } from '../../ui/field.js';
import { foldFieldPaths } from '../forms/field-paths.js';
import { ScopeEditor, scopePaths } from '../forms/scope-editor.js';
import { useSubmit } from '../../ui/use-submit.js';
import { browserTimeZone, knownTimeZones } from './time-zones.js';
import { WEEK_DAY_NAMES, WEEK_DAYS, type WeekDay } from './weekly-cron.js';
import { windowBody, type WindowForm } from './window-form-state.js';

const SHOWN = ['name', 'kind', 'startsAt', 'endsAt', 'cron', 'durationMinutes', 'timezone', ...scopePaths('agentIds')];

/**
 * The create and edit form of a maintenance window (`editing` null: a new one). The API checks
 * the body, the cron expression included, and each of its messages shows next to its input.
 */
export function WindowFormPanel({ me, initial, editing, onSaved, onCancel, onSignedOut }: {
  me: WhoAmI;
  initial: WindowForm;
  editing: MaintenanceWindowView | null;
  onSaved: (window: MaintenanceWindowView) => void;
  onCancel: () => void;
  onSignedOut: () => void;
}) {
  const [form, setForm] = useState(initial);
  const submission = useSubmit(onSignedOut);
  const set = (patch: Partial<WindowForm>) => setForm((f) => ({ ...f, ...patch }));
  const failure = useMemo(() => foldFieldPaths(submission.failure, ['scope.tags', 'scope.agentIds']), [submission.failure]);
  const zones = useMemo(knownTimeZones, []);
  const toggleDay = (day: WeekDay, on: boolean) =>
    set({ weekly: { ...form.weekly, days: on ? [...form.weekly.days, day] : form.weekly.days.filter((d) => d !== day) } });

  async function save(event: Event) {
    event.preventDefault();
    const body = windowBody(form, editing ? 'edit' : 'create');
    let saved: MaintenanceWindowView | null = null;
    const ok = await submission.run(async () => {
      saved = editing
        ? await api<MaintenanceWindowView>('PATCH', `/api/v1/maintenance-windows/${encodeURIComponent(editing.id)}`, body)
        : await api<MaintenanceWindowView>('POST', '/api/v1/maintenance-windows', body);
    });
    if (ok && saved) onSaved(saved);
  }

  const title = editing ? `Edit window “${editing.name}”` : 'New maintenance window';
  return (
    <section class="edit-panel" aria-label={title}>
      <h3>{title}</h3>
      <form onSubmit={save} noValidate>
        <fieldset class="form-section">
          <legend>Window</legend>
          <div class="form-grid">
            <Field label="Name" path="name" failure={failure}>
              <input value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
            </Field>
            <Field label="Type" path="kind" failure={failure}>
              <select value={form.kind} onChange={(e) => set({ kind: e.currentTarget.value as WindowForm['kind'] })}>
                <option value="once">One-off</option>
                <option value="recurring">Recurring</option>
              </select>
            </Field>
          </div>
        </fieldset>
        <fieldset class="form-section">
          <legend>Schedule</legend>
          {form.kind === 'once' ? (
            <div class="form-grid">
              <Field label="Starts" path="startsAt" failure={failure} hint={`your time zone (${browserTimeZone()})`}>
                <input type="datetime-local" value={form.startsAt} onInput={(e) => set({ startsAt: e.currentTarget.value })} />
              </Field>
              <Field label="Ends" path="endsAt" failure={failure}>
                <input type="datetime-local" value={form.endsAt} onInput={(e) => set({ endsAt: e.currentTarget.value })} />
              </Field>
            </div>
          ) : (
            <div class="form-grid">
              <Field label="Repeats" path="schedule" failure={failure}>
                <select value={form.schedule} onChange={(e) => set({ schedule: e.currentTarget.value as WindowForm['schedule'] })}>
                  <option value="weekly">Weekly</option>
                  <option value="cron">Cron expression</option>
                </select>
              </Field>
              {form.schedule === 'weekly' ? (
                <FieldGroup legend="Weekly on" path="cron" failure={failure}>
                  {WEEK_DAYS.map((day) => (
                    <label key={day}>
                      <input type="checkbox" checked={form.weekly.days.includes(day)} onChange={(e) => toggleDay(day, e.currentTarget.checked)} />
                      {WEEK_DAY_NAMES[day]}
                    </label>
                  ))}
                  <label>at <input type="time" aria-label="Start time" value={form.weekly.time} onInput={(e) => set({ weekly: { ...form.weekly, time: e.currentTarget.value } })} /></label>
                </FieldGroup>
              ) : (
                <Field label="Cron expression" path="cron" failure={failure} hint="minute hour day-of-month month day-of-week, e.g. 0 2 * * SUN">
                  <input value={form.cron} onInput={(e) => set({ cron: e.currentTarget.value })} class="cron-input" />
                </Field>
              )}
              <Field label="Duration (minutes)" path="durationMinutes" failure={failure}>
                <input value={form.durationMinutes} inputMode="numeric" onInput={(e) => set({ durationMinutes: e.currentTarget.value })} />
              </Field>
              <Field label="Time zone" path="timezone" failure={failure} hint="IANA name; daylight saving time is followed">
                <input value={form.timezone} list="window-time-zones" autocomplete="off" onInput={(e) => set({ timezone: e.currentTarget.value })} />
              </Field>
              <datalist id="window-time-zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
            </div>
          )}
        </fieldset>
        <ScopeEditor value={form.scope} onChange={(scope) => set({ scope })} failure={failure} agentsKey="agentIds" me={me} />
        <FormError failure={failure} shown={SHOWN} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={submission.busy}>{editing ? 'Save changes' : 'Create window'}</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </section>
  );
}

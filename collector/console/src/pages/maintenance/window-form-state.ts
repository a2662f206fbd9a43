import type { MaintenanceWindow } from '@vigil/shared';
import { numberOrNull, numberText } from '../forms/field-paths.js';
import { EMPTY_SCOPE, windowScopeBody, windowScopeForm, type ScopeForm } from '../forms/scope-form.js';
import { weeklyCron, weeklyFrom, type Weekly } from './weekly-cron.js';

/** A maintenance window as its form edits it: text as typed, times as the browser's local inputs show them. */
export interface WindowForm {
  name: string;
  scope: ScopeForm;
  kind: MaintenanceWindow['kind'];
  /** `datetime-local` values (YYYY-MM-DDTHH:MM, the browser's time zone). */
  startsAt: string;
  endsAt: string;
  /** How a recurring window's schedule is entered: days and a time, or a cron expression. */
  schedule: 'weekly' | 'cron';
  weekly: Weekly;
  cron: string;
  durationMinutes: string;
  timezone: string;
}

const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch milliseconds as a `datetime-local` value in the browser's time zone. */
export function localInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A new window: one-off from the next full hour for an hour, or (switched) weekly on Sunday at 02:00 for two hours. */
export function newWindowForm(tenant: string, timezone: string, now: number): WindowForm {
  const nextHour = Math.ceil(now / HOUR) * HOUR;
  return {
    name: '', scope: { ...EMPTY_SCOPE, tenant }, kind: 'once', startsAt: localInput(nextHour), endsAt: localInput(nextHour + HOUR),
    schedule: 'weekly', weekly: { days: ['SUN'], time: '02:00' }, cron: '0 2 * * SUN', durationMinutes: '120', timezone,
  };
}

/** A stored window in its form, for editing. */
export function windowForm(window: MaintenanceWindow, timezone: string, now: number): WindowForm {
  const base = newWindowForm('', timezone, now);
  const common = { ...base, name: window.name, scope: windowScopeForm(window.scope) };
  if (window.kind === 'once') return { ...common, kind: 'once', startsAt: localInput(window.startsAt), endsAt: localInput(window.endsAt) };
  const weekly = weeklyFrom(window.cron);
  return {
    ...common, kind: 'recurring', schedule: weekly ? 'weekly' : 'cron', weekly: weekly ?? base.weekly, cron: window.cron,
    durationMinutes: numberText(window.durationMinutes), timezone: window.timezone,
  };
}

/**
 * A `datetime-local` value as epoch milliseconds; anything unreadable goes as typed for the API to
 * refuse. Empty is left out of a new window (the API then says it is required) and sent empty in
 * an edit (where leaving it out would keep the stored time without a word).
 */
function instant(text: string, mode: 'create' | 'edit'): number | string | undefined {
  if (text.trim() === '') return mode === 'create' ? undefined : '';
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : text;
}

function given(text: string, mode: 'create' | 'edit'): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' && mode === 'create' ? undefined : trimmed;
}

/**
 * The body of POST /api/v1/maintenance-windows (`create`) or PATCH …/:id (`edit`): the fields of
 * the chosen kind only, which in an edit replace a schedule of the other kind. Nothing is checked
 * here: the API answers what is wrong, field by field.
 */
export function windowBody(form: WindowForm, mode: 'create' | 'edit'): Record<string, unknown> {
  const body: Record<string, unknown> = { name: form.name, scope: windowScopeBody(form.scope) };
  const schedule: Record<string, unknown> = form.kind === 'once'
    ? { startsAt: instant(form.startsAt, mode), endsAt: instant(form.endsAt, mode) }
    : {
      cron: form.schedule === 'weekly' ? weeklyCron(form.weekly) : given(form.cron, mode),
      durationMinutes: numberOrNull(form.durationMinutes),
      timezone: given(form.timezone, mode),
    };
  for (const [key, value] of Object.entries(schedule)) if (value !== undefined) body[key] = value;
  return body;
}

/** The report's settings: whose, which period, and a print button. Hidden when printing (.toolbar). */
import { PERIOD_PRESETS, PRESET_LABELS, type PeriodPreset } from './period.js';
import type { TenantOption } from './tenant-options.js';

export function ReportControls({ tenants, tenant, preset, fromDate, toDate, dateProblem, onTenant, onPreset, onDates }: {
  tenants: readonly TenantOption[];
  tenant: string;
  preset: PeriodPreset;
  fromDate: string;
  toDate: string;
  /** Why the custom dates give no period, next to the date it concerns. */
  dateProblem: { field: 'from' | 'to'; message: string } | null;
  onTenant: (tenant: string) => void;
  onPreset: (preset: PeriodPreset) => void;
  onDates: (fromDate: string, toDate: string) => void;
}) {
  const problem = (field: 'from' | 'to') => (dateProblem?.field === field ? dateProblem.message : undefined);
  return (
    <form class="toolbar report-controls" aria-label="Report settings" onSubmit={(e) => e.preventDefault()}>
      <span class="report-control">
        <label for="report-tenant">Tenant</label>
        <select id="report-tenant" value={tenant} onChange={(e) => onTenant(e.currentTarget.value)}>
          {tenants.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
        </select>
      </span>
      <span class="report-control">
        <label for="report-period">Period</label>
        <select id="report-period" value={preset} onChange={(e) => onPreset(e.currentTarget.value as PeriodPreset)}>
          {PERIOD_PRESETS.map((p) => <option key={p} value={p}>{PRESET_LABELS[p]}</option>)}
        </select>
      </span>
      {preset === 'custom' && (
        <>
          <DateControl id="report-from" label="From" value={fromDate} problem={problem('from')} onChange={(v) => onDates(v, toDate)} />
          <DateControl id="report-to" label="To" value={toDate} problem={problem('to')} onChange={(v) => onDates(fromDate, v)} />
        </>
      )}
      <span class="spacer" />
      <button type="button" onClick={() => window.print()}>Print</button>
    </form>
  );
}

/** A date input; its problem, when it has one, is also its description for screen readers. */
function DateControl({ id, label, value, problem, onChange }: { id: string; label: string; value: string; problem: string | undefined; onChange: (value: string) => void }) {
  return (
    <span class={problem ? 'report-control field-invalid' : 'report-control'}>
      <label for={id}>{label}</label>
      <input id={id} type="date" value={value} aria-invalid={problem ? 'true' : undefined} aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)} />
      {problem && <small id={`${id}-problem`} class="field-error" role="alert">{problem}</small>}
    </span>
  );
}

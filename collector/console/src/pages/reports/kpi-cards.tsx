/** The report's headline figures, each against its target, in words as well as in colour. */
import type { KpiReport } from '@vigil/shared';
import { formatCount, formatPercent } from './format.js';
import { KPI_TARGETS, RATING_LABELS, rateKpi, type KpiRating, type KpiTarget } from './kpi-targets.js';
import { PRIORITIES } from './report-data.js';

const BADGE_CLASS: Readonly<Record<KpiRating, string>> = { ok: 'badge badge-ok', warn: 'badge badge-warn', bad: 'badge badge-bad', none: 'badge' };

function PercentCard({ kpi, label, value, target, note }: { kpi: string; label: string; value: number | null; target: KpiTarget; note: string }) {
  const rating = rateKpi(value, target);
  return (
    <div class={`card kpi-card kpi-${rating}`} data-kpi={kpi} data-value={value === null ? '' : String(value)}>
      <div class="kpi-label">{label}</div>
      <div class="big">{formatPercent(value)}</div>
      <div class="kpi-status">
        <span class={BADGE_CLASS[rating]}>{RATING_LABELS[rating]}</span>
        <span class="kpi-target">target ≥ {formatPercent(target.goal)}</span>
      </div>
      <small class="kpi-note">{note}</small>
    </div>
  );
}

export function KpiCards({ report }: { report: KpiReport }) {
  const { agents } = report;
  return (
    <div class="cards kpi-cards">
      <PercentCard kpi="sla" label="SLA compliance" value={report.slaCompliancePct} target={KPI_TARGETS.slaCompliance}
        note="Alerts with SLA clocks that breached neither the respond nor the resolve time" />
      <PercentCard kpi="availability" label="Agent availability" value={report.agentAvailabilityPct} target={KPI_TARGETS.agentAvailability}
        note={`Online time over monitored time, ${formatCount(agents.monitored)} agent${agents.monitored === 1 ? '' : 's'} monitored`} />
      <PercentCard kpi="patch" label="Patch compliance" value={report.patchCompliancePct} target={KPI_TARGETS.patchCompliance}
        note={`Agents without an overdue security patch, of ${formatCount(agents.patchStatusKnown)} with a known patch status`} />
      <PercentCard kpi="auto-remediated" label="Auto-remediated" value={report.autoRemediatedPct} target={KPI_TARGETS.autoRemediated}
        note="Of the resolved alerts, those a runbook fixed without a person" />
      <div class="card kpi-card kpi-none" data-kpi="alerts" data-value={String(report.alerts.total)}>
        <div class="kpi-label">Alerts</div>
        <div class="big">{formatCount(report.alerts.total)}</div>
        <div class="kpi-status">
          {PRIORITIES.map((p) => <span key={p} class={`kpi-priority pri-badge-${p}`}>{p} {formatCount(report.alerts.byPriority[p] ?? 0)}</span>)}
        </div>
        <small class="kpi-note">Opened in the period</small>
      </div>
    </div>
  );
}

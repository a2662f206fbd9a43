/** The report itself, as it prints: a title block, the headline figures, the table and the charts. */
import type { KpiReport } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { formatCount } from './format.js';
import { KpiCards } from './kpi-cards.js';
import { describePeriod, PRESET_LABELS, type PeriodPreset } from './period.js';
import { PriorityTable } from './priority-table.js';
import { ReportCharts } from './report-charts.js';

export function ReportView({ report, tenantLabel, preset, updating }: {
  report: KpiReport;
  tenantLabel: string;
  /** The preset the period came from, named beside it; null while that is not known for sure. */
  preset: PeriodPreset | null;
  /** A newer report is on its way: this one stays readable, marked busy. */
  updating: boolean;
}) {
  const { agents } = report;
  return (
    <article class={updating ? 'report report-updating' : 'report'} aria-busy={updating ? 'true' : 'false'} aria-labelledby="report-title"
      data-tenant={report.tenant ?? ''} data-from={String(report.from)} data-to={String(report.to)}>
      <header class="report-title">
        <p class="report-kicker">Service report</p>
        <h2 id="report-title">{tenantLabel}</h2>
        <dl class="report-meta">
          <div><dt>Period</dt><dd data-field="period">{describePeriod(report.from, report.to)}{preset && ` (${PRESET_LABELS[preset].toLowerCase()})`}</dd></div>
          <div><dt>Generated</dt><dd data-field="generated">{formatTime(report.generatedAt)}</dd></div>
          <div><dt>Agents</dt><dd>{formatCount(agents.monitored)} monitored, {formatCount(agents.patchStatusKnown)} with a known patch status</dd></div>
        </dl>
      </header>
      <section class="section report-section" aria-labelledby="report-kpis">
        <h3 id="report-kpis">Key figures</h3>
        <KpiCards report={report} />
      </section>
      <section class="section report-section" aria-labelledby="report-priorities">
        <h3 id="report-priorities">By priority</h3>
        <PriorityTable report={report} />
      </section>
      <section class="section report-section" aria-labelledby="report-charts">
        <h3 id="report-charts">Charts</h3>
        <ReportCharts report={report} />
      </section>
    </article>
  );
}

/** The report's three charts: alerts by priority, alerts by source, and mean times per priority. */
import type { KpiReport } from '@vigil/shared';
import { BarListChart } from './bar-list-chart.js';
import { ColumnChart } from './column-chart.js';
import { formatCount, formatDuration, NO_DATA } from './format.js';
import { PRIORITIES, priorityRows, sourcesByCount } from './report-data.js';

const count = (value: number | null): string => (value === null ? NO_DATA : formatCount(value));

export function ReportCharts({ report }: { report: KpiReport }) {
  const rows = priorityRows(report);
  return (
    <div class="report-charts">
      <ColumnChart id="alerts-by-priority" title="Alerts by priority" categories={PRIORITIES} kind="count" format={count} valueLabels
        series={[{ key: 'alerts', name: 'Alerts', values: rows.map((r) => r.alerts) }]} categoryClass={(p) => `bar-${p}`} />
      <BarListChart id="alerts-by-source" title="Alerts by source" format={count} empty="No alerts in this period."
        items={sourcesByCount(report.alerts.bySource).map((s) => ({ label: s.source, value: s.count }))} />
      <ColumnChart id="response-times" title="MTTA and MTTR by priority" categories={PRIORITIES} kind="duration" format={formatDuration}
        series={[
          { key: 'mtta', name: 'MTTA', description: 'mean time to acknowledge', values: rows.map((r) => r.meanTimeToAcknowledgeMs) },
          { key: 'mttr', name: 'MTTR', description: 'mean time to resolve', values: rows.map((r) => r.meanTimeToResolveMs) },
        ]} />
    </div>
  );
}

/** Alerts, response times and SLA per priority, with the period's totals underneath. */
import type { KpiReport } from '@vigil/shared';
import { formatCount, formatDuration, formatPercent, NO_DATA } from './format.js';
import { overallSlaBreachedPct, priorityRows } from './report-data.js';

export function PriorityTable({ report }: { report: KpiReport }) {
  return (
    <table class="data priority-table">
      <caption class="visually-hidden">Alerts, mean times and SLA by priority</caption>
      <thead>
        <tr>
          <th scope="col">Priority</th>
          <th scope="col" class="num">Alerts</th>
          <th scope="col" class="num"><abbr title="Mean time to acknowledge">MTTA</abbr></th>
          <th scope="col" class="num"><abbr title="Mean time to resolve">MTTR</abbr></th>
          <th scope="col" class="num">SLA met</th>
          <th scope="col" class="num">SLA breached</th>
        </tr>
      </thead>
      <tbody>
        {priorityRows(report).map((row) => (
          <tr key={row.priority} data-priority={row.priority}>
            <th scope="row" class={`pri pri-badge-${row.priority}`}>{row.priority}</th>
            <td class="num" data-col="alerts">{formatCount(row.alerts)}</td>
            <td class="num" data-col="mtta">{formatDuration(row.meanTimeToAcknowledgeMs)}</td>
            <td class="num" data-col="mttr">{formatDuration(row.meanTimeToResolveMs)}</td>
            <td class="num" data-col="sla-met">{formatPercent(row.slaMetPct)}</td>
            <td class="num" data-col="sla-breached">{formatPercent(row.slaBreachedPct, 'up')}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-priority="all">
          <th scope="row">All</th>
          <td class="num" data-col="alerts">{formatCount(report.alerts.total)}</td>
          <td class="num">{NO_DATA}</td>
          <td class="num">{NO_DATA}</td>
          <td class="num" data-col="sla-met">{formatPercent(report.slaCompliancePct)}</td>
          <td class="num" data-col="sla-breached">{formatPercent(overallSlaBreachedPct(report), 'up')}</td>
        </tr>
      </tfoot>
    </table>
  );
}

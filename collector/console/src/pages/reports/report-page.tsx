/**
 * The KPI report for a quarterly business review: pick a tenant and a period (kept in the URL so
 * that a report can be bookmarked or sent on), read the figures, print or save it as PDF.
 */
import type { KpiReport } from '@vigil/shared';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../app/pages.js';
import { readQuery, writeQuery } from '../../app/router.js';
import { FormError } from '../../ui/field.js';
import { useResource } from '../../ui/use-resource.js';
import { customDatesFor, parsePreset, resolvePeriod, type PeriodPreset } from './period.js';
import { ReportControls } from './report-controls.js';
import { ReportView } from './report-view.js';
import { defaultTenant, tenantOptions, type TenantListing } from './tenant-options.js';
import './report.css';

const QUERY_KEYS = ['tenant', 'period', 'from', 'to'] as const;

export function ReportPage({ me, onSignedOut }: PageProps) {
  const [initial] = useState(() => readQuery(QUERY_KEYS));
  const [tenant, setTenant] = useState(() => initial.tenant || defaultTenant(me.tenants));
  const [preset, setPreset] = useState<PeriodPreset>(() => parsePreset(initial.period));
  const [fromDate, setFromDate] = useState(initial.from);
  const [toDate, setToDate] = useState(initial.to);
  // "Now" is when the period was chosen, not each render: the report is fetched once per choice.
  const [now, setNow] = useState(() => Date.now());

  const period = resolvePeriod({ preset, fromDate, toDate }, now);
  const query = period.ok ? new URLSearchParams({ ...(tenant ? { tenant } : {}), from: String(period.from), to: String(period.to) }) : null;
  const report = useResource<KpiReport>(query ? `/api/v1/reports/kpi?${query.toString()}` : null, onSignedOut);
  const listing = useResource<TenantListing>('/api/v1/tenants', onSignedOut);
  const options = tenantOptions(me.tenants, listing.data, tenant);
  const labelOf = (id: string): string => options.find((o) => o.id === id)?.label ?? id;
  const tenantLabel = labelOf(tenant);

  useEffect(() => {
    writeQuery({ tenant, period: preset, from: preset === 'custom' ? fromDate : '', to: preset === 'custom' ? toDate : '' });
  }, [tenant, preset, fromDate, toDate]);

  useEffect(() => {
    const before = document.title;
    // The title heads the printed page and names the saved PDF.
    document.title = `Vigil — KPI report, ${tenantLabel}`;
    return () => {
      document.title = before;
    };
  }, [tenantLabel]);

  function choosePreset(next: PeriodPreset) {
    if (next === 'custom' && period.ok && (!fromDate || !toDate)) {
      const dates = customDatesFor(period.from, period.to);
      setFromDate(dates.fromDate);
      setToDate(dates.toDate);
    }
    setPreset(next);
    setNow(Date.now());
  }

  const data = period.ok && !report.error ? report.data : null;
  // Until the answer for the current choice lands, the previous report stays up, marked as updating.
  const current = data !== null && period.ok && data.from === period.from && data.to === period.to && (data.tenant ?? '') === tenant;

  return (
    <div class="report-page">
      <div class="page-head no-print"><h2>Reports</h2></div>
      <ReportControls
        tenants={options} tenant={tenant} preset={preset} fromDate={fromDate} toDate={toDate}
        dateProblem={period.ok ? null : period}
        onTenant={(t) => { setTenant(t); setNow(Date.now()); }}
        onPreset={choosePreset}
        onDates={(from, to) => { setFromDate(from); setToDate(to); }}
      />
      {report.error && !report.loading && <div class="section no-print"><FormError failure={report.error} shown={[]} /></div>}
      {!data && report.loading && <p class="loading">Loading the report…</p>}
      {data && <ReportView report={data} tenantLabel={labelOf(data.tenant ?? '')} preset={current ? preset : null} updating={!current} />}
    </div>
  );
}

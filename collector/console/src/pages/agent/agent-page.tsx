import type { AgentDetail } from '@vigil/shared';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../app/pages.js';
import { can } from '../../app/permissions.js';
import { Link, readQuery, writeQuery } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { AgentHeader } from './agent-header.js';
import { AgentSections, sectionTabById, type SectionTab } from './agent-sections.js';
import { AlertHistory } from './alert-history.js';
import { ChartsPanel } from './charts-panel.js';
import { JobHistory } from './job-history.js';
import { rangeById, type ChartRange } from './ranges.js';
import { RunScript } from './run-script.js';
import './agent-page.css';

/** The header's presence and last-seen re-read this often. */
const DETAIL_REFRESH_MS = 30_000;

/**
 * One endpoint: who it is and whether it is there, its telemetry over a chosen range, what its
 * latest frames reported (patches, disk health, services, inventory, events, sources), the
 * alerts it raised and the jobs it ran, and (for who may) running a script on it.
 */
export function AgentPage({ me, params, onSignedOut }: PageProps) {
  const id = params.id ?? '';
  const detail = useResource<AgentDetail>(`/api/v1/agents/${encodeURIComponent(id)}`, onSignedOut);
  const [range, setRange] = useState<ChartRange>(() => rangeById(readQuery(['range']).range));
  const [tab, setTab] = useState<SectionTab>(() => sectionTabById(readQuery(['tab']).tab));
  const [jobsVersion, setJobsVersion] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.hidden) return;
      setNow(Date.now());
      detail.reload();
    }, DETAIL_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [detail.reload]);

  useEffect(() => {
    if (detail.data) document.title = `${detail.data.hostname} · Vigil`;
  }, [detail.data?.hostname]);

  // Both live in the query, so a link to this page can say which range and tab it means.
  const keepInUrl = (next: { range: ChartRange; tab: SectionTab }) => writeQuery({ range: next.range.id, tab: next.tab });
  const chooseRange = (next: ChartRange) => {
    setRange(next);
    keepInUrl({ range: next, tab });
  };
  const chooseTab = (next: SectionTab) => {
    setTab(next);
    keepInUrl({ range, tab: next });
  };

  if (detail.error?.status === 404 || (detail.error && !detail.data)) {
    return (
      <div class="agent-page">
        <div class="page-head"><h2>Agent</h2></div>
        {detail.error.status === 404
          ? <p class="empty" role="alert">No such agent: {id} is not enrolled here, or not in your tenants. <Link href="/fleet">Back to the fleet.</Link></p>
          : <p class="form-error" role="alert">The agent could not be read: {detail.error.message}</p>}
      </div>
    );
  }
  // Moving from one agent to another keeps this page mounted: the previous agent is never shown under the new id.
  if (!detail.data || detail.data.id !== id) return <p class="loading">Loading agent…</p>;
  const agent = detail.data;

  return (
    <div class="agent-page" data-agent-id={agent.id}>
      <AgentHeader agent={agent} now={now} />
      {detail.error && <p class="form-error" role="alert">Refreshing failed: {detail.error.message}</p>}
      <ChartsPanel agentId={agent.id} range={range} onRange={chooseRange} onSignedOut={onSignedOut} />
      <AgentSections agent={agent} tab={tab} onTab={chooseTab} onSignedOut={onSignedOut} />
      {can(me, 'alerts:read') && <AlertHistory agentId={agent.id} onSignedOut={onSignedOut} />}
      {can(me, 'jobs:run') && <RunScript agent={agent} onSignedOut={onSignedOut} onJobsChanged={() => setJobsVersion((v) => v + 1)} />}
      {can(me, 'jobs:read') && <JobHistory agentId={agent.id} version={jobsVersion} onSignedOut={onSignedOut} />}
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { JobSummary } from '@vigil/shared';
import type { PageProps } from '../../app/pages.js';
import { can } from '../../app/permissions.js';
import { readQuery, writeQuery } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { ApprovalsTab } from './approvals-tab.js';
import { JobsTab } from './jobs-tab.js';
import { parseTab, QUERY_KEYS, queryToWrite, TABS, type RemediationQuery, type TabId } from './remediation-query.js';
import { RunbooksTab } from './runbooks-tab.js';
import { ScriptsTab } from './scripts-tab.js';
import { useEvery } from '../../ui/use-every.js';
import './remediation.css';

/** How often the approvals queue (and its count on the tab) is read again. */
const APPROVALS_REFRESH_MS = 15_000;

/** What each tab needs to read; a tab the caller cannot read is not offered. */
const TAB_PERMISSION = { scripts: 'scripts:read', jobs: 'jobs:read', runbooks: 'scripts:read', approvals: 'jobs:read' } as const;

/**
 * Remediation: the signed script library (read-only), jobs and their progress, runbooks with
 * their recent runs, and change control's approvals queue. The tab and each tab's filters live
 * in the URL query.
 */
export function RemediationPage({ me, onSignedOut }: PageProps) {
  const [query, setQuery] = useState<RemediationQuery>(() => {
    const read = readQuery(QUERY_KEYS);
    return { ...read, tab: parseTab(read.tab) };
  });
  const update = (patch: Partial<RemediationQuery>) => {
    const next = { ...query, ...patch };
    setQuery(next);
    writeQuery(queryToWrite(next));
  };

  const tabs = TABS.filter((t) => can(me, TAB_PERMISSION[t.id]));
  const tab: TabId = tabs.some((t) => t.id === query.tab) ? (query.tab as TabId) : (tabs[0]?.id ?? 'scripts');
  const approvals = useResource<{ jobs: JobSummary[] }>(can(me, 'jobs:read') ? '/api/v1/approvals' : null, onSignedOut);
  useEvery(APPROVALS_REFRESH_MS, approvals.reload);
  const waiting = approvals.data?.jobs.length ?? 0;

  return (
    <div class="remediation-page">
      <div class="page-head"><h2>Remediation</h2></div>
      <div class="tabs" role="tablist" aria-label="Remediation">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={t.id === tab} aria-controls={`panel-${t.id}`} onClick={() => update({ tab: t.id })}>
            {t.label}
            {t.id === 'approvals' && waiting > 0 && <span class="badge badge-warn tab-count" aria-label={`${waiting} waiting`}>{waiting}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tab-panel">
        {tab === 'scripts' && <ScriptsTab query={query} update={update} onSignedOut={onSignedOut} />}
        {tab === 'jobs' && <JobsTab query={query} update={update} onSignedOut={onSignedOut} />}
        {tab === 'runbooks' && <RunbooksTab me={me} query={query} update={update} onSignedOut={onSignedOut} />}
        {tab === 'approvals' && <ApprovalsTab me={me} approvals={approvals} onSignedOut={onSignedOut} />}
      </div>
    </div>
  );
}

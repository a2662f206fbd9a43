import type { JobStatus } from '@vigil/shared';

export const TABS = [
  { id: 'scripts', label: 'Script library' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'runbooks', label: 'Runbooks' },
  { id: 'approvals', label: 'Approvals' },
] as const;
export type TabId = (typeof TABS)[number]['id'];

/**
 * Everything the page keeps in its URL query, so a view can be bookmarked and shared: the tab,
 * the jobs' status filter, the script library's search and open script, the open runbook.
 */
export const QUERY_KEYS = ['tab', 'status', 'q', 'script', 'runbook'] as const;
export type RemediationQuery = Record<(typeof QUERY_KEYS)[number], string>;

export const JOB_STATUSES = ['awaiting_approval', 'active', 'finished', 'cancelled', 'rejected'] as const satisfies readonly JobStatus[];

export function parseTab(value: string): TabId {
  return TABS.some((t) => t.id === value) ? (value as TabId) : 'scripts';
}

/** A status filter the API accepts, or '' (all): a hand-edited URL never reaches the API as a 400. */
export function parseStatus(value: string): JobStatus | '' {
  return (JOB_STATUSES as readonly string[]).includes(value) ? (value as JobStatus) : '';
}

/** The query as written back: the default tab and empty values are left out. */
export function queryToWrite(query: RemediationQuery): Record<string, string> {
  return { ...query, tab: query.tab === 'scripts' ? '' : query.tab };
}

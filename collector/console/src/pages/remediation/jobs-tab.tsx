import type { JobList } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { JobStatusBadge } from './badges.js';
import { describeRequester, describeTargets } from './job-facts.js';
import { ProgressBar } from './progress-bar.js';
import { JOB_STATUSES, parseStatus, type RemediationQuery } from './remediation-query.js';
import { jobStatusLabel } from './run-states.js';
import { useEvery } from '../../ui/use-every.js';

/** The most recent jobs shown; older ones are reached through the API and the CLI. */
const JOB_LIMIT = 50;
/** Read again at a steady pace; the list holds summaries and counts, never runs, however big the jobs. */
const REFRESH_MS = 10_000;

interface Props {
  query: RemediationQuery;
  update: (patch: Partial<RemediationQuery>) => void;
  onSignedOut: () => void;
}

/** Recent jobs, newest first, with their progress by run state; each opens its live detail page. */
export function JobsTab({ query, update, onSignedOut }: Props) {
  const status = parseStatus(query.status);
  const path = `/api/v1/jobs?limit=${JOB_LIMIT}${status ? `&status=${status}` : ''}`;
  const jobs = useResource<JobList>(path, onSignedOut);
  useEvery(REFRESH_MS, jobs.reload);
  const list = jobs.data?.jobs ?? [];

  return (
    <>
      <div class="toolbar">
        <select aria-label="Job status" value={status} onChange={(e) => update({ status: e.currentTarget.value })}>
          <option value="">All statuses</option>
          {JOB_STATUSES.map((s) => <option key={s} value={s}>{jobStatusLabel(s)}</option>)}
        </select>
        <button type="button" onClick={jobs.reload}>Refresh</button>
        <span class="count">{list.length === JOB_LIMIT ? `latest ${JOB_LIMIT} jobs` : `${list.length} job${list.length === 1 ? '' : 's'}`}</span>
        <span class="spacer" />
        <span class="hint">Run jobs with <code>vigil run</code> or the API; the list refreshes every 10 seconds.</span>
      </div>
      {jobs.error && <p class="form-error" role="alert">{jobs.error.message}</p>}
      {jobs.data && list.length === 0 && <p class="empty">{status ? `No ${jobStatusLabel(status)} jobs.` : 'No jobs yet.'}</p>}
      {list.length > 0 && (
        <table class="data jobs-table" aria-label="Jobs">
          <thead>
            <tr><th>Job</th><th>Script</th><th>Targets</th><th>Status</th><th>Progress</th><th>Created by</th><th>Created</th></tr>
          </thead>
          <tbody>
            {list.map((job) => (
              <tr key={job.id} data-job-id={job.id}>
                <td><Link href={`/jobs/${encodeURIComponent(job.id)}`} class="mono">{job.id}</Link></td>
                <td>{job.scriptName} <small class="hint">v{job.version}</small></td>
                <td>{describeTargets(job)}</td>
                <td><JobStatusBadge status={job.status} counts={job.counts} /></td>
                <td><ProgressBar counts={job.counts} /></td>
                <td>{describeRequester(job.createdBy)}</td>
                <td>{formatTime(job.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

import type { JobList, JobStatus } from '@vigil/shared';
import { useEffect } from 'preact/hooks';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { runCount } from '../remediation/job-facts.js';
import { formatRunDuration } from '../../ui/format-time.js';
import { describeRun, startWatch, toneClass } from './run-progress.js';

const LIMIT = 50;
const STATUS_BADGE: Record<JobStatus, string> = {
  awaiting_approval: 'badge badge-warn', active: 'badge', finished: 'badge badge-ok', cancelled: 'badge', rejected: 'badge badge-bad',
};

/**
 * The jobs that ran (or wait to run) on this agent, newest first, with this agent's own run: the
 * list carries that run (without output) beside each job's counts. `version` re-fetches.
 */
export function JobHistory({ agentId, version, onSignedOut }: { agentId: string; version: number; onSignedOut: () => void }) {
  const { data, error, loading, reload } = useResource<JobList>(`/api/v1/jobs?agentId=${encodeURIComponent(agentId)}&limit=${LIMIT}`, onSignedOut);
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  return (
    <section class="section" aria-labelledby="agent-jobs-title">
      <h3 id="agent-jobs-title">Job history</h3>
      {error && <p class="form-error" role="alert">{error.message}</p>}
      {loading && !data && <p class="loading">Loading jobs…</p>}
      {data && data.jobs.length === 0 && <p class="empty">No jobs have run on this agent.</p>}
      {data && data.jobs.length > 0 && (
        <table class="data" aria-label="Job history">
          <thead><tr><th>Job</th><th>Script</th><th>Job status</th><th>This agent's run</th><th>Took</th><th>Created by</th><th>Created</th></tr></thead>
          <tbody>
            {data.jobs.map((job) => {
              const run = job.agentRun ?? null;
              const agents = runCount(job.counts);
              // Said as the live run is said, from the run the list carries.
              const described = describeRun(startWatch({ id: job.id, status: job.status, runs: run ? [run] : [] }, agentId));
              return (
                <tr key={job.id} data-job-id={job.id}>
                  <td><Link href={`/jobs/${encodeURIComponent(job.id)}`}>{job.id}</Link></td>
                  <td>{job.scriptName}<div class="sub">v{job.version}{agents > 1 && ` · ${agents.toLocaleString()} agents`}</div></td>
                  <td><span class={STATUS_BADGE[job.status]}>{job.status.replace('_', ' ')}</span></td>
                  <td><span class={toneClass(described.tone)} data-run-state={run?.state ?? ''}>{described.text}</span></td>
                  <td>{formatRunDuration(run?.durationMs)}</td>
                  <td>{job.createdBy}</td>
                  <td class="nowrap">{formatTime(job.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

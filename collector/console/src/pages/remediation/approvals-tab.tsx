import { useState } from 'preact/hooks';
import type { JobSummary, WhoAmI } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { can } from '../../app/permissions.js';
import { Link } from '../../app/router.js';
import type { Resource } from '../../ui/use-resource.js';
import { DecisionBar, type Verdict } from './decision-bar.js';
import { describeRequester, describeTargets, formatParams, isOwnRequest } from './job-facts.js';

interface Props {
  me: WhoAmI;
  approvals: Resource<{ jobs: JobSummary[] }>;
  onSignedOut: () => void;
}

/**
 * Change control: jobs waiting for an approver, oldest request first. Approving starts a job,
 * rejecting cancels its runs. Nobody decides on their own request, so its row has no buttons.
 */
export function ApprovalsTab({ me, approvals, onSignedOut }: Props) {
  const [acting, setActing] = useState<{ jobId: string; verdict: Verdict } | null>(null);
  // Decided here: gone from the queue at once, before the next read confirms it.
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const [lastDecision, setLastDecision] = useState<{ jobId: string; scriptName: string; verdict: Verdict } | null>(null);
  const mayApprove = can(me, 'jobs:approve');
  const queue = (approvals.data?.jobs ?? []).filter((job) => !decided.has(job.id)).sort((a, b) => a.createdAt - b.createdAt);

  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={approvals.reload}>Refresh</button>
        <span class="count">{queue.length} awaiting approval</span>
        <span class="spacer" />
        <span class="hint">{mayApprove ? 'An approver is never the one who asked for the job.' : 'Deciding on jobs needs the jobs:approve permission (admin).'}</span>
      </div>
      {lastDecision && (
        <p class="decision-note" role="status">
          {lastDecision.scriptName}: <Link href={`/jobs/${encodeURIComponent(lastDecision.jobId)}`}>job {lastDecision.jobId}</Link>
          {lastDecision.verdict === 'approve' ? ' approved; it runs now.' : ' rejected; its runs are cancelled.'}
        </p>
      )}
      {approvals.error && <p class="form-error" role="alert">{approvals.error.message}</p>}
      {approvals.data && queue.length === 0 && <p class="empty">Nothing is waiting for approval.</p>}
      {queue.length > 0 && (
        <table class="data approvals-table" aria-label="Jobs awaiting approval">
          <thead>
            <tr><th>Job</th><th>Script</th><th>Parameters</th><th>Targets</th><th>Asked by</th><th>Asked</th><th>Why</th><th><span class="visually-hidden">Decision</span></th></tr>
          </thead>
          <tbody>
            {queue.map((job) => {
              const own = isOwnRequest(me, job);
              const open = acting?.jobId === job.id ? acting : null;
              return [
                <tr key={job.id} data-job-id={job.id}>
                  <td><Link href={`/jobs/${encodeURIComponent(job.id)}`} class="mono">{job.id}</Link></td>
                  <td>{job.scriptName} <small class="hint">v{job.version}</small></td>
                  <td class="mono">{formatParams(job.params)}</td>
                  <td>{describeTargets(job)}</td>
                  <td>{describeRequester(job.createdBy)}{own && <span class="badge">you</span>}</td>
                  <td>{formatTime(job.createdAt)}</td>
                  <td>{job.runbookRunId ? `runbook run ${job.runbookRunId}` : 'script requires approval'}</td>
                  <td class="actions">
                    {mayApprove && !own && <>
                      <button type="button" class="primary" aria-pressed={open?.verdict === 'approve'} onClick={() => setActing({ jobId: job.id, verdict: 'approve' })}>Approve</button>
                      <button type="button" aria-pressed={open?.verdict === 'reject'} onClick={() => setActing({ jobId: job.id, verdict: 'reject' })}>Reject</button>
                    </>}
                    {mayApprove && own && <small class="hint">another approver decides</small>}
                  </td>
                </tr>,
                open && (
                  <tr key={`${job.id}-decision`} class="decision-row">
                    <td colSpan={8}>
                      <DecisionBar
                        job={job} verdict={open.verdict} onSignedOut={onSignedOut} onClose={() => setActing(null)}
                        onDecided={() => {
                          setDecided((d) => new Set([...d, job.id]));
                          setLastDecision({ jobId: job.id, scriptName: job.scriptName, verdict: open.verdict });
                          setActing(null);
                          approvals.reload();
                        }}
                      />
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

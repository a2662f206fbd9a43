import type { JobSummary } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { describeRequester, describeTargets, formatParams, shortDigest } from './job-facts.js';

/** What a job runs, where, for whom, and who let it: the job page's header facts. */
export function JobFactsList({ job }: { job: JobSummary }) {
  return (
    <dl class="facts" aria-label="Job details">
      <dt>Script</dt>
      <dd>
        <Link href={`/remediation?script=${encodeURIComponent(job.scriptId)}`}>{job.scriptName}</Link> v{job.version}
        {' '}<small class="mono" title={`manifest SHA-256 ${job.digest}`}>{shortDigest(job.digest)}</small>
      </dd>
      <dt>Parameters</dt>
      <dd class="mono">{formatParams(job.params)}{job.args.length > 0 && <> · args {job.args.join(' ')}</>}</dd>
      <dt>Targets</dt>
      <dd>{describeTargets(job)}</dd>
      <dt>Created</dt>
      <dd>by {describeRequester(job.createdBy)} at {formatTime(job.createdAt)}</dd>
      <dt>Approval</dt>
      <dd><ApprovalText job={job} /></dd>
      <dt>Offline agents</dt>
      <dd>{job.offline === 'run_on_reconnect' ? 'run when they reconnect' : 'expire'}; unsent runs expire at {formatTime(job.expiresAt)}</dd>
      <dt>Limits</dt>
      <dd>{job.concurrency.toLocaleString()} at once, {job.ratePerSec.toLocaleString()} dispatches/s</dd>
      {(job.alertId || job.runbookRunId) && <>
        <dt>Started by</dt>
        <dd>{job.runbookRunId ? `runbook run ${job.runbookRunId}` : ''}{job.alertId && job.runbookRunId ? ' for ' : ''}{job.alertId ? `alert ${job.alertId}` : ''}</dd>
      </>}
    </dl>
  );
}

function ApprovalText({ job }: { job: JobSummary }) {
  const { approval } = job;
  if (!approval.required) return <>not required</>;
  if (approval.decision === null) return <>required; {job.status === 'awaiting_approval' ? 'awaiting an approver' : 'not decided'}</>;
  return (
    <>
      {approval.decision} by {approval.decidedBy ?? 'unknown'} at {formatTime(approval.decidedAt)}
      {approval.comment && <> — “{approval.comment}”</>}
    </>
  );
}

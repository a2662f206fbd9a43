import { useEffect, useRef, useState } from 'preact/hooks';
import type { Job, JobSummary } from '@vigil/shared';
import { api } from '../../app/api.js';
import { useSubmit } from '../../ui/use-submit.js';
import { describeTargets } from './job-facts.js';

export type Verdict = 'approve' | 'reject';

/**
 * Change control's decision on one job: an optional comment (a change number, a reason), then
 * approve or reject. The API refuses the requester and a job no longer waiting; its message is
 * shown as it is.
 */
export function DecisionBar({ job, verdict, onDecided, onClose, onSignedOut }: {
  job: JobSummary;
  verdict: Verdict;
  onDecided: (job: Job) => void;
  onClose: () => void;
  onSignedOut: () => void;
}) {
  const [comment, setComment] = useState('');
  const { failure, busy, run } = useSubmit(onSignedOut);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [job.id, verdict]);
  const verb = verdict === 'approve' ? 'Approve' : 'Reject';

  function submit(event: Event) {
    event.preventDefault();
    const body = comment.trim() ? { comment: comment.trim() } : {};
    void run(async () => onDecided(await api<Job>('POST', `/api/v1/jobs/${encodeURIComponent(job.id)}/${verdict}`, body)));
  }

  return (
    <form class="decision-bar" onSubmit={submit} aria-label={`${verb} job ${job.id}`}>
      <strong>{verb}</strong>
      <span>{job.scriptName} v{job.version} on {describeTargets(job)}</span>
      <input ref={input} aria-label="Comment" placeholder="Comment (optional): change number, reason…" maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <button type="submit" class={verdict === 'approve' ? 'primary' : 'danger'} disabled={busy}>{verb}</button>
      <button type="button" onClick={onClose}>Cancel</button>
      {failure && <span class="form-error" role="alert">{failure.message}</span>}
    </form>
  );
}

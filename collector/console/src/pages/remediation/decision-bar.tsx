import { useEffect, useRef, useState } from 'preact/hooks';
import type { Job, JobSummary } from '@vigil/shared';
import { api, ApiFailure } from '../../app/api.js';
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
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [job.id, verdict]);
  const verb = verdict === 'approve' ? 'Approve' : 'Reject';

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const body = comment.trim() ? { comment: comment.trim() } : {};
      onDecided(await api<Job>('POST', `/api/v1/jobs/${encodeURIComponent(job.id)}/${verdict}`, body));
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 401) return onSignedOut();
      setFailure(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="decision-bar" onSubmit={submit} aria-label={`${verb} job ${job.id}`}>
      <strong>{verb}</strong>
      <span>{job.scriptName} v{job.version} on {describeTargets(job)}</span>
      <input ref={input} aria-label="Comment" placeholder="Comment (optional): change number, reason…" maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <button type="submit" class={verdict === 'approve' ? 'primary' : 'danger'} disabled={busy}>{verb}</button>
      <button type="button" onClick={onClose}>Cancel</button>
      {failure && <span class="form-error" role="alert">{failure}</span>}
    </form>
  );
}

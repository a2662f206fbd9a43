import type { JobRun } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { FollowingOutput } from '../../ui/following-output.js';
import { hasLiveOutput, type LiveOutput, type LiveText } from '../../ui/live-output.js';
import { RunStateBadge } from './badges.js';
import { formatRunDuration } from '../../ui/format-time.js';
import { isFinalRunState } from './run-states.js';

interface Props {
  run: JobRun;
  /** What the run printed so far, from the job stream. */
  live: LiveOutput | undefined;
  hostname: string | null;
  onClose: () => void;
}

/**
 * One run's output: while it runs, what it printed so far, growing as it prints; once it is
 * final, how it ended and its stored stdout and stderr, which replace the live copy (they are the
 * whole captured output, and the live copy may have missed parts).
 */
export function RunOutput({ run, live, hostname, onClose }: Props) {
  const finished = isFinalRunState(run.state);
  const streaming = hasLiveOutput(live);
  // A run just final whose stored output is still being read keeps its live copy on screen meanwhile.
  const stored = finished && (run.stdout !== null || run.stderr !== null || !streaming);
  return (
    <section class="section run-output" aria-label={`Output of ${hostname ?? run.agentId}`}>
      <div class="run-output-head">
        <h3>Output · <Link href={`/agents/${encodeURIComponent(run.agentId)}`}>{hostname ?? run.agentId}</Link></h3>
        <RunStateBadge state={run.state} />
        <span>exit code {run.exitCode ?? '—'}{run.signal ? ` · signal ${run.signal}` : ''}</span>
        <span class="hint">started {formatTime(run.startedAt)} · {formatRunDuration(run.durationMs)}</span>
        <span class="spacer" />
        <button type="button" class="no-print" onClick={onClose}>Close</button>
      </div>
      {run.error && <p class="form-error" role="status">{run.error}</p>}
      {!stored && !streaming && <p class="hint">Nothing printed yet: lines appear here as the script prints them. The output arrives when the run finishes.</p>}
      {!stored && streaming && <>
        <LiveBlock label="stdout" text={live.stdout} />
        <LiveBlock label="stderr" text={live.stderr} />
        {(live.stdout.missed || live.stderr.missed) && <p class="hint">Some of the live output was missed; all of it shows when the run ends.</p>}
      </>}
      {stored && <>
        <OutputBlock label="stdout" text={run.stdout} truncated={run.stdoutTruncated} />
        <OutputBlock label="stderr" text={run.stderr} truncated={run.stderrTruncated} />
      </>}
    </section>
  );
}

function LiveBlock({ label, text }: { label: string; text: LiveText }) {
  return (
    <figure class="output-block" data-live-output="">
      <figcaption>{label} <span class="badge">live</span></figcaption>
      {text.bytes > 0 ? <FollowingOutput label={label} text={text.text} /> : <p class="hint">(nothing yet)</p>}
    </figure>
  );
}

function OutputBlock({ label, text, truncated }: { label: string; text: string | null; truncated: boolean }) {
  return (
    <figure class="output-block">
      <figcaption>{label}{truncated && <span class="badge badge-warn">truncated by the agent</span>}</figcaption>
      {text ? <pre class="output" aria-label={label}>{text}</pre> : <p class="hint">(empty)</p>}
    </figure>
  );
}

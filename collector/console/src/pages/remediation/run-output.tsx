import type { JobRun } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { RunStateBadge } from './badges.js';
import { formatRunDuration } from './job-facts.js';
import { isFinalRunState } from './run-states.js';

/** One run's result: how it ended, and its captured stdout and stderr. */
export function RunOutput({ run, hostname, onClose }: { run: JobRun; hostname: string | null; onClose: () => void }) {
  const finished = isFinalRunState(run.state);
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
      {!finished && <p class="hint">The output arrives when the run finishes.</p>}
      {finished && <>
        <OutputBlock label="stdout" text={run.stdout} truncated={run.stdoutTruncated} />
        <OutputBlock label="stderr" text={run.stderr} truncated={run.stderrTruncated} />
      </>}
    </section>
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

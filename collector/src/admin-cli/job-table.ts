import { formatDuration, type JobRun, type RunState } from '@vigil/shared';
import { firstLine, orDash, type Cell, type Tone } from './output.js';

export const RUN_TABLE_HEADERS = ['AGENT', 'STATE', 'EXIT', 'DURATION', 'OUTPUT'] as const;

const STATE_TONE: Partial<Record<RunState, Tone>> = { succeeded: 'green', failed: 'red', timed_out: 'red', rejected: 'red', error: 'red', expired: 'dim', cancelled: 'dim', running: 'yellow' };

/** What a run said first: its stdout, else its stderr, else the agent's or collector's error. */
export function runSummary(run: JobRun): string {
  return firstLine(run.stdout) || firstLine(run.stderr) || firstLine(run.error);
}

export function runRow(run: JobRun): Cell[] {
  const tone = STATE_TONE[run.state];
  return [
    run.agentId,
    tone ? { text: run.state, tone } : run.state,
    run.exitCode !== null ? String(run.exitCode) : orDash(run.signal),
    run.durationMs !== null ? formatDuration(run.durationMs) : '-',
    runSummary(run),
  ];
}

export function runRows(job: { runs: readonly JobRun[] }): Cell[][] {
  return job.runs.map(runRow);
}

import type { JobStatus, RunState } from '@vigil/shared';
import { jobStatusLabel, jobStatusTone, runStateLabel, runStateTone, type Tone } from './run-states.js';

const toneClass = (tone: Tone) => (tone === 'neutral' ? 'badge' : `badge badge-${tone}`);

export function RunStateBadge({ state }: { state: RunState }) {
  return <span class={`${toneClass(runStateTone(state))} run-state-${state}`} data-state={state}>{runStateLabel(state)}</span>;
}

export function JobStatusBadge({ status, counts }: { status: JobStatus; counts: Partial<Record<RunState, number>> }) {
  return <span class={toneClass(jobStatusTone(status, counts))} data-status={status}>{jobStatusLabel(status)}</span>;
}

export function ToneBadge({ tone, children }: { tone: Tone; children: string }) {
  return <span class={toneClass(tone)}>{children}</span>;
}

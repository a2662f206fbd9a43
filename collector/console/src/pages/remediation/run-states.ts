import type { JobStatus, RunState } from '@vigil/shared';

/**
 * Run states in the order a run lives through them: waiting first, then under way, then the
 * outcomes from best to worst. Progress bars stack in this order and legends list it.
 */
export const RUN_STATE_ORDER = [
  'queued', 'sent', 'running', 'succeeded', 'failed', 'timed_out', 'error', 'rejected', 'expired', 'cancelled',
] as const satisfies readonly RunState[];

// A state added to the API without a place here fails to compile instead of vanishing from the bars.
type Unordered = Exclude<RunState, (typeof RUN_STATE_ORDER)[number]>;
const everyStateOrdered: Unordered extends never ? true : Unordered = true;
void everyStateOrdered;

const UNDER_WAY: readonly RunState[] = ['queued', 'sent', 'running'];
const BAD: readonly RunState[] = ['failed', 'timed_out', 'error', 'rejected'];

export function isFinalRunState(state: RunState): boolean {
  return !UNDER_WAY.includes(state);
}

/** How a state reads at a glance: a badge class from the shared styles. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export function runStateTone(state: RunState): Tone {
  if (state === 'succeeded') return 'ok';
  if (BAD.includes(state)) return 'bad';
  if (state === 'expired' || state === 'cancelled') return 'warn';
  return 'neutral';
}

export function runStateLabel(state: RunState): string {
  return state.replace('_', ' ');
}

/** A job's status, shaded by how its runs went once it is over. */
export function jobStatusTone(status: JobStatus, counts: Partial<Record<RunState, number>>): Tone {
  if (status === 'rejected') return 'bad';
  if (status === 'awaiting_approval') return 'warn';
  if (status === 'cancelled') return 'warn';
  if (status === 'active') return 'neutral';
  return BAD.some((s) => (counts[s] ?? 0) > 0) ? 'bad' : 'ok';
}

export function jobStatusLabel(status: JobStatus): string {
  return status.replace('_', ' ');
}

/** Whether anything about the job can still be stopped. */
export function isCancellable(status: JobStatus): boolean {
  return status === 'active' || status === 'awaiting_approval';
}

import type { RunState } from '@vigil/shared';
import { SingleBar } from 'cli-progress';
import { isFinal, type JobProgress } from './job-wait.js';

const STATE_ORDER: readonly RunState[] = ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled', 'running', 'sent', 'queued'];

/** "2 succeeded, 1 running, 3 queued": runs per state, states with none left out. */
export function formatCounts(counts: Partial<Record<RunState, number>>): string {
  return STATE_ORDER.filter((state) => (counts[state] ?? 0) > 0).map((state) => `${counts[state]} ${state}`).join(', ');
}

/** The same, counted from the runs themselves. */
export function summarizeStates(job: Pick<JobProgress, 'runs'>): string {
  const counts: Partial<Record<RunState, number>> = {};
  for (const run of job.runs) counts[run.state] = (counts[run.state] ?? 0) + 1;
  return formatCounts(counts);
}

export interface ProgressReporter {
  update(job: JobProgress): void;
  stop(): void;
}

/** On a terminal: one bar, runs finished of all runs, with the count per state. */
export function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: 'job {job} [{bar}] {value}/{total} finished | {states}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    barCompleteChar: '#',
    barIncompleteChar: '-',
  });
  let started = false;
  return {
    update(job) {
      const payload = { job: job.id, states: summarizeStates(job) };
      const finished = job.runs.filter(isFinal).length;
      if (!started) {
        bar.start(job.runs.length, finished, payload);
        started = true;
      } else {
        // Runs of a job awaiting approval may only appear once it is approved.
        if (bar.getTotal() !== job.runs.length) bar.setTotal(job.runs.length);
        bar.update(finished, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Elsewhere (a log, a CI job): one line per run whenever its state changes. */
export function lineReporter(write: (line: string) => void): ProgressReporter {
  const seen = new Map<string, RunState>();
  return {
    update(job) {
      for (const run of job.runs) {
        if (seen.get(run.id) === run.state) continue;
        seen.set(run.id, run.state);
        const exit = isFinal(run) && run.exitCode !== null ? ` (exit ${run.exitCode})` : '';
        write(`${run.agentId} ${run.state}${exit}\n`);
      }
    },
    stop() {},
  };
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter((line) => stream.write(line));
}

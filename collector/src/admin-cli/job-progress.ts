import type { Job, RunState } from '@vigil/shared';
import { SingleBar } from 'cli-progress';
import { isFinal } from './job-wait.js';

const STATE_ORDER: readonly RunState[] = ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'running', 'sent', 'queued'];

/** "2 succeeded, 1 running, 3 queued": how many runs are in each state, states with none left out. */
export function summarizeStates(job: Job): string {
  const counts = new Map<RunState, number>();
  for (const run of job.runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  return STATE_ORDER.filter((state) => counts.has(state)).map((state) => `${counts.get(state)} ${state}`).join(', ');
}

export interface ProgressReporter {
  update(job: Job): void;
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

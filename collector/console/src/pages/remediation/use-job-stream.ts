import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobRunProgress, JobStreamMessage, JobSummary } from '@vigil/shared';
import { getToken, jobStreamUrl } from '../../app/api.js';
import { applyOutput, EMPTY_OUTPUT, type LiveOutput } from '../../ui/live-output.js';
import { openReconnectingSocket } from '../../ui/reconnecting-socket.js';
import { isFinalRunState } from './run-states.js';

/** Close codes of GET /api/v1/jobs/:id/stream (see the collector's job-stream.ts). */
const JOB_OVER = 1000;
const JOB_MISSING = 1008;

export type StreamStatus = 'connecting' | 'live' | 'over' | 'reconnecting' | 'missing';

export interface JobStream {
  /** The job as the last snapshot and the updates since say; null before the first snapshot. */
  job: JobSummary | null;
  /** Every run's latest progress (no output), by run id. */
  runs: ReadonlyMap<string, JobRunProgress>;
  /**
   * What unfinished runs printed so far, by run id, as it arrives. A run's live copy is let go
   * once it is final (its stored output is read with the runs), except the followed run's, which
   * stays on screen until the stored output replaces it.
   */
  outputs: ReadonlyMap<string, LiveOutput>;
  /** Bumped on every change, for memos over `runs`. */
  version: number;
  status: StreamStatus;
  /** Replaces the job's fields with a fresher copy (an answer to the page's own approve or cancel). */
  adopt: (job: JobSummary) => void;
}

/**
 * A job's live progress over its WebSocket stream: a snapshot and the output printed so far, then
 * run updates, output as it is printed, and the job's status, counts and approval decision, until
 * the server closes it because the job is over. A dropped stream reconnects with backoff and
 * starts again from a fresh snapshot (the replayed output overlaps what is had, and is merged).
 * `followRunId` is the run whose output is on screen.
 */
export function useJobStream(jobId: string | null, onSignedOut: () => void, followRunId = ''): JobStream {
  const runs = useRef(new Map<string, JobRunProgress>());
  const outputs = useRef(new Map<string, LiveOutput>());
  const followed = useRef(followRunId);
  followed.current = followRunId;
  const [job, setJob] = useState<JobSummary | null>(null);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  const frame = useRef<number | null>(null);

  // Many run updates in one burst re-render once per frame.
  const changed = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  };

  useEffect(() => {
    if (jobId === null) return;
    runs.current = new Map();
    outputs.current = new Map();
    /** A final run's live output is not needed any more, unless it is the one on screen. */
    const letGoIfFinal = (run: JobRunProgress) => {
      if (isFinalRunState(run.state) && run.id !== followed.current) outputs.current.delete(run.id);
    };
    setJob(null);
    setStatus('connecting');

    const stop = openReconnectingSocket<JobStreamMessage>({
      url: () => {
        const token = getToken();
        return token ? jobStreamUrl(jobId, token) : null;
      },
      onSignedOut: () => signedOut.current(),
      isFinalClose: (event) => event.code === JOB_OVER || event.code === JOB_MISSING,
      onFinalClose: (event) => setStatus(event.code === JOB_MISSING ? 'missing' : 'over'),
      onRetry: () => setStatus('reconnecting'),
      onMessage: (message, connected) => {
        if (message.type === 'job.snapshot') {
          connected();
          const { runs: snapshotRuns, ...summary } = message.job;
          runs.current = new Map(snapshotRuns.map((run) => [run.id, run]));
          // Runs that ended while the stream was down: their output is read with the runs now.
          for (const run of snapshotRuns) letGoIfFinal(run);
          setJob(summary);
          setStatus('live');
        } else if (message.type === 'run.updated') {
          runs.current.set(message.run.id, message.run);
          letGoIfFinal(message.run);
        } else if (message.type === 'run.output') {
          const run = runs.current.get(message.runId);
          // Output that straggles in after its run is final changes nothing shown.
          if (run && isFinalRunState(run.state)) return;
          const had = outputs.current.get(message.runId) ?? EMPTY_OUTPUT;
          const next = applyOutput(had, message);
          if (next === had) return;
          outputs.current.set(message.runId, next);
        } else {
          const { status: jobStatus, counts, approval } = message;
          setJob((current) => (current ? { ...current, status: jobStatus, counts, ...(approval ? { approval } : {}) } : current));
        }
        changed();
      },
    });
    return () => {
      stop();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [jobId]);

  // Another run on screen: a final run's live copy kept for the one before is not needed any more.
  useEffect(() => {
    for (const runId of outputs.current.keys()) {
      const run = runs.current.get(runId);
      if (run && isFinalRunState(run.state) && runId !== followRunId) outputs.current.delete(runId);
    }
  }, [followRunId]);

  const adopt = (fresh: JobSummary) => {
    const { runs: _runs, ...summary } = fresh as JobSummary & { runs?: unknown };
    setJob((current) => ({ ...summary, counts: current?.counts ?? summary.counts }));
  };

  return { job, runs: runs.current, outputs: outputs.current, version, status, adopt };
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobRunProgress, JobStreamMessage, JobSummary } from '@vigil/shared';
import { getToken, jobStreamUrl } from '../../app/api.js';

/** Close codes of GET /api/v1/jobs/:id/stream (see the collector's job-stream.ts). */
const JOB_OVER = 1000;
const JOB_MISSING = 1008;
const STREAM_UNAUTHORIZED = 4401;
/** The console closes with this to read a fresh snapshot. */
const RESNAPSHOT = 4000;

export type StreamStatus = 'connecting' | 'live' | 'over' | 'reconnecting' | 'missing';

export interface JobStream {
  /** The job as the last snapshot and the updates since say; null before the first snapshot. */
  job: JobSummary | null;
  /** Every run's latest progress (no output), by run id. */
  runs: ReadonlyMap<string, JobRunProgress>;
  /** Bumped on every change, for memos over `runs`. */
  version: number;
  status: StreamStatus;
  /** Replaces the job's fields with a fresher copy (an answer to the page's own approve or cancel). */
  adopt: (job: JobSummary) => void;
}

/**
 * A job's live progress over its WebSocket stream: a snapshot, then run and job updates, until
 * the server closes it because the job is over. A dropped stream reconnects with backoff and
 * starts again from a fresh snapshot. A decision on the job's approval is not in the updates (they
 * carry status and counts), so a status leaving `awaiting_approval` re-reads the snapshot too.
 */
export function useJobStream(jobId: string | null, onSignedOut: () => void): JobStream {
  const runs = useRef(new Map<string, JobRunProgress>());
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
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    let attempt = 0;
    let stopped = false;
    let lastStatus: JobSummary['status'] | null = null;
    /** Set when the approval was decided: the next snapshot says by whom (even if the job is over by then). */
    let wantSnapshot = false;
    runs.current = new Map();
    setJob(null);
    setStatus('connecting');

    const connect = () => {
      const token = getToken();
      if (!token) return signedOut.current();
      socket = new WebSocket(jobStreamUrl(jobId, token));
      socket.onmessage = (event) => {
        let message: JobStreamMessage;
        try {
          message = JSON.parse(String(event.data)) as JobStreamMessage;
        } catch {
          return;
        }
        if (message.type === 'job.snapshot') {
          attempt = 0;
          const { runs: snapshotRuns, ...summary } = message.job;
          runs.current = new Map(snapshotRuns.map((run) => [run.id, run]));
          lastStatus = summary.status;
          setJob(summary);
          setStatus('live');
        } else if (message.type === 'run.updated') {
          runs.current.set(message.run.id, message.run);
        } else {
          const decided = lastStatus === 'awaiting_approval' && message.status !== 'awaiting_approval';
          lastStatus = message.status;
          setJob((current) => (current ? { ...current, status: message.status, counts: message.counts } : current));
          // Who decided, when and why come with a snapshot only: ask for one.
          if (decided) {
            wantSnapshot = true;
            socket?.close(RESNAPSHOT, 'approval decided; fresh snapshot');
          }
        }
        changed();
      };
      socket.onclose = (event) => {
        if (stopped) return;
        if (event.code === STREAM_UNAUTHORIZED) return signedOut.current();
        if (wantSnapshot) {
          wantSnapshot = false;
          retry = window.setTimeout(connect, 0);
          return;
        }
        if (event.code === JOB_OVER) return setStatus('over');
        if (event.code === JOB_MISSING) return setStatus('missing');
        // Exponential backoff with jitter, capped at 30 s.
        const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        setStatus('reconnecting');
        retry = window.setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      socket?.close();
    };
  }, [jobId]);

  const adopt = (fresh: JobSummary) => {
    const { runs: _runs, ...summary } = fresh as JobSummary & { runs?: unknown };
    setJob((current) => ({ ...summary, counts: current?.counts ?? summary.counts }));
  };

  return { job, runs: runs.current, version, status, adopt };
}

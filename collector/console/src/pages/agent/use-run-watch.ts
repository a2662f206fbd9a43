import type { Job, JobRun, JobStreamMessage } from '@vigil/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, getToken, jobStreamUrl } from '../../app/api.js';
import { openReconnectingSocket } from '../../ui/reconnecting-socket.js';
import { applyStreamMessage, isWatchOver, startWatch, type RunWatch } from './run-progress.js';

/** The job stream closes with this code when the job is over. */
const STREAM_DONE = 1000;

export type StreamState = 'connecting' | 'live' | 'retrying' | 'closed';

/**
 * Follows `job`'s run on `agentId` live over the job stream (GET /api/v1/jobs/:id/stream): its
 * progress, and what it prints as it prints it. Once the run is final, the run with its stored
 * stdout and stderr (the whole captured output, which the live copy may lack parts of) is read
 * from the job. A dropped stream reconnects: its snapshot and the output replayed after it catch up.
 */
export function useRunWatch(job: Job | null, agentId: string, onSignedOut: () => void, onOver: () => void) {
  const [watch, setWatch] = useState<RunWatch | null>(null);
  const [result, setResult] = useState<JobRun | null>(null);
  const [stream, setStream] = useState<StreamState>('closed');
  const [error, setError] = useState<string | null>(null);
  const callbacks = useRef({ onSignedOut, onOver });
  callbacks.current = { onSignedOut, onOver };

  useEffect(() => {
    setResult(null);
    setError(null);
    if (!job) {
      setWatch(null);
      setStream('closed');
      return;
    }
    let state: RunWatch = startWatch(job, agentId);
    setWatch(state);
    let stopSocket = (): void => {};
    let stopped = false;
    let settled = false;

    const settle = async () => {
      if (settled) return;
      settled = true;
      stopSocket();
      setStream('closed');
      try {
        const full = await api<Job>('GET', `/api/v1/jobs/${encodeURIComponent(job.id)}`);
        if (stopped) return;
        const run = full.runs.find((r) => r.agentId === agentId) ?? null;
        state = { ...state, status: full.status, run: run ?? state.run };
        setWatch(state);
        setResult(run);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiFailure && e.status === 401) callbacks.current.onSignedOut();
        setError(`The run's output could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
      callbacks.current.onOver();
    };

    const update = (next: RunWatch) => {
      if (next === state) return;
      state = next;
      setWatch(next);
      if (isWatchOver(next)) void settle();
    };

    const connect = () => {
      setStream('connecting');
      stopSocket = openReconnectingSocket<JobStreamMessage>({
        url: () => {
          const token = getToken();
          return token ? jobStreamUrl(job.id, token) : null;
        },
        onSignedOut: () => callbacks.current.onSignedOut(),
        // Over: the job and its runs are final, whatever the last message was.
        isFinalClose: (event) => event.code === STREAM_DONE,
        onFinalClose: () => void settle(),
        onRetry: () => setStream('retrying'),
        onMessage: (message, connected) => {
          if (settled) return;
          if (message.type === 'job.snapshot') {
            connected();
            setStream('live');
          }
          update(applyStreamMessage(state, message, agentId));
        },
      });
    };

    if (isWatchOver(state)) void settle();
    else connect();
    return () => {
      stopped = true;
      stopSocket();
    };
  }, [job, agentId]);

  return { watch, result, stream, error };
}

import type { Job, JobRun, JobStreamMessage } from '@vigil/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, getToken, jobStreamUrl } from '../../app/api.js';
import { applyStreamMessage, isWatchOver, startWatch, type RunWatch } from './run-progress.js';

/** The job stream closes with this code when the token stopped being valid. */
const STREAM_UNAUTHORIZED = 4401;
/** And with this one when the job is over. */
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
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    let attempt = 0;
    let stopped = false;
    let settled = false;

    const settle = async () => {
      if (settled) return;
      settled = true;
      socket?.close();
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
      const token = getToken();
      if (!token) return callbacks.current.onSignedOut();
      setStream(attempt === 0 ? 'connecting' : 'retrying');
      socket = new WebSocket(jobStreamUrl(job.id, token));
      socket.onmessage = (event) => {
        let message: JobStreamMessage;
        try {
          message = JSON.parse(String(event.data)) as JobStreamMessage;
        } catch {
          return;
        }
        if (message.type === 'job.snapshot') {
          attempt = 0;
          setStream('live');
        }
        update(applyStreamMessage(state, message, agentId));
      };
      socket.onclose = (event) => {
        if (stopped || settled) return;
        if (event.code === STREAM_UNAUTHORIZED) return callbacks.current.onSignedOut();
        // Over: the job and its runs are final, whatever the last message was.
        if (event.code === STREAM_DONE) return void settle();
        const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        setStream('retrying');
        retry = window.setTimeout(connect, delay);
      };
    };

    if (isWatchOver(state)) void settle();
    else connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close();
    };
  }, [job, agentId]);

  return { watch, result, stream, error };
}

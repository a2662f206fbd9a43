import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../app/api.js';

export interface Submission {
  /** The last refusal, until the next attempt. */
  failure: ApiFailure | null;
  busy: boolean;
  /** Runs the request; true when it succeeded. A 401 (the session ended) signs the user out. */
  run: (request: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
}

/** One form's requests: at most one at a time, and the API's refusal kept for the fields to show. */
export function useSubmit(onSignedOut: () => void): Submission {
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  const run = useCallback(async (request: () => Promise<unknown>) => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setBusy(true);
    try {
      await request();
      setFailure(null);
      return true;
    } catch (e: unknown) {
      const refused = e instanceof ApiFailure ? e : new ApiFailure(0, 'network', e instanceof Error ? e.message : String(e));
      if (refused.status === 401) signedOut.current();
      setFailure(refused);
      return false;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);

  const clear = useCallback(() => setFailure(null), []);
  return { failure, busy, run, clear };
}

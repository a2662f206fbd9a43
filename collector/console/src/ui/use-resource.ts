import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure } from '../app/api.js';

export interface Resource<T> {
  data: T | null;
  error: ApiFailure | null;
  loading: boolean;
  /** Fetches again (after a change the page made itself). */
  reload: () => void;
}

/**
 * GETs an API path and re-fetches whenever the path changes; a 401 (the session ended) signs the
 * user out. A null path fetches nothing. Answers to superseded paths are dropped, so a fast
 * typist never sees an older query's result land last.
 */
export function useResource<T>(path: string | null, onSignedOut: () => void): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    api<T>('GET', path)
      .then((body) => {
        if (!current) return;
        setData(body);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!current) return;
        const failure = e instanceof ApiFailure ? e : new ApiFailure(0, 'network', e instanceof Error ? e.message : String(e));
        if (failure.status === 401) signedOut.current();
        setError(failure);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

import type { TelemetrySample } from '@vigil/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure } from '../../app/api.js';
import { fetchForward } from './fetch-forward.js';
import type { ChartRange } from './ranges.js';

/** Samples per request, and requests per metric at most (a week of one-second frames is more than anyone should draw). */
const PAGE_SIZE = 20_000;
const MAX_PAGES = 10;

export interface TelemetryWindow {
  /** Samples by metric, oldest first. */
  samples: ReadonlyMap<string, readonly TelemetrySample[]>;
  /** The window asked for, Unix milliseconds. */
  from: number;
  to: number;
  /** Metrics whose samples did not all fit (the newest are missing). */
  incomplete: readonly string[];
}

/**
 * The agent's telemetry for `metrics` over the range up to now, re-fetched on the range's refresh
 * interval while the tab is visible. A newer range's answer always wins over an older request.
 */
export function useTelemetry(agentId: string, metrics: readonly string[], range: ChartRange, onSignedOut: () => void) {
  const [telemetry, setTelemetry] = useState<TelemetryWindow | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  const metricKey = metrics.join(',');

  useEffect(() => {
    let current = true;
    let inFlight = false;
    const load = async () => {
      if (inFlight) return;
      inFlight = true;
      setLoading(true);
      const to = Date.now();
      const from = to - range.ms;
      try {
        const results = await Promise.all(metricKey.split(',').map(async (metric) => {
          const page = (since: number, limit: number) => api<{ samples: TelemetrySample[] }>(
            'GET', `/api/v1/agents/${encodeURIComponent(agentId)}/telemetry?metric=${encodeURIComponent(metric)}&since=${since}&limit=${limit}`,
          ).then((body) => body.samples);
          return [metric, await fetchForward(page, from, PAGE_SIZE, MAX_PAGES)] as const;
        }));
        if (!current) return;
        setTelemetry({
          samples: new Map(results.map(([metric, r]) => [metric, r.items])),
          from, to,
          incomplete: results.filter(([, r]) => !r.complete).map(([metric]) => metric),
        });
        setError(null);
      } catch (e) {
        if (!current) return;
        const failure = e instanceof ApiFailure ? e : new ApiFailure(0, 'network', e instanceof Error ? e.message : String(e));
        if (failure.status === 401) signedOut.current();
        setError(failure);
      } finally {
        inFlight = false;
        if (current) setLoading(false);
      }
    };
    void load();
    const timer = range.refreshMs === null ? undefined : globalThis.setInterval(() => {
      // A hidden tab does not need fresh charts; the next visible tick catches up.
      if (!document.hidden) void load();
    }, range.refreshMs);
    return () => {
      current = false;
      if (timer !== undefined) globalThis.clearInterval(timer);
    };
  }, [agentId, metricKey, range]);

  return { telemetry, error, loading };
}

import { performance } from 'node:perf_hooks';
import type { ApiClient } from './api-client.js';
import type { RunStats } from './run-stats.js';

export interface CollectorReading {
  rssBytes: number | null;
  cpuSeconds: number | null;
  /** Worst event-loop delay prom-client saw since its previous scrape, in seconds. */
  eventLoopLagSeconds: number | null;
  agentsConnected: number | null;
}

/** The value of an unlabelled sample in Prometheus text exposition, or null when absent. */
export function promValue(text: string, name: string): number | null {
  const match = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\{\\})?\\s+(\\S+)`, 'm').exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

export function parseReading(text: string): CollectorReading {
  // The histogram-based max is empty (0) when the loop was blocked for the whole period between
  // two scrapes, which is exactly when lag matters; the setImmediate probe still sees it then.
  const histogramMax = promValue(text, 'nodejs_eventloop_lag_max_seconds');
  const probe = promValue(text, 'nodejs_eventloop_lag_seconds');
  const lags = [histogramMax, probe].filter((v): v is number => v !== null && v > 0 && v < 1e6);
  return {
    rssBytes: promValue(text, 'process_resident_memory_bytes'),
    cpuSeconds: promValue(text, 'process_cpu_seconds_total'),
    eventLoopLagSeconds: lags.length > 0 ? Math.max(...lags) : null,
    agentsConnected: promValue(text, 'vigil_agents_connected'),
  };
}

/**
 * Scrapes the collector's /metrics periodically for its RSS (to report the peak, not only the
 * last value), its event-loop lag and how long it takes to answer at all: a saturated collector
 * shows in all three before it shows in errors.
 */
export class CollectorMetricsSampler {
  peakRssBytes = 0;
  peakEventLoopLagSeconds = 0;
  slowestScrapeMs = 0;
  last: CollectorReading | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;

  constructor(private readonly api: ApiClient, private readonly stats: RunStats) {}

  /** Starts the lag and response-time peaks afresh, so they describe the measurement window. */
  resetPeaks(): void {
    this.peakEventLoopLagSeconds = 0;
    this.slowestScrapeMs = 0;
  }

  async read(): Promise<CollectorReading | null> {
    const started = performance.now();
    try {
      const reading = parseReading(await this.api.metricsText());
      this.slowestScrapeMs = Math.max(this.slowestScrapeMs, performance.now() - started);
      if (reading.rssBytes !== null) this.peakRssBytes = Math.max(this.peakRssBytes, reading.rssBytes);
      if (reading.eventLoopLagSeconds !== null) this.peakEventLoopLagSeconds = Math.max(this.peakEventLoopLagSeconds, reading.eventLoopLagSeconds);
      this.last = reading;
      return reading;
    } catch (err) {
      this.slowestScrapeMs = Math.max(this.slowestScrapeMs, performance.now() - started);
      this.stats.error('metrics_failed', (err as Error).message);
      return null;
    }
  }

  start(everyMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A slow collector must not pile up scrapes on top of its load.
      if (this.inFlight) return;
      this.inFlight = true;
      void this.read().finally(() => {
        this.inFlight = false;
      });
    }, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

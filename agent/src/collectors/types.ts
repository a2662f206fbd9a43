import type { Sample, SourceStatus } from '@vigil/shared';

/** What one collection produced. */
export interface CollectorOutput {
  samples: Sample[];
  /** Richer data served by the API as it came (inventory, patch lists, ...), keyed by section name. */
  sections?: Record<string, unknown>;
  /**
   * Defaults to 'ok'. A collector that ran but has nothing true to say yet (a rate's first
   * reading) answers 'unknown' with a reason instead of inventing a zero.
   */
  status?: Exclude<SourceStatus['status'], 'error'>;
  reason?: string;
  /**
   * Called once the collector has acknowledged the frame that carried this output. A source that
   * reads from a cursor (an event log) saves its cursor here, so entries are never lost across a
   * crash: anything not yet acknowledged is read again after a restart.
   */
  onDelivered?: () => void;
}

/** One source of telemetry. Each is its own file; the scheduler owns timeouts and overlap. */
export interface MetricCollector {
  /** Also the `source` in a frame's sources list, and the name `--only` selects. */
  readonly name: string;
  /** How long one collection may take before the scheduler reports it as unknown. */
  readonly timeoutMs: number;
  /** True for rate collectors: a collection only yields values after a previous one. */
  readonly needsPriorReading?: boolean;
  /**
   * For slow or expensive sources (patch scans, SMART, inventory): run at most this often, in the
   * background, so a scan that takes minutes never delays a frame. The result rides on the first
   * frame after it completes. Without it, the collector runs for every frame.
   */
  readonly intervalMs?: number;
  collect(): Promise<CollectorOutput>;
}

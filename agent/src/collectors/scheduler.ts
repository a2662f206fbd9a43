import { SampleSchema, describeZodError, type Sample, type SourceStatus } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from './types.js';

export interface CollectionResult {
  samples: Sample[];
  sources: SourceStatus[];
  sections: Record<string, unknown>;
  /** To call once the frame built from this result is acknowledged (see CollectorOutput.onDelivered). */
  onDelivered: Array<() => void>;
}

interface Outcome {
  samples: Sample[];
  source: SourceStatus;
  sections: Record<string, unknown>;
  onDelivered?: () => void;
}

export interface CollectOptions {
  /** Start periodic collectors now and wait for them too (for one-off collection from the CLI). */
  includePeriodic?: boolean;
  now?: number;
}

/** SourceStatusSchema caps reasons at 2000 characters. */
const MAX_REASON = 2000;

class CollectorTimeout extends Error {}

/**
 * Runs every collector each cycle, concurrently, each under its own timeout. A collector that is
 * still busy from an earlier cycle (typically `df` stuck on a dead network mount) is not started
 * again: it is reported as unknown until its earlier call settles, so stuck calls never pile up.
 */
export class CollectorScheduler {
  private readonly inFlight = new Set<string>();
  /** When each periodic collector is next due (absent: due now). */
  private readonly dueAt = new Map<string, number>();
  /** Periodic results that finished since the last frame. */
  private ready: Outcome[] = [];

  constructor(readonly collectors: readonly MetricCollector[]) {}

  async collect(options: CollectOptions = {}): Promise<CollectionResult> {
    const now = options.now ?? Date.now();
    const everyFrame = this.collectors.filter((c) => c.intervalMs === undefined || options.includePeriodic);
    if (!options.includePeriodic) this.startDuePeriodic(now);
    const outcomes = await Promise.all(everyFrame.map((c) => this.runOne(c)));
    outcomes.push(...this.ready.splice(0));
    const result: CollectionResult = { samples: [], sources: [], sections: {}, onDelivered: [] };
    for (const { samples, source, sections, onDelivered } of outcomes) {
      result.samples.push(...samples);
      result.sources.push(source);
      Object.assign(result.sections, sections);
      if (onDelivered) result.onDelivered.push(onDelivered);
    }
    return result;
  }

  /** Makes a periodic collector due at the next frame (an on-demand scan). */
  requestNow(name: string): boolean {
    if (!this.collectors.some((c) => c.name === name && c.intervalMs !== undefined)) return false;
    this.dueAt.set(name, 0);
    return true;
  }

  /** Starts the periodic collectors whose time has come; their results join a later frame. */
  private startDuePeriodic(now: number): void {
    for (const collector of this.collectors) {
      if (collector.intervalMs === undefined || (this.dueAt.get(collector.name) ?? 0) > now) continue;
      // A scan still running from last time is left alone: no overlap, and no noise either.
      if (this.inFlight.has(collector.name)) continue;
      this.dueAt.set(collector.name, now + collector.intervalMs);
      void this.runOne(collector).then((outcome) => this.ready.push(outcome));
    }
  }

  /** Takes the first reading of rate collectors so that the next collect() reports real rates. */
  async prime(): Promise<void> {
    await Promise.all(this.collectors.filter((c) => c.needsPriorReading).map((c) => this.runOne(c)));
  }

  private async runOne(collector: MetricCollector): Promise<Outcome> {
    const source = collector.name;
    if (this.inFlight.has(source)) {
      return { samples: [], sections: {}, source: { source, status: 'unknown', reason: 'previous collection still running' } };
    }
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;

    this.inFlight.add(source);
    let call: Promise<CollectorOutput>;
    try {
      call = Promise.resolve(collector.collect());
    } catch (error) {
      call = Promise.reject(error as Error);
    }
    // The flag clears only when the call itself settles, not when we stop waiting for it.
    call.then(
      () => this.inFlight.delete(source),
      () => this.inFlight.delete(source),
    );

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CollectorTimeout()), collector.timeoutMs);
    });
    try {
      const output = await Promise.race([call, timeout]);
      return this.accept(source, output, elapsed());
    } catch (error) {
      if (error instanceof CollectorTimeout) {
        return { samples: [], sections: {}, source: { source, status: 'unknown', reason: `timed out after ${collector.timeoutMs} ms`, durationMs: elapsed() } };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { samples: [], sections: {}, source: { source, status: 'error', reason: clip(message || 'collection failed'), durationMs: elapsed() } };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Samples are checked here, once, so one bad value costs a sample rather than the whole frame. */
  private accept(source: string, output: CollectorOutput, durationMs: number) {
    const samples: Sample[] = [];
    const problems: string[] = [];
    for (const sample of output.samples) {
      const parsed = SampleSchema.safeParse(sample);
      if (parsed.success) samples.push(parsed.data);
      else problems.push(`${sample.metric}: ${describeZodError(parsed.error)}`);
    }
    const reasons = [output.reason, problems.length ? `dropped ${problems.length} invalid sample(s): ${problems.join('; ')}` : undefined].filter(Boolean);
    const status: SourceStatus = { source, status: output.status ?? 'ok', durationMs };
    if (reasons.length) status.reason = clip(reasons.join('; '));
    return { samples, sections: output.sections ?? {}, source: status, ...(output.onDelivered ? { onDelivered: output.onDelivered } : {}) };
  }
}

function clip(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

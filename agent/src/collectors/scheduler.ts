import { SampleSchema, describeZodError, type Sample, type SourceStatus } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from './types.js';

export interface CollectionResult {
  samples: Sample[];
  sources: SourceStatus[];
  sections: Record<string, unknown>;
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

  constructor(readonly collectors: readonly MetricCollector[]) {}

  async collect(): Promise<CollectionResult> {
    const outcomes = await Promise.all(this.collectors.map((c) => this.runOne(c)));
    const result: CollectionResult = { samples: [], sources: [], sections: {} };
    for (const { samples, source, sections } of outcomes) {
      result.samples.push(...samples);
      result.sources.push(source);
      Object.assign(result.sections, sections);
    }
    return result;
  }

  /** Takes the first reading of rate collectors so that the next collect() reports real rates. */
  async prime(): Promise<void> {
    await Promise.all(this.collectors.filter((c) => c.needsPriorReading).map((c) => this.runOne(c)));
  }

  private async runOne(collector: MetricCollector): Promise<{ samples: Sample[]; source: SourceStatus; sections: Record<string, unknown> }> {
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
    return { samples, sections: output.sections ?? {}, source: status };
  }
}

function clip(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

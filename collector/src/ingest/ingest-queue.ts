import type { Frame } from '@vigil/shared';
import type { Logger } from 'pino';
import type { EvaluatedAgent, AlertService } from '../alerts/alert-service.js';
import type { Store } from '../store/index.js';
import type { StoredFrame } from '../store/telemetry.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { takeEventsSection } from './events-section.js';
import { evaluatedSamples } from './patch-age.js';
import { EventMatchCounts, withEventMatches } from './event-match.js';
import { latestSpoolReports } from './spool-reports.js';

export interface QueuedFrame {
  agent: EvaluatedAgent;
  frame: Frame;
  receivedAt: number;
  /** Called after the frame's transaction committed (stored now or already before). */
  ack: () => void;
}

export interface IngestQueueOptions {
  /** Frames per transaction at most; a busier loop turn is split into several. */
  maxBatch: number;
}

/**
 * Frames arriving within one event-loop turn are written in one transaction, acknowledged only
 * after it commits, and only then evaluated. Batching is what lets SQLite keep up: one WAL commit,
 * and so one fsync (see openDatabase), per batch instead of per frame.
 */
export class IngestQueue {
  private pending: QueuedFrame[] = [];
  private scheduled = false;
  /** Matches of event-log rules per (rule, agent) within their windows; in memory, like the engine's. */
  private readonly eventMatches = new EventMatchCounts();

  constructor(
    private readonly store: Store,
    private readonly alerts: AlertService,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly options: IngestQueueOptions = { maxBatch: 2000 },
  ) {}

  enqueue(item: QueuedFrame): void {
    this.pending.push(item);
    this.schedule();
  }

  get depth(): number {
    return this.pending.length;
  }

  /** Writes everything queued so far in one go; for shutdown, when nothing else needs the loop. */
  drain(): void {
    while (this.pending.length > 0) this.writeBatch(this.pending.splice(0, this.options.maxBatch));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flushOne());
  }

  /**
   * One batch per event-loop turn: when ingest falls behind, the API, the alert stream and the
   * sockets still get their turns between batches instead of waiting for the whole backlog.
   */
  private flushOne(): void {
    this.scheduled = false;
    this.writeBatch(this.pending.splice(0, this.options.maxBatch));
    if (this.pending.length > 0) this.schedule();
  }

  private writeBatch(batch: QueuedFrame[]): void {
    const started = performance.now();
    let stored: Array<StoredFrame | false>;
    const incoming = batch.map((q) => ({ agentId: q.agent.agentId, receivedAt: q.receivedAt, ...takeEventsSection(q.frame) }));
    const spoolReports = latestSpoolReports(incoming);
    try {
      // The agents' spool reports share the frames' commit (and its fsync); a resent frame's report
      // counts too, being as fresh as the sending.
      stored = this.store.transaction(() => {
        const written = this.store.telemetry.writeBatch(incoming);
        for (const [agentId, report] of spoolReports) this.store.agents.setSpool(agentId, report);
        return written;
      });
    } catch (err) {
      // Nothing is acknowledged, so the agents keep these frames and resend them.
      this.log.error({ err, frames: batch.length }, 'storing a batch of frames failed; not acknowledged');
      this.metrics.ingestErrors.inc(batch.length);
      return;
    }
    this.metrics.ingestBatchSeconds.observe((performance.now() - started) / 1000);
    const fresh = [];
    const eventRules = this.alerts.eventRules();
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!;
      item.ack();
      const written = stored[i];
      if (!written) continue;
      // Derived patch ages and event counts go to the rules only; the stored frame keeps what the
      // agent sent. A duplicate frame is not counted again.
      const samples = evaluatedSamples(item.frame.samples, item.frame.ts, written.patchMarks);
      const counted = eventRules.length === 0 ? [] : this.eventMatches.samplesFor(eventRules, item.agent, item.frame.ts, incoming[i]!.events ?? []);
      fresh.push({ agent: item.agent, samples: withEventMatches(samples, counted) });
    }
    this.metrics.framesIngested.inc(fresh.length);
    this.metrics.framesDuplicate.inc(batch.length - fresh.length);
    try {
      this.alerts.evaluate(fresh, this.now());
    } catch (err) {
      this.log.error({ err }, 'rule evaluation failed for a batch');
    }
  }
}

import type { Frame, Labels, TelemetrySample } from '@vigil/shared';
import type { Db } from './database.js';

export interface IncomingFrame { agentId: string; frame: Frame; receivedAt: number }

/** A sample as stored inside its frame row: compact, labels only when there are any. */
type StoredSample = [metric: string, value: number, labels?: Labels];

export interface TelemetryQuery { metric?: string; since?: number; until?: number; limit?: number }

export class TelemetryStore {
  private readonly insertFrame;
  private readonly updateAgent;
  private readonly writeBatchTx;

  constructor(private readonly db: Db) {
    // ON CONFLICT rather than OR IGNORE: only a resend is a no-op; any other constraint failure
    // must fail the batch (OR IGNORE would silently drop it and the frame would be acknowledged).
    this.insertFrame = db.prepare(
      'INSERT INTO frames (agent_id, seq, ts, received_at, samples) VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent_id, seq) DO NOTHING',
    );
    // Sections merge by key: inventory arrives daily and patches every few hours, and each
    // must stay visible between the frames that carry it.
    this.updateAgent = db.prepare(
      `UPDATE agents SET last_seq = MAX(last_seq, @seq), last_seen_at = @receivedAt, last_sources = @sources,
         last_sections = CASE WHEN @sections IS NULL THEN last_sections ELSE json_patch(COALESCE(last_sections, '{}'), @sections) END
       WHERE id = @agentId`,
    );
    this.writeBatchTx = db.transaction((frames: readonly IncomingFrame[]) => frames.map((f) => this.writeOne(f)));
  }

  /**
   * Stores a batch in one transaction. Returns, per frame, whether it was new: a resent
   * (agent, seq) is a no-op, so retries never duplicate samples.
   */
  writeBatch(frames: readonly IncomingFrame[]): boolean[] {
    return this.writeBatchTx(frames);
  }

  private writeOne({ agentId, frame, receivedAt }: IncomingFrame): boolean {
    const samples = JSON.stringify(frame.samples.map((s): StoredSample => (s.labels ? [s.metric, s.value, s.labels] : [s.metric, s.value])));
    if (this.insertFrame.run(agentId, frame.seq, frame.ts, receivedAt, samples).changes === 0) return false;
    this.updateAgent.run({
      agentId,
      seq: frame.seq,
      receivedAt,
      sources: JSON.stringify(frame.sources),
      sections: frame.sections ? JSON.stringify(frame.sections) : null,
    });
    return true;
  }

  /** Samples of one agent in time order, optionally of one metric and within [since, until]. */
  query(agentId: string, q: TelemetryQuery): TelemetrySample[] {
    const where = ['agent_id = ?'];
    const params: unknown[] = [agentId];
    if (q.since !== undefined) { where.push('ts >= ?'); params.push(q.since); }
    if (q.until !== undefined) { where.push('ts <= ?'); params.push(q.until); }
    const limit = q.limit ?? 10_000;
    const out: TelemetrySample[] = [];
    const rows = this.db.prepare(`SELECT seq, ts, samples FROM frames WHERE ${where.join(' AND ')} ORDER BY ts, seq`).iterate(...params) as IterableIterator<{ seq: number; ts: number; samples: string }>;
    for (const row of rows) {
      for (const [metric, value, labels] of JSON.parse(row.samples) as StoredSample[]) {
        if (q.metric !== undefined && metric !== q.metric) continue;
        out.push({ metric, value, labels: labels ?? {}, ts: row.ts, seq: row.seq });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** Stored seqs of one agent, in order: what exactly-once checks compare against. */
  storedSeqs(agentId: string): number[] {
    return (this.db.prepare('SELECT seq FROM frames WHERE agent_id = ? ORDER BY seq').all(agentId) as Array<{ seq: number }>).map((r) => r.seq);
  }
}

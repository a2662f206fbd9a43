import type { Frame, Labels, TelemetrySample } from '@vigil/shared';
import type { Db } from './database.js';

export interface IncomingFrame { agentId: string; frame: Frame; receivedAt: number }

export interface TelemetryQuery { metric?: string; since?: number; until?: number; limit?: number }

/** Sorted keys, so equal label sets are equal strings and can be compared in SQL. */
export function canonicalLabels(labels: Labels | undefined): string {
  if (!labels) return '{}';
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return JSON.stringify(sorted);
}

export class TelemetryStore {
  private readonly insertFrame;
  private readonly insertSample;
  private readonly updateAgent;
  private readonly writeBatchTx;

  constructor(private readonly db: Db) {
    this.insertFrame = db.prepare('INSERT OR IGNORE INTO frames (agent_id, seq, ts, received_at) VALUES (?, ?, ?, ?)');
    this.insertSample = db.prepare('INSERT INTO samples (agent_id, metric, labels, value, ts, seq) VALUES (?, ?, ?, ?, ?, ?)');
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
    if (this.insertFrame.run(agentId, frame.seq, frame.ts, receivedAt).changes === 0) return false;
    for (const sample of frame.samples) {
      this.insertSample.run(agentId, sample.metric, canonicalLabels(sample.labels), sample.value, frame.ts, frame.seq);
    }
    this.updateAgent.run({
      agentId,
      seq: frame.seq,
      receivedAt,
      sources: JSON.stringify(frame.sources),
      sections: frame.sections ? JSON.stringify(frame.sections) : null,
    });
    return true;
  }

  query(agentId: string, q: TelemetryQuery): TelemetrySample[] {
    const where = ['agent_id = ?'];
    const params: unknown[] = [agentId];
    if (q.metric) { where.push('metric = ?'); params.push(q.metric); }
    if (q.since !== undefined) { where.push('ts >= ?'); params.push(q.since); }
    if (q.until !== undefined) { where.push('ts <= ?'); params.push(q.until); }
    params.push(q.limit ?? 10_000);
    const rows = this.db
      .prepare(`SELECT metric, value, labels, ts, seq FROM samples WHERE ${where.join(' AND ')} ORDER BY ts, seq LIMIT ?`)
      .all(...params) as Array<{ metric: string; value: number; labels: string; ts: number; seq: number }>;
    return rows.map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> }));
  }

  /** Stored seqs of one agent, in order: what exactly-once checks compare against. */
  storedSeqs(agentId: string): number[] {
    return (this.db.prepare('SELECT seq FROM frames WHERE agent_id = ? ORDER BY seq').all(agentId) as Array<{ seq: number }>).map((r) => r.seq);
  }
}

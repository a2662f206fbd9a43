import type { EventEntry, Frame, Labels, TelemetrySample } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';
import type { EventStore } from './events.js';

export interface IncomingFrame {
  agentId: string;
  frame: Frame;
  receivedAt: number;
  /** Event-log entries the frame carried, already checked at ingest; stored with the frame. */
  events?: readonly EventEntry[];
}

/** A sample as stored inside its frame row: compact, labels only when there are any. */
type StoredSample = [metric: string, value: number, labels?: Labels];

const SECURITY_PENDING_METRIC = 'patch.security_pending';
const REBOOT_REQUIRED_METRIC = 'patch.reboot_required';

/**
 * Since when (frame ts) a security patch / a reboot has been pending, as held after a frame, for
 * the patch metrics that frame reported: a key is absent when the frame did not report its metric.
 */
export interface PatchMarks { securityPendingSince?: number | null; rebootPendingSince?: number | null }

/** A frame stored now (a resend is `false`), with its patch marks when it reported patch metrics. */
export interface StoredFrame { patchMarks?: PatchMarks }

/** What most frames (those without patch metrics) return: shared, so they allocate nothing for it. */
const STORED_PLAIN: StoredFrame = Object.freeze({});

export interface TelemetryQuery { metric?: string; since?: number; until?: number; limit?: number }

const countOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/**
 * The fleet list's brief of a patches section: pending and security counts, and a pending reboot
 * as 1/0 (NULL: the source cannot tell). The section is validated at ingest; anything else is NULL.
 */
export function patchCounts(section: unknown): { pending: number | null; security: number | null; reboot: number | null } {
  const s = (section ?? {}) as { pending?: unknown; securityPending?: unknown; rebootRequired?: unknown };
  return {
    pending: countOrNull(s.pending),
    security: countOrNull(s.securityPending),
    reboot: s.rebootRequired === true ? 1 : s.rebootRequired === false ? 0 : null,
  };
}

export class TelemetryStore {
  private readonly insertFrame;
  private readonly updateAgent;
  private readonly selectSections;
  private readonly updateSections;
  private readonly updatePatchCounts;
  private readonly writeBatchTx;
  private readonly updatePatchStatus;

  constructor(
    private readonly db: Db,
    private readonly events: EventStore,
  ) {
    // ON CONFLICT rather than OR IGNORE: only a resend is a no-op; any other constraint failure
    // must fail the batch (OR IGNORE would silently drop it and the frame would be acknowledged).
    this.insertFrame = db.prepare(
      'INSERT INTO frames (agent_id, seq, ts, received_at, samples) VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent_id, seq) DO NOTHING',
    );
    this.updateAgent = db.prepare(
      'UPDATE agents SET last_seq = MAX(last_seq, @seq), last_seen_at = @receivedAt, last_sources = @sources WHERE id = @agentId',
    );
    this.selectSections = db.prepare('SELECT last_sections FROM agents WHERE id = ?').pluck();
    this.updateSections = db.prepare('UPDATE agents SET last_sections = ? WHERE id = ?');
    this.updatePatchCounts = db.prepare('UPDATE agents SET patch_pending = ?, patch_security = ?, patch_reboot = ? WHERE id = ?');
    // A NULL parameter means the frame did not report that metric, so its mark stays as it was.
    // RETURNING hands the marks to evaluation without a second query.
    this.updatePatchStatus = db.prepare(
      `UPDATE agents SET
         patch_checked_at = CASE WHEN @pending IS NULL THEN patch_checked_at ELSE @ts END,
         security_pending_since = CASE WHEN @pending IS NULL THEN security_pending_since
           WHEN @pending > 0 THEN COALESCE(security_pending_since, @ts) ELSE NULL END,
         reboot_pending_since = CASE WHEN @reboot IS NULL THEN reboot_pending_since
           WHEN @reboot > 0 THEN COALESCE(reboot_pending_since, @ts) ELSE NULL END
       WHERE id = @agentId
       RETURNING security_pending_since AS securityPendingSince, reboot_pending_since AS rebootPendingSince`,
    );
    this.writeBatchTx = db.transaction((frames: readonly IncomingFrame[]) => frames.map((f) => this.writeOne(f)));
  }

  /**
   * Stores a batch in one transaction. Returns, per frame, `false` for a resent (agent, seq),
   * which is a no-op so retries never duplicate samples, or what the new frame left behind.
   */
  writeBatch(frames: readonly IncomingFrame[]): Array<StoredFrame | false> {
    return this.writeBatchTx(frames);
  }

  private writeOne({ agentId, frame, receivedAt, events }: IncomingFrame): StoredFrame | false {
    const samples = JSON.stringify(frame.samples.map((s): StoredSample => (s.labels ? [s.metric, s.value, s.labels] : [s.metric, s.value])));
    if (this.insertFrame.run(agentId, frame.seq, frame.ts, receivedAt, samples).changes === 0) return false;
    // Same transaction as the frame: entries are stored exactly when the frame is, never apart.
    if (events?.length) this.events.insertForFrame(agentId, frame.seq, receivedAt, events);
    this.updateAgent.run({
      agentId,
      seq: frame.seq,
      receivedAt,
      sources: JSON.stringify(frame.sources),
    });
    if (frame.sections && Object.keys(frame.sections).length > 0) this.mergeSections(agentId, frame.sections);
    const patchMarks = this.updatePatchMarks(agentId, frame);
    return patchMarks ? { patchMarks } : STORED_PLAIN;
  }

  /** Only frames that report patch metrics (every few hours) touch the marks. */
  private updatePatchMarks(agentId: string, frame: Frame): PatchMarks | undefined {
    let pending: number | null = null;
    let reboot: number | null = null;
    for (const s of frame.samples) {
      if (s.metric === SECURITY_PENDING_METRIC) pending ??= s.value;
      else if (s.metric === REBOOT_REQUIRED_METRIC) reboot ??= s.value;
    }
    if (pending === null && reboot === null) return undefined;
    const row = this.updatePatchStatus.get({ agentId, ts: frame.ts, pending, reboot }) as Required<PatchMarks> | undefined;
    if (!row) return undefined;
    const marks: PatchMarks = {};
    if (pending !== null) marks.securityPendingSince = row.securityPendingSince;
    if (reboot !== null) marks.rebootPendingSince = row.rebootPendingSince;
    return marks;
  }

  /**
   * Each section replaces its previous version whole, and the others stay: inventory arrives
   * daily and patches every few hours, and each must stay visible between the frames that carry
   * it. (A deep merge would keep fields, such as a problem's reason, that the newer one dropped.)
   */
  private mergeSections(agentId: string, sections: Record<string, unknown>): void {
    const current = this.selectSections.get(agentId) as string | null | undefined;
    const merged = parseJson<Record<string, unknown>>(current, {});
    for (const [key, value] of Object.entries(sections)) merged[key] = value;
    this.updateSections.run(JSON.stringify(merged), agentId);
    if ('patches' in sections) {
      const counts = patchCounts(sections.patches);
      this.updatePatchCounts.run(counts.pending, counts.security, counts.reboot, agentId);
    }
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

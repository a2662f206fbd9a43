import type { EventEntry, EventLevel, StoredEvent } from '@vigil/shared';
import type { Db } from './database.js';

export interface EventQuery {
  log?: string;
  level?: EventLevel;
  since?: number;
  until?: number;
  limit?: number;
}

interface EventRow {
  entry_id: string;
  log: string;
  level: EventLevel;
  ts: number;
  source: string | null;
  event_id: string | null;
  message: string;
  seq: number;
  received_at: number;
}

/** Event-log entries agents reported, each (agent, log, entry id) stored once. */
export class EventStore {
  private readonly insert;

  constructor(private readonly db: Db) {
    // ON CONFLICT rather than OR IGNORE: only a repeated entry is a no-op; any other constraint
    // failure fails the batch, so the frame is not acknowledged and the agent sends it again.
    this.insert = db.prepare(
      `INSERT INTO events (agent_id, log, entry_id, level, ts, source, event_id, message, seq, received_at)
       VALUES (@agentId, @log, @id, @level, @ts, @source, @eventId, @message, @seq, @receivedAt)
       ON CONFLICT (agent_id, log, entry_id) DO NOTHING`,
    );
  }

  /**
   * Stores the entries of one frame; runs inside the caller's transaction (the frame's batch).
   * Returns how many were new.
   */
  insertForFrame(agentId: string, seq: number, receivedAt: number, entries: readonly EventEntry[]): number {
    let fresh = 0;
    for (const e of entries) {
      fresh += this.insert.run({
        agentId, seq, receivedAt, log: e.log, id: e.id, level: e.level, ts: e.ts,
        source: e.source ?? null, eventId: e.eventId ?? null, message: e.message,
      }).changes;
    }
    return fresh;
  }

  /** Entries of one agent in time order (then in the order they arrived). */
  query(agentId: string, q: EventQuery): StoredEvent[] {
    const where = ['agent_id = ?'];
    const params: unknown[] = [agentId];
    if (q.log !== undefined) { where.push('log = ?'); params.push(q.log); }
    if (q.level !== undefined) { where.push('level = ?'); params.push(q.level); }
    if (q.since !== undefined) { where.push('ts >= ?'); params.push(q.since); }
    if (q.until !== undefined) { where.push('ts <= ?'); params.push(q.until); }
    params.push(q.limit ?? 1000);
    const rows = this.db
      .prepare(`SELECT entry_id, log, level, ts, source, event_id, message, seq, received_at FROM events WHERE ${where.join(' AND ')} ORDER BY ts, id LIMIT ?`)
      .all(...params) as EventRow[];
    return rows.map((r) => ({
      id: r.entry_id, log: r.log, level: r.level, ts: r.ts,
      ...(r.source !== null ? { source: r.source } : {}),
      ...(r.event_id !== null ? { eventId: r.event_id } : {}),
      message: r.message, seq: r.seq, receivedAt: r.received_at,
    }));
  }
}

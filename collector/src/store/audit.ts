import type { AuditEntry, AuditQuery } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

export type AuditRecord = Omit<AuditEntry, 'id'>;

/** Which entries a caller may read: null for every one, else those of these tenants. */
export type AuditVisibility = readonly string[] | null;

/**
 * The audit log. This module can only append and read: there is no update or delete here, and
 * triggers in the schema refuse both, so an entry once written stays as it was.
 */
export class AuditStore {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_type, actor_id, actor_name, action, tenant_id, target_type, target_id, before, after, source_ip)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(entry: AuditRecord): number {
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    return Number(this.insert.run(
      entry.at, entry.actorType, entry.actorId, entry.actorName, entry.action, entry.tenantId, entry.targetType,
      entry.targetId, json(entry.before), json(entry.after), entry.sourceIp,
    ).lastInsertRowid);
  }

  /** Newest first. `visible` limits to those tenants' entries (MSP-wide entries are for all-tenant callers). */
  query(q: AuditQuery, visible: AuditVisibility): AuditEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (visible !== null) {
      where.push(`tenant_id IN (${visible.map(() => '?').join(',') || 'NULL'})`);
      params.push(...visible);
    }
    if (q.tenant !== undefined) { where.push('tenant_id = ?'); params.push(q.tenant); }
    if (q.actor !== undefined) { where.push('(actor_id = ? OR actor_name = ?)'); params.push(q.actor, q.actor); }
    if (q.action !== undefined) {
      // "rule." matches every rule action; a full name matches itself.
      if (q.action.endsWith('.')) { where.push("action LIKE ? ESCAPE '\\'"); params.push(`${q.action.replace(/[%_\\]/g, '\\$&')}%`); }
      else { where.push('action = ?'); params.push(q.action); }
    }
    if (q.targetType !== undefined) { where.push('target_type = ?'); params.push(q.targetType); }
    if (q.targetId !== undefined) { where.push('target_id = ?'); params.push(q.targetId); }
    if (q.since !== undefined) { where.push('at >= ?'); params.push(q.since); }
    if (q.until !== undefined) { where.push('at < ?'); params.push(q.until); }
    const rows = this.db.prepare(
      `SELECT id, at, actor_type AS actorType, actor_id AS actorId, actor_name AS actorName, action, tenant_id AS tenantId,
              target_type AS targetType, target_id AS targetId, before, after, source_ip AS sourceIp
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    ).all(...params, q.limit) as Array<Omit<AuditEntry, 'before' | 'after'> & { before: string | null; after: string | null }>;
    return rows.map((r) => ({ ...r, before: parseJson(r.before, null), after: parseJson(r.after, null) }));
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from './database.js';
import { openDatabase } from './database.js';
import { Store } from './index.js';
import { MIGRATIONS } from './migrations.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

/** An alert row as a version-18 collector wrote it (acknowledged_at: the latest acknowledgement). */
function insertAlert(db: Db, id: string, over: { state: string; acknowledgedAt: number | null; resolvedAt?: number | null }): void {
  db.prepare(
    `INSERT INTO alerts (id, series_key, rule_id, rule_name, agent_id, hostname, tenant_id, site_id, metric, labels, op, threshold,
       priority, state, open_value, value, opened_at, updated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by)
     VALUES (@id, @id, 'rul_1', 'CPU', 'agt_a', 'web-1', 'acme', 'hq', 'cpu.usage_pct', '{}', '>', 90,
       'P1', @state, 99, 99, @openedAt, @openedAt, @acknowledgedAt, @acknowledgedBy, @resolvedAt, @resolvedBy)`,
  ).run({
    id, state: over.state, openedAt: T0, acknowledgedAt: over.acknowledgedAt, acknowledgedBy: over.acknowledgedAt === null ? null : 'alice',
    resolvedAt: over.resolvedAt ?? null, resolvedBy: over.resolvedAt ? 'auto' : null,
  });
}

function auditAck(db: Db, alertId: string, at: number): void {
  db.prepare(
    `INSERT INTO audit_log (at, actor_type, actor_id, actor_name, action, tenant_id, target_type, target_id, before, after, source_ip)
     VALUES (?, 'user', 'usr_alice', 'alice', 'alert.acknowledged', 'acme', 'alert', ?, NULL, NULL, '127.0.0.1')`,
  ).run(at, alertId);
}

describe('the first acknowledgement kept for the KPI report (migration 19)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('back-fills the first acknowledgement before clearing the one no longer in force, and keeps it through later acknowledgements', () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
    const file = join(dir, 'vigil.db');
    const old = openDatabase(file, MIGRATIONS.filter((m) => m.version <= 18));
    old.pragma('foreign_keys = OFF');
    // Open again after its acknowledgement lapsed (or after an acknowledged earlier occurrence): no audit entry.
    insertAlert(old, 'alr_lapsed', { state: 'open', acknowledgedAt: T0 + 5 * MIN });
    // Acknowledged at 2 min, lapsed, acknowledged again at 30 min (which overwrote acknowledged_at), lapsed again.
    insertAlert(old, 'alr_twice', { state: 'open', acknowledgedAt: T0 + 30 * MIN });
    auditAck(old, 'alr_twice', T0 + 2 * MIN);
    auditAck(old, 'alr_twice', T0 + 30 * MIN);
    // Acknowledged and resolved: its acknowledgement stays as it was.
    insertAlert(old, 'alr_done', { state: 'resolved', acknowledgedAt: T0 + 10 * MIN, resolvedAt: T0 + 40 * MIN });
    // The audit entry is written a moment after the acknowledgement it records: the earlier instant wins.
    auditAck(old, 'alr_done', T0 + 10 * MIN + 1);
    insertAlert(old, 'alr_never', { state: 'open', acknowledgedAt: null });
    old.close();

    const store = new Store(openDatabase(file));
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
      const rows = store.db
        .prepare('SELECT id, first_acknowledged_at AS first, acknowledged_at AS inForce, ack_lapsed_at AS lapsed FROM alerts ORDER BY id')
        .all();
      expect(rows).toEqual([
        { id: 'alr_done', first: T0 + 10 * MIN, inForce: T0 + 10 * MIN, lapsed: null },
        { id: 'alr_lapsed', first: T0 + 5 * MIN, inForce: null, lapsed: T0 + 5 * MIN },
        { id: 'alr_never', first: null, inForce: null, lapsed: null },
        { id: 'alr_twice', first: T0 + 2 * MIN, inForce: null, lapsed: T0 + 30 * MIN },
      ]);
      expect(store.alerts.get('alr_lapsed')).toMatchObject({ state: 'open', acknowledgedAt: null, acknowledgedBy: null });

      // Acknowledged again after the upgrade: in force now, the first one unchanged.
      expect(store.alerts.acknowledge('alr_lapsed', T0 + H, 'bob', null)).toBe(true);
      expect(store.alerts.acknowledge('alr_never', T0 + 2 * H, 'bob', null)).toBe(true);
      const firsts = store.reports.alertsOpened({ tenantId: 'acme', from: T0, to: T0 + 3 * H })
        .map((a) => a.firstAcknowledgedAt).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(firsts).toEqual([T0 + 2 * MIN, T0 + 5 * MIN, T0 + 10 * MIN, T0 + 2 * H]);
      expect(store.alerts.get('alr_lapsed')).toMatchObject({ acknowledgedAt: T0 + H, acknowledgedBy: 'bob' });
    } finally {
      store.close();
    }
  });
});

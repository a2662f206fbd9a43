import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { migrate, openDatabase } from './database.js';
import { NEW_ALERT_LIFECYCLE, Store } from './index.js';
import { MIGRATIONS } from './migrations.js';

describe('liveness storage (migration 3)', () => {
  let temp: ReturnType<typeof openTempStore> | undefined;
  let dir: string | undefined;
  afterEach(() => {
    temp?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    temp = undefined;
    dir = undefined;
  });

  it('upgrades a version-2 database: existing alerts are unsuppressed, agents have no interval, the offline rule is seeded', () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
    const file = join(dir, 'vigil.db');
    const old = openDatabase(file, MIGRATIONS.filter((m) => m.version <= 2));
    old.prepare(`INSERT INTO alerts (id, series_key, rule_id, rule_name, agent_id, hostname, tenant_id, site_id, metric, labels, op, threshold,
      priority, state, open_value, value, opened_at, updated_at) VALUES ('alr_1', 'k', 'rul_1', 'r', 'agt_a', 'h', 't', 's', 'cpu.usage_pct', '{}',
      '>', 90, 'P3', 'open', 95, 95, 1, 1)`).run();
    old.close();

    const store = new Store(openDatabase(file));
    expect(store.alerts.get('alr_1')).toMatchObject({ state: 'open', suppressedBy: null });
    expect(store.rules.list()).toEqual([
      expect.objectContaining({ id: 'rul_agent_offline', name: 'Agent offline', metric: 'agent.online', op: '<', threshold: 1, clearThreshold: null,
        forSamples: 1, priority: 'P2', scope: {}, labels: {}, runbookId: null, enabled: true }),
    ]);
    expect(store.rules.list()[0]!.createdAt).toBeGreaterThan(Date.UTC(2020, 0, 1));
    // Deleted by an admin, the built-in rule stays deleted: the migration does not run again.
    store.rules.delete('rul_agent_offline');
    migrate(store.db, MIGRATIONS);
    expect(store.rules.list()).toEqual([]);
    store.close();
  });

  it('records presence changes in order and serves them by time range', () => {
    temp = openTempStore();
    const { presence } = temp.store;
    presence.record({ agentId: 'agt_a', online: true, at: 10 });
    presence.record({ agentId: 'agt_b', online: true, at: 15 });
    presence.record({ agentId: 'agt_a', online: false, at: 20 });
    presence.record({ agentId: 'agt_a', online: true, at: 30 });
    expect(presence.history('agt_a').map((c) => [c.online, c.at])).toEqual([[true, 10], [false, 20], [true, 30]]);
    expect(presence.history('agt_a', { since: 15, until: 25 })).toEqual([{ agentId: 'agt_a', online: false, at: 20 }]);
  });

  it('lists the agents a collector start must watch: seen before, not revoked, with site, interval and last presence', () => {
    temp = openTempStore();
    const { store } = temp;
    for (const id of ['agt_on', 'agt_off', 'agt_never', 'agt_revoked']) seedAgent(store, id);
    seedAgent(store, 'agt_quiet', { siteId: 'lab' });
    store.agents.markSeen('agt_on', 100);
    store.agents.setIntervalMs('agt_on', 1_000);
    store.agents.markSeen('agt_off', 200);
    store.presence.record({ agentId: 'agt_off', online: true, at: 150 });
    store.presence.record({ agentId: 'agt_off', online: false, at: 250 });
    store.agents.markSeen('agt_revoked', 300);
    store.agents.revoke('agt_revoked', 301);
    store.agents.markSeen('agt_quiet', 400);

    const known = store.presence.knownAgents().sort((a, b) => a.agentId.localeCompare(b.agentId));
    expect(known).toEqual([
      { agentId: 'agt_off', tenantId: 'acme', siteId: 'hq', lastSeenAt: 200, intervalMs: null, online: false },
      { agentId: 'agt_on', tenantId: 'acme', siteId: 'hq', lastSeenAt: 100, intervalMs: 1_000, online: null },
      { agentId: 'agt_quiet', tenantId: 'acme', siteId: 'lab', lastSeenAt: 400, intervalMs: null, online: null },
    ]);
  });

  it('never moves last-seen backwards, and keeps the latest announced interval, including none', () => {
    temp = openTempStore();
    const { store } = temp;
    seedAgent(store, 'agt_a');
    store.agents.markSeen('agt_a', 500);
    store.agents.markSeen('agt_a', 400);
    expect(store.agents.get('agt_a')!.lastSeenAt).toBe(500);
    store.agents.setIntervalMs('agt_a', 5_000);
    expect(store.presence.knownAgents()[0]!.intervalMs).toBe(5_000);
    store.agents.setIntervalMs('agt_a', null);
    expect(store.presence.knownAgents()[0]!.intervalMs).toBeNull();
  });

  it('suppresses an agent\'s unresolved alerts except the dependency itself, and moves or lifts that suppression', () => {
    temp = openTempStore();
    const { alerts } = temp.store;
    const base = {
      ruleId: 'rul_1', ruleName: 'r', hostname: 'h', tenantId: 't', siteId: 's', labels: {}, op: '>' as const, threshold: 1, priority: 'P3' as const,
      openValue: 2, value: 2, openedAt: 1, updatedAt: 1, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
      comment: null, suppressedBy: null, ...NEW_ALERT_LIFECYCLE,
    };
    const add = (id: string, agentId: string, metric: string, state: 'open' | 'acknowledged' | 'resolved' = 'open') =>
      alerts.insert({ ...base, id, seriesKey: id, agentId, metric, state });
    add('alr_off', 'agt_a', 'agent.online');
    add('alr_cpu', 'agt_a', 'cpu.usage_pct');
    add('alr_ack', 'agt_a', 'disk.used_pct', 'acknowledged');
    add('alr_old', 'agt_a', 'mem.used_pct', 'resolved');
    add('alr_other', 'agt_b', 'cpu.usage_pct');

    expect(alerts.suppressAgent('agt_a', 'alr_off', 'agent.online', 50).sort()).toEqual(['alr_ack', 'alr_cpu']);
    expect(alerts.get('alr_cpu')).toMatchObject({ suppressedBy: 'alr_off', updatedAt: 50 });
    expect(alerts.get('alr_old')!.suppressedBy).toBeNull();
    expect(alerts.get('alr_other')!.suppressedBy).toBeNull();
    // Already suppressed alerts are not taken over by a second suppression.
    expect(alerts.suppressAgent('agt_a', 'alr_x', 'agent.online', 55)).toEqual([]);

    alerts.resolve('alr_ack', 1, 60, 'alice');
    expect(alerts.moveSuppression('alr_off', 'alr_new', 70)).toEqual(['alr_cpu']);
    expect(alerts.moveSuppression('alr_new', null, 80)).toEqual(['alr_cpu']);
    expect(alerts.get('alr_cpu')).toMatchObject({ suppressedBy: null, updatedAt: 80 });
    // A resolved alert keeps the suppression it had: it is history.
    expect(alerts.get('alr_ack')!.suppressedBy).toBe('alr_off');
    // What a revocation resolves: every unresolved alert of the agent, however many.
    expect(alerts.listUnresolved('agt_a').map((a) => a.id).sort()).toEqual(['alr_cpu', 'alr_off']);
    expect(alerts.listUnresolved().map((a) => a.id).sort()).toEqual(['alr_cpu', 'alr_off', 'alr_other']);
  });
});

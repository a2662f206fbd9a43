import type { PatchesSection, Priority } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { NEW_ALERT_LIFECYCLE, type AlertRecord } from './index.js';

describe('the fleet list query', () => {
  let temp: ReturnType<typeof openTempStore>;
  let alertSeq = 0;

  const patches = (over: Partial<PatchesSection> = {}): PatchesSection => ({
    source: 'apt', pending: 7, securityPending: 2, rebootRequired: true, items: [], truncated: 0, scannedAt: 1_000, ...over,
  });
  const sendSections = (agentId: string, sections: Record<string, unknown>) => {
    temp.store.telemetry.writeBatch([{ agentId, receivedAt: 5_000, frame: { type: 'frame', seq: ++alertSeq, ts: 5_000, samples: [], sources: [], sections } }]);
  };
  const alert = (agentId: string, tenantId: string, priority: Priority, state: AlertRecord['state']) => {
    const id = `alr_${++alertSeq}`;
    temp.store.alerts.insert({
      ...NEW_ALERT_LIFECYCLE, id, seriesKey: `rul_${id}|${agentId}|{}`, ruleId: `rul_${id}`, ruleName: 'r', agentId, hostname: 'h', tenantId, siteId: 'hq',
      metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority, state, openValue: 95, value: 95, openedAt: 1, updatedAt: 1,
      acknowledgedAt: null, acknowledgedBy: null, resolvedAt: state === 'resolved' ? 2 : null, resolvedBy: null, comment: null, suppressedBy: null,
    });
  };

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a1', { tenantId: 'acme', hostname: 'web-1', tags: ['web'] });
    seedAgent(temp.store, 'agt_a2', { tenantId: 'acme', siteId: 'branch', hostname: 'db-1' });
    seedAgent(temp.store, 'agt_g1', { tenantId: 'globex', hostname: 'app-1' });
  });
  afterEach(() => temp.cleanup());

  const byId = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

  it('lists every agent by hostname with its OS, tags and version, and no patches or alerts before any were reported', () => {
    const rows = temp.store.fleet.list();
    expect(byId(rows)).toEqual(['agt_g1', 'agt_a2', 'agt_a1']);
    expect(rows[2]).toEqual({
      id: 'agt_a1', hostname: 'web-1', tenantId: 'acme', siteId: 'hq', os: { platform: 'linux', distro: 'debian', release: '12' },
      tags: ['web'], lastSeenAt: null, revokedAt: null, agentVersion: '0.1.0', patches: null, openAlerts: 0, highestPriority: null,
    });
  });

  it('reads the latest patches section: counts, an unclassified security count, and an unknown reboot', () => {
    sendSections('agt_a1', { patches: patches() });
    sendSections('agt_a2', { patches: patches({ source: 'zypper', pending: 3, securityPending: null, rebootRequired: null }) });
    // Another section arriving later leaves the patches in place.
    sendSections('agt_a1', { inventory: { packages: [] } });
    sendSections('agt_g1', { inventory: { packages: [] } });
    const rows = new Map(temp.store.fleet.list().map((r) => [r.id, r]));
    expect(rows.get('agt_a1')?.patches).toEqual({ pending: 7, security: 2, rebootRequired: true });
    expect(rows.get('agt_a2')?.patches).toEqual({ pending: 3, security: null, rebootRequired: null });
    expect(rows.get('agt_g1')?.patches).toBeNull();

    sendSections('agt_a1', { patches: patches({ pending: 0, securityPending: 0, rebootRequired: false }) });
    expect(temp.store.fleet.list({ tenantId: 'acme', siteId: 'hq' })[0]?.patches).toEqual({ pending: 0, security: 0, rebootRequired: false });
  });

  it('reads a malformed sections blob as no patches instead of failing the list', () => {
    temp.store.db.prepare("UPDATE agents SET last_sections = '{not json' WHERE id = 'agt_a1'").run();
    temp.store.db.prepare(`UPDATE agents SET last_sections = '{"patches":{"pending":"many"}}' WHERE id = 'agt_a2'`).run();
    expect(temp.store.fleet.list().map((r) => r.patches)).toEqual([null, null, null]);
  });

  it('counts open and acknowledged alerts, not resolved ones, with the most urgent priority among them', () => {
    alert('agt_a1', 'acme', 'P3', 'open');
    alert('agt_a1', 'acme', 'P2', 'acknowledged');
    alert('agt_a1', 'acme', 'P1', 'resolved');
    alert('agt_a2', 'acme', 'P1', 'resolved');
    alert('agt_g1', 'globex', 'P4', 'open');
    const rows = new Map(temp.store.fleet.list().map((r) => [r.id, r]));
    expect(rows.get('agt_a1')).toMatchObject({ openAlerts: 2, highestPriority: 'P2' });
    expect(rows.get('agt_a2')).toMatchObject({ openAlerts: 0, highestPriority: null });
    expect(rows.get('agt_g1')).toMatchObject({ openAlerts: 1, highestPriority: 'P4' });
  });

  it('narrows to the visible tenants, and filters by tenant, site and platform', () => {
    alert('agt_g1', 'globex', 'P1', 'open');
    expect(byId(temp.store.fleet.list({ visibleTenants: ['acme'] }))).toEqual(['agt_a2', 'agt_a1']);
    expect(byId(temp.store.fleet.list({ visibleTenants: [] }))).toEqual([]);
    expect(byId(temp.store.fleet.list({ visibleTenants: null }))).toEqual(['agt_g1', 'agt_a2', 'agt_a1']);
    expect(byId(temp.store.fleet.list({ tenantId: 'acme', siteId: 'branch' }))).toEqual(['agt_a2']);
    expect(byId(temp.store.fleet.list({ platform: 'windows' }))).toEqual([]);
    expect(temp.store.fleet.list({ tenantId: 'globex', visibleTenants: ['globex'] })).toEqual([expect.objectContaining({ id: 'agt_g1', openAlerts: 1 })]);
    expect(byId(temp.store.fleet.list({ tenantId: 'globex', visibleTenants: ['acme'] }))).toEqual([]);
  });

  it('keeps revoked agents, with when, and honours the limit', () => {
    temp.store.agents.markSeen('agt_a2', 4_000);
    temp.store.agents.revoke('agt_a2', 4_500);
    expect(temp.store.fleet.list({ limit: 2 })).toEqual([
      expect.objectContaining({ id: 'agt_g1' }),
      expect.objectContaining({ id: 'agt_a2', lastSeenAt: 4_000, revokedAt: 4_500 }),
    ]);
  });
});

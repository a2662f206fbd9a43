import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

describe('tenants and sites', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); });
  afterEach(() => temp.cleanup());

  const none = { agents: 0, rules: 0, maintenanceWindows: 0, notificationChannels: 0, scripts: 0, runbooks: 0, users: 0 };

  it('lists only the tenants and sites asked for', () => {
    const { tenants } = temp.store;
    tenants.ensureTenantAndSite('acme', 'hq', 1);
    tenants.ensureTenantAndSite('acme', 'branch', 1);
    tenants.ensureTenantAndSite('globex', 'hq', 1);
    expect(tenants.listTenants().map((t) => t.id)).toEqual(['acme', 'globex']);
    expect(tenants.listTenants(['globex', 'nobody']).map((t) => t.id)).toEqual(['globex']);
    expect(tenants.listTenants([])).toEqual([]);
    expect(tenants.listSites(undefined, ['acme']).map((s) => s.id)).toEqual(['branch', 'hq']);
    expect(tenants.listSites('globex', ['acme'])).toEqual([]);
    expect(tenants.listSites().map((s) => `${s.tenantId}/${s.id}`)).toEqual(['acme/branch', 'acme/hq', 'globex/hq']);
  });

  it('renames tenants and sites, and says when there was nothing to rename', () => {
    const { tenants } = temp.store;
    tenants.ensureTenantAndSite('acme', 'hq', 1);
    expect(tenants.renameTenant('acme', 'Acme Corp')).toBe(true);
    expect(tenants.renameSite('acme', 'hq', 'Headquarters')).toBe(true);
    expect(tenants.renameTenant('nobody', 'x')).toBe(false);
    expect(tenants.renameSite('acme', 'nowhere', 'x')).toBe(false);
    expect(tenants.getTenant('acme')?.name).toBe('Acme Corp');
    expect(tenants.getSite('acme', 'hq')?.name).toBe('Headquarters');
  });

  it('counts what still names a tenant', () => {
    const { store } = temp;
    seedAgent(store, 'agt_a', { tenantId: 'acme' });
    seedAgent(store, 'agt_b', { tenantId: 'acme' });
    store.agents.revoke('agt_b', 2);
    seedAgent(store, 'agt_g', { tenantId: 'globex' });
    store.db.prepare("INSERT INTO rules (id, name, metric, labels, op, threshold, for_samples, priority, scope, enabled, created_at, updated_at) VALUES ('rul_1', 'r', 'cpu.usage_pct', '{}', '>', 1, 1, 'P3', '{\"tenant\":\"acme\"}', 1, 1, 1)").run();
    seedScript(store, 'scr_1', { tenantId: 'acme' });
    store.users.insert({ id: 'usr_1', username: 'ann', displayName: 'Ann', passwordHash: 'x', role: 'admin', tenants: ['globex', 'acme'], createdAt: 1 });
    expect(store.tenants.references('acme')).toEqual({ ...none, agents: 2, rules: 1, scripts: 1, users: 1 });
    expect(store.tenants.siteAgentCount('acme', 'hq')).toBe(2);
    expect(store.tenants.siteAgentCount('acme', 'branch')).toBe(0);
  });

  it('deletes a tenant with its sites, enrollment tokens and SLA policy', () => {
    const { store } = temp;
    createEnrollmentToken(store, { tenant: 'acme', site: 'hq', tags: [], expiresInMs: 60_000, maxUses: null }, 1);
    store.tenants.createSite('acme', 'branch', 'Branch', 1);
    store.sla.savePolicy('acme', { priorities: { P1: { respond: '5m' } } }, 1);
    store.tenants.ensureTenantAndSite('globex', 'hq', 1);
    expect(store.tenants.references('acme')).toEqual(none);
    expect(store.tenants.deleteTenant('acme')).toBe(true);
    expect(store.tenants.getTenant('acme')).toBeUndefined();
    expect(store.tenants.listSites('acme')).toEqual([]);
    expect(store.tokens.listEnrollmentTokens()).toEqual([]);
    expect(store.sla.getPolicy('acme')).toBeUndefined();
    expect(store.tenants.listTenants().map((t) => t.id)).toEqual(['globex']);
    expect(store.tenants.deleteTenant('acme')).toBe(false);
  });

  it('deletes a site with its enrollment tokens', () => {
    const { store } = temp;
    createEnrollmentToken(store, { tenant: 'acme', site: 'hq', tags: [], expiresInMs: 60_000, maxUses: null }, 1);
    const kept = createEnrollmentToken(store, { tenant: 'acme', site: 'branch', tags: [], expiresInMs: 60_000, maxUses: null }, 1);
    expect(store.tenants.deleteSite('acme', 'hq')).toBe(true);
    expect(store.tenants.listSites('acme').map((s) => s.id)).toEqual(['branch']);
    expect(store.tokens.listEnrollmentTokens().map((t) => t.id)).toEqual([kept.id]);
    expect(store.tenants.deleteSite('acme', 'hq')).toBe(false);
  });
});

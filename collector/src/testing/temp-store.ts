import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/index.js';

/** A real SQLite file in a scratch directory, for store and service tests. */
export function openTempStore(): { store: Store; file: string; reopen(): Store; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
  const file = join(dir, 'vigil.db');
  let store = Store.open(file);
  return {
    get store() { return store; },
    file,
    reopen() { store.close(); store = Store.open(file); return store; },
    cleanup() { store.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export function seedAgent(store: Store, id = 'agt_a', overrides: { tenantId?: string; siteId?: string; tags?: string[]; hostname?: string } = {}): void {
  const tenantId = overrides.tenantId ?? 'acme';
  const siteId = overrides.siteId ?? 'hq';
  store.tenants.ensureTenantAndSite(tenantId, siteId, 1);
  store.agents.insert({
    id, tenantId, siteId, hostname: overrides.hostname ?? `${id}-host`,
    os: { platform: 'linux', distro: 'debian', release: '12', arch: 'x64' }, agentVersion: '0.1.0',
    tags: overrides.tags ?? ['server'], publicKey: 'unused-in-store-tests', enrolledAt: 1,
  });
}

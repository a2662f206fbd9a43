import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame } from '@vigil/shared';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { migrate } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { patchCounts } from './telemetry.js';

const frame = (seq: number, sections?: Record<string, unknown>): Frame => ({
  type: 'frame', seq, ts: 1000 * seq, samples: [{ metric: 'cpu.usage_pct', value: 1 }], sources: [], ...(sections ? { sections } : {}),
});

describe('patch counts kept beside the stored sections', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); seedAgent(temp.store, 'agt_a'); });
  afterEach(() => temp.cleanup());

  const columns = () => temp.store.db.prepare('SELECT patch_pending, patch_security, patch_reboot FROM agents WHERE id = ?').get('agt_a');

  it('follow each patches section, and stay while frames without one arrive', () => {
    const t = temp.store.telemetry;
    expect(columns()).toEqual({ patch_pending: null, patch_security: null, patch_reboot: null });
    t.writeBatch([{ agentId: 'agt_a', frame: frame(1, { patches: { pending: 12, securityPending: 3, rebootRequired: true } }), receivedAt: 1 }]);
    expect(columns()).toEqual({ patch_pending: 12, patch_security: 3, patch_reboot: 1 });
    t.writeBatch([{ agentId: 'agt_a', frame: frame(2, { inventory: { os: 'debian' } }), receivedAt: 2 }, { agentId: 'agt_a', frame: frame(3), receivedAt: 3 }]);
    expect(columns()).toEqual({ patch_pending: 12, patch_security: 3, patch_reboot: 1 });
    // A source that cannot classify security updates or tell about reboots says null, not zero.
    t.writeBatch([{ agentId: 'agt_a', frame: frame(4, { patches: { pending: 0, securityPending: null, rebootRequired: null } }), receivedAt: 4 }]);
    expect(columns()).toEqual({ patch_pending: 0, patch_security: null, patch_reboot: null });
  });

  it('read only whole non-negative counts and booleans', () => {
    expect(patchCounts({ pending: 2, securityPending: 1, rebootRequired: false })).toEqual({ pending: 2, security: 1, reboot: 0 });
    expect(patchCounts({ pending: -1, securityPending: 1.5, rebootRequired: 'yes' })).toEqual({ pending: null, security: null, reboot: null });
    expect(patchCounts(null)).toEqual({ pending: null, security: null, reboot: null });
  });

  it('are filled from the sections already stored when the migration runs', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version < 16));
    // Only the agents table matters here; its tenant and site need not exist.
    db.pragma('foreign_keys = OFF');
    db.prepare(`INSERT INTO agents (id, tenant_id, site_id, hostname, public_key, os_platform, os_distro, os_release, os_arch, agent_version, tags, enrolled_at, last_sections)
      VALUES ('agt_old', 't', 's', 'h', 'k', 'linux', 'd', 'r', 'x64', 'v', '[]', 0, ?), ('agt_bad', 't', 's', 'h2', 'k2', 'linux', 'd', 'r', 'x64', 'v', '[]', 0, 'not json')`)
      .run(JSON.stringify({ patches: { pending: 7, securityPending: 2, rebootRequired: false } }));
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT id, patch_pending, patch_security, patch_reboot FROM agents ORDER BY id').all()).toEqual([
      { id: 'agt_bad', patch_pending: null, patch_security: null, patch_reboot: null },
      { id: 'agt_old', patch_pending: 7, patch_security: 2, patch_reboot: 0 },
    ]);
    db.close();
  });
});

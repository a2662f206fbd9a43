import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditQuerySchema } from '@vigil/shared';
import { openTempStore } from '../testing/temp-store.js';
import type { AuditRecord } from './audit.js';

const entry = (over: Partial<AuditRecord>): AuditRecord => ({
  at: 1, actorType: 'user', actorId: 'usr_1', actorName: 'tina', action: 'alert.acknowledged', tenantId: 'acme',
  targetType: 'alert', targetId: 'alr_1', before: { state: 'open' }, after: { state: 'acknowledged' }, sourceIp: '127.0.0.1', ...over,
});
const all = AuditQuerySchema.parse({});

describe('audit store', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); });
  afterEach(() => temp.cleanup());

  it('appends and reads back newest first, before and after as they were', () => {
    temp.store.audit.append(entry({ at: 1 }));
    temp.store.audit.append(entry({ at: 2, action: 'rule.created', targetType: 'rule', targetId: 'rul_1', before: null }));
    const entries = temp.store.audit.query(all, null);
    expect(entries.map((e) => e.action)).toEqual(['rule.created', 'alert.acknowledged']);
    expect(entries[1]).toMatchObject({ before: { state: 'open' }, after: { state: 'acknowledged' }, sourceIp: '127.0.0.1' });
  });

  it('refuses to update or delete an entry, even with SQL from inside the application', () => {
    temp.store.audit.append(entry({}));
    expect(() => temp.store.db.prepare("UPDATE audit_log SET actor_name = 'someone else'").run()).toThrow(/append-only/);
    expect(() => temp.store.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(temp.store.audit.query(all, null)[0]!.actorName).toBe('tina');
  });

  it('shows single-tenant readers only their tenants\' entries, never MSP-wide ones', () => {
    temp.store.audit.append(entry({ tenantId: 'acme' }));
    temp.store.audit.append(entry({ tenantId: 'globex' }));
    temp.store.audit.append(entry({ tenantId: null, action: 'auth.login_failed' }));
    expect(temp.store.audit.query(all, ['acme']).map((e) => e.tenantId)).toEqual(['acme']);
    expect(temp.store.audit.query(all, []).length).toBe(0);
    expect(temp.store.audit.query(all, null).length).toBe(3);
  });

  it('filters by action prefix, actor, target and time', () => {
    temp.store.audit.append(entry({ at: 10, action: 'rule.created' }));
    temp.store.audit.append(entry({ at: 20, action: 'rule.deleted', actorName: 'max', actorId: 'usr_2' }));
    temp.store.audit.append(entry({ at: 30, action: 'rules_x.other' }));
    const q = (over: Record<string, unknown>) => temp.store.audit.query(AuditQuerySchema.parse(over), null).map((e) => e.action);
    expect(q({ action: 'rule.' })).toEqual(['rule.deleted', 'rule.created']);
    expect(q({ actor: 'max' })).toEqual(['rule.deleted']);
    expect(q({ actor: 'usr_2' })).toEqual(['rule.deleted']);
    expect(q({ since: '15', until: '30' })).toEqual(['rule.deleted']);
    expect(q({ targetId: 'alr_1', limit: '1' })).toEqual(['rules_x.other']);
  });
});

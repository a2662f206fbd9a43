import type { Runbook, Script } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

interface RawScript {
  id: string; name: string; shell: Script['shell']; body: string; args: string; env: string; timeout_sec: number; os: string;
  tenant_id: string | null; created_at: number;
}
interface RawRunbook { id: string; name: string; script_id: string; args: string | null; tenant_id: string | null; created_at: number }

function toScript(r: RawScript): Script {
  return {
    id: r.id, name: r.name, shell: r.shell, body: r.body, args: parseJson(r.args, []), env: parseJson(r.env, {}),
    timeoutSec: r.timeout_sec, os: parseJson(r.os, []), tenantId: r.tenant_id, createdAt: r.created_at,
  };
}

function toRunbook(r: RawRunbook): Runbook {
  return {
    id: r.id, name: r.name, scriptId: r.script_id, ...(r.args ? { args: parseJson<string[]>(r.args, []) } : {}),
    tenantId: r.tenant_id, createdAt: r.created_at,
  };
}

/** Null: every tenant. Otherwise the MSP-wide rows (tenant_id NULL) and those of the tenants given. */
function visibleWhere(tenants: readonly string[] | null): { sql: string; params: string[] } {
  if (tenants === null) return { sql: '', params: [] };
  return { sql: ` WHERE tenant_id IS NULL OR tenant_id IN (${tenants.map(() => '?').join(', ') || 'NULL'})`, params: [...tenants] };
}

/** The script library and the runbooks built from it; tenant_id NULL is the MSP-wide shared library. */
export class ScriptStore {
  constructor(private readonly db: Db) {}

  insert(s: Script): void {
    this.db
      .prepare('INSERT INTO scripts (id, name, shell, body, args, env, timeout_sec, os, tenant_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.name, s.shell, s.body, JSON.stringify(s.args), JSON.stringify(s.env), s.timeoutSec, JSON.stringify(s.os), s.tenantId, s.createdAt);
  }

  get(id: string): Script | undefined {
    const raw = this.db.prepare('SELECT * FROM scripts WHERE id = ?').get(id) as RawScript | undefined;
    return raw ? toScript(raw) : undefined;
  }

  /** `tenants` null: all; else the shared library and those tenants' scripts. */
  list(tenants: readonly string[] | null = null): Script[] {
    const where = visibleWhere(tenants);
    return (this.db.prepare(`SELECT * FROM scripts${where.sql} ORDER BY name, id`).all(...where.params) as RawScript[]).map(toScript);
  }

  insertRunbook(r: Runbook): void {
    this.db
      .prepare('INSERT INTO runbooks (id, name, script_id, args, tenant_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.id, r.name, r.scriptId, r.args ? JSON.stringify(r.args) : null, r.tenantId, r.createdAt);
  }

  getRunbook(id: string): Runbook | undefined {
    const raw = this.db.prepare('SELECT * FROM runbooks WHERE id = ?').get(id) as RawRunbook | undefined;
    return raw ? toRunbook(raw) : undefined;
  }

  /** `tenants` null: all; else the MSP-wide runbooks and those tenants'. */
  listRunbooks(tenants: readonly string[] | null = null): Runbook[] {
    const where = visibleWhere(tenants);
    return (this.db.prepare(`SELECT * FROM runbooks${where.sql} ORDER BY name`).all(...where.params) as RawRunbook[]).map(toRunbook);
  }
}

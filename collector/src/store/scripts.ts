import type { Runbook, Script } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

interface RawScript { id: string; name: string; shell: Script['shell']; body: string; args: string; env: string; timeout_sec: number; os: string; created_at: number }

function toScript(r: RawScript): Script {
  return {
    id: r.id, name: r.name, shell: r.shell, body: r.body, args: parseJson(r.args, []), env: parseJson(r.env, {}),
    timeoutSec: r.timeout_sec, os: parseJson(r.os, []), createdAt: r.created_at,
  };
}

/** The script library and the runbooks built from it. */
export class ScriptStore {
  constructor(private readonly db: Db) {}

  insert(s: Script): void {
    this.db
      .prepare('INSERT INTO scripts (id, name, shell, body, args, env, timeout_sec, os, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.name, s.shell, s.body, JSON.stringify(s.args), JSON.stringify(s.env), s.timeoutSec, JSON.stringify(s.os), s.createdAt);
  }

  get(id: string): Script | undefined {
    const raw = this.db.prepare('SELECT * FROM scripts WHERE id = ?').get(id) as RawScript | undefined;
    return raw ? toScript(raw) : undefined;
  }

  list(): Script[] {
    return (this.db.prepare('SELECT * FROM scripts ORDER BY name, id').all() as RawScript[]).map(toScript);
  }

  insertRunbook(r: Runbook): void {
    this.db
      .prepare('INSERT INTO runbooks (id, name, script_id, args, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(r.id, r.name, r.scriptId, r.args ? JSON.stringify(r.args) : null, r.createdAt);
  }

  getRunbook(id: string): Runbook | undefined {
    const raw = this.db.prepare('SELECT id, name, script_id AS scriptId, args, created_at AS createdAt FROM runbooks WHERE id = ?').get(id) as
      | (Omit<Runbook, 'args'> & { args: string | null })
      | undefined;
    return raw ? { ...raw, args: raw.args ? parseJson<string[]>(raw.args, []) : undefined } : undefined;
  }

  listRunbooks(): Runbook[] {
    const rows = this.db.prepare('SELECT id, name, script_id AS scriptId, args, created_at AS createdAt FROM runbooks ORDER BY name').all() as Array<
      Omit<Runbook, 'args'> & { args: string | null }
    >;
    return rows.map((raw) => ({ ...raw, args: raw.args ? parseJson<string[]>(raw.args, []) : undefined }));
  }
}

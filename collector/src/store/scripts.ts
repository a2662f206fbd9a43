import { documentDigest, type Script, type ScriptManifest, type ScriptVersionSummary, type Signature } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';
import { visibleWhere } from './visible-where.js';

/** A version as it is written: the manifest exactly as signed, never changed afterwards. */
export interface NewScriptVersion {
  manifest: ScriptManifest;
  signature: Signature | null;
  createdBy: string;
  createdAt: number;
}

/** A new script: its head (identity, tenant, change control) and its first version. */
export interface NewScript extends NewScriptVersion {
  id: string;
  tenantId: string | null;
  requiresApproval: boolean;
}

interface RawScriptVersion {
  id: string; name: string; tenant_id: string | null; requires_approval: number;
  version: number; manifest: string; signature: string | null; digest: string; created_by: string; created_at: number;
}

const SELECT_VERSION = `SELECT s.id, s.name, s.tenant_id, s.requires_approval, v.version, v.manifest, v.signature, v.digest,
  v.created_by, v.created_at FROM scripts s JOIN script_versions v ON v.script_id = s.id`;

/**
 * The script library: a head row per script (name, tenant, change control, latest version) and
 * every version as signed. tenant_id NULL is the MSP-wide shared library. The head keeps the
 * latest manifest's shell, body and so on in its older columns, which the schema requires.
 */
export class ScriptStore {
  private readonly latestStmt;
  private readonly versionStmt;
  private readonly fillDigestStmt;

  constructor(private readonly db: Db) {
    this.latestStmt = db.prepare(`${SELECT_VERSION} AND v.version = s.latest_version WHERE s.id = ?`);
    this.versionStmt = db.prepare(`${SELECT_VERSION} AND v.version = ? WHERE s.id = ?`);
    this.fillDigestStmt = db.prepare("UPDATE script_versions SET digest = ? WHERE script_id = ? AND version = ? AND digest = ''");
  }

  insert(script: NewScript): Script {
    const m = script.manifest;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO scripts (id, name, shell, body, args, env, timeout_sec, os, tenant_id, created_at, latest_version, requires_approval, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(script.id, m.name, m.shell, m.body, JSON.stringify(m.args), JSON.stringify(m.env), m.timeoutSec, JSON.stringify(m.os),
          script.tenantId, script.createdAt, m.version, script.requiresApproval ? 1 : 0, script.createdBy);
      this.insertVersion(script.id, script);
    })();
    return this.get(script.id)!;
  }

  /**
   * Adds a version above the latest; answers 'not_newer' (and changes nothing) otherwise.
   * `requiresApproval` undefined keeps the script's change control as it is.
   */
  addVersion(id: string, version: NewScriptVersion, requiresApproval?: boolean): Script | 'not_newer' | undefined {
    return this.db.transaction(() => {
      const head = this.db.prepare('SELECT latest_version FROM scripts WHERE id = ?').get(id) as { latest_version: number } | undefined;
      if (!head) return undefined;
      if (version.manifest.version <= head.latest_version) return 'not_newer' as const;
      this.insertVersion(id, version);
      const m = version.manifest;
      this.db
        .prepare(
          `UPDATE scripts SET latest_version = ?, shell = ?, body = ?, args = ?, env = ?, timeout_sec = ?, os = ?,
             requires_approval = COALESCE(?, requires_approval) WHERE id = ?`,
        )
        .run(m.version, m.shell, m.body, JSON.stringify(m.args), JSON.stringify(m.env), m.timeoutSec, JSON.stringify(m.os),
          requiresApproval === undefined ? null : requiresApproval ? 1 : 0, id);
      return this.get(id)!;
    })();
  }

  /** The latest version. */
  get(id: string): Script | undefined {
    const raw = this.latestStmt.get(id) as RawScriptVersion | undefined;
    return raw ? this.toScript(raw) : undefined;
  }

  getVersion(id: string, version: number): Script | undefined {
    const raw = this.versionStmt.get(version, id) as RawScriptVersion | undefined;
    return raw ? this.toScript(raw) : undefined;
  }

  /** Every version's summary, oldest first. */
  versions(id: string): ScriptVersionSummary[] {
    const rows = this.db
      .prepare('SELECT version, manifest, signature, digest, created_by, created_at FROM script_versions WHERE script_id = ? ORDER BY version')
      .all(id) as Array<Pick<RawScriptVersion, 'version' | 'manifest' | 'signature' | 'digest' | 'created_by' | 'created_at'>>;
    return rows.map((r) => ({
      version: r.version,
      digest: this.digestOf(id, r),
      signer: parseJson<Signature | null>(r.signature, null)?.keyId ?? null,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  /** The latest version of each script; `tenants` null: all, else the shared library and those tenants' scripts. */
  list(tenants: readonly string[] | null = null): Script[] {
    const where = visibleWhere(tenants);
    const rows = this.db
      .prepare(`${SELECT_VERSION} AND v.version = s.latest_version${where.sql} ORDER BY s.name, s.id`)
      .all(...where.params) as RawScriptVersion[];
    return rows.map((r) => this.toScript(r));
  }

  private insertVersion(id: string, v: NewScriptVersion): void {
    this.db
      .prepare('INSERT INTO script_versions (script_id, version, manifest, signature, digest, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, v.manifest.version, JSON.stringify(v.manifest), v.signature ? JSON.stringify(v.signature) : null, documentDigest(v.manifest),
        v.createdBy, v.createdAt);
  }

  /** Rows the migration wrote have no digest (SQLite has no SHA-256): computed on first read and kept. */
  private digestOf(id: string, r: Pick<RawScriptVersion, 'version' | 'manifest' | 'digest'>): string {
    if (r.digest !== '') return r.digest;
    const digest = documentDigest(JSON.parse(r.manifest));
    this.fillDigestStmt.run(digest, id, r.version);
    return digest;
  }

  private toScript(r: RawScriptVersion): Script {
    const manifest = JSON.parse(r.manifest) as ScriptManifest;
    return {
      id: r.id, version: r.version, name: manifest.name, tenantId: r.tenant_id, manifest,
      signature: parseJson<Signature | null>(r.signature, null), digest: this.digestOf(r.id, r),
      requiresApproval: r.requires_approval === 1, createdBy: r.created_by, createdAt: r.created_at,
      shell: manifest.shell, timeoutSec: manifest.timeoutSec, os: manifest.os,
    };
  }
}

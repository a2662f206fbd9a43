import type { Db } from './database.js';

export interface ApiTokenRow { id: string; name: string; role: string; createdAt: number; revokedAt: number | null }
export interface EnrollmentTokenRow {
  id: string;
  tenantId: string;
  siteId: string;
  tags: string[];
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
  createdAt: number;
  revokedAt: number | null;
}

export type EnrollmentTokenUse =
  | { ok: true; token: EnrollmentTokenRow }
  | { ok: false; reason: 'unknown' | 'expired' | 'exhausted' | 'revoked' };

/** API and enrollment tokens. Only SHA-256 hashes of the (high-entropy) secrets are stored. */
export class TokenStore {
  constructor(private readonly db: Db) {}

  insertApiToken(row: { id: string; name: string; tokenHash: string; role: string; createdAt: number }): void {
    this.db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.tokenHash, row.role, row.createdAt);
  }

  findApiTokenByHash(tokenHash: string): ApiTokenRow | undefined {
    return this.db
      .prepare('SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_tokens WHERE token_hash = ?')
      .get(tokenHash) as ApiTokenRow | undefined;
  }

  countApiTokens(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_tokens').get() as { n: number }).n;
  }

  insertEnrollmentToken(row: Omit<EnrollmentTokenRow, 'uses' | 'revokedAt'> & { tokenHash: string }): void {
    this.db
      .prepare(
        `INSERT INTO enrollment_tokens (id, token_hash, tenant_id, site_id, tags, expires_at, max_uses, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, row.tokenHash, row.tenantId, row.siteId, JSON.stringify(row.tags), row.expiresAt, row.maxUses, row.createdAt);
  }

  /** Returns false when the token does not exist or was revoked already. */
  revokeEnrollmentToken(id: string, at: number): boolean {
    return this.db.prepare('UPDATE enrollment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  listEnrollmentTokens(): EnrollmentTokenRow[] {
    const rows = this.db.prepare(`${ENROLLMENT_SELECT} ORDER BY created_at DESC`).all() as RawEnrollmentRow[];
    return rows.map(toEnrollmentRow);
  }

  /**
   * Checks and counts one use atomically, so two agents racing for the last use of a
   * single-use token cannot both get it.
   */
  useEnrollmentToken(tokenHash: string, now: number): EnrollmentTokenUse {
    return this.db.transaction((): EnrollmentTokenUse => {
      const raw = this.db.prepare(`${ENROLLMENT_SELECT} WHERE token_hash = ?`).get(tokenHash) as RawEnrollmentRow | undefined;
      if (!raw) return { ok: false, reason: 'unknown' };
      const token = toEnrollmentRow(raw);
      if (token.revokedAt !== null) return { ok: false, reason: 'revoked' };
      if (token.expiresAt !== null && token.expiresAt <= now) return { ok: false, reason: 'expired' };
      if (token.maxUses !== null && token.uses >= token.maxUses) return { ok: false, reason: 'exhausted' };
      this.db.prepare('UPDATE enrollment_tokens SET uses = uses + 1 WHERE id = ?').run(token.id);
      return { ok: true, token: { ...token, uses: token.uses + 1 } };
    })();
  }
}

const ENROLLMENT_SELECT = `SELECT id, tenant_id AS tenantId, site_id AS siteId, tags, expires_at AS expiresAt,
  max_uses AS maxUses, uses, created_at AS createdAt, revoked_at AS revokedAt FROM enrollment_tokens`;
type RawEnrollmentRow = Omit<EnrollmentTokenRow, 'tags'> & { tags: string };
function toEnrollmentRow(raw: RawEnrollmentRow): EnrollmentTokenRow {
  return { ...raw, tags: JSON.parse(raw.tags) as string[] };
}

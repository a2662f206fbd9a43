import type { ApiToken } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** An API or session token as stored (never its secret, only the secret's hash). */
export interface ApiTokenRow extends ApiToken {
  /** The role of a token without a user (the bootstrap token); a user's token takes its user's. */
  role: string;
}

export interface NewApiToken {
  id: string;
  name: string;
  tokenHash: string;
  role: string;
  kind?: 'api' | 'session';
  userId?: string | null;
  scopes?: string[];
  expiresAt?: number | null;
  createdAt: number;
}

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

/** Why a token was refused; an expired one says since when, for the operator reading the refusal. */
export type EnrollmentTokenRefusal =
  | { ok: false; reason: 'unknown' | 'exhausted' | 'revoked' }
  | { ok: false; reason: 'expired'; expiresAt: number };

export type EnrollmentTokenUse = { ok: true; token: EnrollmentTokenRow } | EnrollmentTokenRefusal;

/** API and enrollment tokens. Only SHA-256 hashes of the (high-entropy) secrets are stored. */
export class TokenStore {
  constructor(private readonly db: Db) {}

  insertApiToken(row: NewApiToken): void {
    this.db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, role, kind, user_id, scopes, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.tokenHash, row.role, row.kind ?? 'api', row.userId ?? null, JSON.stringify(row.scopes ?? ['*']), row.expiresAt ?? null, row.createdAt);
  }

  findApiTokenByHash(tokenHash: string): ApiTokenRow | undefined {
    const raw = this.db.prepare(`${API_TOKEN_SELECT} WHERE token_hash = ?`).get(tokenHash) as RawApiToken | undefined;
    return raw && toApiTokenRow(raw);
  }

  getApiToken(id: string): ApiTokenRow | undefined {
    const raw = this.db.prepare(`${API_TOKEN_SELECT} WHERE id = ?`).get(id) as RawApiToken | undefined;
    return raw && toApiTokenRow(raw);
  }

  /** A user's tokens (or the user-less bootstrap tokens for null), newest first. */
  listApiTokens(userId: string | null, kind?: 'api' | 'session'): ApiTokenRow[] {
    const raw = this.db.prepare(
      `${API_TOKEN_SELECT} WHERE user_id IS ? ${kind ? 'AND kind = ?' : ''} ORDER BY created_at DESC`,
    ).all(...(kind ? [userId, kind] : [userId])) as RawApiToken[];
    return raw.map(toApiTokenRow);
  }

  /** Returns false when the token does not exist or was revoked already. */
  revokeApiToken(id: string, at: number): boolean {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  /** Revokes every live token of a user (disabled, password changed), but `except`; returns their ids. */
  revokeUserTokens(userId: string, at: number, kind?: 'api' | 'session', except?: string): string[] {
    const where = `user_id = ? AND revoked_at IS NULL ${kind ? 'AND kind = ?' : ''} AND id IS NOT ?`;
    const params = [userId, ...(kind ? [kind] : []), except ?? null];
    const ids = (this.db.prepare(`SELECT id FROM api_tokens WHERE ${where}`).all(...params) as Array<{ id: string }>).map((r) => r.id);
    this.db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE ${where}`).run(at, ...params);
    return ids;
  }

  touchApiToken(id: string, at: number): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
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

  getEnrollmentToken(id: string): EnrollmentTokenRow | undefined {
    const raw = this.db.prepare(`${ENROLLMENT_SELECT} WHERE id = ?`).get(id) as RawEnrollmentRow | undefined;
    return raw && toEnrollmentRow(raw);
  }

  /** Newest first; `tenants` (null or absent: all) keeps those tenants' tokens. */
  listEnrollmentTokens(tenants: readonly string[] | null = null): EnrollmentTokenRow[] {
    const where = tenants === null ? '' : ` WHERE tenant_id IN (${tenants.map(() => '?').join(', ') || 'NULL'})`;
    const rows = this.db.prepare(`${ENROLLMENT_SELECT}${where} ORDER BY created_at DESC`).all(...(tenants ?? [])) as RawEnrollmentRow[];
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
      if (token.expiresAt !== null && token.expiresAt <= now) return { ok: false, reason: 'expired', expiresAt: token.expiresAt };
      if (token.maxUses !== null && token.uses >= token.maxUses) return { ok: false, reason: 'exhausted' };
      this.db.prepare('UPDATE enrollment_tokens SET uses = uses + 1 WHERE id = ?').run(token.id);
      return { ok: true, token: { ...token, uses: token.uses + 1 } };
    })();
  }

  /**
   * Counts one use of the token and runs `enroll` with it in the same transaction. If enroll throws
   * (the agent cannot be stored), the use is rolled back with it: a token is used up only by agents
   * that exist, and a single-use token survives a failed attempt.
   */
  redeemEnrollmentToken<T>(tokenHash: string, now: number, enroll: (token: EnrollmentTokenRow) => T):
    { ok: true; token: EnrollmentTokenRow; enrolled: T } | EnrollmentTokenRefusal {
    return this.db.transaction(() => {
      const use = this.useEnrollmentToken(tokenHash, now);
      if (!use.ok) return use;
      return { ok: true as const, token: use.token, enrolled: enroll(use.token) };
    })();
  }
}

const ENROLLMENT_SELECT = `SELECT id, tenant_id AS tenantId, site_id AS siteId, tags, expires_at AS expiresAt,
  max_uses AS maxUses, uses, created_at AS createdAt, revoked_at AS revokedAt FROM enrollment_tokens`;
type RawEnrollmentRow = Omit<EnrollmentTokenRow, 'tags'> & { tags: string };
function toEnrollmentRow(raw: RawEnrollmentRow): EnrollmentTokenRow {
  return { ...raw, tags: JSON.parse(raw.tags) as string[] };
}

const API_TOKEN_SELECT = `SELECT id, name, role, kind, user_id AS userId, scopes, created_at AS createdAt, expires_at AS expiresAt,
  last_used_at AS lastUsedAt, revoked_at AS revokedAt FROM api_tokens`;
type RawApiToken = Omit<ApiTokenRow, 'scopes'> & { scopes: string };
function toApiTokenRow(raw: RawApiToken): ApiTokenRow {
  return { ...raw, scopes: parseJson<string[]>(raw.scopes, []) };
}

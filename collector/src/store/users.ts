import type { Role, User } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** A user as stored: the API's view plus what never leaves the collector. */
export interface UserRow extends User {
  passwordHash: string;
  totpSecret: string | null;
  totpLastStep: number | null;
  failedLogins: number;
  updatedAt: number;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  tenants: string[];
  createdAt: number;
}

const SELECT = `SELECT id, username, display_name AS displayName, password_hash AS passwordHash, role, tenants,
  totp_secret AS totpSecret, totp_enabled AS totpEnabled, totp_last_step AS totpLastStep, failed_logins AS failedLogins,
  locked_until AS lockedUntil, created_at AS createdAt, updated_at AS updatedAt, disabled_at AS disabledAt FROM users`;

type RawUser = Omit<UserRow, 'tenants' | 'totpEnabled'> & { tenants: string; totpEnabled: number };
function toRow(raw: RawUser): UserRow {
  return { ...raw, tenants: parseJson<string[]>(raw.tenants, []), totpEnabled: raw.totpEnabled === 1 };
}

/** Users, their password hashes, TOTP secrets and login failure counts. */
export class UserStore {
  constructor(private readonly db: Db) {}

  /** Returns false when the username is taken. */
  insert(user: NewUser): boolean {
    return this.db.prepare(
      `INSERT OR IGNORE INTO users (id, username, display_name, password_hash, role, tenants, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(user.id, user.username, user.displayName, user.passwordHash, user.role, JSON.stringify(user.tenants), user.createdAt, user.createdAt).changes > 0;
  }

  get(id: string): UserRow | undefined {
    const raw = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as RawUser | undefined;
    return raw && toRow(raw);
  }

  getByUsername(username: string): UserRow | undefined {
    const raw = this.db.prepare(`${SELECT} WHERE username = ?`).get(username) as RawUser | undefined;
    return raw && toRow(raw);
  }

  list(): UserRow[] {
    return (this.db.prepare(`${SELECT} ORDER BY username`).all() as RawUser[]).map(toRow);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  update(id: string, fields: Partial<Pick<UserRow, 'displayName' | 'passwordHash' | 'role' | 'tenants' | 'totpSecret' | 'totpEnabled' | 'totpLastStep' | 'failedLogins' | 'lockedUntil' | 'disabledAt'>>, at: number): void {
    const columns: Record<string, string> = {
      displayName: 'display_name', passwordHash: 'password_hash', role: 'role', tenants: 'tenants', totpSecret: 'totp_secret',
      totpEnabled: 'totp_enabled', totpLastStep: 'totp_last_step', failedLogins: 'failed_logins', lockedUntil: 'locked_until', disabledAt: 'disabled_at',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      sets.push(`${columns[key]} = ?`);
      values.push(key === 'tenants' ? JSON.stringify(value) : key === 'totpEnabled' ? (value ? 1 : 0) : value);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE users SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...values, at, id);
  }
}

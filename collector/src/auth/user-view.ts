import type { User } from '@vigil/shared';
import type { UserRow } from '../store/index.js';

/** A user as the API shows it: never the password hash, the TOTP secret or the failure count. */
export function publicUser(row: UserRow): User {
  return {
    id: row.id, username: row.username, displayName: row.displayName, role: row.role, tenants: row.tenants,
    totpEnabled: row.totpEnabled, lockedUntil: row.lockedUntil, createdAt: row.createdAt, disabledAt: row.disabledAt,
  };
}

/**
 * The tenant an audit entry about a user belongs to. A user of exactly one tenant is that
 * tenant's business, so its admins see the entry; anyone else is MSP-wide (null).
 */
export function auditTenantOf(user: { tenants: readonly string[] } | undefined): string | null {
  const only = user?.tenants.length === 1 ? user.tenants[0]! : null;
  return only === '*' ? null : only;
}

import { ROLE_PERMISSIONS, RoleSchema, type Permission, type Role } from '@vigil/shared';
import type { ApiTokenRow, UserRow } from '../store/index.js';

/** Who is asking: the token they presented, the user it acts for and what that allows. */
export interface Caller {
  tokenId: string;
  tokenKind: 'api' | 'session';
  /** Null for the bootstrap token, which acts as an owner without a user. */
  userId: string | null;
  /** The username, or the token's name when it has no user: what the audit log and alerts show. */
  name: string;
  role: Role;
  /** The tenants the caller works in, or every one. */
  tenants: 'all' | readonly string[];
  /** The role's permissions narrowed to the token's scopes. */
  permissions: ReadonlySet<Permission>;
  expiresAt: number | null;
}

/**
 * A token's caller, or why there is none. Checked on every request, so a revoked token, an expired
 * one and the tokens of a disabled user stop working at once.
 */
export function callerFor(token: ApiTokenRow | undefined, user: UserRow | undefined, now: number): Caller | { refused: string } {
  if (!token) return { refused: 'invalid API token' };
  if (token.revokedAt !== null) return { refused: 'API token has been revoked' };
  if (token.expiresAt !== null && token.expiresAt <= now) return { refused: 'API token has expired' };
  if (token.userId !== null && (!user || user.disabledAt !== null)) return { refused: 'the user of this API token is disabled' };
  const role: Role = user ? user.role : RoleSchema.catch('viewer').parse(token.role);
  const tenants = role === 'owner' ? 'all' : (user?.tenants ?? []);
  const granted = ROLE_PERMISSIONS[role];
  const permissions = token.scopes.includes('*') ? new Set(granted) : new Set(granted.filter((p) => token.scopes.includes(p)));
  return {
    tokenId: token.id, tokenKind: token.kind, userId: token.userId, name: user?.username ?? token.name, role, tenants, permissions,
    expiresAt: token.expiresAt,
  };
}

export function seesAllTenants(caller: Caller): boolean {
  return caller.tenants === 'all';
}

export function canSeeTenant(caller: Caller, tenantId: string): boolean {
  return caller.tenants === 'all' || caller.tenants.includes(tenantId);
}

/** For list queries: null for every tenant, else the caller's. */
export function visibleTenants(caller: Caller): readonly string[] | null {
  return caller.tenants === 'all' ? null : caller.tenants;
}

import type { Permission, WhoAmI } from '@vigil/shared';
import { can } from '../../app/permissions.js';

/** Whether the caller works in every tenant (an owner): `/auth/me` lists their tenants as `*`. */
export function seesAllTenants(me: WhoAmI): boolean {
  return me.tenants.includes('*');
}

/**
 * Whether the caller may change an object of this tenant: it takes the write permission, and an
 * MSP-wide object (no tenant) is read-only for users of single tenants (the API answers 403).
 */
export function mayChange(me: WhoAmI, permission: Permission, tenant: string | null | undefined): boolean {
  return can(me, permission) && (Boolean(tenant) || seesAllTenants(me));
}

/** The tenant a new object starts in: none (MSP-wide) for an all-tenant caller, else their first. */
export function defaultTenant(me: WhoAmI): string {
  return seesAllTenants(me) ? '' : (me.tenants[0] ?? '');
}

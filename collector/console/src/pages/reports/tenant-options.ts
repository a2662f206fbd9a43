/** Which tenants the report's picker offers. */

export interface TenantOption {
  /** '' for every tenant together. */
  id: string;
  label: string;
}

/** The fields of GET /api/v1/tenants the picker reads (the API has no shared schema for tenants). */
export interface TenantListing {
  tenants: { id: string; name: string }[];
}

/** `*` among a caller's tenants means every tenant, which the report API covers when none is named. */
export const seesAllTenants = (tenants: readonly string[]): boolean => tenants.includes('*');

/** The tenant a report opens on: every tenant for who sees them all, else the caller's first. */
export const defaultTenant = (myTenants: readonly string[]): string => (seesAllTenants(myTenants) ? '' : myTenants[0] ?? '');

/**
 * "All tenants" first for who may see them all, then each tenant by name; the caller's own ids
 * until the list has loaded (or when it cannot be).
 */
export function tenantOptions(myTenants: readonly string[], listing: TenantListing | null, selected: string): TenantOption[] {
  const named = listing?.tenants.map((t) => ({ id: t.id, label: t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id }))
    ?? myTenants.filter((t) => t !== '*').map((id) => ({ id, label: id }));
  const options = seesAllTenants(myTenants) ? [{ id: '', label: 'All tenants' }, ...named] : named;
  // A tenant named in the URL but not listed stays selectable, so that the picker shows what was asked for.
  if (!options.some((o) => o.id === selected)) options.push({ id: selected, label: selected || 'All tenants' });
  return options;
}

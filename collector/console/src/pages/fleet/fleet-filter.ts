import type { FleetRow } from '@vigil/shared';
import type { FleetFilters } from './fleet-query.js';

/** What the search box looks through, lower-cased once per row object (a refresh brings new ones). */
const haystacks = new WeakMap<FleetRow, string>();

function haystackOf(row: FleetRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    text = [row.hostname, row.id, ...row.tags, row.tenantId, row.siteId, `${row.tenantId}/${row.siteId}`].join('\n').toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/** The search box's words: each must appear somewhere (in any order). */
export function searchTerms(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter(Boolean);
}

export function hasSecurityPatches(row: FleetRow): boolean {
  return (row.patches?.security ?? 0) > 0;
}

export function matchesFleet(row: FleetRow, filters: FleetFilters, terms: readonly string[] = searchTerms(filters.q)): boolean {
  if (filters.tenant && row.tenantId !== filters.tenant) return false;
  if (filters.site && row.siteId !== filters.site) return false;
  if (filters.os && row.os.platform !== filters.os) return false;
  if (filters.presence && row.presence !== filters.presence) return false;
  if (filters.security && !hasSecurityPatches(row)) return false;
  if (filters.alerts && row.openAlerts === 0) return false;
  if (terms.length > 0) {
    const text = haystackOf(row);
    if (!terms.every((term) => text.includes(term))) return false;
  }
  return true;
}

export function filterFleet(rows: readonly FleetRow[], filters: FleetFilters): FleetRow[] {
  const terms = searchTerms(filters.q);
  return rows.filter((row) => matchesFleet(row, filters, terms));
}

export interface FleetOptions { tenants: string[]; sites: string[]; platforms: string[] }

/**
 * The choices of the filter lists: what the fleet holds (sites within the chosen tenant), plus the
 * value already chosen, so that a shared link naming a tenant with no agents still shows it.
 */
export function fleetOptions(rows: readonly FleetRow[], filters: Pick<FleetFilters, 'tenant' | 'site' | 'os'>): FleetOptions {
  const tenants = new Set<string>();
  const sites = new Set<string>();
  const platforms = new Set<string>();
  for (const row of rows) {
    tenants.add(row.tenantId);
    if (!filters.tenant || row.tenantId === filters.tenant) sites.add(row.siteId);
    platforms.add(row.os.platform);
  }
  if (filters.tenant) tenants.add(filters.tenant);
  if (filters.site) sites.add(filters.site);
  if (filters.os) platforms.add(filters.os);
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { tenants: sorted(tenants), sites: sorted(sites), platforms: sorted(platforms) };
}

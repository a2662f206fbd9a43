/**
 * The fleet page's filters and sort order, and how they live in the URL query (so a reload or a
 * shared link shows the same list).
 */

export const SORT_KEYS = ['hostname', 'lastSeen', 'patches', 'alerts'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';
export interface FleetSort { key: SortKey; dir: SortDirection }

export interface FleetFilters {
  /** Free text: every word must appear in the hostname, id, a tag, the tenant or the site. */
  q: string;
  tenant: string;
  site: string;
  /** OS platform (linux, windows, darwin). */
  os: string;
  presence: string;
  /** Only agents with pending security updates. */
  security: boolean;
  /** Only agents with unresolved alerts. */
  alerts: boolean;
}

export const NO_FILTERS: FleetFilters = { q: '', tenant: '', site: '', os: '', presence: '', security: false, alerts: false };
export const DEFAULT_SORT: FleetSort = { key: 'hostname', dir: 'asc' };

export const FLEET_QUERY_KEYS = ['q', 'tenant', 'site', 'os', 'presence', 'security', 'alerts', 'sort'] as const;
export type FleetQueryValues = Record<(typeof FLEET_QUERY_KEYS)[number], string>;

export interface FleetView { filters: FleetFilters; sort: FleetSort }

/** Names sort A to Z first; counts and times most (or latest) first, which is what one looks for. */
export function naturalDirection(key: SortKey): SortDirection {
  return key === 'hostname' ? 'asc' : 'desc';
}

/** A header clicked: the same column turns around, another starts in its natural direction. */
export function nextSort(current: FleetSort, key: SortKey): FleetSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: naturalDirection(key) };
}

/** `sort=lastSeen` is ascending, `sort=-lastSeen` descending; anything unknown is the default. */
function parseSort(value: string): FleetSort {
  const dir: SortDirection = value.startsWith('-') ? 'desc' : 'asc';
  const key = value.replace(/^[-+]/, '');
  return (SORT_KEYS as readonly string[]).includes(key) ? { key: key as SortKey, dir } : DEFAULT_SORT;
}

export function viewFromQuery(values: FleetQueryValues): FleetView {
  return {
    filters: {
      q: values.q, tenant: values.tenant, site: values.site, os: values.os, presence: values.presence,
      security: values.security === '1', alerts: values.alerts === '1',
    },
    sort: parseSort(values.sort),
  };
}

/** The query values for writeQuery: empty ones (the defaults) are left out of the URL. */
export function viewToQuery({ filters, sort }: FleetView): FleetQueryValues {
  const isDefault = sort.key === DEFAULT_SORT.key && sort.dir === DEFAULT_SORT.dir;
  return {
    q: filters.q, tenant: filters.tenant, site: filters.site, os: filters.os, presence: filters.presence,
    security: filters.security ? '1' : '', alerts: filters.alerts ? '1' : '',
    sort: isDefault ? '' : `${sort.dir === 'desc' ? '-' : ''}${sort.key}`,
  };
}

export function hasFilters(filters: FleetFilters): boolean {
  return Object.values(filters).some((value) => value !== '' && value !== false);
}

import type { FleetOptions } from './fleet-filter.js';
import { platformName } from './fleet-format.js';
import { hasFilters, NO_FILTERS, type FleetFilters } from './fleet-query.js';

interface Props {
  filters: FleetFilters;
  options: FleetOptions;
  shown: number;
  total: number;
  onChange: (patch: Partial<FleetFilters>) => void;
}

const PRESENCES = ['online', 'offline', 'unknown'] as const;

export function FleetToolbar({ filters, options, shown, total, onChange }: Props) {
  return (
    <form class="toolbar fleet-toolbar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <input type="search" aria-label="Search" placeholder="Search host, id, tag, tenant/site…" value={filters.q}
        onInput={(e) => onChange({ q: e.currentTarget.value })} />
      {/* A site belongs to its tenant: another tenant's list may not have it. */}
      <select aria-label="Tenant" value={filters.tenant} onChange={(e) => onChange({ tenant: e.currentTarget.value, site: '' })}>
        <option value="">All tenants</option>
        {options.tenants.map((t) => <option key={t} value={t}>{t}</option>)}
      </select>
      <select aria-label="Site" value={filters.site} onChange={(e) => onChange({ site: e.currentTarget.value })}>
        <option value="">All sites</option>
        {options.sites.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <select aria-label="OS" value={filters.os} onChange={(e) => onChange({ os: e.currentTarget.value })}>
        <option value="">All OS</option>
        {options.platforms.map((p) => <option key={p} value={p}>{platformName(p)}</option>)}
      </select>
      <select aria-label="Presence" value={filters.presence} onChange={(e) => onChange({ presence: e.currentTarget.value })}>
        <option value="">Any presence</option>
        {PRESENCES.map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
      <label class="fleet-check">
        <input type="checkbox" checked={filters.security} onChange={(e) => onChange({ security: e.currentTarget.checked })} />
        Has security patches
      </label>
      <label class="fleet-check">
        <input type="checkbox" checked={filters.alerts} onChange={(e) => onChange({ alerts: e.currentTarget.checked })} />
        Has open alerts
      </label>
      {hasFilters(filters) && <button type="button" onClick={() => onChange(NO_FILTERS)}>Clear filters</button>}
      <span class="spacer" />
      <span class="count" aria-live="polite">{shown} of {total} agents</span>
    </form>
  );
}

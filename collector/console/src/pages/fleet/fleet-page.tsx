import type { FleetResponse, FleetRow } from '@vigil/shared';
import { useMemo, useState } from 'preact/hooks';
import type { PageProps } from '../../app/pages.js';
import { readQuery, writeQuery } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { useEvery } from '../../ui/use-every.js';
import { countFleet } from './fleet-counts.js';
import { filterFleet, fleetOptions } from './fleet-filter.js';
import { FLEET_QUERY_KEYS, nextSort, viewFromQuery, viewToQuery, type FleetFilters, type FleetView, type SortKey } from './fleet-query.js';
import { sortFleet } from './fleet-sort.js';
import { FleetSummary } from './fleet-summary.js';
import { FleetTable } from './fleet-table.js';
import { FleetToolbar } from './fleet-toolbar.js';
import './fleet-page.css';

/** Presence and last-seen times move; the list follows this often while the tab is in view. */
const REFRESH_MS = 15_000;
const NO_ROWS: readonly FleetRow[] = [];

/**
 * Every endpoint the user may see, from one GET /api/v1/fleet: filtered and sorted here in memory,
 * with the filters and order kept in the URL, and refreshed in place (scroll and filters stay).
 */
export function FleetPage({ onSignedOut }: PageProps) {
  const fleet = useResource<FleetResponse>('/api/v1/fleet', onSignedOut);
  useEvery(REFRESH_MS, fleet.reload);
  const [view, setView] = useState<FleetView>(() => viewFromQuery(readQuery(FLEET_QUERY_KEYS)));
  const { filters, sort } = view;

  const change = (next: FleetView) => {
    setView(next);
    writeQuery(viewToQuery(next));
  };
  const filter = (patch: Partial<FleetFilters>) => change({ filters: { ...filters, ...patch }, sort });
  const sortBy = (key: SortKey) => change({ filters, sort: nextSort(sort, key) });

  const all = fleet.data?.agents ?? NO_ROWS;
  const shown = useMemo(() => sortFleet(filterFleet(all, filters), sort), [all, filters, sort]);
  const counts = useMemo(() => countFleet(all), [all]);
  const options = useMemo(() => fleetOptions(all, filters), [all, filters.tenant, filters.site, filters.os]);

  const empty = fleet.data === null
    ? (fleet.loading ? 'Loading agents…' : 'The fleet could not be loaded.')
    : all.length === 0 ? 'No agents enrolled yet.' : 'No agents match the filters.';

  return (
    <div class="fleet-page">
      <div class="page-head">
        <h2>Fleet</h2>
        {fleet.data?.truncated && (
          <span class="badge badge-warn" role="status">Showing the first {all.length} agents by hostname; the fleet has more.</span>
        )}
        {fleet.error && (
          <span class="form-error" role="alert">
            {fleet.data ? 'Refresh failed, showing the last list: ' : ''}{fleet.error.message}
          </span>
        )}
      </div>
      <FleetSummary counts={counts} filters={filters} onFilter={filter} />
      <FleetToolbar filters={filters} options={options} shown={shown.length} total={all.length} onChange={filter} />
      <FleetTable rows={shown} sort={sort} onSort={sortBy} empty={empty} resetKey={JSON.stringify(view)} />
    </div>
  );
}

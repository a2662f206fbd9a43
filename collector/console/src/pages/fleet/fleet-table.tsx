import type { FleetRow } from '@vigil/shared';
import { useEffect, useState } from 'preact/hooks';
import { onTick } from '../../ui/clock.js';
import { useVirtualRows } from '../../ui/virtual-rows.js';
import type { FleetSort, SortKey } from './fleet-query.js';
import { FLEET_ROW_HEIGHT, FleetRowView } from './fleet-row.js';

interface Props {
  rows: readonly FleetRow[];
  sort: FleetSort;
  onSort: (key: SortKey) => void;
  /** Shown instead of rows when there are none. */
  empty: string;
  /** Changes when the filters or the order change: the list goes back to its top then (not on a refresh). */
  resetKey: string;
}

/** The wall clock, once a second, for the "last seen" times of the rows in view. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => onTick(setNow), []);
  return now;
}

/**
 * The agents as a windowed table: only the rows in view (and a few around them) are in the DOM,
 * so ten thousand agents scroll as smoothly as fifty. The header sticks to the top of the scroller.
 */
export function FleetTable({ rows, sort, onSort, empty, resetKey }: Props) {
  const { ref, first, last, total, onScroll } = useVirtualRows(rows.length, FLEET_ROW_HEIGHT);
  const now = useNow();

  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
  }, [resetKey]);

  return (
    <div class="fleet-scroller" ref={ref} onScroll={onScroll} role="table" aria-label="Agents" aria-rowcount={rows.length + 1}>
      <div class="fleet-head fleet-grid" role="row" aria-rowindex={1}>
        <span role="columnheader">Presence</span>
        <SortHeader label="Host" column="hostname" sort={sort} onSort={onSort} />
        <span role="columnheader">Tenant / site</span>
        <span role="columnheader">OS</span>
        <span role="columnheader">Tags</span>
        <SortHeader label="Last seen" column="lastSeen" sort={sort} onSort={onSort} />
        <SortHeader label="Patches" column="patches" sort={sort} onSort={onSort} title="pending / security" />
        <SortHeader label="Alerts" column="alerts" sort={sort} onSort={onSort} />
        <span role="columnheader">Agent</span>
      </div>
      {rows.length === 0 && <p class="empty">{empty}</p>}
      <div class="fleet-body" role="rowgroup" style={{ height: `${total}px` }}>
        {rows.slice(first, last).map((row, i) => <FleetRowView key={row.id} row={row} index={first + i} now={now} />)}
      </div>
    </div>
  );
}

interface SortHeaderProps { label: string; column: SortKey; sort: FleetSort; onSort: (key: SortKey) => void; title?: string }

function SortHeader({ label, column, sort, onSort, title }: SortHeaderProps) {
  const active = sort.key === column;
  const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <span role="columnheader" aria-sort={ariaSort}>
      <button type="button" class="fleet-sort" title={title ? `Sort by ${label.toLowerCase()} (${title})` : `Sort by ${label.toLowerCase()}`} onClick={() => onSort(column)}>
        {label}{active && <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
      </button>
    </span>
  );
}

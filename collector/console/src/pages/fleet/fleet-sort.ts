import type { FleetRow, Priority } from '@vigil/shared';
import type { FleetSort, SortKey } from './fleet-query.js';

/** host-2 before host-10, and case does not matter. */
const hostnames = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const URGENCY: Readonly<Record<Priority, number>> = { P1: 4, P2: 3, P3: 2, P4: 1 };

/**
 * A row's value for a sort column as numbers compared in order, or null when the agent has not
 * told (never seen, no patch scan): those rows go last whichever way the column is sorted.
 */
function sortValue(row: FleetRow, key: Exclude<SortKey, 'hostname'>): number[] | null {
  switch (key) {
    case 'lastSeen':
      return row.lastSeenAt === null ? null : [row.lastSeenAt];
    case 'patches':
      // Security updates weigh first; a source that cannot classify them counts as none of those.
      return row.patches === null ? null : [row.patches.security ?? 0, row.patches.pending];
    case 'alerts':
      return [row.openAlerts, row.highestPriority ? URGENCY[row.highestPriority] : 0];
  }
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function byHostname(a: FleetRow, b: FleetRow): number {
  return hostnames.compare(a.hostname, b.hostname) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A sorted copy; ties (and rows without a value) fall back to hostname, then id, so the order is stable across refreshes. */
export function sortFleet(rows: readonly FleetRow[], sort: FleetSort): FleetRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.key === 'hostname') return [...rows].sort((a, b) => sign * byHostname(a, b));
  const key = sort.key;
  // Computed once per row rather than once per comparison.
  const values = new Map(rows.map((row) => [row, sortValue(row, key)]));
  return [...rows].sort((a, b) => {
    const va = values.get(a) ?? null;
    const vb = values.get(b) ?? null;
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
      return byHostname(a, b);
    }
    return sign * compareNumbers(va, vb) || byHostname(a, b);
  });
}

import type { Alert, Priority } from '@vigil/shared';

export const FILTER_KEYS = ['tenant', 'site', 'priority', 'state', 'q', 'group'] as const;
export type FeedFilters = Record<(typeof FILTER_KEYS)[number], string>;
export type GroupBy = '' | 'tenant' | 'priority';

const PRIORITY_ORDER: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** A line of the feed's list: a group's header or an alert. Both are one row high. */
export type FeedItem =
  | { kind: 'group'; key: string; label: string; count: number; worst: Priority; collapsed: boolean }
  | { kind: 'alert'; alert: Alert };

/** `site` is `tenant/site`, as sites are named within their tenant. */
export function siteKey(alert: Alert): string {
  return `${alert.tenantId}/${alert.siteId}`;
}

export function matches(alert: Alert, f: FeedFilters): boolean {
  if (f.tenant && alert.tenantId !== f.tenant) return false;
  if (f.site && siteKey(alert) !== f.site) return false;
  if (f.priority && alert.priority !== f.priority) return false;
  if (f.state && alert.state !== f.state) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = [alert.id, alert.hostname, alert.ruleName, alert.metric, alert.tenantId, alert.siteId, alert.comment ?? '', ...Object.values(alert.labels)].join(' ').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/** Newest first; ties broken by id so the order never jitters between renders. */
export function newestFirst(a: Alert, b: Alert): number {
  return b.openedAt - a.openedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function groupKey(alert: Alert, by: Exclude<GroupBy, ''>): string {
  return by === 'tenant' ? alert.tenantId : alert.priority;
}

/**
 * The list the feed renders: the matching alerts newest first, or, grouped, each group's header
 * (P1 first, or tenants by name) followed by its alerts unless the group is collapsed.
 */
export function feedItems(alerts: readonly Alert[], filters: FeedFilters, collapsed: ReadonlySet<string>): { items: FeedItem[]; matching: number } {
  const rows = alerts.filter((a) => matches(a, filters)).sort(newestFirst);
  const by = filters.group === 'tenant' || filters.group === 'priority' ? filters.group : '';
  if (!by) return { items: rows.map((alert) => ({ kind: 'alert', alert })), matching: rows.length };

  const groups = new Map<string, Alert[]>();
  for (const alert of rows) {
    const key = groupKey(alert, by);
    const list = groups.get(key);
    if (list) list.push(alert);
    else groups.set(key, [alert]);
  }
  const keys = [...groups.keys()].sort(by === 'priority'
    ? (a, b) => PRIORITY_ORDER.indexOf(a as Priority) - PRIORITY_ORDER.indexOf(b as Priority)
    : (a, b) => a.localeCompare(b));
  const items: FeedItem[] = [];
  for (const key of keys) {
    const members = groups.get(key)!;
    const worst = PRIORITY_ORDER.find((p) => members.some((a) => a.priority === p)) ?? 'P4';
    const isCollapsed = collapsed.has(key);
    items.push({ kind: 'group', key, label: key, count: members.length, worst, collapsed: isCollapsed });
    if (!isCollapsed) for (const alert of members) items.push({ kind: 'alert', alert });
  }
  return { items, matching: rows.length };
}

/** The index of the next (step 1) or previous (step -1) alert row from `from`, skipping headers; -1 if none. */
export function stepAlert(items: readonly FeedItem[], from: number, step: 1 | -1): number {
  for (let i = from + step; i >= 0 && i < items.length; i += step) if (items[i]!.kind === 'alert') return i;
  return -1;
}

import type { Alert } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { feedItems, stepAlert, type FeedFilters } from './feed-rows.js';

const NONE: FeedFilters = { tenant: '', site: '', priority: '', state: '', q: '', group: '' };

function alert(id: string, extra: Partial<Alert>): Alert {
  return {
    id, ruleId: 'rul_1', ruleName: 'CPU high', agentId: 'agt_1', hostname: `host-${id}`, tenantId: 'acme', siteId: 'hq',
    metric: 'cpu.usage_pct', labels: {}, op: '>=', threshold: 90, priority: 'P3', state: 'open', openValue: 95, value: 95,
    openedAt: 1000, updatedAt: 1000, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
    comment: null, occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null,
    respondBy: null, resolveBy: null, respondBreachedAt: null, resolveBreachedAt: null, escalationLevel: 1, escalatedAt: null, suppressedBy: null,
    ...extra,
  } as Alert;
}

const alerts = [
  alert('a', { tenantId: 'globex', priority: 'P2', openedAt: 3000 }),
  alert('b', { tenantId: 'acme', siteId: 'branch', priority: 'P1', openedAt: 1000, labels: { mount: '/var' } }),
  alert('c', { tenantId: 'acme', priority: 'P4', openedAt: 2000, state: 'acknowledged', comment: 'on it' }),
  alert('d', { tenantId: 'globex', priority: 'P1', openedAt: 4000 }),
];

const ids = (items: ReturnType<typeof feedItems>['items']) => items.map((i) => (i.kind === 'group' ? `[${i.key}:${i.count}:${i.worst}]` : i.alert.id));

describe('feedItems', () => {
  it('lists matching alerts newest first', () => {
    expect(ids(feedItems(alerts, NONE, new Set()).items)).toEqual(['d', 'a', 'c', 'b']);
  });

  it('filters by tenant, site, priority, state and free text over labels and comments', () => {
    expect(ids(feedItems(alerts, { ...NONE, tenant: 'acme' }, new Set()).items)).toEqual(['c', 'b']);
    expect(ids(feedItems(alerts, { ...NONE, site: 'acme/branch' }, new Set()).items)).toEqual(['b']);
    expect(ids(feedItems(alerts, { ...NONE, priority: 'P1' }, new Set()).items)).toEqual(['d', 'b']);
    expect(ids(feedItems(alerts, { ...NONE, state: 'acknowledged' }, new Set()).items)).toEqual(['c']);
    expect(ids(feedItems(alerts, { ...NONE, q: '/VAR' }, new Set()).items)).toEqual(['b']);
    expect(ids(feedItems(alerts, { ...NONE, q: 'on it' }, new Set()).items)).toEqual(['c']);
  });

  it('groups by priority, P1 first, each group newest first with its size and worst priority', () => {
    expect(ids(feedItems(alerts, { ...NONE, group: 'priority' }, new Set()).items)).toEqual(['[P1:2:P1]', 'd', 'b', '[P2:1:P2]', 'a', '[P4:1:P4]', 'c']);
  });

  it('groups by tenant by name, and a collapsed group keeps only its header', () => {
    const { items, matching } = feedItems(alerts, { ...NONE, group: 'tenant' }, new Set(['globex']));
    expect(ids(items)).toEqual(['[acme:2:P1]', 'c', 'b', '[globex:2:P1]']);
    expect(matching).toBe(4);
  });
});

describe('stepAlert', () => {
  it('moves between alert rows, skipping group headers', () => {
    const { items } = feedItems(alerts, { ...NONE, group: 'priority' }, new Set());
    expect(stepAlert(items, -1, 1)).toBe(1);
    expect(stepAlert(items, 2, 1)).toBe(4);
    expect(stepAlert(items, 4, -1)).toBe(2);
    expect(stepAlert(items, 1, -1)).toBe(-1);
    expect(stepAlert(items, 6, 1)).toBe(-1);
  });
});

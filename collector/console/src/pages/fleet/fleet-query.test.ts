import { describe, expect, it } from 'vitest';
import { DEFAULT_SORT, FLEET_QUERY_KEYS, hasFilters, nextSort, NO_FILTERS, viewFromQuery, viewToQuery, type FleetQueryValues } from './fleet-query.js';

const EMPTY = Object.fromEntries(FLEET_QUERY_KEYS.map((k) => [k, ''])) as FleetQueryValues;

describe('the fleet view in the URL query', () => {
  it('reads an empty query as no filters and hostname A to Z, and writes nothing back for it', () => {
    const view = viewFromQuery(EMPTY);
    expect(view).toEqual({ filters: NO_FILTERS, sort: DEFAULT_SORT });
    expect(Object.values(viewToQuery(view)).filter(Boolean)).toEqual([]);
    expect(hasFilters(view.filters)).toBe(false);
  });

  it('round-trips every filter and a descending sort', () => {
    const query: FleetQueryValues = { q: 'web db', tenant: 'acme', site: 'hq', os: 'windows', presence: 'offline', security: '1', alerts: '1', sort: '-lastSeen' };
    const view = viewFromQuery(query);
    expect(view).toEqual({
      filters: { q: 'web db', tenant: 'acme', site: 'hq', os: 'windows', presence: 'offline', security: true, alerts: true },
      sort: { key: 'lastSeen', dir: 'desc' },
    });
    expect(viewToQuery(view)).toEqual(query);
    expect(hasFilters(view.filters)).toBe(true);
  });

  it('falls back to the default order for a sort it does not know', () => {
    expect(viewFromQuery({ ...EMPTY, sort: '-cpu' }).sort).toEqual(DEFAULT_SORT);
    expect(viewFromQuery({ ...EMPTY, sort: 'patches' }).sort).toEqual({ key: 'patches', dir: 'asc' });
  });

  it('turns a clicked column around, and starts another in its natural direction', () => {
    expect(nextSort(DEFAULT_SORT, 'hostname')).toEqual({ key: 'hostname', dir: 'desc' });
    expect(nextSort(DEFAULT_SORT, 'alerts')).toEqual({ key: 'alerts', dir: 'desc' });
    expect(nextSort({ key: 'alerts', dir: 'desc' }, 'alerts')).toEqual({ key: 'alerts', dir: 'asc' });
    expect(nextSort({ key: 'alerts', dir: 'desc' }, 'hostname')).toEqual({ key: 'hostname', dir: 'asc' });
  });
});

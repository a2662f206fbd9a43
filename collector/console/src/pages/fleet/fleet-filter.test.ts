import { describe, expect, it } from 'vitest';
import { countFleet } from './fleet-counts.js';
import { filterFleet, fleetOptions, searchTerms } from './fleet-filter.js';
import { NO_FILTERS } from './fleet-query.js';
import { fleetRow } from './fleet-test-rows.js';

const rows = [
  fleetRow('agt_web', { hostname: 'web-01', tags: ['nginx', 'prod'], patches: { pending: 4, security: 2, rebootRequired: false } }),
  fleetRow('agt_db', { hostname: 'db-01', siteId: 'branch', presence: 'offline', online: false, openAlerts: 2, highestPriority: 'P1' }),
  fleetRow('agt_win', { hostname: 'WIN-SRV', tenantId: 'globex', os: { platform: 'windows', distro: 'Windows Server', release: '2022' },
    patches: { pending: 3, security: null, rebootRequired: true } }),
  fleetRow('agt_new', { hostname: 'mac-1', tenantId: 'globex', os: { platform: 'darwin', distro: 'macOS', release: '14' }, presence: 'unknown', online: false, lastSeenAt: null }),
];
const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);

describe('filterFleet', () => {
  it('keeps everything without filters', () => {
    expect(ids(filterFleet(rows, NO_FILTERS))).toEqual(['agt_web', 'agt_db', 'agt_win', 'agt_new']);
  });

  it('searches hostname, id, tags, tenant and site, case-insensitively, every word having to match', () => {
    const q = (text: string) => ids(filterFleet(rows, { ...NO_FILTERS, q: text }));
    expect(q('WEB')).toEqual(['agt_web']);
    expect(q('agt_win')).toEqual(['agt_win']);
    expect(q('nginx')).toEqual(['agt_web']);
    expect(q('branch')).toEqual(['agt_db']);
    expect(q('globex')).toEqual(['agt_win', 'agt_new']);
    expect(q('acme/hq')).toEqual(['agt_web']);
    expect(q('  prod   web ')).toEqual(['agt_web']);
    expect(q('prod db')).toEqual([]);
    expect(searchTerms('  A  b ')).toEqual(['a', 'b']);
  });

  it('filters by tenant, site, OS, presence, security patches and open alerts', () => {
    const f = (patch: Partial<typeof NO_FILTERS>) => ids(filterFleet(rows, { ...NO_FILTERS, ...patch }));
    expect(f({ tenant: 'acme' })).toEqual(['agt_web', 'agt_db']);
    expect(f({ tenant: 'acme', site: 'branch' })).toEqual(['agt_db']);
    expect(f({ os: 'windows' })).toEqual(['agt_win']);
    expect(f({ presence: 'offline' })).toEqual(['agt_db']);
    expect(f({ presence: 'unknown' })).toEqual(['agt_new']);
    // Pending updates a source cannot classify are not security patches.
    expect(f({ security: true })).toEqual(['agt_web']);
    expect(f({ alerts: true })).toEqual(['agt_db']);
    expect(f({ alerts: true, tenant: 'globex' })).toEqual([]);
  });
});

describe('fleetOptions', () => {
  it('offers the tenants, the sites of the chosen tenant and the platforms, sorted', () => {
    expect(fleetOptions(rows, NO_FILTERS)).toEqual({ tenants: ['acme', 'globex'], sites: ['branch', 'hq'], platforms: ['darwin', 'linux', 'windows'] });
    expect(fleetOptions(rows, { ...NO_FILTERS, tenant: 'globex' }).sites).toEqual(['hq']);
  });

  it('keeps a chosen value that no agent has, as a shared link may name one', () => {
    expect(fleetOptions([], { tenant: 'initech', site: 'lab', os: 'windows' })).toEqual({ tenants: ['initech'], sites: ['lab'], platforms: ['windows'] });
  });
});

describe('countFleet', () => {
  it('counts the whole fleet, online, offline, with security patches and with open alerts', () => {
    expect(countFleet(rows)).toEqual({ total: 4, online: 2, offline: 1, security: 1, alerts: 1 });
    expect(countFleet([])).toEqual({ total: 0, online: 0, offline: 0, security: 0, alerts: 0 });
  });
});

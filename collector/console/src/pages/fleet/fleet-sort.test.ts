import { describe, expect, it } from 'vitest';
import { sortFleet } from './fleet-sort.js';
import { fleetRow } from './fleet-test-rows.js';

const rows = [
  fleetRow('agt_1', { hostname: 'host-10', lastSeenAt: 3_000, patches: { pending: 9, security: 0, rebootRequired: false }, openAlerts: 1, highestPriority: 'P3' }),
  fleetRow('agt_2', { hostname: 'host-2', lastSeenAt: null, patches: { pending: 1, security: 1, rebootRequired: null } }),
  fleetRow('agt_3', { hostname: 'Host-1', lastSeenAt: 5_000, patches: null, openAlerts: 1, highestPriority: 'P1' }),
  fleetRow('agt_4', { hostname: 'host-2', lastSeenAt: 4_000, patches: { pending: 5, security: null, rebootRequired: true }, openAlerts: 3, highestPriority: 'P4' }),
];
const order = (key: 'hostname' | 'lastSeen' | 'patches' | 'alerts', dir: 'asc' | 'desc') => sortFleet(rows, { key, dir }).map((r) => r.id);

describe('sortFleet', () => {
  it('sorts hostnames naturally and without regard to case, ties by id', () => {
    expect(order('hostname', 'asc')).toEqual(['agt_3', 'agt_2', 'agt_4', 'agt_1']);
    expect(order('hostname', 'desc')).toEqual(['agt_1', 'agt_4', 'agt_2', 'agt_3']);
  });

  it('sorts by last seen, an agent never seen going last either way', () => {
    expect(order('lastSeen', 'desc')).toEqual(['agt_3', 'agt_4', 'agt_1', 'agt_2']);
    expect(order('lastSeen', 'asc')).toEqual(['agt_1', 'agt_4', 'agt_3', 'agt_2']);
  });

  it('sorts by security updates, then pending ones, an agent without a scan going last', () => {
    expect(order('patches', 'desc')).toEqual(['agt_2', 'agt_1', 'agt_4', 'agt_3']);
    expect(order('patches', 'asc')).toEqual(['agt_4', 'agt_1', 'agt_2', 'agt_3']);
  });

  it('sorts by open alerts, then by the most urgent of them', () => {
    expect(order('alerts', 'desc')).toEqual(['agt_4', 'agt_3', 'agt_1', 'agt_2']);
    expect(order('alerts', 'asc')).toEqual(['agt_2', 'agt_1', 'agt_3', 'agt_4']);
  });

  it('leaves its input alone', () => {
    const before = rows.map((r) => r.id);
    sortFleet(rows, { key: 'alerts', dir: 'desc' });
    expect(rows.map((r) => r.id)).toEqual(before);
  });
});

import type { InstalledPackage, PendingPatch, StoredEvent } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { filterPackages, newestEvents, orderPatches, readInventory, readPatches, readServices, readSmart } from './section-data.js';

describe('reading sections', () => {
  it('tells a section that was never reported from one it cannot read', () => {
    expect(readPatches({})).toEqual({ state: 'missing' });
    expect(readPatches({ patches: null })).toEqual({ state: 'missing' });
    expect(readPatches({ patches: { items: 'none' } })).toEqual({ state: 'unreadable' });
    expect(readPatches({ patches: [] })).toEqual({ state: 'unreadable' });
    const patches = { source: 'apt', pending: 0, securityPending: 0, rebootRequired: false, items: [], truncated: 0, scannedAt: 1 };
    expect(readPatches({ patches })).toEqual({ state: 'ok', value: patches });
  });

  it('checks each section for the parts the page draws', () => {
    expect(readSmart({ smart: { status: 'unknown', reason: 'no smartctl', disks: [] } }).state).toBe('ok');
    expect(readSmart({ smart: { disks: [] } }).state).toBe('unreadable');
    expect(readServices({ services: { manager: 'systemd', services: [] } }).state).toBe('ok');
    expect(readServices({ services: { manager: 'systemd' } }).state).toBe('unreadable');
    const inventory = {
      collectedAt: 1, os: { platform: 'linux' }, hardware: {}, cpu: {}, memory: {}, disks: [], network: [],
      software: { status: 'ok', count: 0, packages: [] },
    };
    expect(readInventory({ inventory }).state).toBe('ok');
    expect(readInventory({ inventory: { ...inventory, software: { status: 'ok' } } }).state).toBe('unreadable');
    expect(readInventory({ patches: {} }).state).toBe('missing');
  });
});

describe('ordering and filtering', () => {
  const patch = (name: string, security: boolean, restartRequired?: boolean): PendingPatch => ({ name, version: '1', security, ...(restartRequired ? { restartRequired } : {}) });

  it('lists security updates first, then those that want a restart', () => {
    const ordered = orderPatches([patch('zlib', false), patch('openssl', true), patch('kernel', false, true), patch('curl', true)]);
    expect(ordered.map((p) => p.name)).toEqual(['curl', 'openssl', 'kernel', 'zlib']);
  });

  it('filters software by name or publisher and caps what is drawn', () => {
    const packages: InstalledPackage[] = [
      { name: 'openssl', version: '3' }, { name: 'libssl3' }, { name: 'Office', publisher: 'Microsoft Corporation' }, { name: 'bash' },
    ];
    expect(filterPackages(packages, 'SSL', 10)).toEqual({ shown: [packages[0], packages[1]], matched: 2 });
    expect(filterPackages(packages, 'microsoft', 10).shown.map((p) => p.name)).toEqual(['Office']);
    expect(filterPackages(packages, '  ', 2)).toEqual({ shown: packages.slice(0, 2), matched: 4 });
  });

  it('shows the newest events first, optionally of one level', () => {
    const event = (id: string, ts: number, level: StoredEvent['level'], seq = 1): StoredEvent => ({ id, log: 'journal', level, ts, message: id, seq, receivedAt: ts });
    const events = [event('a', 1, 'error'), event('b', 3, 'warning'), event('c', 2, 'error'), event('d', 3, 'error', 2)];
    expect(newestEvents(events, '', 10).map((e) => e.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(newestEvents(events, 'error', 2).map((e) => e.id)).toEqual(['d', 'c']);
    // The input is left as it was.
    expect(events.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

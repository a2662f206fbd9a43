import type { FleetRow } from '@vigil/shared';

/** A fleet row for the page's unit tests: an online Debian server in acme/hq unless told otherwise. */
export function fleetRow(id: string, extra: Partial<FleetRow> = {}): FleetRow {
  return {
    id, hostname: `host-${id}`, tenantId: 'acme', siteId: 'hq', os: { platform: 'linux', distro: 'Debian', release: '12' },
    tags: [], presence: 'online', online: true, lastSeenAt: 1_000, revokedAt: null, agentVersion: '1.0.0',
    patches: null, openAlerts: 0, highestPriority: null, ...extra,
  };
}

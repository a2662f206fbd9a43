/** A site, named as alerts name it: site ids are only unique within their tenant. */
export interface SiteRef {
  tenantId: string;
  siteId: string;
}

/** How many of a site's watched agents (non-revoked, connected at least once) are offline now. */
export interface SiteCount extends SiteRef {
  watched: number;
  offline: number;
}

export interface SiteOutageConfig {
  /** The site is down when strictly more than this share of its watched agents is offline. */
  share: number;
  /** ... and at least this many are: a two-machine site with both off is two agent alerts, not an outage. */
  minOffline: number;
}

/** "Most" of a site, and never fewer than three machines. */
export const DEFAULT_SITE_OUTAGE: SiteOutageConfig = { share: 0.5, minOffline: 3 };

export function siteKey(site: SiteRef): string {
  return JSON.stringify([site.tenantId, site.siteId]);
}

export function siteIsDown(count: SiteCount, config: SiteOutageConfig): boolean {
  // Compared as offline / watched > share without dividing, so exactly half is never "most".
  return count.offline >= config.minOffline && count.offline > config.share * count.watched;
}

export interface SiteDecision {
  /** Sites that are down now and were not. */
  down: SiteCount[];
  /** Sites that were down and no longer are (including sites with no watched agent left). */
  up: SiteRef[];
}

/** Compares the sites' counts now with the sites currently held down; no clock, no I/O. */
export function decideSites(counts: Iterable<SiteCount>, currentlyDown: readonly SiteRef[], config: SiteOutageConfig): SiteDecision {
  const wasDown = new Map(currentlyDown.map((site) => [siteKey(site), site]));
  const down: SiteCount[] = [];
  const up: SiteRef[] = [];
  const counted = new Set<string>();
  for (const count of counts) {
    const key = siteKey(count);
    counted.add(key);
    const isDown = siteIsDown(count, config);
    if (isDown && !wasDown.has(key)) down.push(count);
    if (!isDown && wasDown.has(key)) up.push(wasDown.get(key)!);
  }
  for (const [key, site] of wasDown) if (!counted.has(key)) up.push(site);
  return { down, up };
}

/** Per-site counts from each watched agent's site and presence. */
export function countSites(agents: Iterable<{ site: SiteRef; online: boolean }>): SiteCount[] {
  const counts = new Map<string, SiteCount>();
  for (const { site, online } of agents) {
    const key = siteKey(site);
    let count = counts.get(key);
    if (!count) counts.set(key, (count = { tenantId: site.tenantId, siteId: site.siteId, watched: 0, offline: 0 }));
    count.watched += 1;
    if (!online) count.offline += 1;
  }
  return [...counts.values()];
}

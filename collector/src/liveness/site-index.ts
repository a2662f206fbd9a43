import { siteKey, type SiteRef } from './site-outage.js';

/**
 * Each watched agent's site, and each site's agents: counting the sites a presence change
 * touched then costs the agents of those sites, not a scan of the whole fleet (which made every
 * connect of a 10,000-agent fleet walk all 10,000).
 */
export class SiteIndex {
  private readonly siteOfAgent = new Map<string, { site: SiteRef; key: string }>();
  private readonly agentsOfSite = new Map<string, Set<string>>();

  set(agentId: string, site: SiteRef): void {
    const key = siteKey(site);
    const current = this.siteOfAgent.get(agentId);
    if (current?.key === key) return;
    if (current) this.delete(agentId);
    this.siteOfAgent.set(agentId, { site, key });
    let agents = this.agentsOfSite.get(key);
    if (!agents) this.agentsOfSite.set(key, (agents = new Set()));
    agents.add(agentId);
  }

  get(agentId: string): SiteRef | undefined {
    return this.siteOfAgent.get(agentId)?.site;
  }

  delete(agentId: string): void {
    const current = this.siteOfAgent.get(agentId);
    if (!current) return;
    this.siteOfAgent.delete(agentId);
    const agents = this.agentsOfSite.get(current.key);
    agents?.delete(agentId);
    if (agents?.size === 0) this.agentsOfSite.delete(current.key);
  }

  /** The agents of these sites, each once, with its site. */
  agentsOf(sites: readonly SiteRef[]): Array<{ agentId: string; site: SiteRef }> {
    const out: Array<{ agentId: string; site: SiteRef }> = [];
    for (const key of new Set(sites.map(siteKey))) {
      for (const agentId of this.agentsOfSite.get(key) ?? []) out.push({ agentId, site: this.siteOfAgent.get(agentId)!.site });
    }
    return out;
  }
}

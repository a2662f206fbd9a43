import type { Priority } from '@vigil/shared';
import { siteKey, type SiteCount, type SiteRef } from '../liveness/site-outage.js';
import { AGENT_ONLINE_METRIC, seriesKey } from '../rules/index.js';
import { NEW_ALERT_LIFECYCLE, type AlertRecord, type Store } from '../store/index.js';
import { newId } from '../store/ids.js';

/**
 * A site is down (most of its agents offline at once): one alert for the site, computed by the
 * collector like `agent.online` but with no stored rule behind it. It belongs to no agent, so its
 * agentId and hostname are empty; tenantId and siteId name the site.
 */
export const SITE_ONLINE_METRIC = 'site.online';
export const SITE_OFFLINE_RULE_ID = 'rul_site_offline';
export const SITE_OFFLINE_RULE_NAME = 'Site offline';

/** Opens on 0 like the agent offline alert (`< 1`), and resolves on 1. */
export function siteAlertRecord(site: SiteRef, priority: Priority, at: number): AlertRecord {
  // Both ids encoded apart, so that no tenant/site pair can produce another pair's series.
  const key = seriesKey(SITE_OFFLINE_RULE_ID, `${encodeURIComponent(site.tenantId)}/${encodeURIComponent(site.siteId)}`, {});
  return {
    id: newId('alr'), seriesKey: key, ruleId: SITE_OFFLINE_RULE_ID, ruleName: SITE_OFFLINE_RULE_NAME, agentId: '', hostname: '',
    tenantId: site.tenantId, siteId: site.siteId, metric: SITE_ONLINE_METRIC, labels: {}, op: '<', threshold: 1, priority,
    state: 'open', openValue: 0, value: 0, openedAt: at, updatedAt: at, acknowledgedAt: null, acknowledgedBy: null,
    resolvedAt: null, resolvedBy: null, comment: null, suppressedBy: null, ...NEW_ALERT_LIFECYCLE,
  };
}

/**
 * While a site alert is unresolved, the offline alerts of that site's agents carry its id in
 * `suppressedBy`: one page for the outage instead of one per machine. The agents' other alerts
 * stay suppressed by their own offline alert (see AgentSuppression). Like AgentSuppression, the
 * site → alert map is in memory, changed at once inside the caller's transaction, and rebuilt
 * with reset after a rollback; the methods return the ids whose suppression they changed.
 */
export class SiteDependency {
  private readonly alertBySite = new Map<string, { site: SiteRef; alertId: string }>();

  constructor(private readonly store: Store) {}

  reset(unresolved: readonly AlertRecord[]): void {
    this.alertBySite.clear();
    this.restore(unresolved);
  }

  restore(unresolved: readonly AlertRecord[]): void {
    for (const alert of unresolved) {
      if (alert.metric !== SITE_ONLINE_METRIC) continue;
      this.alertBySite.set(siteKey(alert), { site: { tenantId: alert.tenantId, siteId: alert.siteId }, alertId: alert.id });
    }
  }

  /** Sites with an unresolved site alert. */
  downSites(): SiteRef[] {
    return [...this.alertBySite.values()].map((entry) => entry.site);
  }

  alertOf(site: SiteRef): string | null {
    return this.alertBySite.get(siteKey(site))?.alertId ?? null;
  }

  /** An offline alert opening while its site is down is suppressed by the site alert from the start. */
  suppressorFor(site: SiteRef, metric: string, openValue: number): string | null {
    return metric === AGENT_ONLINE_METRIC && openValue === 0 ? this.alertOf(site) : null;
  }

  opened(record: AlertRecord, at: number): string[] {
    this.alertBySite.set(siteKey(record), { site: { tenantId: record.tenantId, siteId: record.siteId }, alertId: record.id });
    return this.store.alerts.suppressSite(record, AGENT_ONLINE_METRIC, 0, record.id, at);
  }

  /** The site alert resolved: offline alerts still open page as their own again. */
  resolved(alertId: string, site: SiteRef, at: number): string[] {
    this.alertBySite.delete(siteKey(site));
    return this.store.alerts.moveSuppression(alertId, null, at);
  }
}

import type { AgentPresence } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertService, EvaluatedAgent } from '../alerts/alert-service.js';
import { evaluatedAgentFromRow } from '../alerts/evaluated-agent.js';
import type { AgentConnection } from '../gateway/agent-connection.js';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { Store } from '../store/index.js';
import { agentConnected, agentDisconnected, forgetAgent, restoreLiveness, revertChange, sweepLiveness } from './liveness.js';
import { SiteIndex } from './site-index.js';
import { countSites, decideSites, DEFAULT_SITE_OUTAGE, siteKey, type SiteRef } from './site-outage.js';
import type { LivenessConfig, LivenessState, PresenceChange } from './types.js';

export interface LivenessDeps {
  store: Store;
  registry: ConnectionRegistry;
  alerts: AlertService;
  metrics: CollectorMetrics;
  log: Logger;
  now: () => number;
}

/**
 * The I/O edge around the liveness functions: follows the connection registry, sweeps on one
 * timer, records every presence change and feeds it to the rule engine as `agent.online`, both in
 * one transaction: a change is stored with its alert, or not at all and retried at the next sweep.
 * After the changes it counts the sites they touched, so that a site-wide outage raises one site
 * alert that suppresses the site's agent offline alerts (see SiteDependency).
 */
export class LivenessMonitor {
  private readonly state: LivenessState;
  /** Each watched agent's site, so that counting a site asks no SQL. */
  private readonly siteOf = new SiteIndex();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly deps: LivenessDeps,
    private readonly config: LivenessConfig,
    sweepEveryMs = 1000,
  ) {
    const known = deps.store.presence.knownAgents();
    for (const agent of known) this.siteOf.set(agent.agentId, { tenantId: agent.tenantId, siteId: agent.siteId });
    this.state = restoreLiveness(known, deps.now());
    deps.registry.listen(
      { connected: (c) => this.onConnected(c), disconnected: (c) => this.onDisconnected(c) },
      (err) => deps.log.error({ err }, 'liveness: handling a connection change failed'),
    );
    this.timer = setInterval(() => this.sweep(), sweepEveryMs);
    this.timer.unref();
    this.updateGauge();
  }

  presenceOf(agentId: string): AgentPresence {
    const agent = this.state.agents.get(agentId);
    if (!agent) return 'unknown';
    return agent.online ? 'online' : 'offline';
  }

  /** One pass now (the timer calls this too). */
  sweep(): void {
    if (this.stopped) return;
    try {
      this.apply(sweepLiveness(this.state, this.deps.registry.all(), this.deps.now(), this.config));
    } catch (err) {
      this.deps.log.error({ err }, 'liveness sweep failed');
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private onConnected(connection: AgentConnection): void {
    if (this.stopped) return;
    // Persisted so that after a restart the agent's threshold is known before it reconnects.
    this.deps.store.agents.setIntervalMs(connection.agentId, connection.intervalMs);
    this.siteOf.set(connection.agentId, { tenantId: connection.agent.tenantId, siteId: connection.agent.siteId });
    const change = agentConnected(this.state, connection.agentId, connection.intervalMs, this.deps.now());
    if (change) this.apply([change], connection.agent);
  }

  private onDisconnected(connection: AgentConnection): void {
    if (this.stopped) return;
    agentDisconnected(this.state, connection.agentId, connection.lastHeardAt);
    this.deps.store.agents.markSeen(connection.agentId, connection.lastHeardAt);
    const row = this.deps.store.agents.get(connection.agentId);
    if (!row || row.revokedAt !== null) this.forget(connection.agentId);
  }

  private apply(changes: readonly PresenceChange[], connected?: EvaluatedAgent): void {
    if (changes.length === 0) return;
    const touched = changes.map((change) => this.siteOf.get(change.agentId)).filter((site) => site !== undefined);
    // The state already holds the sweep's changes: a site going down opens its alert first, so
    // that the offline alerts of this very sweep open suppressed and page nobody.
    this.reconsiderSites(touched, { up: false });
    for (const change of changes) {
      const agent = connected ?? this.evaluatedAgent(change.agentId);
      if (!agent) {
        this.forget(change.agentId);
        continue;
      }
      try {
        // The alert service publishes to the feed once this commits.
        this.deps.store.transaction(() => {
          this.deps.store.presence.record(change);
          this.deps.alerts.evaluatePresence(agent, change.online, change.at);
        });
      } catch (err) {
        revertChange(this.state, change);
        this.deps.log.error({ err, agentId: change.agentId, online: change.online }, 'liveness: recording a presence change failed; retried at the next sweep');
        continue;
      }
      this.deps.log.info({ agentId: change.agentId, tenant: agent.tenantId, at: change.at }, change.online ? 'agent online' : 'agent offline');
    }
    // A site coming back resolves after its returning agents' alerts did (still suppressed, so
    // silently); only the offline alerts of agents still offline page again. A change that could
    // not be recorded was reverted above: counted again here.
    this.reconsiderSites(touched, { up: true });
    this.updateGauge();
  }

  /**
   * Compares the touched sites' counts with the sites held down. Only touched sites: a site alert
   * resolved by hand is not raised again before the site's presence changes again.
   */
  private reconsiderSites(touched: readonly SiteRef[], { up }: { up: boolean }): void {
    if (touched.length === 0) return;
    const keys = new Set(touched.map(siteKey));
    try {
      const watched = this.siteOf.agentsOf(touched).flatMap(({ agentId, site }) => {
        const agent = this.state.agents.get(agentId);
        return agent ? [{ site, online: agent.online }] : [];
      });
      const held = this.deps.alerts.downSites().filter((site) => keys.has(siteKey(site)));
      const decision = decideSites(countSites(watched), held, this.config.siteOutage ?? DEFAULT_SITE_OUTAGE);
      const now = this.deps.now();
      for (const count of decision.down) this.deps.alerts.siteDown(count, this.config.siteOfflinePriority ?? 'P1', now);
      if (up) for (const site of decision.up) this.deps.alerts.siteUp(site, now);
    } catch (err) {
      this.deps.log.error({ err }, 'liveness: updating site outages failed; retried at the next change');
    }
  }

  /** From the stored row: an offline agent has no connection to ask. Revoked agents are not watched. */
  private evaluatedAgent(agentId: string): EvaluatedAgent | null {
    const connection = this.deps.registry.get(agentId);
    if (connection) return connection.agent;
    const row = this.deps.store.agents.get(agentId);
    if (!row || row.revokedAt !== null) return null;
    return evaluatedAgentFromRow(row);
  }

  /**
   * The agent was revoked (or deleted): it is no longer watched, so it is neither offline nor
   * counted in vigil_agents_offline any more, and its presence is `unknown`. Called by the
   * revocation itself: a revoked agent that was offline has no connection left to close.
   */
  forget(agentId: string): void {
    forgetAgent(this.state, agentId);
    const site = this.siteOf.get(agentId);
    this.siteOf.delete(agentId);
    if (site) this.reconsiderSites([site], { up: true });
    this.updateGauge();
  }

  private updateGauge(): void {
    let offline = 0;
    for (const agent of this.state.agents.values()) if (!agent.online) offline += 1;
    this.deps.metrics.agentsOffline.set(offline);
    this.deps.metrics.sitesOffline.set(this.deps.alerts.downSites().length);
  }
}

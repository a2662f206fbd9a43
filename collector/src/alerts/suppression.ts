import { AGENT_ONLINE_METRIC, isComputedMetric } from '../rules/index.js';
import type { AlertRecord, Store } from '../store/index.js';

/** An `agent.online` alert that opened on a 0: its agent went offline. */
export function marksAgentOffline(alert: Pick<AlertRecord, 'metric' | 'openValue'>): boolean {
  return alert.metric === AGENT_ONLINE_METRIC && alert.openValue === 0;
}

/**
 * Dependency suppression: while an agent's offline alert is unresolved, the agent's other alerts
 * carry that alert's id in `suppressedBy`, because what they last saw says nothing about the
 * present. The agent → offline alert map is kept in memory so evaluating a frame asks no SQL; the
 * store keeps the same facts for restarts and the API. Every method runs inside the caller's
 * alert transaction and returns the ids of the alerts whose suppression it changed; the map is
 * changed at once (later alerts of the same transaction must see it), so when that transaction
 * rolls back its owner must call reset with what the store holds.
 */
export class AgentSuppression {
  private readonly offlineAlertByAgent = new Map<string, string>();

  constructor(private readonly store: Store) {}

  /** Forgets everything and restores from the store's unresolved alerts (after a rollback). */
  reset(unresolved: readonly AlertRecord[]): void {
    this.offlineAlertByAgent.clear();
    this.restore(unresolved);
  }

  restore(unresolved: readonly AlertRecord[]): void {
    // The oldest offline alert is the one the others were suppressed by when it opened.
    for (const alert of [...unresolved].sort((a, b) => a.openedAt - b.openedAt)) {
      if (marksAgentOffline(alert) && !this.offlineAlertByAgent.has(alert.agentId)) this.offlineAlertByAgent.set(alert.agentId, alert.id);
    }
  }

  /** The id a new alert of this agent on this metric must carry in suppressedBy. */
  suppressorFor(agentId: string, metric: string): string | null {
    return isComputedMetric(metric) ? null : (this.offlineAlertByAgent.get(agentId) ?? null);
  }

  opened(alert: AlertRecord, at: number): string[] {
    if (!marksAgentOffline(alert) || this.offlineAlertByAgent.has(alert.agentId)) return [];
    this.offlineAlertByAgent.set(alert.agentId, alert.id);
    return this.store.alerts.suppressAgent(alert.agentId, alert.id, AGENT_ONLINE_METRIC, at);
  }

  /** Lifts the suppression an offline alert held, or hands it to another offline alert still open. */
  resolved(alert: Pick<AlertRecord, 'id' | 'agentId'>, at: number): string[] {
    if (this.offlineAlertByAgent.get(alert.agentId) !== alert.id) return [];
    const successor = this.store.alerts
      .list({ agentId: alert.agentId, state: 'active' })
      .find((other) => other.id !== alert.id && marksAgentOffline(other));
    if (successor) this.offlineAlertByAgent.set(alert.agentId, successor.id);
    else this.offlineAlertByAgent.delete(alert.agentId);
    return this.store.alerts.moveSuppression(alert.id, successor?.id ?? null, at);
  }
}

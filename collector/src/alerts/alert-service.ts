import { RuleSchema, describeZodError, type Rule, type RuleInput, type RulePatch, type Sample } from '@vigil/shared';
import type { Logger } from 'pino';
import {
  evaluateSamples, forgetRule, indexRules, markResolved, restoreOpenSeries,
  type AgentContext, type EngineState, type RuleIndex, type Transition,
} from '../rules/index.js';
import { ApiError } from '../http/api-error.js';
import type { AlertRecord, Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import type { AlertEvent, AlertEvents } from './alert-events.js';
import { toPublicAlert } from './to-public.js';

export interface EvaluatedAgent extends AgentContext { hostname: string }
export interface EvaluationInput { agent: EvaluatedAgent; samples: readonly Sample[] }

/**
 * The I/O edge around the pure rule engine: keeps the engine state and the rule index, turns
 * transitions into stored alerts, and publishes them once they are committed.
 */
export class AlertService {
  private readonly engine: EngineState = new Map();
  private index: RuleIndex = indexRules([]);
  private readonly rules = new Map<string, Rule>();
  /** seriesKey → id of its unresolved alert. */
  private readonly openBySeries = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly events: AlertEvents,
    private readonly log: Logger,
  ) {
    for (const rule of store.rules.list()) this.rules.set(rule.id, rule);
    this.reindex();
    for (const alert of store.alerts.listUnresolved()) {
      this.openBySeries.set(alert.seriesKey, alert.id);
      restoreOpenSeries(this.engine, alert.seriesKey, alert.value);
    }
  }

  get ruleCount(): number {
    return this.rules.size;
  }

  getRule(id: string): Rule | undefined {
    return this.rules.get(id);
  }

  listRules(): Rule[] {
    return [...this.rules.values()];
  }

  /** Evaluates freshly stored frames; alert writes commit together, then go to the feed. */
  evaluate(inputs: readonly EvaluationInput[], now: number): void {
    if (this.index.size === 0) return;
    const published: AlertEvent[] = [];
    const transitions: Array<{ agent: EvaluatedAgent; transition: Transition }> = [];
    for (const { agent, samples } of inputs) {
      for (const transition of evaluateSamples(this.engine, this.index, agent, samples, now)) transitions.push({ agent, transition });
    }
    if (transitions.length === 0) return;
    this.store.alerts.transaction(() => {
      for (const { agent, transition } of transitions) {
        const event = this.apply(agent, transition);
        if (event) published.push(event);
      }
    });
    for (const event of published) this.events.publish(event);
  }

  private apply(agent: EvaluatedAgent, t: Transition): AlertEvent | null {
    const openId = this.openBySeries.get(t.key);
    if (t.kind === 'open' && !openId) {
      const record: AlertRecord = {
        id: newId('alr'), seriesKey: t.key, ruleId: t.rule.id, ruleName: t.rule.name, agentId: agent.agentId,
        hostname: agent.hostname, tenantId: agent.tenantId, siteId: agent.siteId, metric: t.rule.metric, labels: t.labels,
        op: t.rule.op, threshold: t.rule.threshold, priority: t.rule.priority, state: 'open', openValue: t.value, value: t.value,
        openedAt: t.at, updatedAt: t.at, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
      };
      this.store.alerts.insert(record);
      this.openBySeries.set(t.key, record.id);
      this.log.info({ alertId: record.id, agentId: agent.agentId, tenant: agent.tenantId, ruleId: t.rule.id, value: t.value }, 'alert opened');
      return { type: 'alert.opened', alert: toPublicAlert(record) };
    }
    if (!openId) return null;
    if (t.kind === 'resolve') {
      this.openBySeries.delete(t.key);
      if (!this.store.alerts.resolve(openId, t.value, t.at, 'auto')) return null;
      this.log.info({ alertId: openId, agentId: agent.agentId, tenant: agent.tenantId, value: t.value }, 'alert resolved');
      const record = this.store.alerts.get(openId);
      return record ? { type: 'alert.resolved', alert: toPublicAlert(record) } : null;
    }
    // Value-only changes are stored but not broadcast: the feed would drown in them.
    this.store.alerts.updateValue(openId, t.value, t.at);
    return null;
  }

  acknowledge(id: string, by: string, comment: string | null, now: number): AlertRecord {
    const alert = this.requireAlert(id);
    if (alert.state !== 'open') throw new ApiError(409, 'conflict', `alert ${id} is ${alert.state}; only open alerts can be acknowledged`);
    this.store.alerts.acknowledge(id, now, by, comment);
    const updated = this.requireAlert(id);
    this.log.info({ alertId: id, by }, 'alert acknowledged');
    this.events.publish({ type: 'alert.updated', alert: toPublicAlert(updated) });
    return updated;
  }

  resolveByHand(id: string, by: string, comment: string | null, now: number): AlertRecord {
    const alert = this.requireAlert(id);
    if (alert.state === 'resolved') throw new ApiError(409, 'conflict', `alert ${id} is already resolved`);
    this.closeSeries(alert, by, now, comment);
    return this.requireAlert(id);
  }

  private closeSeries(alert: AlertRecord, by: string, now: number, comment: string | null = null): void {
    this.store.alerts.transaction(() => {
      this.store.alerts.resolve(alert.id, alert.value, now, by);
      if (comment) this.store.alerts.acknowledge(alert.id, alert.acknowledgedAt ?? now, alert.acknowledgedBy ?? by, comment);
    });
    markResolved(this.engine, alert.seriesKey);
    this.openBySeries.delete(alert.seriesKey);
    this.log.info({ alertId: alert.id, by }, 'alert resolved');
    const updated = this.store.alerts.get(alert.id);
    if (updated) this.events.publish({ type: 'alert.resolved', alert: toPublicAlert(updated) });
  }

  private requireAlert(id: string): AlertRecord {
    const alert = this.store.alerts.get(id);
    if (!alert) throw ApiError.notFound('alert', id);
    return alert;
  }

  // ─── rules ────────────────────────────────────────────────────────────────

  createRule(input: RuleInput, now: number): Rule {
    this.requireRunbook(input.runbookId);
    const rule: Rule = { ...input, id: newId('rul'), createdAt: now, updatedAt: now };
    this.store.rules.save(rule);
    this.rules.set(rule.id, rule);
    this.reindex();
    return rule;
  }

  patchRule(id: string, patch: RulePatch, now: number): Rule {
    const current = this.rules.get(id);
    if (!current) throw ApiError.notFound('rule', id);
    const merged = RuleSchema.safeParse({ ...current, ...patch, updatedAt: now });
    if (!merged.success) throw new ApiError(400, 'invalid_body', `invalid body: ${describeZodError(merged.error)}`);
    const rule = merged.data;
    this.requireRunbook(rule.runbookId);
    this.store.rules.save(rule);
    this.rules.set(id, rule);
    // Alerts of a series the rule no longer watches would never auto-resolve: close them.
    const watchesOtherSeries = rule.metric !== current.metric || JSON.stringify([rule.labels, rule.scope]) !== JSON.stringify([current.labels, current.scope]);
    if (!rule.enabled || watchesOtherSeries) this.closeRuleAlerts(id, rule.enabled ? 'rule changed' : 'rule disabled', now);
    this.reindex();
    return rule;
  }

  deleteRule(id: string, now: number): void {
    if (!this.rules.has(id)) throw ApiError.notFound('rule', id);
    this.closeRuleAlerts(id, 'rule deleted', now);
    this.store.rules.delete(id);
    this.rules.delete(id);
    this.reindex();
  }

  private closeRuleAlerts(ruleId: string, reason: string, now: number): void {
    for (const alert of this.store.alerts.listUnresolved()) {
      if (alert.ruleId === ruleId) this.closeSeries(alert, `system (${reason})`, now);
    }
    forgetRule(this.engine, ruleId);
  }

  private requireRunbook(runbookId: string | null): void {
    if (runbookId && !this.store.scripts.getRunbook(runbookId)) {
      throw new ApiError(400, 'invalid_body', `invalid body: runbookId: runbook ${runbookId} does not exist`);
    }
  }

  private reindex(): void {
    this.index = indexRules([...this.rules.values()]);
  }
}

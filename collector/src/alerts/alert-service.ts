import { EVENT_MATCH_METRIC, RuleSchema, describeZodError, type Priority, type Rule, type RuleInput, type RulePatch, type Sample } from '@vigil/shared';
import type { Logger } from 'pino';
import {
  AGENT_ONLINE_METRIC, computedRuleProblem, effectiveRule, evaluateSamples, forgetRule, indexRules, isComputedMetric, markResolved, restoreOpenSeries,
  ruleAppliesTo, ruleTiming,
  type AgentContext, type EngineState, type OpenTransition, type RuleIndex, type Transition,
} from '../rules/index.js';
import { ApiError } from '../http/api-error.js';
import { fieldErrors } from '../http/validate.js';
import { NEW_ALERT_LIFECYCLE, type AlertRecord, type Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import { ackExpiresAt, lapsedAcknowledgements } from './ack-expiry.js';
import type { AlertEvent, AlertEvents } from './alert-events.js';
import { continuesAlert } from './continuation.js';
import { releasedFrom } from './release.js';
import { evaluatedAgentFromRow } from './evaluated-agent.js';
import type { SiteCount, SiteRef } from '../liveness/site-outage.js';
import { SITE_ONLINE_METRIC, SiteDependency, siteAlertRecord } from './site-dependency.js';
import { AgentSuppression, marksAgentOffline } from './suppression.js';
import { toPublicAlert } from './to-public.js';

export interface EvaluatedAgent extends AgentContext { hostname: string }

export interface AlertServiceHooks {
  /**
   * Run on a new alert record inside the opening transaction, before it is written: each may set
   * the fields it owns (SLA deadlines, the maintenance window). `now` is the opening instant.
   */
  beforeOpen?: ReadonlyArray<(record: AlertRecord, now: number) => void>;
  /**
   * Run inside the transaction that re-opens a resolved alert (re-open continuation), after it is
   * open again and before it is published: each may reset the fields it owns. `now` is the instant.
   */
  onReopen?: ReadonlyArray<(alertId: string, now: number) => void>;
}

/** The lifecycle fields of a rule created without them: stored and shown as null (the default). */
const UNSET_RULE_LIFECYCLE = { for: null, holdFor: null, reopenWithin: null, flapHighThreshold: null, flapLowThreshold: null } as const;
/** Likewise the policy fields: a rule created without exclusions or overrides shows them as null. */
const UNSET_RULE_POLICY = { exclude: null, overrides: null } as const;
/** And the aggregation fields: a rule created without them compares each sample, and shows null. */
const UNSET_RULE_AGGREGATION = { aggregate: null, window: null, events: null } as const;

/** At most this many lapsed acknowledgements per tick, so that catching up never holds the event loop long. */
const ACK_LAPSE_BATCH = 1000;
export interface EvaluationInput { agent: EvaluatedAgent; samples: readonly Sample[] }

/**
 * The I/O edge around the pure rule engine: keeps the engine state and the rule index, turns
 * transitions into stored alerts, and publishes them once they are committed. Alert writes join
 * the caller's transaction when there is one (Store.transaction): the feed hears of them only
 * after it commits, and if it rolls back, the in-memory state (engine series, open alerts,
 * suppression) is rebuilt from the store, so that memory and database never disagree.
 */
export class AlertService {
  private readonly engine: EngineState = new Map();
  /** Rules on what agents report; rules on computed metrics are in presenceIndex instead. */
  private index: RuleIndex = indexRules([]);
  private presenceIndex: RuleIndex = indexRules([]);
  private readonly suppression: AgentSuppression;
  private readonly sites: SiteDependency;
  private readonly rules = new Map<string, Rule>();
  /** seriesKey → id of its unresolved alert. */
  private readonly openBySeries = new Map<string, string>();
  /** Revoked agents: frames of theirs still queued at the revocation are no longer evaluated. */
  private readonly retired = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly events: AlertEvents,
    private readonly log: Logger,
    private readonly hooks: AlertServiceHooks = {},
  ) {
    this.suppression = new AgentSuppression(store);
    this.sites = new SiteDependency(store);
    for (const rule of store.rules.list()) this.rules.set(rule.id, rule);
    this.reindex();
    const unresolved = store.alerts.listUnresolved();
    for (const alert of unresolved) {
      this.openBySeries.set(alert.seriesKey, alert.id);
      restoreOpenSeries(this.engine, alert.seriesKey, alert.value, alert.flapping);
    }
    this.suppression.restore(unresolved);
    this.sites.restore(unresolved);
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

  /** The enabled event-log match rules, for ingest to count for; the same array until the rules change. */
  eventRules(): readonly Rule[] {
    return this.index.byMetric.get(EVENT_MATCH_METRIC) ?? [];
  }

  /** Evaluates freshly stored frames; alert writes commit together, then go to the feed. */
  evaluate(inputs: readonly EvaluationInput[], now: number): void {
    if (this.index.size === 0) return;
    const transitions: Array<{ agent: EvaluatedAgent; transition: Transition }> = [];
    for (const { agent, samples } of inputs) {
      if (this.retired.has(agent.agentId)) continue;
      for (const transition of evaluateSamples(this.engine, this.index, agent, samples, now)) transitions.push({ agent, transition });
    }
    this.commit(transitions);
  }

  /**
   * The agent came online (1) or went offline (0): one computed `agent.online` sample through the
   * same engine, so the offline alert opens and resolves like any other.
   */
  evaluatePresence(agent: EvaluatedAgent, online: boolean, now: number): void {
    if (this.retired.has(agent.agentId)) return;
    const sample: Sample = { metric: AGENT_ONLINE_METRIC, value: online ? 1 : 0, labels: {} };
    this.commit(evaluateSamples(this.engine, this.presenceIndex, agent, [sample], now).map((transition) => ({ agent, transition })));
  }

  private commit(transitions: ReadonlyArray<{ agent: EvaluatedAgent; transition: Transition }>): void {
    if (transitions.length === 0) return;
    this.store.transaction(() => {
      // The engine has already moved on to these transitions: undone too if they are not stored.
      this.store.onRollback(this.resync);
      for (const { agent, transition } of transitions) this.apply(agent, transition);
    });
  }

  /**
   * After a rollback: the store holds the truth. Open alerts and suppression are read back, and
   * engine series are made to agree (a series that opened without its alert being stored starts
   * over; one that resolved without its alert being resolved is open again).
   */
  private readonly resync = (): void => {
    const unresolved = this.store.alerts.listUnresolved();
    this.openBySeries.clear();
    for (const alert of unresolved) this.openBySeries.set(alert.seriesKey, alert.id);
    for (const [key, series] of this.engine) if (series.open && !this.openBySeries.has(key)) this.engine.delete(key);
    for (const alert of unresolved) if (!this.engine.get(alert.seriesKey)?.open) restoreOpenSeries(this.engine, alert.seriesKey, alert.value, alert.flapping);
    this.suppression.reset(unresolved);
    this.sites.reset(unresolved);
    this.log.warn({ unresolved: unresolved.length }, 'alert writes rolled back; alert state reloaded from the store');
  };

  /** Goes to the feed once the transaction under way commits; never if it rolls back. */
  private publish(event: AlertEvent): void {
    this.store.afterCommit(() => this.events.publish(event));
  }

  private apply(agent: EvaluatedAgent, t: Transition): void {
    const openId = this.openBySeries.get(t.key);
    if (t.kind === 'open' && !openId) {
      this.open(agent, t);
      return;
    }
    if (!openId) return;
    if (t.kind === 'resolve') {
      if (this.suppression.suppressorFor(agent.agentId, t.rule.metric)) {
        // What a suppressed alert hears cannot be trusted to clear it; the series stays open and
        // the first sample after the agent is back decides.
        restoreOpenSeries(this.engine, t.key, t.value);
        this.store.alerts.updateValue(openId, t.value, t.at);
        if (this.markFlapping(openId, t)) this.publishHoldChange(openId, 'flapping');
        return;
      }
      // Set first, so that the resolved alert on the feed says whether it went out flapping.
      this.markFlapping(openId, t);
      this.openBySeries.delete(t.key);
      if (!this.store.alerts.resolve(openId, t.value, t.at, 'auto')) return;
      this.store.afterCommit(() => this.log.info({ alertId: openId, agentId: agent.agentId, tenant: agent.tenantId, value: t.value }, 'alert resolved'));
      const record = this.store.alerts.get(openId);
      if (record) this.publish({ type: 'alert.resolved', alert: toPublicAlert(record) });
      this.publishSuppressionChange(this.suppression.resolved({ id: openId, agentId: agent.agentId }, t.at), { agentId: agent.agentId, by: null });
      return;
    }
    // Value-only changes are stored but not broadcast: the feed would drown in them. Starting or
    // stopping to flap is news (an alert that settles still firing notifies then), so that is published.
    this.store.alerts.updateValue(openId, t.value, t.at);
    if (this.markFlapping(openId, t)) this.publishHoldChange(openId, 'flapping');
  }

  /**
   * The series opens: a breach soon enough after its last alert was resolved continues that alert
   * (same id, next occurrence, announced as opened again so it fires again); otherwise a new one.
   * Either way the series has no unresolved alert (the caller checked), as the store's unique
   * index demands.
   */
  private open(agent: EvaluatedAgent, t: OpenTransition): void {
    const last = this.store.alerts.lastResolvedOfSeries(t.key);
    if (last && continuesAlert(last, t.breachSince, ruleTiming(t.rule).reopenMs) && this.reopen(agent, t, last.id)) return;
    const record: AlertRecord = {
      id: newId('alr'), seriesKey: t.key, ruleId: t.rule.id, ruleName: t.rule.name, agentId: agent.agentId,
      hostname: agent.hostname, tenantId: agent.tenantId, siteId: agent.siteId, metric: t.rule.metric, labels: t.labels,
      op: t.rule.op, threshold: t.rule.threshold, priority: t.rule.priority, state: 'open', openValue: t.value, value: t.value,
      openedAt: t.at, updatedAt: t.at, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
      suppressedBy: this.suppressorOfNew(agent, t),
      ...NEW_ALERT_LIFECYCLE,
      flapping: t.flapping,
    };
    // Collaborators (SLA clocks, maintenance windows) stamp their fields before the row is written.
    for (const stamp of this.hooks.beforeOpen ?? []) stamp(record, t.at);
    this.store.alerts.insert(record);
    this.openBySeries.set(t.key, record.id);
    this.store.afterCommit(() => this.log.info({ alertId: record.id, agentId: agent.agentId, tenant: agent.tenantId, ruleId: t.rule.id, value: t.value, suppressedBy: record.suppressedBy, flapping: record.flapping }, 'alert opened'));
    this.publish({ type: 'alert.opened', alert: toPublicAlert(record) });
    this.publishSuppressionChange(this.suppression.opened(record, t.at), { agentId: agent.agentId, by: record.id });
  }

  private reopen(agent: EvaluatedAgent, t: OpenTransition, id: string): boolean {
    const reopened = this.store.alerts.reopen(id, {
      value: t.value, at: t.at, flapping: t.flapping, suppressedBy: this.suppressorOfNew(agent, t),
      ruleName: t.rule.name, op: t.rule.op, threshold: t.rule.threshold, priority: t.rule.priority, hostname: agent.hostname,
    });
    if (!reopened) return false;
    for (const reset of this.hooks.onReopen ?? []) reset(id, t.at);
    this.openBySeries.set(t.key, id);
    const record = this.store.alerts.get(id);
    if (!record) return true;
    this.store.afterCommit(() => this.log.info({ alertId: id, agentId: agent.agentId, tenant: agent.tenantId, ruleId: t.rule.id, value: t.value, occurrences: record.occurrences, flapping: record.flapping }, 'alert re-opened'));
    this.publish({ type: 'alert.opened', alert: toPublicAlert(record) });
    this.publishSuppressionChange(this.suppression.opened(record, t.at), { agentId: agent.agentId, by: id });
    return true;
  }

  /** An agent's alert is suppressed by its offline alert; its offline alert, by its site's alert. */
  private suppressorOfNew(agent: EvaluatedAgent, t: OpenTransition): string | null {
    return this.suppression.suppressorFor(agent.agentId, t.rule.metric) ?? this.sites.suppressorFor(agent, t.rule.metric, t.value);
  }

  // ─── sites ────────────────────────────────────────────────────────────────

  /** Sites whose site alert is unresolved: what the liveness monitor compares its counts with. */
  downSites(): SiteRef[] {
    return this.sites.downSites();
  }

  /**
   * Most of the site's agents are offline: one site alert, and the site's offline alerts are
   * suppressed by it (alert.updated), so the outage pages once. Hooks stamp it like any alert.
   */
  siteDown(count: SiteCount, priority: Priority, now: number): void {
    if (this.sites.alertOf(count)) return;
    this.store.transaction(() => {
      this.store.onRollback(this.resync);
      const record = siteAlertRecord(count, priority, now);
      for (const stamp of this.hooks.beforeOpen ?? []) stamp(record, now);
      this.store.alerts.insert(record);
      this.openBySeries.set(record.seriesKey, record.id);
      this.store.afterCommit(() => this.log.info({ alertId: record.id, tenant: count.tenantId, site: count.siteId, offline: count.offline, watched: count.watched }, 'site offline'));
      this.publish({ type: 'alert.opened', alert: toPublicAlert(record) });
      this.publishSuppressionChange(this.sites.opened(record, now), { agentId: '', by: record.id });
    });
  }

  /** The site is no longer down: its alert resolves and the offline alerts still open page again. */
  siteUp(site: SiteRef, now: number): void {
    const id = this.sites.alertOf(site);
    const alert = id ? this.store.alerts.get(id) : undefined;
    if (alert) this.closeSeries(alert, 'auto', now, null, 1);
  }

  /** Stores the series' flapping flag on its alert when this sample changed it; true when the alert's flag changed. */
  private markFlapping(id: string, t: Transition): boolean {
    if (!t.flappingChanged || !this.store.alerts.setFlapping(id, t.flapping, t.at)) return false;
    this.store.afterCommit(() => this.log.info({ alertId: id, agentId: t.agentId, flapping: t.flapping }, t.flapping ? 'alert started flapping' : 'alert stopped flapping'));
    return true;
  }

  private publishUpdated(id: string): void {
    const record = this.store.alerts.get(id);
    if (record) this.publish({ type: 'alert.updated', alert: toPublicAlert(record) });
  }

  /** Alerts whose suppressedBy changed go to the feed as alert.updated, and as alert.released if that let them notify. */
  private publishSuppressionChange(ids: readonly string[], about: { agentId: string; by: string | null }): void {
    if (ids.length === 0) return;
    const cause = about.agentId === '' ? 'site' : 'agent';
    this.store.afterCommit(() => this.log.info({ agentId: about.agentId || undefined, alerts: ids.length, suppressedBy: about.by }, about.by ? `alerts suppressed: ${cause} offline` : `alert suppression changed: ${cause} back online`));
    for (const id of ids) this.publishHoldChange(id, 'suppression');
  }

  /**
   * The alert's flapping flag or suppression changed: alert.updated for the field, then
   * alert.released when that was the last hold on an alert still unresolved. An alert that opened
   * held (or was paged and held since) is announced then, as still broken; one that resolved while
   * held never is.
   */
  private publishHoldChange(id: string, hold: 'flapping' | 'suppression'): void {
    const record = this.store.alerts.get(id);
    if (!record) return;
    const alert = toPublicAlert(record);
    this.publish({ type: 'alert.updated', alert });
    const from = releasedFrom(alert, hold);
    if (from) {
      this.publish({ type: 'alert.released', alert, from });
      this.store.afterCommit(() => this.log.info({ alertId: id, agentId: alert.agentId || undefined, from }, 'alert released: notifies again'));
    }
  }

  /**
   * `expiresInMs`: the acknowledgement lapses that long after `now` and the alert, if still
   * unresolved, falls back to open (see tick); null: it lasts until the alert resolves.
   */
  acknowledge(id: string, by: string, comment: string | null, now: number, expiresInMs: number | null = null): AlertRecord {
    const alert = this.requireAlert(id);
    if (alert.state !== 'open') throw new ApiError(409, 'conflict', `alert ${id} is ${alert.state}; only open alerts can be acknowledged`);
    this.store.alerts.acknowledge(id, now, by, comment, ackExpiresAt(now, expiresInMs));
    const updated = this.requireAlert(id);
    this.log.info({ alertId: id, by, ackExpiresAt: updated.ackExpiresAt }, 'alert acknowledged');
    this.events.publish({ type: 'alert.updated', alert: toPublicAlert(updated) });
    return updated;
  }

  resolveByHand(id: string, by: string, comment: string | null, now: number): AlertRecord {
    const alert = this.requireAlert(id);
    if (alert.state === 'resolved') throw new ApiError(409, 'conflict', `alert ${id} is already resolved`);
    this.closeSeries(alert, by, now, comment);
    return this.requireAlert(id);
  }

  /**
   * The agent was revoked: it is no longer managed, so none of its alerts stays on the NOC's feed.
   * Every unresolved one is resolved by `by` and published (its other alerts before its offline
   * alerts, so that none is announced as no longer suppressed on its way out), and frames of its
   * still queued are not evaluated any more. Joins the caller's transaction (the revocation
   * itself); returns how many alerts it resolved.
   */
  resolveAgentAlerts(agentId: string, by: string, now: number): number {
    return this.store.transaction(() => {
      const unresolved = this.store.alerts.listUnresolved(agentId);
      const ordered = [...unresolved.filter((a) => !marksAgentOffline(a)), ...unresolved.filter(marksAgentOffline)];
      for (const alert of ordered) this.closeSeries(alert, by, now);
      this.store.afterCommit(() => this.retired.add(agentId));
      return ordered.length;
    });
  }

  // ─── time ─────────────────────────────────────────────────────────────────

  /** Runs tick every `everyMs` (default 1 s) until stop(); the first run is at once, to catch up. */
  start(now: () => number, everyMs = 1000): void {
    if (this.stopped || this.timer) return;
    this.tick(now());
    this.timer = setInterval(() => this.tick(now()), everyMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * What time alone changes: acknowledgements that expired fall back to open, each at its expiry
   * instant, in one transaction, published as alert.updated once committed. Returns how many.
   */
  tick(now: number): number {
    if (this.stopped) return 0;
    try {
      return this.store.transaction(() => {
        let lapsed = 0;
        for (const lapse of lapsedAcknowledgements(this.store.alerts.listAckExpired(now, ACK_LAPSE_BATCH), now)) {
          if (!this.store.alerts.expireAcknowledgement(lapse.id, lapse.at)) continue;
          lapsed += 1;
          this.store.afterCommit(() => this.log.info({ alertId: lapse.id, at: lapse.at }, 'acknowledgement expired: alert open again'));
          this.publishUpdated(lapse.id);
        }
        return lapsed;
      });
    } catch (err) {
      this.log.error({ err }, 'alert lifecycle tick failed; retried at the next tick');
      return 0;
    }
  }

  private closeSeries(alert: AlertRecord, by: string, now: number, comment: string | null = null, value = alert.value): void {
    this.store.transaction(() => {
      this.store.onRollback(this.resync);
      if (!this.store.alerts.resolve(alert.id, value, now, by, comment)) return;
      markResolved(this.engine, alert.seriesKey);
      this.openBySeries.delete(alert.seriesKey);
      const updated = this.store.alerts.get(alert.id);
      if (updated) this.publish({ type: 'alert.resolved', alert: toPublicAlert(updated) });
      this.publishSuppressionChange(this.suppression.resolved(alert, now), { agentId: alert.agentId, by: null });
      // Resolved by hand too: a site alert no longer open suppresses nothing.
      if (alert.metric === SITE_ONLINE_METRIC) this.publishSuppressionChange(this.sites.resolved(alert.id, alert, now), { agentId: '', by: null });
      this.store.afterCommit(() => this.log.info({ alertId: alert.id, agentId: alert.agentId, by }, 'alert resolved'));
    });
  }

  private requireAlert(id: string): AlertRecord {
    const alert = this.store.alerts.get(id);
    if (!alert) throw ApiError.notFound('alert', id);
    return alert;
  }

  // ─── rules ────────────────────────────────────────────────────────────────

  createRule(input: RuleInput, now: number): Rule {
    this.requireWorkable(input);
    this.requireRunbook(input.runbookId);
    const rule: Rule = { ...UNSET_RULE_LIFECYCLE, ...UNSET_RULE_POLICY, ...UNSET_RULE_AGGREGATION, ...input, id: newId('rul'), createdAt: now, updatedAt: now };
    this.store.rules.save(rule);
    this.rules.set(rule.id, rule);
    this.reindex();
    return rule;
  }

  patchRule(id: string, patch: RulePatch, now: number): Rule {
    const current = this.rules.get(id);
    if (!current) throw ApiError.notFound('rule', id);
    const merged = RuleSchema.safeParse({ ...current, ...patch, updatedAt: now });
    // The merged rule's paths are the body's: a form can place each message by its field.
    if (!merged.success) throw new ApiError(400, 'invalid_body', `invalid body: ${describeZodError(merged.error)}`, fieldErrors(merged.error));
    const rule = merged.data;
    this.requireWorkable(rule);
    this.requireRunbook(rule.runbookId);
    this.store.rules.save(rule);
    this.rules.set(id, rule);
    // Alerts of a series the rule no longer watches would never auto-resolve: close them.
    // A new aggregate or window compares other values: start the series (and their windows) afresh.
    const watchesOtherSeries = rule.metric !== current.metric
      || JSON.stringify([rule.labels, rule.scope, rule.aggregate, rule.window, rule.events]) !== JSON.stringify([current.labels, current.scope, current.aggregate, current.window, current.events]);
    if (!rule.enabled || watchesOtherSeries) this.closeRuleAlerts(id, rule.enabled ? 'rule changed' : 'rule disabled', now);
    else if (JSON.stringify([rule.exclude, rule.overrides]) !== JSON.stringify([current.exclude, current.overrides])) this.closeAlertsLeftOut(rule, now);
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

  /**
   * The rule's exclusions or overrides changed: the alerts of agents it no longer watches (now
   * excluded, or switched off by an override) would never auto-resolve, so they are closed, and
   * their series forgotten. The others stay open under the new settings.
   */
  private closeAlertsLeftOut(rule: Rule, now: number): void {
    for (const alert of this.store.alerts.listUnresolved()) {
      if (alert.ruleId !== rule.id) continue;
      const row = this.store.agents.get(alert.agentId);
      if (!row) continue;
      const agent = evaluatedAgentFromRow(row);
      if (ruleAppliesTo(rule, agent) && effectiveRule(rule, agent) !== null) continue;
      this.closeSeries(alert, 'system (rule excludes agent)', now);
      this.engine.delete(alert.seriesKey);
    }
  }

  private requireWorkable(rule: RuleInput): void {
    const problem = computedRuleProblem(rule);
    if (problem) throw ApiError.invalidField('body', problem.path, problem.message);
  }

  private requireRunbook(runbookId: string | null): void {
    if (runbookId && !this.store.runbooks.get(runbookId)) {
      throw ApiError.invalidField('body', 'runbookId', `runbook ${runbookId} does not exist`);
    }
  }

  private reindex(): void {
    const rules = [...this.rules.values()];
    this.index = indexRules(rules.filter((rule) => !isComputedMetric(rule.metric)));
    this.presenceIndex = indexRules(rules.filter((rule) => isComputedMetric(rule.metric)));
  }
}

import { labelsMatch, type Labels, type Rule, type Sample } from '@vigil/shared';
import { ruleForAgent, rulesForTenant, type RuleIndex } from './index-rules.js';
import { ruleAppliesTo } from './scope.js';
import { ruleKeyPrefix, seriesKeySuffix } from './series-key.js';
import { FLAPPING_HISTORY } from './flapping.js';
import { close, forgetIfQuiet, stepSeries, windowedValue } from './step.js';
import type { AgentContext, EngineState, Transition } from './types.js';

/**
 * Whether the sample is one the rule watches. An `event.match` sample counts the matches of one
 * rule only, named by its `rule` label: another event rule must not take it as its own.
 */
function sampleIsFor(rule: Rule, sample: Sample): boolean {
  if (rule.events != null) return sample.labels?.rule === rule.id;
  return labelsMatch(rule.labels, sample.labels);
}

/**
 * Runs one agent's samples (usually one frame, in order) through the enabled rules and returns
 * the alert transitions they cause, each agent against its effective threshold, clear threshold
 * and priority (see effectiveRule). `now` is the only notion of time: it is copied into `at`.
 */
export function evaluateSamples(
  state: EngineState,
  index: RuleIndex,
  agent: AgentContext,
  samples: readonly Sample[],
  now: number,
): Transition[] {
  const transitions: Transition[] = [];
  if (index.size === 0) return transitions;

  for (const sample of samples) {
    // The common case: most metrics in a frame have no rule, and this lookup is all they cost.
    const rules = rulesForTenant(index, sample.metric, agent.tenantId);
    if (rules === undefined) continue;

    let labels: Labels | undefined;
    let keySuffix: string | undefined;
    for (const rule of rules) {
      if (!sampleIsFor(rule, sample) || !ruleAppliesTo(rule, agent)) continue;
      // The rule as overridden for this agent (same id, so the same series); null: switched off here.
      const effective = ruleForAgent(index, rule, agent);
      if (effective === null) continue;
      // Each full label set is its own series: a rule on disk.used_pct without labels watches
      // every mount separately and opens one alert per mount.
      labels ??= sample.labels ?? {};
      keySuffix ??= seriesKeySuffix(agent.agentId, labels);
      const key = (index.keyPrefixes.get(rule.id) ?? ruleKeyPrefix(rule.id)) + keySuffix;
      // A windowed rule compares (and reports) the aggregate over its window instead of the sample.
      const value = effective.aggregate ? windowedValue(state, key, effective, sample.value, now) : sample.value;
      const step = stepSeries(state, key, effective, value, now);
      if (step === null) continue;
      const base = { key, rule: effective, agentId: agent.agentId, labels, value, at: now, flapping: step.flapping, flappingChanged: step.flappingChanged };
      transitions.push(step.kind === 'open' ? { kind: 'open', ...base, breachSince: step.breachSince } : { kind: step.kind, ...base });
    }
  }
  return transitions;
}

/**
 * An alert was resolved by hand: the series closes and its streak restarts, so the condition has
 * to breach forSamples times (and for `for`) again before it opens (rather than re-opening at
 * once). Its flap window stays: resolving by hand does not make a flapping series calm.
 */
export function markResolved(state: EngineState, key: string): void {
  const series = state.get(key);
  if (series === undefined) return;
  close(series);
  forgetIfQuiet(state, key, series);
}

/** The rule was deleted or disabled: drop all its series so nothing stays open or half-counted. */
export function forgetRule(state: EngineState, ruleId: string): void {
  const prefix = ruleKeyPrefix(ruleId);
  // Deleting the current entry while iterating a Map is well-defined in JavaScript.
  for (const key of state.keys()) {
    if (key.startsWith(prefix)) state.delete(key);
  }
}

/**
 * From an alert stored open (at startup, after a rollback, or kept open while suppressed): the
 * series continues as open, so the next held sample updates that alert and the next clear sample
 * resolves it (after holdFor), instead of a duplicate opening. A series still known keeps its flap
 * window; one that is not starts quiet, or, when its alert is marked flapping, as flapping.
 */
export function restoreOpenSeries(state: EngineState, key: string, lastValue: number, flapping = false): void {
  const series = state.get(key);
  if (series === undefined) {
    state.set(key, {
      breachStreak: 0, breachSince: null, open: true, lastValue, clearSince: null,
      history: flapping ? FLAPPING_HISTORY : 0, flapping,
    });
    return;
  }
  close(series);
  series.open = true;
  series.lastValue = lastValue;
}

export type {
  AgentContext,
  EngineState,
  OpenTransition,
  ResolveTransition,
  SeriesState,
  Transition,
  UpdateTransition,
} from './types.js';
export { compare } from './compare.js';
export { indexRules, ruleForAgent, type RuleIndex } from './index-rules.js';
export { effectiveRule, winningOverride } from './effective-rule.js';
export { ruleAppliesTo } from './scope.js';
export { ruleKeyPrefix, seriesKey } from './series-key.js';
export { stepSeries, windowedValue, type StepOutcome, type StepResult } from './step.js';
export { WINDOW_SAMPLE_CAP, WindowAggregate } from './window-aggregate.js';
export { FLAP_WINDOW, nextFlapping, percentStateChange, recordState } from './flapping.js';
export { ruleTiming, type RuleTiming } from './rule-timing.js';
export { evaluateSamples, forgetRule, markResolved, restoreOpenSeries } from './evaluate.js';
export { AGENT_ONLINE_METRIC, OFFLINE_RULE_ID, computedRuleProblem, isComputedMetric } from './agent-online.js';

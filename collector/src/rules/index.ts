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
export { indexRules, type RuleIndex } from './index-rules.js';
export { ruleAppliesTo } from './scope.js';
export { ruleKeyPrefix, seriesKey } from './series-key.js';
export { stepSeries, type StepOutcome } from './step.js';
export { evaluateSamples, forgetRule, markResolved, restoreOpenSeries } from './evaluate.js';
export { AGENT_ONLINE_METRIC, OFFLINE_RULE_ID, computedRuleProblem, isComputedMetric } from './agent-online.js';

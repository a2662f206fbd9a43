import type { ComparisonOp, Rule } from '@vigil/shared';
import { EVENT_MATCH_METRIC as EVENT_MATCH } from '@vigil/shared/browser';

/**
 * What kind of rule a form edits. The API has one rule shape; these are the ways NOC engineers
 * use it, each with its own inputs and a sensible start. The kind of a stored rule follows from
 * its metric and fields (ruleKind), so nothing extra is stored.
 */
export const RULE_KINDS = ['threshold', 'aggregate', 'events', 'patch', 'disk-health', 'service', 'offline'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const RULE_KIND_LABELS: Readonly<Record<RuleKind, string>> = {
  threshold: 'Metric threshold',
  aggregate: 'Aggregate over a window',
  events: 'Event-log match',
  patch: 'Patch compliance',
  'disk-health': 'Disk health',
  service: 'Service down',
  offline: 'Agent offline',
};

/** The metrics whose rules are of a fixed kind. */
export const AGENT_ONLINE = 'agent.online';
export const SERVICE_UP = 'service.up';
export const DISK_HEALTH_OK = 'disk.health_ok';
const PATCH_PREFIX = 'patch.';

export function isPatchMetric(metric: string): boolean {
  return metric.startsWith(PATCH_PREFIX);
}

export function ruleKind(rule: Pick<Rule, 'metric' | 'aggregate' | 'window' | 'events'>): RuleKind {
  if (rule.metric === EVENT_MATCH || rule.events != null) return 'events';
  if (rule.metric === AGENT_ONLINE) return 'offline';
  if (rule.metric === SERVICE_UP) return 'service';
  if (rule.metric === DISK_HEALTH_OK) return 'disk-health';
  if (isPatchMetric(rule.metric)) return 'patch';
  if (rule.aggregate != null || rule.window != null) return 'aggregate';
  return 'threshold';
}

/** How a new rule of each kind starts: the metric and condition most such rules have. */
export interface KindStart { metric: string; op: ComparisonOp; threshold: string }

export const KIND_STARTS: Readonly<Record<RuleKind, KindStart>> = {
  threshold: { metric: '', op: '>', threshold: '' },
  aggregate: { metric: 'cpu.usage_pct', op: '>', threshold: '' },
  events: { metric: EVENT_MATCH, op: '>=', threshold: '1' },
  patch: { metric: 'patch.security_pending_days', op: '>', threshold: '14' },
  // disk.health_ok and service.up are 1 when fine and 0 when not.
  'disk-health': { metric: DISK_HEALTH_OK, op: '==', threshold: '0' },
  service: { metric: SERVICE_UP, op: '==', threshold: '0' },
  offline: { metric: AGENT_ONLINE, op: '==', threshold: '0' },
};

/** Kinds whose metric the user picks (the others have theirs fixed). */
export function picksMetric(kind: RuleKind): boolean {
  return kind === 'threshold' || kind === 'aggregate' || kind === 'patch';
}

/** agent.online changes once per presence change: such a rule counts no streaks and waits for nothing. */
export function waitsForStreaks(kind: RuleKind): boolean {
  return kind !== 'offline';
}

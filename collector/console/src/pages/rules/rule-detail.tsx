import type { Rule } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { scopeSummary } from '../forms/scope-form.js';
import { RULE_KIND_LABELS, ruleKind } from './rule-kinds.js';
import { conditionSummary, ruleOwner } from './rule-summary.js';

function overrideText(o: NonNullable<Rule['overrides']>[number]): string {
  const match = [o.match.tenant && `tenant ${o.match.tenant}`, o.match.site && `site ${o.match.site}`, o.match.agent && `agent ${o.match.agent}`].filter(Boolean).join(', ');
  const settings = [
    o.threshold !== undefined && `threshold ${o.threshold}`, o.clearThreshold !== undefined && `clear ${o.clearThreshold ?? 'none'}`,
    o.priority && o.priority, o.enabled === false && 'off', o.enabled === true && 'on',
  ].filter(Boolean).join(', ');
  return `${match}: ${settings || 'no change'}`;
}

/** Everything about one rule, read-only: what a viewer opens, and what an editor checks before changing it. */
export function RuleDetail({ rule }: { rule: Rule }) {
  const exclude = rule.exclude;
  const excluded = exclude
    ? [exclude.agents?.length && `agents ${exclude.agents.join(', ')}`, exclude.sites?.length && `sites ${exclude.sites.join(', ')}`, exclude.tags?.length && `tags ${exclude.tags.join(', ')}`].filter(Boolean).join('; ')
    : '';
  const rows: Array<[string, string]> = [
    ['Kind', RULE_KIND_LABELS[ruleKind(rule)]],
    ['Condition', conditionSummary(rule)],
    ['Scope', scopeSummary(rule.scope)],
    ['Owner', ruleOwner(rule)],
    ['Excluded', excluded || 'nothing'],
    ['Overrides', (rule.overrides ?? []).map(overrideText).join('; ') || 'none'],
    ['Hold open for', rule.holdFor ?? '—'],
    ['Re-open within', rule.reopenWithin ?? 'default'],
    ['Flapping', `${rule.flapHighThreshold ?? 'default'} / ${rule.flapLowThreshold ?? 'default'} %`],
    ['Runbook', rule.runbookId ?? 'none'],
    ['Changed', formatTime(rule.updatedAt)],
  ];
  return (
    <dl class="rule-detail">
      {rows.map(([term, value]) => [<dt key={`${term}-t`}>{term}</dt>, <dd key={`${term}-d`}>{value}</dd>])}
    </dl>
  );
}

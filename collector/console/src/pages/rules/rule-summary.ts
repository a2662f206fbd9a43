import type { Rule } from '@vigil/shared';
import { scopeSummary } from '../forms/scope-form.js';
import { RULE_KIND_LABELS, ruleKind } from './rule-kinds.js';

const OP_SIGNS: Readonly<Record<Rule['op'], string>> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '=', '!=': '≠' };

function withLabels(metric: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? metric : `${metric}{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** How long the condition must hold: "for 3 samples", "for 5m", both, or nothing (the first sample). */
function holding(rule: Pick<Rule, 'forSamples' | 'for'>): string {
  const parts = [rule.forSamples > 1 ? `${rule.forSamples} samples` : '', rule.for && rule.for !== '0s' ? rule.for : ''].filter(Boolean);
  return parts.length > 0 ? ` for ${parts.join(' and ')}` : '';
}

/**
 * The rule's condition in one line, as an engineer would say it:
 * "disk.used_pct{mount=/} > 90 for 3 samples", "avg(cpu.usage_pct) over 5m > 85",
 * "≥ 5 event-log entries in 10m: log System, level error, /disk/".
 */
export function conditionSummary(rule: Rule): string {
  const sign = OP_SIGNS[rule.op];
  if (rule.events) {
    const e = rule.events;
    const criteria = [
      e.log && `log ${e.log}`, e.level && `level ${e.level}`, e.source && `source ${e.source}`,
      e.eventId !== undefined && `id ${e.eventId}`, e.message && `/${e.message}/`,
    ].filter((c): c is string => typeof c === 'string' && c !== '');
    return `${sign} ${rule.threshold} event-log entries in ${e.window}${criteria.length > 0 ? `: ${criteria.join(', ')}` : ''}`;
  }
  const subject = rule.aggregate && rule.window
    ? `${rule.aggregate}(${withLabels(rule.metric, rule.labels)}) over ${rule.window}`
    : withLabels(rule.metric, rule.labels);
  const clear = rule.clearThreshold !== null ? `, clears at ${rule.clearThreshold}` : '';
  return `${subject} ${sign} ${rule.threshold}${holding(rule)}${clear}`;
}

/** Whose the rule is: its tenant, or MSP-wide when its scope names none. */
export function ruleOwner(rule: Pick<Rule, 'scope'>): string {
  return rule.scope.tenant ?? 'MSP-wide';
}

/** Whether a rule matches the search box: every word must appear in what the list shows of it. */
export function ruleMatches(rule: Rule, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [
    rule.name, rule.id, rule.metric, RULE_KIND_LABELS[ruleKind(rule)], rule.priority, ruleOwner(rule), scopeSummary(rule.scope),
    conditionSummary(rule), rule.enabled ? 'enabled' : 'disabled',
  ].join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

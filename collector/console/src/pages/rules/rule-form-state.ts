import type { ComparisonOp, Priority, Rule, RuleAggregate, RuleEvents, RuleOverride } from '@vigil/shared';
import { joinList, numberOrNull, numberText, splitList } from '../forms/field-paths.js';
import { EMPTY_SCOPE, ruleScopeBody, ruleScopeForm, type ScopeForm } from '../forms/scope-form.js';
import { KIND_STARTS, RULE_KINDS, waitsForStreaks, type RuleKind } from './rule-kinds.js';

/** One per-tenant/site/agent override as its inputs hold it; empty settings inherit the rule's. */
export interface OverrideForm {
  tenant: string;
  site: string;
  agent: string;
  threshold: string;
  clearThreshold: string;
  priority: '' | Priority;
  enabled: '' | 'on' | 'off';
}

export interface EventsForm { log: string; level: '' | 'error' | 'warning'; source: string; eventId: string; message: string; window: string }

/** A rule as its form edits it: text as typed, turned into the request body only on submit. */
export interface RuleForm {
  kind: RuleKind;
  name: string;
  metric: string;
  /** `key=value` pairs, comma-separated (a service rule's service name lives here too). */
  labels: string;
  op: ComparisonOp;
  threshold: string;
  clearThreshold: string;
  forSamples: string;
  for: string;
  holdFor: string;
  reopenWithin: string;
  flapHighThreshold: string;
  flapLowThreshold: string;
  aggregate: RuleAggregate;
  window: string;
  events: EventsForm;
  priority: Priority;
  enabled: boolean;
  runbookId: string;
  scope: ScopeForm;
  exclude: { agents: string; sites: string; tags: string };
  overrides: OverrideForm[];
}

export const EMPTY_OVERRIDE: OverrideForm = { tenant: '', site: '', agent: '', threshold: '', clearThreshold: '', priority: '', enabled: '' };
const EMPTY_EVENTS: EventsForm = { log: '', level: 'error', source: '', eventId: '', message: '', window: '10m' };

/** A new rule of a kind, in the given tenant ('' for MSP-wide). */
export function newRuleForm(kind: RuleKind, tenant: string): RuleForm {
  const start = KIND_STARTS[kind];
  return {
    kind, name: '', metric: start.metric, labels: '', op: start.op, threshold: start.threshold, clearThreshold: '', forSamples: '1', for: '',
    holdFor: '', reopenWithin: '', flapHighThreshold: '', flapLowThreshold: '', aggregate: 'avg', window: kind === 'aggregate' ? '5m' : '',
    events: { ...EMPTY_EVENTS }, priority: 'P3', enabled: true, runbookId: '', scope: { ...EMPTY_SCOPE, tenant },
    exclude: { agents: '', sites: '', tags: '' }, overrides: [],
  };
}

/** Another kind for a form being filled in: its metric and condition start over, the rest is kept. */
export function switchKind(form: RuleForm, kind: RuleKind): RuleForm {
  const fresh = newRuleForm(kind, form.scope.tenant);
  return {
    ...form, kind, metric: fresh.metric, op: fresh.op, threshold: fresh.threshold, window: fresh.window, labels: '',
    forSamples: waitsForStreaks(kind) ? form.forSamples : '1', for: waitsForStreaks(kind) ? form.for : '', holdFor: waitsForStreaks(kind) ? form.holdFor : '',
  };
}

export function isRuleKind(value: string): value is RuleKind {
  return (RULE_KINDS as readonly string[]).includes(value);
}

/** "mount=/, device=sda" → { mount: "/", device: "sda" }; an entry without `=` is a name with an empty value. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) labels[trimmed] = '';
    else labels[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return labels;
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ');
}

/** The service a service-down rule watches: its `service` label. */
export function serviceName(form: Pick<RuleForm, 'labels'>): string {
  return parseLabels(form.labels).service ?? '';
}

export function withServiceName(form: RuleForm, name: string): RuleForm {
  const { service: _old, ...others } = parseLabels(form.labels);
  return { ...form, labels: labelsText(name ? { service: name, ...others } : others) };
}

const textOrNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

function eventsBody(form: EventsForm): Partial<Record<keyof RuleEvents, unknown>> {
  const body: Partial<Record<keyof RuleEvents, unknown>> = {};
  if (form.log.trim()) body.log = form.log.trim();
  if (form.level) body.level = form.level;
  if (form.source.trim()) body.source = form.source.trim();
  if (form.eventId.trim()) body.eventId = /^\d+$/.test(form.eventId.trim()) ? Number(form.eventId.trim()) : form.eventId.trim();
  // The pattern goes as typed: spaces may matter in it.
  if (form.message !== '') body.message = form.message;
  // Left out when empty, so the API names events.window as required.
  if (form.window.trim()) body.window = form.window.trim();
  return body;
}

function overrideBody(form: OverrideForm): Record<string, unknown> {
  const match: Record<string, string> = {};
  if (form.tenant.trim()) match.tenant = form.tenant.trim();
  if (form.site.trim()) match.site = form.site.trim();
  if (form.agent.trim()) match.agent = form.agent.trim();
  const body: Record<string, unknown> = { match };
  if (form.threshold.trim()) body.threshold = numberOrNull(form.threshold);
  if (form.clearThreshold.trim()) body.clearThreshold = numberOrNull(form.clearThreshold);
  if (form.priority) body.priority = form.priority;
  if (form.enabled) body.enabled = form.enabled === 'on';
  return body;
}

/**
 * The body of POST /api/v1/rules, and of PATCH /api/v1/rules/:id (every field, so that what the
 * form shows is what the rule becomes). Nothing is checked here: the API answers what is wrong,
 * field by field. An empty required number goes as null, which the API names.
 */
export function ruleBody(form: RuleForm): Record<string, unknown> {
  const streaks = waitsForStreaks(form.kind);
  const exclude = { agents: splitList(form.exclude.agents), sites: splitList(form.exclude.sites), tags: splitList(form.exclude.tags) };
  const excludeGiven = Object.fromEntries(Object.entries(exclude).filter(([, list]) => list.length > 0));
  return {
    name: form.name,
    metric: form.metric.trim(),
    labels: form.kind === 'events' || form.kind === 'offline' ? {} : parseLabels(form.labels),
    op: form.op,
    threshold: numberOrNull(form.threshold),
    clearThreshold: numberOrNull(form.clearThreshold),
    forSamples: streaks ? numberOrNull(form.forSamples) : 1,
    for: streaks ? textOrNull(form.for) : null,
    holdFor: streaks ? textOrNull(form.holdFor) : null,
    reopenWithin: textOrNull(form.reopenWithin),
    flapHighThreshold: numberOrNull(form.flapHighThreshold),
    flapLowThreshold: numberOrNull(form.flapLowThreshold),
    aggregate: form.kind === 'aggregate' ? form.aggregate : null,
    window: form.kind === 'aggregate' ? textOrNull(form.window) : null,
    events: form.kind === 'events' ? eventsBody(form.events) : null,
    priority: form.priority,
    enabled: form.enabled,
    runbookId: textOrNull(form.runbookId),
    scope: ruleScopeBody(form.scope),
    exclude: Object.keys(excludeGiven).length > 0 ? excludeGiven : null,
    overrides: form.overrides.length > 0 ? form.overrides.map(overrideBody) : null,
  };
}

function overrideForm(o: RuleOverride): OverrideForm {
  return {
    tenant: o.match.tenant ?? '', site: o.match.site ?? '', agent: o.match.agent ?? '',
    threshold: numberText(o.threshold), clearThreshold: numberText(o.clearThreshold), priority: o.priority ?? '',
    enabled: o.enabled === undefined ? '' : o.enabled ? 'on' : 'off',
  };
}

/** A stored rule in its form, for editing. */
export function ruleForm(rule: Rule, kind: RuleKind): RuleForm {
  const events = rule.events;
  return {
    kind, name: rule.name, metric: rule.metric, labels: labelsText(rule.labels), op: rule.op, threshold: numberText(rule.threshold),
    clearThreshold: numberText(rule.clearThreshold), forSamples: numberText(rule.forSamples), for: rule.for ?? '', holdFor: rule.holdFor ?? '',
    reopenWithin: rule.reopenWithin ?? '', flapHighThreshold: numberText(rule.flapHighThreshold), flapLowThreshold: numberText(rule.flapLowThreshold),
    aggregate: rule.aggregate ?? 'avg', window: rule.window ?? '',
    events: events
      ? { log: events.log ?? '', level: events.level ?? '', source: events.source ?? '', eventId: events.eventId === undefined ? '' : String(events.eventId), message: events.message ?? '', window: events.window }
      : { ...EMPTY_EVENTS },
    priority: rule.priority, enabled: rule.enabled, runbookId: rule.runbookId ?? '', scope: ruleScopeForm(rule.scope),
    exclude: { agents: joinList(rule.exclude?.agents), sites: joinList(rule.exclude?.sites), tags: joinList(rule.exclude?.tags) },
    overrides: (rule.overrides ?? []).map(overrideForm),
  };
}


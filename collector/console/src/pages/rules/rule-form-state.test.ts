import { describe, expect, it } from 'vitest';
import { ruleKind } from './rule-kinds.js';
import { storedRule } from './test-rule.js';
import { EMPTY_OVERRIDE, newRuleForm, parseLabels, ruleBody, ruleForm, serviceName, switchKind, withServiceName } from './rule-form-state.js';

describe('rule form state', () => {
  it('starts each kind with its metric and condition', () => {
    expect(newRuleForm('offline', '')).toMatchObject({ metric: 'agent.online', op: '==', threshold: '0', forSamples: '1' });
    expect(newRuleForm('events', 'acme')).toMatchObject({ metric: 'event.match', op: '>=', threshold: '1', scope: { tenant: 'acme' } });
    expect(newRuleForm('aggregate', '')).toMatchObject({ window: '5m', aggregate: 'avg' });
  });

  it('builds the body of a threshold rule, empty required numbers as null for the API to name', () => {
    const form = { ...newRuleForm('threshold', 'acme'), name: 'CPU', metric: 'cpu.usage_pct', threshold: '', forSamples: '3', for: '5m' };
    expect(ruleBody(form)).toEqual({
      name: 'CPU', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: null, clearThreshold: null, forSamples: 3, for: '5m',
      holdFor: null, reopenWithin: null, flapHighThreshold: null, flapLowThreshold: null, aggregate: null, window: null, events: null,
      priority: 'P3', enabled: true, runbookId: null, scope: { tenant: 'acme' }, exclude: null, overrides: null,
    });
    expect(ruleBody({ ...form, threshold: 'ninety' }).threshold).toBe('ninety');
  });

  it('sends aggregation and event criteria only for their kinds', () => {
    const aggregate = ruleBody({ ...newRuleForm('aggregate', ''), threshold: '80', aggregate: 'max' });
    expect(aggregate).toMatchObject({ aggregate: 'max', window: '5m', events: null });
    const events = ruleBody({ ...newRuleForm('events', ''), events: { log: 'System', level: 'warning', source: '', eventId: '41', message: 'disk (full|failing)', window: '' } });
    expect(events).toMatchObject({ metric: 'event.match', labels: {}, aggregate: null, events: { log: 'System', level: 'warning', eventId: 41, message: 'disk (full|failing)' } });
    expect(events.events).not.toHaveProperty('window');
  });

  it('keeps an offline rule free of streaks and waits, which agent.online cannot have', () => {
    const offline = { ...newRuleForm('offline', ''), forSamples: '5', for: '5m', holdFor: '1m', labels: 'x=y' };
    expect(ruleBody(offline)).toMatchObject({ forSamples: 1, for: null, holdFor: null, labels: {} });
    expect(switchKind({ ...newRuleForm('threshold', 'acme'), name: 'kept', forSamples: '4' }, 'offline')).toMatchObject({ name: 'kept', forSamples: '1', metric: 'agent.online', scope: { tenant: 'acme' } });
  });

  it('sends exclusions and overrides as given, inheriting what an override leaves empty', () => {
    const form = {
      ...newRuleForm('threshold', 'acme'),
      exclude: { agents: '', sites: 'lab, test', tags: '' },
      overrides: [{ ...EMPTY_OVERRIDE, site: 'hq', threshold: '95', enabled: 'off' as const }, { ...EMPTY_OVERRIDE, priority: 'P1' as const }],
    };
    expect(ruleBody(form)).toMatchObject({
      exclude: { sites: ['lab', 'test'] },
      overrides: [{ match: { site: 'hq' }, threshold: 95, enabled: false }, { match: {}, priority: 'P1' }],
    });
  });

  it('reads labels, and a service rule\'s service name among them', () => {
    expect(parseLabels('mount=/, device = sda ,flag')).toEqual({ mount: '/', device: 'sda', flag: '' });
    const form = withServiceName(newRuleForm('service', ''), 'nginx');
    expect(serviceName(form)).toBe('nginx');
    expect(ruleBody(form).labels).toEqual({ service: 'nginx' });
    expect(serviceName(withServiceName(form, ''))).toBe('');
  });

  it('turns a stored rule into its form and back into the same rule', () => {
    const rule = storedRule({
      for: '5m', exclude: { tags: ['lab'] }, overrides: [{ match: { tenant: 'acme', site: 'hq' }, threshold: 95, clearThreshold: null, priority: 'P1' }],
    });
    const form = ruleForm(rule, ruleKind(rule));
    expect(form).toMatchObject({ kind: 'threshold', labels: 'mount=/', threshold: '90', clearThreshold: '85', forSamples: '3', scope: { tenant: 'acme', tags: 'server' } });
    const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = rule;
    // A null clearThreshold in an override reads as "inherit": the one thing a form cannot say.
    expect(ruleBody(form)).toEqual({ ...fields, overrides: [{ match: { tenant: 'acme', site: 'hq' }, threshold: 95, priority: 'P1' }] });
  });
});

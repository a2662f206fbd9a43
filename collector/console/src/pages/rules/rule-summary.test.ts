import { describe, expect, it } from 'vitest';
import { ruleKind } from './rule-kinds.js';
import { conditionSummary, ruleMatches, ruleOwner } from './rule-summary.js';
import { storedRule } from './test-rule.js';

describe('rule summaries', () => {
  it('says a threshold rule\'s condition with its labels, streak and clear threshold', () => {
    expect(conditionSummary(storedRule())).toBe('disk.used_pct{mount=/} > 90 for 3 samples, clears at 85');
    expect(conditionSummary(storedRule({ labels: {}, forSamples: 1, for: '5m', clearThreshold: null, op: '<=' }))).toBe('disk.used_pct ≤ 90 for 5m');
  });

  it('says an aggregation and an event-log match', () => {
    expect(conditionSummary(storedRule({ metric: 'cpu.usage_pct', labels: {}, aggregate: 'avg', window: '5m', forSamples: 1, clearThreshold: null, threshold: 85 })))
      .toBe('avg(cpu.usage_pct) over 5m > 85');
    const events = storedRule({ metric: 'event.match', labels: {}, op: '>=', threshold: 5, forSamples: 1, clearThreshold: null, events: { log: 'System', level: 'error', message: 'disk', window: '10m' } });
    expect(conditionSummary(events)).toBe('≥ 5 event-log entries in 10m: log System, level error, /disk/');
    expect(ruleKind(events)).toBe('events');
  });

  it('tells the kind from the metric and fields', () => {
    expect(ruleKind(storedRule())).toBe('threshold');
    expect(ruleKind(storedRule({ metric: 'agent.online' }))).toBe('offline');
    expect(ruleKind(storedRule({ metric: 'service.up' }))).toBe('service');
    expect(ruleKind(storedRule({ metric: 'disk.health_ok' }))).toBe('disk-health');
    expect(ruleKind(storedRule({ metric: 'patch.reboot_pending_days' }))).toBe('patch');
    expect(ruleKind(storedRule({ aggregate: 'max', window: '1h' }))).toBe('aggregate');
  });

  it('names the owner and matches every word of a search', () => {
    expect(ruleOwner(storedRule())).toBe('acme');
    expect(ruleOwner(storedRule({ scope: {} }))).toBe('MSP-wide');
    expect(ruleMatches(storedRule(), '')).toBe(true);
    expect(ruleMatches(storedRule(), 'root ACME')).toBe(true);
    expect(ruleMatches(storedRule(), 'threshold p2 server')).toBe(true);
    expect(ruleMatches(storedRule(), 'root globex')).toBe(false);
    expect(ruleMatches(storedRule({ enabled: false, scope: {} }), 'disabled msp-wide')).toBe(true);
  });
});

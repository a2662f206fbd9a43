import { RuleInputSchema, labelsMatch, parseDuration, type ComparisonOp, type RuleInput } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { backgroundRules, type BackgroundFleet } from './background-rules.js';
import { BREACH_METRIC, hostSeriesBounds } from './sample-profile.js';

const DAY_MS = 86_400_000;
const fleet: BackgroundFleet = { tenant: 'load-run1', site: 'sim', tag: 'load-sim', agentIds: Array.from({ length: 50 }, (_, i) => `agt-${i}`) };

/** Whether some value within [min, max] meets `op threshold`. */
function crossable(op: ComparisonOp, threshold: number, min: number, max: number): boolean {
  switch (op) {
    case '>': return max > threshold;
    case '>=': return max >= threshold;
    case '<': return min < threshold;
    case '<=': return min <= threshold;
    case '==': return min <= threshold && threshold <= max;
    case '!=': return min !== max || min !== threshold;
  }
}

/** Whether the simulated values can cross the rule's threshold or any override's, on some series it watches. */
function crossedBySimulatedValues(rule: RuleInput, samplesPerFrame: number): boolean {
  const thresholds = [rule.threshold, ...(rule.overrides ?? []).map((o) => o.threshold ?? rule.threshold)];
  return hostSeriesBounds(samplesPerFrame).some((series) => series.metric === rule.metric && labelsMatch(rule.labels, series.labels)
    && thresholds.some((t) => crossable(rule.op, t, series.min, series.max)));
}

const parsed = (count: number, f: BackgroundFleet = fleet): RuleInput[] => backgroundRules(count, f, 'run1').map((body) => RuleInputSchema.parse(body));

describe('backgroundRules', () => {
  it('gives bodies the rules API accepts, each named, P4 and scoped to the run\'s tenant', () => {
    const bodies = backgroundRules(40, fleet, 'run1');
    expect(bodies).toHaveLength(40);
    for (const body of bodies) {
      const result = RuleInputSchema.safeParse(body);
      expect(result.success, `${body.name}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
      expect(body.priority).toBe('P4');
      expect(body.scope?.tenant).toBe(fleet.tenant);
    }
    expect(new Set(bodies.map((b) => b.name)).size).toBe(40);
  });

  it('never opens an alert within a run: a threshold the simulated values can cross comes with a day-long "for"', () => {
    for (const samplesPerFrame of [8, 20, 60]) {
      for (const rule of parsed(13)) {
        expect(rule.metric, rule.name).not.toBe(BREACH_METRIC);
        if (!crossedBySimulatedValues(rule, samplesPerFrame)) continue;
        expect(rule.for ? parseDuration(rule.for) : 0, rule.name).toBeGreaterThanOrEqual(DAY_MS);
      }
    }
  });

  it('mixes what an MSP writes: a share near its threshold, windows, scopes, overrides and exclusions', () => {
    const rules = parsed(13);
    const near = rules.filter((r) => crossedBySimulatedValues(r, 20));
    expect(near.length / rules.length).toBeGreaterThanOrEqual(0.25);
    expect(near.length).toBeLessThan(rules.length);
    expect(new Set(rules.map((r) => r.aggregate).filter(Boolean))).toEqual(new Set(['avg', 'max']));
    expect(rules.some((r) => r.for && r.aggregate)).toBe(true);
    expect(rules.some((r) => r.scope.site === fleet.site)).toBe(true);
    expect(rules.some((r) => r.scope.tags?.includes(fleet.tag))).toBe(true);
    expect(rules.some((r) => r.scope.os === 'linux')).toBe(true);
    const overrides = rules.flatMap((r) => r.overrides ?? []);
    expect(overrides.some((o) => o.match.site === fleet.site)).toBe(true);
    expect(overrides.some((o) => o.match.agent !== undefined && fleet.agentIds.includes(o.match.agent))).toBe(true);
    expect(overrides.some((o) => o.enabled === false)).toBe(true);
    expect(rules.some((r) => r.exclude?.agents?.every((id) => fleet.agentIds.includes(id)))).toBe(true);
    expect(rules.some((r) => r.exclude?.sites?.length)).toBe(true);
  });

  it('names no agent when none is known, and stays valid', () => {
    const rules = parsed(13, { ...fleet, agentIds: [] });
    expect(rules.flatMap((r) => r.overrides ?? []).some((o) => o.match.agent !== undefined)).toBe(false);
    expect(rules.some((r) => r.exclude?.agents !== undefined)).toBe(false);
  });
});

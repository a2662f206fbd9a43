import { describe, expect, it } from 'vitest';
import { KPI_TARGETS, rateKpi } from './kpi-targets.js';

describe('rateKpi', () => {
  it('rates against the goal and the floor, both inclusive', () => {
    const target = KPI_TARGETS.slaCompliance;
    expect(rateKpi(100, target)).toBe('ok');
    expect(rateKpi(95, target)).toBe('ok');
    expect(rateKpi(94.99, target)).toBe('warn');
    expect(rateKpi(90, target)).toBe('warn');
    expect(rateKpi(89.99, target)).toBe('bad');
    expect(rateKpi(0, target)).toBe('bad');
  });

  it('has nothing to say without data', () => {
    expect(rateKpi(null, KPI_TARGETS.agentAvailability)).toBe('none');
  });

  it('holds availability to a stricter goal than compliance', () => {
    expect(rateKpi(99, KPI_TARGETS.agentAvailability)).toBe('warn');
    expect(rateKpi(99, KPI_TARGETS.patchCompliance)).toBe('ok');
  });
});

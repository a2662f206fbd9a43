import { describe, expect, it } from 'vitest';
import { capOutcome } from './runbook-caps.js';

const limits = { maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 2 };

describe('runbook caps', () => {
  it('lets a run start while both counts are under their caps', () => {
    expect(capOutcome(limits, { alert: 0, agent: 0 })).toBeNull();
    expect(capOutcome(limits, { alert: 0, agent: 1 })).toBeNull();
  });

  it('caps at the per-alert limit first, then the per-agent one, and says which', () => {
    expect(capOutcome(limits, { alert: 1, agent: 1 })).toBe('capped: 1 run per alert per hour');
    expect(capOutcome(limits, { alert: 0, agent: 2 })).toBe('capped: 2 runs per agent per hour');
    expect(capOutcome({ maxRunsPerAlertPerHour: 3, maxRunsPerAgentPerHour: 3 }, { alert: 3, agent: 3 })).toBe('capped: 3 runs per alert per hour');
  });

  it('never starts a second run for an alert while one is under way, whatever the caps allow', () => {
    expect(capOutcome({ maxRunsPerAlertPerHour: 60, maxRunsPerAgentPerHour: 60 }, { alert: 1, agent: 1, underWay: 'rbr_1' }))
      .toBe('capped: run rbr_1 of this runbook is still under way for the alert');
  });
});

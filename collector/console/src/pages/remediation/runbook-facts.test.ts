import { describe, expect, it } from 'vitest';
import { describeCaps, describeStepScript, runbookRunTone, triggersOf } from './runbook-facts.js';

describe('runbook facts', () => {
  it('finds the rules that trigger a runbook', () => {
    const rules = [
      { id: 'rul_1', name: 'Disk full', runbookId: 'rbk_1', enabled: true },
      { id: 'rul_2', name: 'CPU', runbookId: null, enabled: true },
      { id: 'rul_3', name: 'Disk nearly full', runbookId: 'rbk_1', enabled: false },
    ];
    expect(triggersOf('rbk_1', rules)).toEqual([{ id: 'rul_1', name: 'Disk full', enabled: true }, { id: 'rul_3', name: 'Disk nearly full', enabled: false }]);
    expect(triggersOf('rbk_9', rules)).toEqual([]);
  });

  it('describes caps and steps', () => {
    expect(describeCaps({ maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 3 })).toBe('1 run per alert, 3 per agent, each hour');
    expect(describeCaps({ maxRunsPerAlertPerHour: 2, maxRunsPerAgentPerHour: 2 })).toBe('2 runs per alert, 2 per agent, each hour');
    const names = new Map([['scr_1', 'Clean temp']]);
    expect(describeStepScript({ scriptId: 'scr_1' }, names)).toBe('Clean temp (latest)');
    expect(describeStepScript({ scriptId: 'scr_2', version: 4 }, names)).toBe('scr_2 v4');
  });

  it('shades runbook runs by outcome', () => {
    expect(runbookRunTone('resolved')).toBe('ok');
    expect(runbookRunTone('escalated')).toBe('bad');
    expect(runbookRunTone('capped')).toBe('warn');
    expect(runbookRunTone('verifying')).toBe('neutral');
  });
});

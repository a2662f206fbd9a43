import type { Rule, Runbook, RunbookRunState, RunbookStep } from '@vigil/shared';
import type { Tone } from './run-states.js';

/** The rules whose alerts start the runbook: a runbook has no trigger of its own, rules name it. */
export function triggersOf(runbookId: string, rules: readonly Pick<Rule, 'id' | 'name' | 'runbookId' | 'enabled'>[]): Pick<Rule, 'id' | 'name' | 'enabled'>[] {
  return rules.filter((rule) => rule.runbookId === runbookId).map(({ id, name, enabled }) => ({ id, name, enabled }));
}

/** "1 run per alert, 3 per agent, each hour": the limits that keep remediation from looping. */
export function describeCaps(runbook: Pick<Runbook, 'maxRunsPerAlertPerHour' | 'maxRunsPerAgentPerHour'>): string {
  const perAlert = runbook.maxRunsPerAlertPerHour;
  return `${perAlert} run${perAlert === 1 ? '' : 's'} per alert, ${runbook.maxRunsPerAgentPerHour} per agent, each hour`;
}

/** A step's script by name when the library knows it (it may be another tenant's or gone), pinned version or latest. */
export function describeStepScript(step: Pick<RunbookStep, 'scriptId' | 'version'>, scriptNames: ReadonlyMap<string, string>): string {
  const name = scriptNames.get(step.scriptId) ?? step.scriptId;
  return `${name} ${step.version === undefined ? '(latest)' : `v${step.version}`}`;
}

export function runbookRunTone(state: RunbookRunState): Tone {
  if (state === 'resolved') return 'ok';
  if (state === 'escalated' || state === 'rejected') return 'bad';
  if (state === 'awaiting_approval' || state === 'capped') return 'warn';
  return 'neutral';
}

export function runbookRunStateLabel(state: RunbookRunState): string {
  return state.replace('_', ' ');
}

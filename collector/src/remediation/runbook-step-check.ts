import { checkParams, type RunbookStep, type Script } from '@vigil/shared';

/** Where the runbook's scripts are looked up: the latest version, or a given one. */
export interface ScriptLookup {
  get(id: string): Script | undefined;
  getVersion(id: string, version: number): Script | undefined;
}

/** What is wrong with the runbook's steps, naming the field; null when nothing. */
export interface StepProblem { field: string; message: string }

/**
 * Checks each step as a run would start it: its script exists and is one the runbook's tenant may
 * run (its own or MSP-wide; an MSP-wide runbook only MSP-wide scripts, since it may fire on any
 * tenant's agents), the version exists (the latest when unpinned), and the parameter values pass
 * that version's declarations. Fixed `args` belong to a one-step runbook of an unsigned script.
 * `legacy`: the body was the one-script shape, so fields are named as it named them.
 */
export function runbookStepProblem(steps: readonly RunbookStep[], args: readonly string[] | null, tenantId: string | null, scripts: ScriptLookup, legacy = false): StepProblem | null {
  const field = (index: number, name: string) => (legacy ? name : `steps.${index}.${name}`);
  for (const [index, step] of steps.entries()) {
    const latest = scripts.get(step.scriptId);
    // Another tenant's script is answered like a missing one: its existence is not the caller's business.
    if (!latest || (latest.tenantId !== null && latest.tenantId !== tenantId)) {
      return { field: field(index, 'scriptId'), message: `script ${step.scriptId} does not exist${tenantId === null || !latest ? '' : ` in tenant ${tenantId}`}` };
    }
    const script = step.version === undefined ? latest : scripts.getVersion(latest.id, step.version);
    if (!script) return { field: field(index, 'version'), message: `script ${latest.id} has no version ${step.version} (the latest is ${latest.version})` };
    const params = checkParams(script.manifest.params, step.params);
    if (!params.ok) return { field: field(index, 'params'), message: `${params.error} (script ${script.id} version ${script.version})` };
  }
  if (args !== null) {
    if (steps.length !== 1) return { field: 'args', message: 'only a one-step runbook has fixed arguments; give each step its params instead' };
    const first = steps[0]!;
    const script = first.version === undefined ? scripts.get(first.scriptId) : scripts.getVersion(first.scriptId, first.version);
    if (script?.signature) return { field: 'args', message: `script ${script.id} is signed: its arguments are part of the signature; pass values through params` };
  }
  return null;
}

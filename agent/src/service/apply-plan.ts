import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeCommandFailure, runCommand, type CommandResult } from '../os/run-command.js';
import { CliError } from '../cli/options.js';
import { displayCommand } from './describe-plan.js';
import type { PlanStep, ServicePlan } from './types.js';

export interface ApplyContext {
  /** Progress, one line per step. */
  out: (line: string) => void;
  /** Environment for the commands (PATH decides which systemctl runs). */
  env?: NodeJS.ProcessEnv;
}

/** A step that went wrong, with what had been done before it. */
export class PlanStepError extends CliError {}

function writeFileAtomic(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temp, content, { mode });
  // The mode given to writeFile is filtered by the umask; a unit or plist must end up exactly so.
  chmodSync(temp, mode);
  renameSync(temp, path);
}

async function applyStep(step: PlanStep, plan: ServicePlan, context: ApplyContext): Promise<CommandResult | null> {
  switch (step.kind) {
    case 'require-path':
      if (!existsSync(step.path)) throw new PlanStepError(`cannot ${plan.action} the service: ${step.path} does not exist (${step.why})`);
      return null;
    case 'mkdir':
      mkdirSync(step.path, { recursive: true, mode: step.mode });
      context.out(`created ${step.path}`);
      return null;
    case 'write':
      writeFileAtomic(step.path, step.content, step.mode);
      context.out(`wrote ${step.path}`);
      return null;
    case 'remove':
      context.out(existsSync(step.path) ? `removed ${step.path}` : `${step.path} was already gone`);
      rmSync(step.path, { force: true });
      return null;
    case 'run': {
      const shown = displayCommand(step.command, step.args, plan.os);
      const result = await runCommand(step.command, step.args, { timeoutMs: step.timeoutMs, ...(context.env ? { env: context.env } : {}) });
      const ok = result.kind === 'exited' && result.exitCode === 0;
      if (ok || step.mayFail) {
        context.out(`ran ${shown}${ok ? '' : ` (failed, which is fine: ${step.mayFail})`}`);
        return result;
      }
      throw new PlanStepError(`${shown} failed: ${describeCommandFailure(result)}`);
    }
  }
}

/**
 * Carries out an install or uninstall plan step by step, through the same bounded command runner
 * the collectors use. It stops at the first step that fails (unless that step may fail).
 */
export async function applyPlan(plan: ServicePlan, context: ApplyContext): Promise<void> {
  for (const step of plan.steps) await applyStep(step, plan, context);
}

/** Runs a status plan's commands and returns their stdout, in order; a missing tool reads as empty. */
export async function runStatusPlan(plan: ServicePlan, context: ApplyContext): Promise<string[]> {
  const outputs: string[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'run') continue;
    context.out(`$ ${displayCommand(step.command, step.args, plan.os)}`);
    const result = await runCommand(step.command, step.args, { timeoutMs: step.timeoutMs, ...(context.env ? { env: context.env } : {}) });
    if (result.kind === 'exited') {
      const text = `${result.stdout}${result.stderr}`.trimEnd();
      if (text) context.out(text);
      outputs.push(result.stdout);
    } else {
      context.out(`(${result.reason})`);
      outputs.push('');
    }
  }
  return outputs;
}

import type { PlanStep, ServiceOs, ServicePlan } from './types.js';

/** A word as one would type it in that OS's shell, so a printed command can be pasted and run. */
export function displayArg(arg: string, os: ServiceOs): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./\\-]+$/.test(arg)) return arg;
  if (os === 'windows') return `"${arg.replace(/"/g, '\\"')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function displayCommand(command: string, args: readonly string[], os: ServiceOs): string {
  return [command, ...args].map((a) => displayArg(a, os)).join(' ');
}

function describeStep(step: PlanStep, os: ServiceOs): string {
  switch (step.kind) {
    case 'require-path':
      return `check that ${step.path} exists (${step.why})\n`;
    case 'mkdir':
      return `mkdir ${step.path} (mode ${step.mode.toString(8).padStart(4, '0')})\n`;
    case 'remove':
      return `remove ${step.path}\n`;
    case 'run':
      return `run: ${displayCommand(step.command, step.args, os)}${step.why ? `    # ${step.why}` : ''}${step.mayFail ? `    # may fail: ${step.mayFail}` : ''}\n`;
    case 'write': {
      const body = step.content.endsWith('\n') ? step.content : `${step.content}\n`;
      return `write ${step.path} (mode ${step.mode.toString(8).padStart(4, '0')}):\n----- begin ${step.path} -----\n${body}----- end ${step.path} -----\n`;
    }
  }
}

/**
 * What a dry run prints: every file with its full content, every command, in the order a real
 * run would do them. File contents appear byte for byte (Windows line ends included).
 */
export function describePlan(plan: ServicePlan): string {
  const header = `# vigil-agent service ${plan.action} --os ${plan.os}: dry run, nothing is written or run\n`;
  const notes = plan.notes.map((note) => `# ${note}\n`).join('');
  let text = `${header}${notes}\n`;
  for (const step of plan.steps) {
    // A file block stands apart from the one-line steps around it; its own content is left as is.
    const block = step.kind === 'write';
    if (block && !text.endsWith('\n\n')) text += '\n';
    text += describeStep(step, plan.os);
    if (block) text += '\n';
  }
  return text;
}

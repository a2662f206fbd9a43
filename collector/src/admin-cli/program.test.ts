import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandPaths, createProgram } from './program.js';

function captureOutput(command: Command, sink: string[]): void {
  command.configureOutput({ writeOut: (s) => sink.push(s), writeErr: (s) => sink.push(s) });
  for (const sub of command.commands) captureOutput(sub, sink);
}

async function help(path: string[]): Promise<{ code: string; text: string }> {
  const program = createProgram();
  const out: string[] = [];
  captureOutput(program, out);
  try {
    await program.parseAsync([...path, '--help'], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.code, text: out.join('') };
    throw error;
  }
  return { code: 'none', text: out.join('') };
}

describe('the vigil command tree', () => {
  const paths = commandPaths(createProgram());

  it('has every command the CLI documents', () => {
    const names = paths.map((p) => p.join(' '));
    for (const expected of [
      'login', 'logout', 'whoami', 'agents ls', 'agents show', 'agents revoke', 'alerts ls', 'alerts ack', 'alerts resolve',
      'keys generate', 'keys show', 'trust show', 'trust init', 'trust add', 'trust remove',
      'scripts ls', 'scripts show', 'scripts add', 'scripts update', 'scripts versions', 'run',
      'jobs ls', 'jobs show', 'jobs runs', 'jobs cancel', 'jobs approve', 'jobs reject', 'approvals ls', 'runbooks ls', 'runbooks add', 'runbooks runs', 'tenants ls', 'tenants add', 'tenants rm', 'sites ls', 'sites add',
      'users ls', 'users add', 'users rm', 'users passwd', 'users unlock', 'tokens ls', 'tokens create', 'tokens revoke', 'audit ls',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(paths.map((p) => [p.join(' ')]))('vigil %s --help prints its usage, a description and the global options', async (name) => {
    const { code, text } = await help(name.split(' '));
    expect(code).toBe('commander.helpDisplayed');
    expect(text).toContain(`Usage: vigil ${name}`);
    expect(text).toMatch(/--server <url>[\s\S]*--token <token>/);
    expect(text.split('\n')[2]?.trim()).not.toBe('');
  });

  it('leaves --version after a command to the command (run --version N), the program has only -V', () => {
    const program = createProgram();
    expect(program.options.map((o) => o.long)).not.toContain('--version');
    const run = program.commands.find((c) => c.name() === 'run')!;
    expect(run.options.map((o) => o.long)).toContain('--version');
  });

  it('offers --json wherever something is listed or shown', () => {
    const program = createProgram();
    const find = (path: string[]) => path.reduce<Command>((cmd, name) => cmd.commands.find((c) => c.name() === name)!, program);
    for (const path of ['whoami', 'agents ls', 'agents show', 'alerts ls', 'alerts ack', 'alerts resolve', 'keys generate', 'keys show', 'trust show', 'trust init', 'trust add', 'trust remove', 'scripts ls', 'scripts show', 'scripts add', 'scripts update', 'scripts versions', 'run',
      'jobs ls', 'jobs show', 'jobs runs', 'jobs cancel', 'jobs approve', 'jobs reject', 'approvals ls', 'runbooks ls', 'runbooks add', 'runbooks runs', 'tenants ls', 'sites ls', 'users ls', 'users add', 'tokens ls', 'tokens create', 'audit ls']) {
      expect(find(path.split(' ')).options.map((o) => o.long), path).toContain('--json');
    }
  });
});

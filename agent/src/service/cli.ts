import { Option, type Command } from 'commander';
import { durationOption } from '../cli/options.js';
import { SERVICE_OSES, type ServiceAction, type ServiceOs } from './types.js';

type ActionWrapper = <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) => (...args: A) => Promise<void>;

interface ServiceFlags {
  os?: ServiceOs;
  dryRun: boolean;
  state?: string;
  interval?: number;
}

/**
 * `vigil-agent service install|uninstall|status`. The implementation is imported only when one of
 * these runs, so `vigil-agent run` never loads it.
 */
export function addServiceCommand(program: Command, action: ActionWrapper): void {
  const service = program
    .command('service')
    .description('Install, remove or inspect the agent as a system service: systemd (Linux), a Windows service through WinSW, a launchd daemon (macOS).');

  const common = (command: Command): Command =>
    command
      .addOption(new Option('--os <os>', 'target OS (default: this one; another OS only with --dry-run)').choices(SERVICE_OSES))
      .option('--dry-run', 'print the files that would be written, with their full content, and the commands that would run; change nothing', false)
      .option('--state <dir>', 'state directory the service uses (default: /var/lib/vigil-agent, %ProgramData%\\Vigil, /Library/Application Support/Vigil)');

  const execute = async (serviceAction: ServiceAction, flags: ServiceFlags, extraRunArgs: string[] = []): Promise<void> => {
    const { serviceCommand } = await import('./service-command.js');
    process.exitCode = await serviceCommand(
      {
        action: serviceAction,
        dryRun: flags.dryRun,
        ...(flags.os ? { os: flags.os } : {}),
        ...(flags.state !== undefined ? { stateDir: flags.state } : {}),
        ...(flags.interval !== undefined ? { intervalMs: flags.interval } : {}),
        ...(extraRunArgs.length ? { extraRunArgs } : {}),
      },
      { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
    );
  };

  common(service.command('install').description('Write the service definition, enable it and start it (needs root / Administrator).'))
    .addOption(new Option('--interval <duration>', 'time between frames, passed to `run`').argParser(durationOption(100)))
    .argument('[run-options...]', 'further `vigil-agent run` options, after --, e.g. -- --services nginx,sshd')
    .addHelpText('after', '\nReinstalling replaces the definition and restarts the service. The state directory is never touched.')
    .action(action((runOptions: string[], flags: ServiceFlags) => execute('install', flags, runOptions)));

  common(service.command('uninstall').description('Stop and disable the service and remove its definition; the state directory (identity) is kept.')).action(action((flags: ServiceFlags) => execute('uninstall', flags)));

  common(service.command('status').description("Ask the service manager about the service; exit status 0 when it runs, 1 when not.")).action(action((flags: ServiceFlags) => execute('status', flags)));
}

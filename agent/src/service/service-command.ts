import { CliError } from '../cli/options.js';
import { isEnrolled } from '../state/enrollment-store.js';
import { applyPlan, runStatusPlan } from './apply-plan.js';
import { describePlan } from './describe-plan.js';
import { buildPlan, serviceRunning, type ServiceLayouts } from './plan.js';
import { isPrivileged, privilegeHint } from './privileges.js';
import { buildServiceSpec, currentServiceOs, type ServiceSpecInput } from './spec.js';
import type { ServiceAction, ServiceOs } from './types.js';

export interface ServiceCommandOptions {
  action: ServiceAction;
  /** Defaults to the OS this runs on. */
  os?: ServiceOs;
  dryRun: boolean;
  stateDir?: string;
  intervalMs?: number;
  extraRunArgs?: readonly string[];
}

export interface ServiceCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests; the real paths otherwise. */
  layouts?: ServiceLayouts;
  spec?: Partial<ServiceSpecInput>;
  privileged?: () => Promise<boolean>;
}

/** %ProgramData%-style references, expanded as WinSW will on the machine (names are case-insensitive there). */
function expandWindowsVars(path: string, env: NodeJS.ProcessEnv): string {
  const lower = new Map(Object.entries(env).map(([key, value]) => [key.toLowerCase(), value]));
  return path.replace(/%([^%]+)%/g, (whole, name: string) => lower.get(name.toLowerCase()) ?? whole);
}

/**
 * `vigil-agent service install|uninstall|status`. A dry run prints the plan for any OS and
 * changes nothing; a real run works only on the OS it targets, and install/uninstall need root
 * or an elevated Administrator. Returns the exit status (status: 0 running, 1 not).
 */
export async function serviceCommand(options: ServiceCommandOptions, io: ServiceCommandIo): Promise<number> {
  const platform = io.platform ?? process.platform;
  const env = io.env ?? process.env;
  const current = currentServiceOs(platform);
  const os = options.os ?? current;
  if (!os) throw new CliError(`vigil-agent service supports linux, windows and darwin, not ${platform}; --dry-run --os linux|windows|darwin shows what would be written there`);
  if (!options.dryRun && os !== current) {
    throw new CliError(`refusing to ${options.action} a ${os} service on ${current ?? platform}: that only works on ${os} itself; add --dry-run to see what would be written and run there`);
  }

  const spec = buildServiceSpec({
    os,
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.extraRunArgs ? { extraRunArgs: options.extraRunArgs } : {}),
    ...io.spec,
  });
  const plan = buildPlan(options.action, spec, io.layouts);

  if (options.dryRun) {
    if (os !== current) io.stderr(`note: rendered for ${os} with this installation's node and agent paths; on a ${os} machine its own paths are used\n`);
    io.stdout(describePlan(plan));
    return 0;
  }

  if (options.action === 'status') {
    const outputs = await runStatusPlan(plan, { out: (line) => io.stdout(`${line}\n`), env });
    const running = serviceRunning(spec, outputs);
    io.stdout(`vigil-agent service: ${running ? 'running' : 'not running'}\n`);
    return running ? 0 : 1;
  }

  if (!(await (io.privileged ?? (() => isPrivileged(platform)))())) {
    throw new CliError(`${options.action}ing the vigil-agent service changes the system's services: ${privilegeHint(platform)}`);
  }
  if (options.action === 'install') {
    const stateDir = os === 'windows' ? expandWindowsVars(spec.stateDir, env) : spec.stateDir;
    if (!isEnrolled(stateDir)) {
      io.stderr(`note: ${stateDir} holds no enrollment yet; the service restarts until \`vigil-agent enroll --state ${JSON.stringify(stateDir)} --server URL --token TOKEN\` has run\n`);
    }
  }
  for (const note of plan.notes) io.stdout(`# ${note}\n`);
  await applyPlan(plan, { out: (line) => io.stdout(`${line}\n`), env });
  io.stdout(`vigil-agent service ${options.action === 'install' ? 'installed and started' : 'removed'}\n`);
  return 0;
}

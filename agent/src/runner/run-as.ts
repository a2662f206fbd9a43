import { runCommand, type CommandResult } from '../os/run-command.js';

/**
 * A script signed with `runAs` runs as that local user rather than as the agent's service account.
 * Switching user needs root, which the agent has only when installed as a system service; rather
 * than run the script as someone else than signed, anything else is a refusal.
 */

export interface RunAsIdentity {
  user: string;
  uid: number;
  gid: number;
  /** What a login would set for that user. */
  env: { HOME: string; USER: string; LOGNAME: string };
}

export type RunAsResolution = { ok: true; identity: RunAsIdentity } | { ok: false; reason: string };

export interface RunAsHost {
  platform: NodeJS.Platform;
  /** The agent's own uid (undefined on Windows). */
  uid: number | undefined;
  run: (name: string, args: readonly string[]) => Promise<CommandResult>;
}

const LOOKUP_TIMEOUT_MS = 10_000;

export const systemRunAsHost = (): RunAsHost => ({
  platform: process.platform,
  uid: process.getuid?.(),
  run: (name, args) => runCommand(name, args, { timeoutMs: LOOKUP_TIMEOUT_MS }),
});

function numberFrom(result: CommandResult): number | null {
  if (result.kind !== 'exited' || result.exitCode !== 0) return null;
  const text = result.stdout.trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** The home directory from `getent passwd NAME` (Linux) or `dscl . -read /Users/NAME NFSHomeDirectory` (macOS). */
export function parseHome(platform: NodeJS.Platform, output: string): string | null {
  if (platform === 'darwin') {
    const match = /^NFSHomeDirectory:\s*(\S.*)$/m.exec(output);
    return match ? match[1]!.trim() : null;
  }
  const fields = output.trim().split('\n')[0]?.split(':') ?? [];
  return fields.length >= 7 && fields[5] ? fields[5] : null;
}

async function homeOf(user: string, host: RunAsHost): Promise<string | null> {
  const result = host.platform === 'darwin'
    ? await host.run('dscl', ['.', '-read', `/Users/${user}`, 'NFSHomeDirectory'])
    : await host.run('getent', ['passwd', user]);
  return result.kind === 'exited' && result.exitCode === 0 ? parseHome(host.platform, result.stdout) : null;
}

export async function resolveRunAs(user: string, host: RunAsHost = systemRunAsHost()): Promise<RunAsResolution> {
  if (host.platform === 'win32') return { ok: false, reason: 'runAs is not supported on Windows yet' };
  if (host.uid !== 0) return { ok: false, reason: `runAs needs the agent service to run as root (it runs as uid ${host.uid ?? 'unknown'}), so it cannot run this script as ${user}` };
  const uidResult = await host.run('id', ['-u', user]);
  const uid = numberFrom(uidResult);
  if (uid === null) {
    if (uidResult.kind === 'exited') return { ok: false, reason: `runAs user ${user} does not exist on this endpoint` };
    return { ok: false, reason: `cannot look up runAs user ${user}: ${uidResult.reason}` };
  }
  const gidResult = await host.run('id', ['-g', user]);
  const gid = numberFrom(gidResult);
  if (gid === null) return { ok: false, reason: `cannot look up the group of runAs user ${user}` };
  // A user without a home directory still runs; / is what login uses then.
  const home = (await homeOf(user, host)) ?? '/';
  return { ok: true, identity: { user, uid, gid, env: { HOME: home, USER: user, LOGNAME: user } } };
}

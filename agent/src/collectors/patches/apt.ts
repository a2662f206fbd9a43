import { access, readFile } from 'node:fs/promises';
import { aptRebootState, parseAptPolicy, parseAptSimulation, type FileState } from './parse-apt.js';
import { runTool } from './run-tool.js';
import type { ScanOutcome, SourceOptions } from './types.js';

/**
 * The simulation is read-only and, with Debug::NoLocking, takes no lock at all, so a scan never
 * blocks (or is blocked by) an administrator's or unattended-upgrades' apt run. `apt-get` rather
 * than `apt list --upgradable`: apt-get's output is its stable scripting interface (apt warns that
 * its own CLI is not), dist-upgrade shows what an upgrade would really install (including the new
 * packages a kernel update pulls in), each Inst line names the origin archives (so the security
 * pocket is visible), and the summary line lets a cut-short listing be told from a short one.
 */
export const APT_SIMULATE_ARGS = ['-s', '-q', '-o', 'Debug::NoLocking=1', 'dist-upgrade'] as const;
/** Lists the package indexes on disk; catches the "no lists, so 0 upgraded" false zero. */
export const APT_POLICY_ARGS = ['policy'] as const;
/** Only when configured: downloads the lists and holds apt's list lock while it does. */
export const APT_UPDATE_ARGS = ['-q', 'update'] as const;

export interface AptPaths {
  rebootRequired: string;
  rebootRequiredPkgs: string;
  /** Any of these present means absence of the flag file really means "no reboot pending". */
  rebootWriters: readonly string[];
}

export const DEFAULT_APT_PATHS: AptPaths = {
  rebootRequired: '/var/run/reboot-required',
  rebootRequiredPkgs: '/var/run/reboot-required.pkgs',
  rebootWriters: ['/usr/share/update-notifier/notify-reboot-required', '/etc/kernel/postinst.d/unattended-upgrades'],
};

export async function scanApt(options: SourceOptions, paths: AptPaths = DEFAULT_APT_PATHS): Promise<ScanOutcome> {
  const notes: string[] = [];
  if (options.refresh) {
    const update = await runTool('apt-get', APT_UPDATE_ARGS, { env: options.env, timeoutMs: options.timeoutMs });
    if (!update.ok) notes.push(`apt-get update failed, using the lists on disk: ${update.reason}`);
    else if (update.output.exitCode !== 0) notes.push(`apt-get update exited with code ${update.output.exitCode}, using the lists on disk`);
  }

  const policy = await runTool('apt-cache', APT_POLICY_ARGS, { env: options.env, timeoutMs: Math.min(options.timeoutMs, 60_000) });
  if (!policy.ok) return { ok: false, reason: policy.reason };
  const lists = parseAptPolicy(policy.output);
  if (!lists.ok) return { ok: false, reason: lists.reason };

  const simulation = await runTool('apt-get', APT_SIMULATE_ARGS, { env: options.env, timeoutMs: options.timeoutMs });
  if (!simulation.ok) return { ok: false, reason: simulation.reason };
  const result = parseAptSimulation(simulation.output);
  if (!result.ok) return { ok: false, reason: result.reason };
  notes.push(...result.value.warnings.map((w) => `apt-get warned: ${w}`));

  const [flag, pkgs, writerInstalled] = await Promise.all([
    readState(paths.rebootRequired),
    readState(paths.rebootRequiredPkgs),
    anyExists(paths.rebootWriters),
  ]);
  const reboot = aptRebootState(flag, pkgs, writerInstalled);
  if (reboot.note) notes.push(reboot.note);
  if (reboot.rebootRequired && reboot.packages.length) notes.push(`reboot requested by: ${reboot.packages.join(', ').slice(0, 500)}`);

  const items = result.value.items;
  return {
    ok: true,
    scan: {
      source: 'apt',
      items,
      pending: items.length,
      securityPending: items.filter((i) => i.security).length,
      rebootRequired: reboot.rebootRequired,
      notes,
    },
  };
}

async function readState(path: string): Promise<FileState> {
  try {
    return { kind: 'present', text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', reason: code ?? (error as Error).message };
  }
}

async function anyExists(paths: readonly string[]): Promise<boolean> {
  const found = await Promise.all(paths.map((p) => access(p).then(() => true, () => false)));
  return found.some(Boolean);
}

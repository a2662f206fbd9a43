import type { InstalledPackage, SoftwareInventory } from '@vigil/shared';
import { spawnPowerShell, type PowerShellRunner } from '../../os/powershell.js';
import { describeCommandFailure, runCommand, type CommandResult } from '../../os/run-command.js';
import { DPKG_QUERY_ARGS, parseDpkgQuery } from './dpkg.js';
import { parseSystemProfilerApps, SYSTEM_PROFILER_ARGS } from './macos-apps.js';
import type { PackageListResult } from './package-list.js';
import { parseRpmQa, RPM_QA_ARGS } from './rpm.js';
import { parseUninstallJson, UNINSTALL_SCRIPT } from './windows-programs.js';

export interface SoftwareOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  powershell?: PowerShellRunner;
  /** system_profiler walks every application bundle on disk and can take a minute. */
  timeoutMs?: number;
  /** Packages kept in the section; a frame has to stay well under the message size limit. */
  maxPackages?: number;
}

type Source = NonNullable<SoftwareInventory['source']>;

/**
 * Installed software from the OS's own package database: dpkg, else rpm, on Linux; the Uninstall
 * registry keys on Windows; system_profiler on macOS. A source that cannot be read is 'unknown'
 * with the reason, never an empty list.
 */
export async function readSoftware(options: SoftwareOptions = {}): Promise<SoftwareInventory> {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const run = (name: string, args: string[]) => runCommand(name, args, { timeoutMs, ...(options.env ? { env: options.env } : {}) });

  if (platform === 'linux') {
    const dpkg = await run('dpkg-query', DPKG_QUERY_ARGS);
    const fromDpkg = interpret(dpkg, parseDpkgQuery);
    if (fromDpkg.ok) return listed('dpkg', fromDpkg.packages, options);
    const rpm = await run('rpm', RPM_QA_ARGS);
    const fromRpm = interpret(rpm, parseRpmQa);
    if (fromRpm.ok) return listed('rpm', fromRpm.packages, options);
    if (dpkg.kind === 'not_found' && rpm.kind === 'not_found') return unknown('neither dpkg-query nor rpm is installed');
    return unknown(dpkg.kind === 'not_found' ? `rpm: ${fromRpm.reason}` : `dpkg: ${fromDpkg.reason}`, dpkg.kind === 'not_found' ? 'rpm' : 'dpkg');
  }
  if (platform === 'win32') {
    const result = interpret(await (options.powershell ?? spawnPowerShell)(UNINSTALL_SCRIPT, { timeoutMs }), parseUninstallJson);
    return result.ok ? listed('windows-uninstall', result.packages, options) : unknown(result.reason, 'windows-uninstall');
  }
  if (platform === 'darwin') {
    const result = interpret(await run('system_profiler', SYSTEM_PROFILER_ARGS), parseSystemProfilerApps);
    return result.ok ? listed('system_profiler', result.packages, options) : unknown(result.reason, 'system_profiler');
  }
  return unknown(`no installed-software source for ${platform}`);
}

function interpret(result: CommandResult, parse: (stdout: string) => PackageListResult): PackageListResult {
  if (result.kind !== 'exited' || result.exitCode !== 0) return { ok: false, reason: describeCommandFailure(result) };
  if (result.stdoutTruncated) return { ok: false, reason: `${result.command} output exceeded the capture limit` };
  return parse(result.stdout);
}

function listed(source: Source, all: InstalledPackage[], options: SoftwareOptions): SoftwareInventory {
  const max = options.maxPackages ?? 4000;
  // Plain code-unit order: localeCompare would load ICU's collation data into the agent for good.
  const packages = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inventory: SoftwareInventory = { source, status: 'ok', count: packages.length, packages: packages.slice(0, max) };
  if (packages.length > max) inventory.truncated = packages.length - max;
  return inventory;
}

function unknown(reason: string, source?: Source): SoftwareInventory {
  return { ...(source ? { source } : {}), status: 'unknown', reason, count: 0, packages: [] };
}

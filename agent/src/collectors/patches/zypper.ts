import { parseListUpdates, parseNeedsRebooting, parseSecurityPatches } from './parse-zypper.js';
import { runTool } from './run-tool.js';
import type { ScanOutcome, SourceOptions } from './types.js';

/**
 * --no-refresh keeps the scan on the metadata already on disk (zypper otherwise refreshes
 * auto-refresh repositories, hitting the network while it holds the zypp lock). zypper takes that
 * lock even to list, but only for the seconds a listing lasts, and fails at once with exit 7 rather
 * than waiting when someone else holds it.
 */
export function listUpdatesArgs(refresh: boolean): string[] {
  return ['--non-interactive', '--xmlout', ...(refresh ? [] : ['--no-refresh']), 'list-updates'];
}
export const LIST_SECURITY_PATCHES_ARGS = ['--non-interactive', '--xmlout', '--no-refresh', 'list-patches', '--category', 'security'] as const;
export const NEEDS_REBOOTING_ARGS = ['--non-interactive', 'needs-rebooting'] as const;

/**
 * patch.pending counts updatable packages (as for apt and dnf); patch.security_pending counts
 * needed security patches, SUSE's unit of security advisories, which the item list carries too.
 */
export async function scanZypper(options: SourceOptions): Promise<ScanOutcome> {
  const listed = await runTool('zypper', listUpdatesArgs(options.refresh), { env: options.env, timeoutMs: options.timeoutMs });
  if (!listed.ok) return { ok: false, reason: listed.reason };
  const packages = parseListUpdates(listed.output);
  if (!packages.ok) return { ok: false, reason: packages.reason };
  const notes = packages.value.warnings.map((w) => `zypper warned: ${w}`);

  const secondary = Math.min(options.timeoutMs, 120_000);
  const patchRun = await runTool('zypper', LIST_SECURITY_PATCHES_ARGS, { env: options.env, timeoutMs: secondary });
  const patches = patchRun.ok ? parseSecurityPatches(patchRun.output) : patchRun;
  if (!patches.ok) notes.push(`security patches unknown: ${patches.reason}`);

  const rebootRun = await runTool('zypper', NEEDS_REBOOTING_ARGS, { env: options.env, timeoutMs: Math.min(options.timeoutMs, 60_000) });
  const reboot = rebootRun.ok ? parseNeedsRebooting(rebootRun.output) : rebootRun;
  if (!reboot.ok) notes.push(`reboot status unknown: ${reboot.reason}`);

  const items = [...packages.value.items, ...(patches.ok ? patches.value : [])];
  return {
    ok: true,
    scan: {
      source: 'zypper',
      items,
      pending: packages.value.items.length,
      securityPending: patches.ok ? patches.value.length : null,
      rebootRequired: reboot.ok ? reboot.value : null,
      notes,
    },
  };
}

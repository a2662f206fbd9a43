import { classifySecurity, parseCheckUpdate, parseNeedsRestarting, parseUpdateinfoList } from './parse-dnf.js';
import { runTool } from './run-tool.js';
import type { ScanOutcome, SourceOptions } from './types.js';

/**
 * dnf and yum share their scripting surface. `-C` (cache only) keeps a scan off the network and
 * out of the metadata lock; the cache is kept fresh by the system's own dnf-makecache timer, or by
 * the agent when refresh is enabled (then only check-update may refresh). No `-q`: quiet mode also
 * silences the "Ignoring repositories" warning that tells an empty cache from "no updates".
 */
export function checkUpdateArgs(refresh: boolean): string[] {
  return refresh ? ['check-update'] : ['-C', 'check-update'];
}
export const UPDATEINFO_ARGS = ['-C', 'updateinfo', 'list'] as const;
export const NEEDS_RESTARTING_ARGS = ['-r'] as const;

export async function scanDnf(tool: 'dnf' | 'yum', options: SourceOptions): Promise<ScanOutcome> {
  const check = await runTool(tool, checkUpdateArgs(options.refresh), { env: options.env, timeoutMs: options.timeoutMs });
  if (!check.ok) return { ok: false, reason: check.reason };
  const listed = parseCheckUpdate(tool, check.output);
  if (!listed.ok) return { ok: false, reason: listed.reason };

  const notes: string[] = [];
  let items = listed.value.items;
  let securityPending: number | null = 0;
  if (items.length > 0) {
    const info = await runTool(tool, UPDATEINFO_ARGS, { env: options.env, timeoutMs: Math.min(options.timeoutMs, 120_000) });
    const advisories = info.ok ? parseUpdateinfoList(tool, info.output) : info;
    if (!advisories.ok) {
      securityPending = null;
      notes.push(`security classification unknown: ${advisories.reason}`);
    } else {
      const classified = classifySecurity(items, advisories.value);
      items = classified.items;
      securityPending = classified.securityPending;
      if (securityPending === null) notes.push('security classification unknown: the repositories publish no advisory metadata (updateinfo) for the pending updates');
    }
  }

  // needs-restarting ships with dnf-utils / yum-utils; without it there is no reliable signal.
  let rebootRequired: boolean | null = null;
  const restart = await runTool('needs-restarting', NEEDS_RESTARTING_ARGS, { env: options.env, timeoutMs: Math.min(options.timeoutMs, 60_000) });
  const answer = restart.ok ? parseNeedsRestarting(restart.output) : restart;
  if (answer.ok) rebootRequired = answer.value;
  else notes.push(`reboot status unknown: ${answer.reason}`);

  return { ok: true, scan: { source: tool, items, pending: items.length, securityPending, rebootRequired, notes } };
}

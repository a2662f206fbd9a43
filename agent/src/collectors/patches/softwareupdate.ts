import { parseSoftwareUpdateList } from './parse-softwareupdate.js';
import { runTool } from './run-tool.js';
import type { ScanOutcome, SourceOptions } from './types.js';

/**
 * `--no-scan` lists what macOS's own background check (softwareupdated) last found, without
 * contacting Apple; with refresh enabled the agent asks for a fresh scan instead.
 */
export function softwareUpdateArgs(refresh: boolean): string[] {
  return refresh ? ['--list'] : ['--list', '--no-scan'];
}

export async function scanSoftwareUpdate(options: SourceOptions): Promise<ScanOutcome> {
  const run = await runTool('softwareupdate', softwareUpdateArgs(options.refresh), { env: options.env, timeoutMs: options.timeoutMs });
  if (!run.ok) return { ok: false, reason: run.reason };
  const result = parseSoftwareUpdateList(run.output);
  if (!result.ok) return { ok: false, reason: result.reason };
  const items = result.value.items;
  return {
    ok: true,
    scan: {
      source: 'softwareupdate',
      items,
      pending: items.length,
      securityPending: null,
      rebootRequired: null,
      notes: [
        'security classification unknown: softwareupdate does not classify updates (items named "Security" are flagged)',
        'reboot status unknown: macOS does not expose a pending reboot; each item says whether installing it restarts',
      ],
    },
  };
}

import type { PowerShellRunner } from '../../os/powershell.js';
import { parseWindowsScan } from './parse-windows.js';
import type { ScanOutcome, SourceOptions } from './types.js';
import { windowsUpdateScript } from './windows-script.js';

export async function scanWindows(options: SourceOptions, powershell: PowerShellRunner): Promise<ScanOutcome> {
  const run = await powershell(windowsUpdateScript({ online: options.refresh }), { timeoutMs: options.timeoutMs });
  if (run.kind !== 'exited') return { ok: false, reason: run.reason };
  if (run.signal) return { ok: false, reason: `PowerShell was killed by ${run.signal}` };
  const result = parseWindowsScan({ exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr });
  if (!result.ok) return { ok: false, reason: result.reason };
  const { items, rebootRequired, notes } = result.value;
  return {
    ok: true,
    scan: { source: 'windows', items, pending: items.length, securityPending: items.filter((i) => i.security).length, rebootRequired, notes },
  };
}

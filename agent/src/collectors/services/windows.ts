import type { ServiceStatus } from '@vigil/shared';
import { describeCommandFailure } from '../../os/run-command.js';
import type { PowerShellRunner } from '../../os/powershell.js';

const psQuote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Looks every watched name up among Get-Service's services by exact (case-insensitive) name, so a
 * name with [ or * is never taken as a wildcard. Status and StartType are sent as their names:
 * ConvertTo-Json would otherwise write enum numbers whose meaning differs between versions.
 */
export function getServiceScript(names: readonly string[]): string {
  return [
    '$ErrorActionPreference = "Stop"',
    '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
    `$names = @(${names.map(psQuote).join(', ')})`,
    '$all = @(Get-Service -ErrorAction SilentlyContinue)',
    '$out = foreach ($n in $names) {',
    '  $s = $all | Where-Object { $_.Name -eq $n } | Select-Object -First 1',
    '  if ($s) { [pscustomobject]@{ Name = $n; Found = $true; Status = $s.Status.ToString(); StartType = "$($s.StartType)"; DisplayName = $s.DisplayName } }',
    '  else { [pscustomobject]@{ Name = $n; Found = $false } }',
    '}',
    'ConvertTo-Json -InputObject @($out) -Compress',
  ].join('\n');
}

/** Running is up; Stopped, Paused and the pending states are down; a missing service is unknown. */
export function parseGetServiceJson(stdout: string, names: readonly string[]): ServiceStatus[] {
  const start = stdout.search(/[[{]/);
  let rows: unknown;
  try {
    rows = start < 0 ? undefined : JSON.parse(stdout.slice(start));
  } catch {
    rows = undefined;
  }
  const list = Array.isArray(rows) ? rows : rows && typeof rows === 'object' ? [rows] : undefined;
  if (!list) return names.map((name) => ({ name, state: 'unknown', reason: 'Get-Service output was not the expected JSON' }));
  const byName = new Map<string, Record<string, unknown>>();
  for (const row of list) {
    if (row && typeof row === 'object' && typeof (row as { Name?: unknown }).Name === 'string') byName.set(((row as { Name: string }).Name).toLowerCase(), row as Record<string, unknown>);
  }
  return names.map((name): ServiceStatus => {
    const row = byName.get(name.toLowerCase());
    if (!row) return { name, state: 'unknown', reason: 'Get-Service output did not mention this service' };
    if (row.Found === false) return { name, state: 'unknown', reason: 'no such Windows service' };
    const status = typeof row.Status === 'string' ? row.Status : typeof row.Status === 'number' ? NUMERIC_STATUS[row.Status] : undefined;
    const detail = [status, typeof row.StartType === 'string' && row.StartType ? `start ${row.StartType}` : ''].filter(Boolean).join(', ');
    if (status === 'Running') return { name, state: 'up', detail };
    if (status && DOWN.has(status)) return { name, state: 'down', detail };
    return { name, state: 'unknown', reason: `unrecognised service status ${String(row.Status)}` };
  });
}

const DOWN = new Set(['Stopped', 'StartPending', 'StopPending', 'ContinuePending', 'PausePending', 'Paused']);
/** System.ServiceProcess.ServiceControllerStatus values, should a numeric status ever arrive. */
const NUMERIC_STATUS: Record<number, string> = { 1: 'Stopped', 2: 'StartPending', 3: 'StopPending', 4: 'Running', 5: 'ContinuePending', 6: 'PausePending', 7: 'Paused' };

export async function queryWindowsServices(names: readonly string[], powershell: PowerShellRunner, timeoutMs: number): Promise<ServiceStatus[]> {
  const result = await powershell(getServiceScript(names), { timeoutMs });
  if (result.kind !== 'exited' || result.exitCode !== 0) {
    const reason = describeCommandFailure(result);
    return names.map((name) => ({ name, state: 'unknown', reason }));
  }
  return parseGetServiceJson(result.stdout, names);
}

import type { InstalledPackage } from '@vigil/shared';
import type { PackageListResult } from './package-list.js';

/**
 * Installed programs as "Apps & features" lists them: the Uninstall keys of the 64-bit and the
 * 32-bit (WOW6432Node) registry views, without system components and without updates that belong
 * to another entry (ParentKeyName). The agent runs as SYSTEM, so per-user (HKCU) installs are not seen.
 */
export const UNINSTALL_SCRIPT = [
  '$ErrorActionPreference = "SilentlyContinue"',
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  '$views = @(',
  '  @{ Path = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*"; Wow = $false },',
  '  @{ Path = "HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*"; Wow = $true }',
  ')',
  '$out = foreach ($v in $views) {',
  '  Get-ItemProperty -Path $v.Path | Where-Object { $_.DisplayName -and $_.SystemComponent -ne 1 -and -not $_.ParentKeyName } | ForEach-Object {',
  '    [pscustomobject]@{ Name = [string]$_.DisplayName; Version = [string]$_.DisplayVersion; Publisher = [string]$_.Publisher; InstallLocation = [string]$_.InstallLocation; Wow6432 = $v.Wow }',
  '  }',
  '}',
  'ConvertTo-Json -InputObject @($out) -Compress',
].join('\n');

export function parseUninstallJson(stdout: string): PackageListResult {
  const start = stdout.search(/[[{]/);
  let rows: unknown;
  try {
    rows = start < 0 ? undefined : JSON.parse(stdout.slice(start));
  } catch {
    return { ok: false, reason: 'the Uninstall registry listing was not valid JSON' };
  }
  const list = Array.isArray(rows) ? rows : rows && typeof rows === 'object' ? [rows] : undefined;
  if (!list) return { ok: false, reason: 'the Uninstall registry listing was not valid JSON' };
  const seen = new Set<string>();
  const packages: InstalledPackage[] = [];
  for (const row of list) {
    if (!row || typeof row !== 'object') continue;
    const r = row as Record<string, unknown>;
    const name = text(r.Name);
    if (!name) continue;
    const version = text(r.Version);
    // The same product often registers in both views; one entry per name and version is enough.
    const key = `${name}\u0000${version ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const publisher = text(r.Publisher);
    const location = text(r.InstallLocation);
    packages.push({ name, ...(version ? { version } : {}), ...(r.Wow6432 === true ? { arch: 'x86' } : {}), ...(publisher ? { publisher } : {}), ...(location ? { location } : {}) });
  }
  if (packages.length === 0) return { ok: false, reason: 'the Uninstall registry keys listed no programs' };
  return { ok: true, packages };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

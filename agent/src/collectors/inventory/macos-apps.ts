import type { InstalledPackage } from '@vigil/shared';
import type { PackageListResult } from './package-list.js';

export const SYSTEM_PROFILER_ARGS = ['SPApplicationsDataType', '-json'];

/** `system_profiler SPApplicationsDataType -json`: one entry per application bundle found on disk. */
export function parseSystemProfilerApps(stdout: string): PackageListResult {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: 'system_profiler output was not valid JSON' };
  }
  const apps = (doc as { SPApplicationsDataType?: unknown } | null)?.SPApplicationsDataType;
  if (!Array.isArray(apps)) return { ok: false, reason: 'system_profiler output had no SPApplicationsDataType list' };
  const packages: InstalledPackage[] = [];
  for (const app of apps) {
    if (!app || typeof app !== 'object') continue;
    const a = app as Record<string, unknown>;
    const name = typeof a._name === 'string' ? a._name.trim() : '';
    if (!name) continue;
    const version = typeof a.version === 'string' && a.version.trim() ? a.version.trim() : undefined;
    const arch = typeof a.arch_kind === 'string' ? a.arch_kind.replace(/^arch_/, '') : undefined;
    const publisher = publisherOf(a);
    const location = typeof a.path === 'string' ? a.path : undefined;
    packages.push({ name, ...(version ? { version } : {}), ...(arch ? { arch } : {}), ...(publisher ? { publisher } : {}), ...(location ? { location } : {}) });
  }
  if (packages.length === 0) return { ok: false, reason: 'system_profiler listed no applications' };
  return { ok: true, packages };
}

/** "Developer ID Application: Microsoft Corporation (UBF8T346G9)" names the publisher; Apple signs its own. */
function publisherOf(app: Record<string, unknown>): string | undefined {
  const signer = Array.isArray(app.signed_by) && typeof app.signed_by[0] === 'string' ? app.signed_by[0] : '';
  const developer = /^Developer ID Application: (.+?)(?: \([A-Z0-9]+\))?$/.exec(signer);
  if (developer?.[1]) return developer[1];
  return app.obtained_from === 'apple' ? 'Apple' : undefined;
}

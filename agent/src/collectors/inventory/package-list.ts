import type { InstalledPackage } from '@vigil/shared';

export type PackageListResult = { ok: true; packages: InstalledPackage[] } | { ok: false; reason: string };

/**
 * Tab-separated package lines (dpkg-query and rpm are both asked for that). A line that does not
 * split into the expected columns is skipped; output where no line did is not a package list at
 * all — a listing of zero packages is never reported, since no working system has none.
 */
export function parseTabbedPackages(stdout: string, tool: string, columns: number, toPackage: (fields: string[]) => InstalledPackage | null): PackageListResult {
  const packages: InstalledPackage[] = [];
  let malformed = 0;
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const fields = line.split('\t').map((f) => f.trim());
    const pkg = fields.length === columns && fields[0] ? toPackage(fields) : null;
    if (pkg) packages.push(pkg);
    else if (fields.length !== columns || !fields[0]) malformed += 1;
  }
  if (packages.length === 0) {
    return { ok: false, reason: malformed ? `${tool} output was not understood (${malformed} unexpected line(s))` : `${tool} listed no installed packages` };
  }
  return { ok: true, packages };
}

/** Drops empty and placeholder values so a package record holds only what the source knew. */
export function clean(value: string | undefined): string | undefined {
  return value && value !== '(none)' ? value : undefined;
}

import { clean, parseTabbedPackages, type PackageListResult } from './package-list.js';

/**
 * dpkg-query expands the \t and \n escapes itself. The status column is added to the four asked
 * for so that packages removed but with their configuration kept ("config-files") are left out.
 */
export const DPKG_QUERY_ARGS = ['-W', '-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n'];

export function parseDpkgQuery(stdout: string): PackageListResult {
  return parseTabbedPackages(stdout, 'dpkg-query', 4, ([name, version, arch, status]) => {
    if (!name || status !== 'installed') return null;
    const v = clean(version);
    const a = clean(arch);
    return { name, ...(v ? { version: v } : {}), ...(a ? { arch: a } : {}) };
  });
}

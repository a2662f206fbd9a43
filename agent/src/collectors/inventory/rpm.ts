import { clean, parseTabbedPackages, type PackageListResult } from './package-list.js';

/** rpm expands the \t and \n escapes in a query format itself. gpg-pubkey entries have ARCH "(none)". */
export const RPM_QA_ARGS = ['-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'];

export function parseRpmQa(stdout: string): PackageListResult {
  return parseTabbedPackages(stdout, 'rpm', 3, ([name, version, arch]) => {
    if (!name) return null;
    const v = clean(version);
    const a = clean(arch);
    return { name, ...(v ? { version: v } : {}), ...(a ? { arch: a } : {}) };
  });
}

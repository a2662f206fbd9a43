import type { PendingPatch } from '@vigil/shared';
import { excerpt, parsed, rejected, type Parsed, type ToolOutput } from './types.js';

/**
 * `N upgraded, N newly installed, [N downgraded, ][N reinstalled, ]N to remove and N not upgraded.`
 * It is printed before the Inst lines and is the only way to tell a complete listing from a cut one.
 */
const SUMMARY = /^(\d+) upgraded, (\d+) newly installed, (?:(\d+) downgraded, )?(?:(\d+) reinstalled, )?(\d+) to remove and (\d+) not upgraded\.$/m;

/**
 * `Inst NAME [CURRENT] (NEW ORIGIN:VERSION/SUITE[, ORIGIN:VERSION/SUITE...] [ARCH]) [...]`; the
 * `[CURRENT]` part is absent for a package the upgrade newly pulls in (a new kernel image).
 */
const INST = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+)(?: (.*?))? \[([^\]]+)\]\)(?: \[.*\])?$/;

export interface AptSimulation {
  items: PendingPatch[];
  /** apt's warnings (W: lines): the answer stands, but the operator should know. */
  warnings: string[];
}

/**
 * Parses `apt-get -s dist-upgrade` in the C locale. A security update is one whose candidate comes
 * from a security pocket: Debian's `Debian-Security:12/bookworm-security`, Ubuntu's
 * `Ubuntu:22.04/jammy-security` (and ESM's `-apps-security`/`-infra-security`).
 */
export function parseAptSimulation(output: ToolOutput): Parsed<AptSimulation> {
  if (output.exitCode !== 0) {
    return rejected(`apt-get exited with code ${output.exitCode}${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  }
  const summary = SUMMARY.exec(output.stdout);
  if (!summary) {
    return rejected(
      output.stdout.trim()
        ? `apt-get output has no "N upgraded, N newly installed, ..." summary line (not the C locale, or cut short): ${excerpt(output.stdout, 200)}`
        : 'apt-get printed nothing',
    );
  }
  const expected = [1, 2, 3, 4].reduce((sum, i) => sum + Number(summary[i] ?? 0), 0);

  const items: PendingPatch[] = [];
  for (const line of output.stdout.split('\n')) {
    if (!line.startsWith('Inst ')) continue;
    const match = INST.exec(line.trimEnd());
    if (!match) return rejected(`unexpected apt-get line: ${line.slice(0, 200)}`);
    const [, name, current, version, origins] = match;
    const releases = (origins ?? '').split(', ').filter(Boolean);
    const item: PendingPatch = { name: name!, version: version!, security: releases.some(isSecurityRelease) };
    if (current) item.currentVersion = current;
    if (releases.length) item.category = releases.join(', ').slice(0, 256);
    items.push(item);
  }
  if (items.length !== expected) {
    return rejected(`apt-get announced ${expected} package(s) to install but listed ${items.length} (output cut short?)`);
  }
  const warnings = output.stderr.split('\n').filter((l) => l.startsWith('W: ')).map((l) => l.slice(3).trim());
  return parsed({ items, warnings });
}

/** `Debian-Security:12/bookworm-security`, `Ubuntu:22.04/jammy-security`, `UbuntuESMApps:22.04/jammy-apps-security`. */
function isSecurityRelease(release: string): boolean {
  const [origin = '', suite = ''] = release.split('/', 2);
  return suite.endsWith('-security') || /security/i.test(origin.split(':')[0] ?? '');
}

/**
 * `apt-cache policy` lists the package indexes apt has on disk. With none (apt-get update never ran,
 * the lists were cleaned, or this user cannot read them), `apt-get -s` still answers "0 upgraded"
 * and exits 0 — a false zero this check exists to catch.
 */
export function parseAptPolicy(output: ToolOutput): Parsed<{ indexes: number }> {
  if (output.exitCode !== 0) {
    return rejected(`apt-cache policy exited with code ${output.exitCode}${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  }
  if (!/^Package files:$/m.test(output.stdout)) {
    return rejected(`apt-cache policy output has no "Package files:" header (not the C locale?): ${excerpt(output.stdout, 200)}`);
  }
  const indexes = output.stdout.split('\n').filter((l) => /^\s*-?\d+\s+\S.*\sPackages$/.test(l)).length;
  if (indexes === 0) {
    return rejected('apt has no package lists (apt-get update has never run, or the lists were removed or are unreadable), so pending updates cannot be known');
  }
  return parsed({ indexes });
}

export type FileState = { kind: 'present'; text: string } | { kind: 'absent' } | { kind: 'unreadable'; reason: string };

export interface RebootState {
  rebootRequired: boolean | null;
  /** Packages that asked for it (/var/run/reboot-required.pkgs). */
  packages: string[];
  note?: string;
}

/**
 * /var/run/reboot-required exists while a reboot is pending. Its absence only means "no reboot"
 * where something writes it: update-notifier-common (Ubuntu) or unattended-upgrades' kernel hook
 * (Debian). A stock Debian has neither, and then absence says nothing.
 */
export function aptRebootState(flag: FileState, pkgs: FileState, writerInstalled: boolean): RebootState {
  const packages = pkgs.kind === 'present' ? pkgs.text.split('\n').map((l) => l.trim()).filter(Boolean) : [];
  if (flag.kind === 'present') return { rebootRequired: true, packages };
  if (flag.kind === 'unreadable') return { rebootRequired: null, packages, note: `cannot read /var/run/reboot-required: ${flag.reason}` };
  if (!writerInstalled) {
    return {
      rebootRequired: null,
      packages,
      note: 'reboot status unknown: nothing on this system writes /var/run/reboot-required (install unattended-upgrades or update-notifier-common)',
    };
  }
  return { rebootRequired: false, packages };
}

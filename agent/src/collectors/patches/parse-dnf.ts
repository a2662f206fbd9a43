import type { PendingPatch } from '@vigil/shared';
import { excerpt, parsed, rejected, type Parsed, type ToolOutput } from './types.js';

/**
 * Signs on stderr that dnf or yum left repositories out, which turns "exit 0, nothing listed" into
 * a false zero: with -C and no cache, dnf 4 prints "Error: Cache-only enabled but no cache for 'x'"
 * and "Ignoring repositories: x" — and still exits 0.
 */
const SKIPPED_REPOS = /^(Error: .*|Ignoring repositories: .*|.*Cache-only enabled but no cache.*|Failed to download metadata for repo.*|Error: Failed to download metadata.*)$/m;

/** `name.arch  [epoch:]version-release  repo`, wrapped across lines when a column is too wide. */
const NAME_ARCH = /^\S+\.[A-Za-z0-9_]+$/;
const EVR = /^(?:\d+:)?[^\s:-]+-[^\s-]+$/;

/**
 * Parses `dnf check-update` / `yum check-update`. The exit code carries the answer: 100 means
 * updates exist (and the list must then parse), 0 means none, 1 means an error; anything else is
 * unknown. The list is the last blank-line separated block before "Obsoleting Packages" (what
 * comes before it is chatter: "Last metadata expiration check", yum's "Loaded plugins", mirror
 * lines); the obsoleting section is left out: those are replacements, not updates of what is
 * installed, and dnf lists them again at upgrade time.
 */
export function parseCheckUpdate(tool: 'dnf' | 'yum', output: ToolOutput): Parsed<{ items: PendingPatch[] }> {
  const skipped = SKIPPED_REPOS.exec(output.stderr);
  if (output.exitCode === 1) {
    return rejected(`${tool} check-update failed (exit 1)${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  }
  if (output.exitCode !== 0 && output.exitCode !== 100) {
    return rejected(`${tool} check-update exited with unexpected code ${output.exitCode}${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  }
  if (skipped) {
    return rejected(`${tool} left repositories out, so the list would be incomplete: ${excerpt(output.stderr)} (is the metadata cache empty? it is refreshed by dnf-makecache.timer, or by the agent with refresh enabled)`);
  }
  if (output.exitCode === 0) return parsed({ items: [] });

  const lines = output.stdout.split('\n');
  const obsoleting = lines.findIndex((l) => l.trim() === 'Obsoleting Packages');
  const kept = (obsoleting >= 0 ? lines.slice(0, obsoleting) : lines).filter((l) => !l.startsWith('Security: '));
  const blocks = kept.join('\n').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  const list = blocks.at(-1);
  if (!list) return rejected(`${tool} check-update exited 100 (updates available) but listed none`);

  const tokens = list.split(/\s+/);
  if (tokens.length % 3 !== 0) return rejected(`unexpected ${tool} check-update listing: ${excerpt(list, 200)}`);
  const items: PendingPatch[] = [];
  for (let i = 0; i < tokens.length; i += 3) {
    const [name, version, repo] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (!NAME_ARCH.test(name) || !EVR.test(version) || repo.startsWith('@')) {
      return rejected(`unexpected ${tool} check-update entry "${name} ${version} ${repo}"`);
    }
    items.push({ name, version, security: false, category: repo });
  }
  return parsed({ items });
}

/** One advisory row of `updateinfo list`, reduced to what classifies a pending update. */
export interface Advisory {
  id: string;
  security: boolean;
  severity?: string;
  /** `name.arch` of the package it fixes, to match check-update's entries. */
  nameArch: string;
}

/** dnf 4 and yum labels: `Important/Sec.` and friends for security, the advisory type otherwise. */
const TYPE_LABEL = /^(?:(Critical|Important|Moderate|Low|Unknown)\/Sec\.|security|bugfix|enhancement|newpackage|unknown)$/;

/**
 * Parses `updateinfo list` rows: `ADVISORY-ID  TYPE  NAME-[EPOCH:]VERSION-RELEASE.ARCH`. Other lines
 * (yum's "Loaded plugins", "updateinfo list done", kernel notices) are chatter; a three-column row
 * with a type this code does not know is rejected rather than silently read as "not security".
 */
export function parseUpdateinfoList(tool: 'dnf' | 'yum', output: ToolOutput): Parsed<Advisory[]> {
  if (output.exitCode !== 0) {
    return rejected(`${tool} updateinfo exited with code ${output.exitCode}${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  }
  if (SKIPPED_REPOS.test(output.stderr)) return rejected(`${tool} updateinfo left repositories out: ${excerpt(output.stderr)}`);
  const advisories: Advisory[] = [];
  for (const line of output.stdout.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length !== 3 || !/^[A-Za-z][\w.-]*-\d/.test(columns[0]!) || !/\.[A-Za-z0-9_]+$/.test(columns[2]!)) continue;
    const [id, type, nevra] = columns as [string, string, string];
    const label = TYPE_LABEL.exec(type);
    if (!label) return rejected(`unknown advisory type "${type}" in: ${line.trim().slice(0, 200)}`);
    const nameArch = nevraToNameArch(nevra);
    if (!nameArch) return rejected(`cannot read the package in: ${line.trim().slice(0, 200)}`);
    const security = type.endsWith('/Sec.') || type === 'security';
    const advisory: Advisory = { id, security, nameArch };
    if (label[1] && label[1] !== 'Unknown') advisory.severity = label[1];
    advisories.push(advisory);
  }
  return parsed(advisories);
}

/** `openssl-libs-1:3.0.7-27.el9.x86_64` → `openssl-libs.x86_64` (name is all but the last two dash fields). */
export function nevraToNameArch(nevra: string): string | null {
  const dot = nevra.lastIndexOf('.');
  if (dot <= 0) return null;
  const parts = nevra.slice(0, dot).split('-');
  if (parts.length < 3) return null;
  return `${parts.slice(0, -2).join('-')}${nevra.slice(dot)}`;
}

const SEVERITY_RANK: Record<string, number> = { Critical: 4, Important: 3, Moderate: 2, Low: 1 };

/**
 * Marks the pending updates that an available security advisory covers. Returns null when there
 * is nothing to classify with: pending updates but no advisories of any kind means the
 * repositories publish no updateinfo (CentOS, many third-party repos), not "no security updates".
 */
export function classifySecurity(items: PendingPatch[], advisories: Advisory[]): { items: PendingPatch[]; securityPending: number | null } {
  if (items.length > 0 && advisories.length === 0) return { items, securityPending: null };
  const byPackage = new Map<string, Advisory[]>();
  for (const advisory of advisories) byPackage.set(advisory.nameArch, [...(byPackage.get(advisory.nameArch) ?? []), advisory]);
  const classified = items.map((item) => {
    const found = byPackage.get(item.name) ?? [];
    if (found.length === 0) return item;
    const security = found.filter((a) => a.security);
    const worst = security.map((a) => a.severity).filter((s): s is string => !!s).sort((a, b) => (SEVERITY_RANK[b] ?? 0) - (SEVERITY_RANK[a] ?? 0))[0];
    const next: PendingPatch = { ...item, security: security.length > 0, title: [...new Set(found.map((a) => a.id))].join(', ').slice(0, 1024) };
    if (worst) next.severity = worst;
    return next;
  });
  return { items: classified, securityPending: classified.filter((i) => i.security).length };
}

/**
 * `needs-restarting -r`: exit 1 with "Reboot is required" means a reboot is pending, exit 0 with
 * "Reboot should not be necessary" means none. Both the code and the sentence must agree, since
 * exit 1 is also how a failing command ends.
 */
export function parseNeedsRestarting(output: ToolOutput): Parsed<boolean> {
  if (output.exitCode === 1 && /Reboot is required/.test(output.stdout)) return parsed(true);
  if (output.exitCode === 0 && /Reboot should not be necessary/.test(output.stdout)) return parsed(false);
  return rejected(`needs-restarting -r gave no clear answer (exit ${output.exitCode}): ${excerpt(`${output.stdout}\n${output.stderr}`)}`);
}

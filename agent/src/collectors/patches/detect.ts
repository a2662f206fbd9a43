import type { PatchSource } from '@vigil/shared';
import { findExecutable } from '../../runner/which.js';

export interface DetectContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Contents of /etc/os-release, or null when it cannot be read. */
  osRelease: string | null;
}

const DEBIAN_LIKE = ['debian', 'ubuntu'];
const RHEL_LIKE = ['fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'ol', 'amzn'];
const SUSE_LIKE = ['suse', 'opensuse', 'sles', 'sled', 'opensuse-leap', 'opensuse-tumbleweed'];

/** ID and ID_LIKE from os-release, lower-cased, unquoted. */
export function osReleaseIds(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (match) ids.push(...match[2]!.replace(/^["']|["']$/g, '').toLowerCase().split(/\s+/).filter(Boolean));
  }
  return ids;
}

/**
 * Picks the source from the OS and the distribution's family (os-release), and only then from which
 * tools exist: a Debian box with dnf installed for some other purpose is still patched by apt.
 */
export function detectPatchSource(ctx: DetectContext): { ok: true; source: PatchSource } | { ok: false; reason: string } {
  if (ctx.platform === 'win32') return { ok: true, source: 'windows' };
  if (ctx.platform === 'darwin') return { ok: true, source: 'softwareupdate' };
  if (ctx.platform !== 'linux') return { ok: false, reason: `no patch source for platform ${ctx.platform}` };
  const has = (tool: string) => findExecutable(tool, ctx.env) !== null;
  const ids = ctx.osRelease ? osReleaseIds(ctx.osRelease) : [];
  const family = ids.length ? `this distribution (${ids.join(' ')})` : 'this system';
  if (ids.some((id) => DEBIAN_LIKE.includes(id))) {
    return has('apt-get') ? { ok: true, source: 'apt' } : { ok: false, reason: `${family} is Debian-like but apt-get is not on PATH` };
  }
  if (ids.some((id) => RHEL_LIKE.includes(id))) {
    if (has('dnf')) return { ok: true, source: 'dnf' };
    if (has('yum')) return { ok: true, source: 'yum' };
    return { ok: false, reason: `${family} is Red Hat-like but neither dnf nor yum is on PATH` };
  }
  if (ids.some((id) => SUSE_LIKE.includes(id))) {
    return has('zypper') ? { ok: true, source: 'zypper' } : { ok: false, reason: `${family} is SUSE-like but zypper is not on PATH` };
  }
  for (const [tool, source] of [['apt-get', 'apt'], ['dnf', 'dnf'], ['yum', 'yum'], ['zypper', 'zypper']] as const) {
    if (has(tool)) return { ok: true, source };
  }
  return { ok: false, reason: `no supported package manager (apt-get, dnf, yum, zypper) found on ${family}` };
}

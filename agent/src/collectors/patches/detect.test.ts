import { describe, expect, it } from 'vitest';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { detectPatchSource, osReleaseIds } from './detect.js';

describe('detectPatchSource', () => {
  const tools = new StandInTools();
  for (const tool of ['apt-get', 'dnf', 'yum', 'zypper']) tools.add(tool, [{ args: '*' }]);
  const env = tools.env({ only: true });
  const none = { PATH: '' };

  it('reads ID and ID_LIKE', () => {
    expect(osReleaseIds('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n')).toEqual(['rocky', 'rhel', 'centos', 'fedora']);
  });

  it('goes by the distribution family first, then by the tools present', () => {
    expect(detectPatchSource({ platform: 'linux', env, osRelease: 'ID=debian\n' })).toEqual({ ok: true, source: 'apt' });
    expect(detectPatchSource({ platform: 'linux', env, osRelease: 'ID="rocky"\nID_LIKE="rhel centos fedora"\n' })).toEqual({ ok: true, source: 'dnf' });
    expect(detectPatchSource({ platform: 'linux', env, osRelease: 'ID="opensuse-leap"\nID_LIKE="suse opensuse"\n' })).toEqual({ ok: true, source: 'zypper' });
    expect(detectPatchSource({ platform: 'linux', env, osRelease: null })).toEqual({ ok: true, source: 'apt' });
    expect(detectPatchSource({ platform: 'win32', env: none, osRelease: null })).toEqual({ ok: true, source: 'windows' });
    expect(detectPatchSource({ platform: 'darwin', env: none, osRelease: null })).toEqual({ ok: true, source: 'softwareupdate' });
  });

  it('falls back to yum on an old Red Hat, and says why when nothing fits', () => {
    const yumOnly = new StandInTools();
    yumOnly.add('yum', [{ args: '*' }]);
    expect(detectPatchSource({ platform: 'linux', env: yumOnly.env({ only: true }), osRelease: 'ID="centos"\nID_LIKE="rhel fedora"\n' })).toEqual({ ok: true, source: 'yum' });
    yumOnly.remove();
    expect(detectPatchSource({ platform: 'linux', env: none, osRelease: 'ID=debian\n' })).toEqual({ ok: false, reason: 'this distribution (debian) is Debian-like but apt-get is not on PATH' });
    expect(detectPatchSource({ platform: 'linux', env: none, osRelease: 'ID=alpine\n' })).toEqual({ ok: false, reason: 'no supported package manager (apt-get, dnf, yum, zypper) found on this distribution (alpine)' });
    tools.remove();
  });
});

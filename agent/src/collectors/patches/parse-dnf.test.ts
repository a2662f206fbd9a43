import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifySecurity, nevraToNameArch, parseCheckUpdate, parseNeedsRestarting, parseUpdateinfoList } from './parse-dnf.js';

/** Recorded (dnf) and published (yum) outputs; fixtures/README.md says where each came from. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const out = (exitCode: number | null, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });

describe('parseCheckUpdate on recorded dnf outputs', () => {
  it('reads the list after the "Last metadata expiration check" line, epochs kept (exit 100)', () => {
    const result = parseCheckUpdate('dnf', out(100, fixture('dnf/check-update.stdout')));
    expect(result).toEqual({
      ok: true,
      value: {
        items: [
          { name: 'acme-extremely-long-package-name-that-wraps-columns.noarch', version: '1.0-2.el9', security: false, category: 'acme-baseos' },
          { name: 'acme-kernel-core.x86_64', version: '5.14.0-503.el9', security: false, category: 'acme-baseos' },
          { name: 'acme-libssl.x86_64', version: '1:3.0.7-27.el9', security: false, category: 'acme-baseos' },
          { name: 'acme-tools.noarch', version: '2.2-1.el9', security: false, category: 'acme-baseos' },
        ],
      },
    });
  });

  it('reads the French output too: only the preamble is translated, the list is not', () => {
    const result = parseCheckUpdate('dnf', out(100, fixture('dnf/check-update.fr.stdout')));
    expect(result.ok && result.value.items.map((i) => i.name)).toHaveLength(4);
  });

  it('rejects "exit 0, nothing listed" when dnf ignored repositories for want of a cache (recorded)', () => {
    const result = parseCheckUpdate('dnf', out(0, '', fixture('dnf/check-update-no-cache.stderr')));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^dnf left repositories out.*Cache-only enabled but no cache for 'acme-baseos'/) });
  });

  it('answers "nothing pending" only for exit 0 without warnings', () => {
    expect(parseCheckUpdate('dnf', out(0, 'Last metadata expiration check: 0:01:02 ago on Mon Nov 23 19:00:08 2026.\n'))).toEqual({ ok: true, value: { items: [] } });
  });
});

describe('parseCheckUpdate on published yum outputs (exit 100)', () => {
  const names = (file: string) => {
    const result = parseCheckUpdate('yum', out(100, fixture(file)));
    expect(result.ok).toBe(true);
    return result.ok ? result.value.items.map((i) => i.name) : [];
  };

  it('skips a wrapped "Loaded plugins" preamble and the Obsoleting Packages section', () => {
    const listed = names('yum/rhel7-obsoletes.stdout');
    expect(listed).toHaveLength(12);
    expect(listed[0]).toBe('NetworkManager-openvpn.x86_64');
    expect(listed).not.toContain('ddashboard.x86_64');
  });

  it('joins entries wrapped over two or three lines, after a Russian preamble', () => {
    expect(names('yum/centos7-wrapped-ru-preamble.stdout')).toEqual([
      'empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty-empty.x86_64',
      'libtiff.x86_64',
    ]);
    expect(names('yum/rhel7-longname.stdout')).toEqual(['xxxxxxxxxxxxxxxxxxxxxxxxxx.noarch', 'glibc.x86_64']);
    expect(names('yum/rhel7-wrapped-columns.stdout')).toHaveLength(7);
  });
});

describe('parseCheckUpdate on bad input', () => {
  const reason = (output: ReturnType<typeof out>) => {
    const result = parseCheckUpdate('dnf', output);
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.reason;
  };

  it('rejects exit 1 with dnf’s error, and unknown exit codes', () => {
    expect(reason(out(1, '', 'Error: Failed to download metadata for repo \'baseos\'\n'))).toBe("dnf check-update failed (exit 1): Error: Failed to download metadata for repo 'baseos'");
    expect(reason(out(2, ''))).toBe('dnf check-update exited with unexpected code 2');
    expect(reason(out(null, ''))).toBe('dnf check-update exited with unexpected code null');
  });

  it('rejects "updates available" with no list, a truncated list, garbage and permission errors', () => {
    expect(reason(out(100, ''))).toMatch(/listed none/);
    const cut = fixture('dnf/check-update.stdout').slice(0, -30);
    expect(reason(out(100, cut))).toMatch(/unexpected dnf check-update (listing|entry)/);
    expect(reason(out(100, 'Fehler: Keine Berechtigung\n'))).toMatch(/unexpected dnf check-update/);
    expect(reason(out(1, '', 'Error: This command has to be run with superuser privileges (under the root user on most systems).\n'))).toMatch(/superuser privileges/);
  });
});

describe('updateinfo and security classification', () => {
  it('reads the recorded advisories and marks the packages they cover, worst severity first', () => {
    const advisories = parseUpdateinfoList('dnf', out(0, fixture('dnf/updateinfo-list.stdout')));
    expect(advisories).toEqual({
      ok: true,
      value: [
        { id: 'ACME-2026:0102', security: true, severity: 'Critical', nameArch: 'acme-kernel-core.x86_64' },
        { id: 'ACME-2026:0101', security: true, severity: 'Important', nameArch: 'acme-libssl.x86_64' },
        { id: 'ACME-2026:0103', security: false, nameArch: 'acme-tools.noarch' },
      ],
    });
    const listed = parseCheckUpdate('dnf', out(100, fixture('dnf/check-update.stdout')));
    if (!listed.ok || !advisories.ok) throw new Error('fixtures must parse');
    const { items, securityPending } = classifySecurity(listed.value.items, advisories.value);
    expect(securityPending).toBe(2);
    expect(items.find((i) => i.name === 'acme-libssl.x86_64')).toMatchObject({ security: true, severity: 'Important', title: 'ACME-2026:0101' });
    expect(items.find((i) => i.name === 'acme-tools.noarch')).toMatchObject({ security: false, title: 'ACME-2026:0103' });
  });

  it('says "unknown" rather than zero when the repositories publish no advisories at all', () => {
    const listed = parseCheckUpdate('dnf', out(100, fixture('dnf/check-update.stdout')));
    if (!listed.ok) throw new Error('fixture must parse');
    expect(classifySecurity(listed.value.items, []).securityPending).toBeNull();
    expect(classifySecurity([], []).securityPending).toBe(0);
  });

  it('rejects unknown advisory types and failed runs instead of reading them as "not security"', () => {
    expect(parseUpdateinfoList('dnf', out(0, 'FEDORA-2024-1 Urgent/Sec. openssl-3.0-1.fc40.x86_64\n')).ok).toBe(false);
    expect(parseUpdateinfoList('dnf', out(1, '', 'Error: boom'))).toEqual({ ok: false, reason: 'dnf updateinfo exited with code 1: Error: boom' });
  });

  it('splits NEVRAs', () => {
    expect(nevraToNameArch('openssl-libs-1:3.0.7-27.el9.x86_64')).toBe('openssl-libs.x86_64');
    expect(nevraToNameArch('kernel-3.10.0-327.28.2.el7.x86_64')).toBe('kernel.x86_64');
    expect(nevraToNameArch('garbage')).toBeNull();
  });
});

describe('parseNeedsRestarting', () => {
  // The sentences needs-restarting -r prints (dnf-plugins-core's needs_restarting.py).
  const required = 'Core libraries or services have been updated since boot-up:\n  * kernel\n\nReboot is required to fully utilize these updates.\nMore information: https://access.redhat.com/solutions/27943\n';
  const notRequired = 'No core libraries or services have been updated since boot-up.\nReboot should not be necessary.\n';

  it('needs both the exit code and the sentence to agree', () => {
    expect(parseNeedsRestarting(out(1, required))).toEqual({ ok: true, value: true });
    expect(parseNeedsRestarting(out(0, notRequired))).toEqual({ ok: true, value: false });
    expect(parseNeedsRestarting(out(1, '', 'No such command: needs-restarting.')).ok).toBe(false);
    expect(parseNeedsRestarting(out(1, 'Ein Neustart ist erforderlich\n')).ok).toBe(false);
  });
});

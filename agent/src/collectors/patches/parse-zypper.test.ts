import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListUpdates, parseNeedsRebooting, parseSecurityPatches } from './parse-zypper.js';
import { decodeEntities, parseXml } from './xml-lite.js';

/** Recorded with the real zypper 1.14.42; fixtures/README.md says how. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/zypper/${name}`, import.meta.url), 'utf8');
const out = (exitCode: number | null, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });

describe('parseListUpdates', () => {
  it('reads the recorded list: name.arch, new and old edition, repository alias', () => {
    const result = parseListUpdates(out(0, fixture('list-updates.xml')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items).toHaveLength(4);
    expect(result.value.items.find((i) => i.name === 'acme-libssl.x86_64')).toEqual({
      name: 'acme-libssl.x86_64', version: '1:3.0.7-27.el9', currentVersion: '1:3.0.7-24.el9', security: false, category: 'acme-update',
    });
    expect(result.value.warnings).toEqual([]);
  });

  it('reads the German run the same way: only the messages are translated', () => {
    const result = parseListUpdates(out(0, fixture('list-updates.de.xml')));
    expect(result.ok && result.value.items).toHaveLength(4);
  });

  it('rejects "exit 0, empty list" under a warning: no repositories (recorded, English and German)', () => {
    expect(parseListUpdates(out(0, fixture('list-updates-no-repos.xml')))).toEqual({
      ok: false,
      reason: 'zypper list-updates found nothing and warned: No repositories defined. Operating only with the installed resolvables. Nothing can be installed.',
    });
    expect(parseListUpdates(out(0, fixture('list-updates-no-repos.de.xml')))).toEqual({ ok: false, reason: expect.stringMatching(/Keine Repositorys definiert/) });
  });

  it('reports a failed run with zypper’s own message (recorded as a non-root user, exit 4)', () => {
    expect(parseListUpdates(out(4, fixture('list-updates-nonroot.xml'), fixture('list-updates-nonroot.stderr')))).toEqual({
      ok: false,
      reason: "zypper list-updates exited with code 4 (a ZYpp library problem): Target initialization failed:\nRpm Exception\nRunning &apos;zypper refresh&apos; as root might resolve the problem.",
    });
  });

  it('rejects a lock, skipped repositories, unknown exit codes, truncated XML, empty output and garbage', () => {
    const locked = parseListUpdates(out(7, '', 'System management is locked by the application with pid 4242 (zypper).\n'));
    expect(locked).toEqual({ ok: false, reason: 'zypper list-updates exited with code 7 (the package manager is locked by another process): System management is locked by the application with pid 4242 (zypper).' });
    expect(parseListUpdates(out(106, fixture('list-updates.xml')))).toEqual({ ok: false, reason: expect.stringMatching(/code 106 \(some repositories were skipped/) });
    expect(parseListUpdates(out(55, ''))).toEqual({ ok: false, reason: 'zypper list-updates exited with code 55 (an unknown exit code)' });
    const full = fixture('list-updates.xml');
    expect(parseListUpdates(out(0, full.slice(0, full.indexOf('</update-list>'))))).toEqual({ ok: false, reason: expect.stringMatching(/XML cut short/) });
    expect(parseListUpdates(out(0, ''))).toEqual({ ok: false, reason: expect.stringMatching(/no <stream> document/) });
    expect(parseListUpdates(out(0, 'Permission denied\n')).ok).toBe(false);
  });
});

describe('parseSecurityPatches', () => {
  it('keeps needed security patches only (zypper listed a bugfix patch under --category security)', () => {
    expect(parseSecurityPatches(out(0, fixture('list-patches-security.xml')))).toEqual({
      ok: true,
      value: [
        { name: 'ACME-2026:0101', version: '2.0', security: true, category: 'patch: security', severity: 'Important', title: 'Important: acme-libssl security update' },
        { name: 'ACME-2026:0102', version: '2.0', security: true, category: 'patch: security', severity: 'Critical', title: 'Critical: acme-kernel-core security update' },
      ],
    });
  });

  it('treats exit 100/101 (patches needed) as success', () => {
    expect(parseSecurityPatches(out(101, fixture('list-patches-security.xml'))).ok).toBe(true);
  });
});

describe('parseNeedsRebooting', () => {
  it('maps 102 to reboot needed, 0 to none, anything else to unknown', () => {
    expect(parseNeedsRebooting(out(102, ''))).toEqual({ ok: true, value: true });
    // Recorded text of the "no" answer.
    expect(parseNeedsRebooting(out(0, 'No core libraries or services have been updated.\nReboot is probably not necessary.\n'))).toEqual({ ok: true, value: false });
    expect(parseNeedsRebooting(out(2, '', "Unknown command 'needs-rebooting'"))).toEqual({ ok: false, reason: "zypper needs-rebooting exited with code 2: Unknown command 'needs-rebooting'" });
  });
});

describe('xml-lite', () => {
  it('decodes entities and nests elements', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;')).toBe('a & b <c> "d" \'e\' AB');
    const doc = parseXml("<?xml version='1.0'?><a x=\"1 &amp; 2\"><b/>text<c y='z'>t</c></a>");
    expect(doc.ok && doc.value.children[0]).toEqual({
      name: 'a', attrs: { x: '1 & 2' },
      children: [{ name: 'b', attrs: {}, children: [] }, 'text', { name: 'c', attrs: { y: 'z' }, children: ['t'] }],
    });
  });

  it('rejects mismatched and unclosed documents', () => {
    expect(parseXml('<a><b></a>').ok).toBe(false);
    expect(parseXml('<a>').ok).toBe(false);
    expect(parseXml('<a attr=unquoted></a>').ok).toBe(false);
  });
});

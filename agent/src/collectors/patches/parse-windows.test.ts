import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWindowsScan } from './parse-windows.js';
import { windowsUpdateScript } from './windows-script.js';

/**
 * Constructed fixtures: the JSON windows-script.ts prints, written by hand in its shape (no
 * Windows machine here). fixtures/README.md says what in them is real Windows Update data.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/windows/${name}`, import.meta.url), 'utf8');
const out = (exitCode: number | null, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });

describe('parseWindowsScan', () => {
  it('reads KB ids, MSRC severity, categories and the reboot registry keys', () => {
    const result = parseWindowsScan(out(0, fixture('updates-reboot-pending.json')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items).toEqual([
      {
        name: 'KB5037771', version: '', security: true, severity: 'Critical', category: 'Security Updates, Windows 11', restartRequired: true,
        title: '2024-05 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5037771)',
      },
      {
        name: 'KB2267602', version: '', security: false, category: 'Definition Updates, Microsoft Defender Antivirus', restartRequired: false,
        title: 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.411.253.0)',
      },
      { name: 'Intel Corporation - Display - 31.0.101.5445', version: '', security: false, category: 'Drivers', restartRequired: true, title: 'Intel Corporation - Display - 31.0.101.5445' },
    ]);
    expect(result.value.rebootRequired).toBe(true);
    expect(result.value.notes).toContain('reboot pending: WindowsUpdate\\Auto Update\\RebootRequired');
  });

  it('reads "nothing pending, no reboot key" as zero and false', () => {
    expect(parseWindowsScan(out(0, fixture('no-updates.json')))).toMatchObject({ ok: true, value: { items: [], rebootRequired: false } });
  });

  it('copes with PowerShell 5.1 scalars, classifies by category id (names are localised), and leaves an unread key unknown', () => {
    const result = parseWindowsScan(out(0, `\uFEFF${fixture('powershell-5.1-scalars.json')}\r\n`));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items).toEqual([
      { name: 'KB5002600', version: '', title: '2024-05 Security Update for Microsoft Office (KB5002600)', security: true, severity: 'Important', category: 'Sicherheitsupdates', restartRequired: false },
    ]);
    expect(result.value.rebootRequired).toBeNull();
  });

  it('turns a failed search into a reason, never into zero updates', () => {
    expect(parseWindowsScan(out(0, fixture('search-failed.json')))).toEqual({
      ok: false, reason: 'the Windows Update search failed: Exception from HRESULT: 0x8024402C (0x8024402C)',
    });
    const partial = JSON.stringify({ ...JSON.parse(fixture('no-updates.json')), resultCode: 3 });
    expect(parseWindowsScan(out(0, partial)).ok).toBe(false);
    expect(parseWindowsScan(out(0, JSON.stringify({ ...JSON.parse(fixture('no-updates.json')), resultCode: 4 })))).toEqual({ ok: false, reason: 'the Windows Update search failed (result code 4)' });
  });

  it('rejects empty, truncated, non-JSON (a German PowerShell error) and failed runs', () => {
    expect(parseWindowsScan(out(0, '')).ok).toBe(false);
    expect(parseWindowsScan(out(0, fixture('updates-reboot-pending.json').slice(0, 300)))).toEqual({ ok: false, reason: expect.stringMatching(/did not print JSON/) });
    // Constructed: the shape of a German Windows PowerShell error when the COM class cannot be created.
    const german = "New-Object : Die COM-Klassenfactory für die Komponente mit CLSID {B699E5E8-67FF-4177-88B0-3684A3388BFB} konnte nicht abgerufen werden.\n";
    expect(parseWindowsScan(out(1, '', german))).toEqual({ ok: false, reason: expect.stringMatching(/^the Windows Update script failed \(exit 1\): New-Object : Die COM-Klassenfactory/) });
    expect(parseWindowsScan(out(0, '{"schema":2}')).ok).toBe(false);
  });
});

describe('windowsUpdateScript', () => {
  it('searches not-installed, not-hidden updates through the WUA COM API, offline unless refreshing', () => {
    const script = windowsUpdateScript({ online: false });
    expect(script).toContain('New-Object -ComObject Microsoft.Update.Session');
    expect(script).toContain("$found = $searcher.Search('IsInstalled=0 and IsHidden=0')");
    expect(script).toContain('$searcher.Online = $false');
    expect(windowsUpdateScript({ online: true })).toContain('$searcher.Online = $true');
    for (const key of [
      'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
      'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired',
      "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' -Name PendingFileRenameOperations",
    ]) expect(script).toContain(key);
    expect(script.trimEnd().endsWith('ConvertTo-Json -InputObject $r -Depth 6 -Compress')).toBe(true);
  });
});

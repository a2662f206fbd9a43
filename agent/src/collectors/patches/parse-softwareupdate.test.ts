import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSoftwareUpdateList } from './parse-softwareupdate.js';

/** Published outputs of `softwareupdate -l`; fixtures/README.md names each source. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/softwareupdate/${name}`, import.meta.url), 'utf8');
const out = (exitCode: number | null, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });

describe('parseSoftwareUpdateList, macOS 10.15+ Label/Title format', () => {
  it('reads munki’s Monterey listing past the XType log lines: versions, recommended, restart', () => {
    const result = parseSoftwareUpdateList(out(0, fixture('monterey-label-format.txt')));
    expect(result).toEqual({
      ok: true,
      value: {
        items: [
          { name: 'Safari17.6MontereyAuto-17.6', version: '17.6', title: 'Safari', security: false, recommended: true, restartRequired: false },
          { name: 'macOS Monterey 12.7.6-21H1320', version: '12.7.6', title: 'macOS Monterey 12.7.6', security: false, recommended: true, restartRequired: true },
          { name: 'macOS Sonoma 14.6.1-23G93', version: '14.6.1', title: 'macOS Sonoma 14.6.1', security: false, recommended: true, restartRequired: true },
        ],
      },
    });
  });

  it('reads the same listing with the detail lines tab-indented, as softwareupdate prints them', () => {
    // Constructed from the recorded listing above: its 4-space indentation replaced by a tab.
    const tabbed = fixture('monterey-label-format.txt').replace(/^ {4}Title:/gm, '\tTitle:');
    const result = parseSoftwareUpdateList(out(0, tabbed));
    expect(result.ok && result.value.items.map((i) => i.version)).toEqual(['17.6', '12.7.6', '14.6.1']);
  });

  it('reads "-" items as not recommended and "shut down" as a restart', () => {
    const result = parseSoftwareUpdateList(out(0, fixture('catalina-label-format.txt')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items.map((i) => [i.name, i.version, i.recommended, i.restartRequired])).toEqual([
      ['Command Line Tools beta 5 for Xcode-11.0', '11.0', true, false],
      ['macOS Catalina Developer Beta-6', '5', true, true],
      ['BridgeOSUpdateCustomer', '10.15.0.1.1.1560926689', true, true],
      ['iCal-1.0.2', '1.0.2', false, false],
    ]);
  });
});

describe('parseSoftwareUpdateList, the older `* name` format', () => {
  it('reads Mojave’s listing: versions in parentheses, [recommended] [restart] [shut down]', () => {
    const result = parseSoftwareUpdateList(out(0, fixture('mojave-old-format.txt')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items.map((i) => [i.name, i.version, i.recommended, i.restartRequired])).toEqual([
      ['Command Line Tools (macOS Mojave version 10.14) for Xcode-10.3', '10.3', true, false],
      ['macOS 10.14.1 Update', '10.14.1', true, true],
      ['BridgeOSUpdateCustomer', '10.14.4.1.1.1555388607', true, true],
      ['iCal-1.0.2', '1.0.2', false, false],
    ]);
    expect(result.value.items[0]!.title).toBe('Command Line Tools (macOS Mojave version 10.14) for Xcode');
  });

  it('reads an older listing and flags updates named as security', () => {
    const result = parseSoftwareUpdateList(out(0, fixture('mountain-lion-old-format.txt')));
    expect(result.ok && result.value.items.map((i) => i.name)).toEqual(['MacBookAirEFIUpdate2.4-2.4', 'ProAppsQTCodecs-1.0', 'JavaForOSX-1.0']);
    const security = parseSoftwareUpdateList(out(0, 'Software Update found the following new or updated software:\n   * Security Update 2016-001-10.11.6\n\tSecurity Update 2016-001 (10.11.6), 1161231K [recommended] [restart]\n'));
    expect(security.ok && security.value.items[0]).toMatchObject({ security: true, version: '10.11.6', restartRequired: true });
  });
});

describe('parseSoftwareUpdateList on "nothing" and bad input', () => {
  it('answers zero only for Apple’s "No new software available." (stdout or stderr)', () => {
    expect(parseSoftwareUpdateList(out(0, fixture('no-updates.txt')))).toEqual({ ok: true, value: { items: [] } });
    expect(parseSoftwareUpdateList(out(0, 'Software Update Tool\n\nFinding available software\n', 'No new software available.\n'))).toEqual({ ok: true, value: { items: [] } });
  });

  it('rejects empty, cut-short, other-locale and failed outputs', () => {
    expect(parseSoftwareUpdateList(out(0, '')).ok).toBe(false);
    // Cut after a Label line. (A cut exactly between two items cannot be seen: the listing has no count.)
    const cut = fixture('monterey-label-format.txt').split('\n').slice(0, 9).join('\n');
    expect(parseSoftwareUpdateList(out(0, cut))).toEqual({ ok: false, reason: 'softwareupdate item "macOS Monterey 12.7.6-21H1320" has no Title line (output cut short?)' });
    expect(parseSoftwareUpdateList(out(0, 'Software Update found the following new or updated software:\n'))).toEqual({ ok: false, reason: 'softwareupdate announced updates but listed none' });
    // Constructed: a German heading in place of Apple's English one.
    expect(parseSoftwareUpdateList(out(0, 'Softwareaktualisierung hat die folgende neue oder aktualisierte Software gefunden:\n* Label: X\n')).ok).toBe(false);
    expect(parseSoftwareUpdateList(out(1, '', 'Cannot connect to the Apple Software Update server.\n'))).toEqual({
      ok: false, reason: 'softwareupdate exited with code 1: Cannot connect to the Apple Software Update server.',
    });
  });
});

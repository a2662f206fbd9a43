import { describe, expect, it } from 'vitest';
import { osLabel, patchesLabel, patchesTitle, relativeTime } from './fleet-format.js';

describe('relativeTime', () => {
  const now = 1_700_000_000_000;
  it('says how long ago, in the largest unit that fits', () => {
    expect(relativeTime(now - 12_400, now)).toBe('12 s ago');
    expect(relativeTime(now - 59_999, now)).toBe('59 s ago');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(now - 3 * 3_600_000 - 1, now)).toBe('3 h ago');
    expect(relativeTime(now - 47 * 3_600_000, now)).toBe('47 h ago');
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe('3 d ago');
  });

  it('reads a time slightly ahead as now, and no time as never', () => {
    expect(relativeTime(now + 800, now)).toBe('0 s ago');
    expect(relativeTime(null, now)).toBe('never');
  });
});

describe('cell labels', () => {
  it('names the OS with its distribution and release', () => {
    expect(osLabel({ platform: 'linux', distro: 'Debian GNU/Linux', release: '12' })).toBe('Linux · Debian GNU/Linux 12');
    expect(osLabel({ platform: 'darwin', distro: '', release: '' })).toBe('macOS');
  });

  it('shows patches as pending / security, with what a source cannot tell', () => {
    expect(patchesLabel({ pending: 7, security: 2, rebootRequired: true })).toBe('7 / 2');
    expect(patchesLabel({ pending: 3, security: null, rebootRequired: null })).toBe('3 / ?');
    expect(patchesLabel(null)).toBe('—');
    expect(patchesTitle({ pending: 7, security: 2, rebootRequired: true })).toBe('7 pending, 2 security; reboot required');
    expect(patchesTitle({ pending: 3, security: null, rebootRequired: null }))
      .toBe('3 pending, security updates not classified by this source; reboot state unknown');
    expect(patchesTitle(null)).toBe('No patch scan reported yet');
  });
});

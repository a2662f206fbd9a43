import { describe, expect, it } from 'vitest';
import { osLabel, patchesLabel, patchesTitle } from './fleet-format.js';

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

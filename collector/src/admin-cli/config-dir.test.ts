import { describe, expect, it } from 'vitest';
import { resolveConfigDir } from './config-dir.js';

describe('resolveConfigDir', () => {
  it('prefers $VIGIL_CONFIG_DIR on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(resolveConfigDir({ env: { VIGIL_CONFIG_DIR: '/custom/dir', XDG_CONFIG_HOME: '/xdg', APPDATA: 'C:\\AppData' }, platform, home: '/home/u' })).toBe('/custom/dir');
    }
  });

  it('uses $XDG_CONFIG_HOME on Linux, else ~/.config', () => {
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/home/u' })).toBe('/xdg/vigil');
    expect(resolveConfigDir({ env: {}, platform: 'linux', home: '/home/u' })).toBe('/home/u/.config/vigil');
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: '' }, platform: 'freebsd', home: '/home/u' })).toBe('/home/u/.config/vigil');
  });

  it('ignores a relative $XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: 'relative/dir' }, platform: 'linux', home: '/home/u' })).toBe('/home/u/.config/vigil');
  });

  it('uses Application Support on macOS', () => {
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'darwin', home: '/Users/u' })).toBe('/Users/u/Library/Application Support/vigil');
  });

  it('uses %APPDATA% on Windows, else the roaming profile under the home directory', () => {
    expect(resolveConfigDir({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\vigil');
    expect(resolveConfigDir({ env: {}, platform: 'win32', home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\vigil');
  });
});

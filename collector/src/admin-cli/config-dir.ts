import { homedir } from 'node:os';
import { isAbsolute, posix, win32 } from 'node:path';

export interface ConfigDirInputs {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * Where `vigil` keeps its login: $VIGIL_CONFIG_DIR when set, else the platform's per-user config
 * directory (XDG on Linux and other Unixes, Application Support on macOS, %APPDATA% on Windows).
 */
export function resolveConfigDir({ env, platform, home }: ConfigDirInputs): string {
  if (env.VIGIL_CONFIG_DIR) return env.VIGIL_CONFIG_DIR;
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'vigil');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'vigil');
  // The XDG spec says a relative $XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, '.config'), 'vigil');
}

export function defaultConfigDir(): string {
  return resolveConfigDir({ env: process.env, platform: process.platform, home: homedir() });
}

import { SERVICE_DESCRIPTION } from './names.js';
import type { ServiceSpec } from './types.js';

/**
 * One word of an ExecStart= command line. systemd splits on spaces, honours double quotes with
 * C-style escapes inside and expands `%` specifiers everywhere, and `$VAR`s in the arguments (not
 * in the executable's path); so `%` becomes `%%`, an argument's `$` becomes `$$`, and anything
 * beyond plain path characters is quoted. A lone `;` would end the command, so it is escaped.
 */
export function quoteSystemdArg(arg: string, position: 'executable' | 'argument' = 'argument'): string {
  if (arg === ';') return '\\;';
  let escaped = arg.replace(/%/g, '%%');
  if (position === 'argument') escaped = escaped.replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return escaped;
  const inner = escaped
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r');
  return `"${inner}"`;
}

/** systemd refuses ("Executable name contains special characters") quotes, backslashes and controls in it. */
function checkExecutablePath(path: string): void {
  // eslint-disable-next-line no-control-regex
  if (/["'\\\u0000-\u001F\u007F]/.test(path) || !path.startsWith('/')) {
    throw new Error(`systemd cannot start ${JSON.stringify(path)}: the executable must be an absolute path without quotes, backslashes or control characters; use a node installed elsewhere`);
  }
}

/** StateDirectory= only names directories under /var/lib; a custom --state elsewhere goes without it. */
function stateDirectoryName(stateDir: string): string | null {
  const match = /^\/var\/lib\/([A-Za-z0-9_.@-]+(?:\/[A-Za-z0-9_.@-]+)*)\/?$/.exec(stateDir);
  return match ? match[1]! : null;
}

/**
 * The systemd unit. It runs as root: patch scans, SMART and remediation scripts need it, and the
 * scripts the agent runs are the whole point of an RMM. Hardening is therefore chosen so that a
 * script can still do anything an administrator at a root shell could; see the comment it carries.
 */
export function renderSystemdUnit(spec: ServiceSpec): string {
  checkExecutablePath(spec.nodePath);
  const execStart = [quoteSystemdArg(spec.nodePath, 'executable'), ...[...spec.nodeFlags, spec.agentBin, ...spec.runArgs].map((arg) => quoteSystemdArg(arg))].join(' ');
  const stateDirectory = stateDirectoryName(spec.stateDir);
  const lines = [
    '# Written by `vigil-agent service install`; remove with `vigil-agent service uninstall`.',
    '#',
    '# Hardening. On: NoNewPrivileges=yes. The agent already runs as root, so refusing privilege',
    '# gains through setuid binaries and file capabilities costs its scripts and package managers',
    '# nothing, and a compromised child cannot climb through a setuid helper.',
    '# Off, on purpose:',
    '#   ProtectSystem, ProtectHome, ReadOnlyPaths: patching and remediation write /usr, /etc, /boot',
    '#     and home directories.',
    '#   PrivateTmp: scripts and installers hand files to other services through /tmp.',
    '#   PrivateDevices: SMART (smartctl) reads the disks\' device nodes.',
    '#   ProtectKernelModules, ProtectKernelTunables, ProtectClock, ProtectHostname: remediation',
    '#     loads drivers, sets sysctls, fixes the clock and renames hosts.',
    '#   RestrictSUIDSGID: package upgrades install setuid binaries (passwd, sudo).',
    '#   CapabilityBoundingSet, SystemCallFilter: package managers need the full set of both.',
    '#   MemoryDenyWriteExecute: the JavaScript JIT writes executable memory.',
    '#   MemoryMax, TasksMax: a limit would fall on the scripts (a kernel upgrade) as much as on',
    '#     the agent, and kill them mid-way.',
    '#   UMask stays 0022: files a script creates must get the modes their packages expect; the',
    '#     agent creates its own state files owner-only itself.',
    '#',
    '# KillMode=mixed: on stop, SIGTERM reaches the agent alone, which stops the scripts it runs',
    '# and reports them; whatever is left in the unit\'s cgroup (a script\'s own children, a',
    '# double-forked daemon) is then SIGKILLed, so nothing the agent started outlives it.',
    '',
    '[Unit]',
    `Description=${SERVICE_DESCRIPTION.replace(/%/g, '%%')}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '# Never give up restarting: an endpoint agent is expected back after any failure.',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execStart}`,
    'Restart=always',
    'RestartSec=10s',
    ...(stateDirectory ? [`StateDirectory=${stateDirectory}`, 'StateDirectoryMode=0700'] : []),
    'KillMode=mixed',
    '# The agent stops within a few seconds; the rest is for its scripts to end.',
    'TimeoutStopSec=20s',
    'NoNewPrivileges=yes',
    'SyslogIdentifier=vigil-agent',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

/** Names and places each service manager uses for the agent; the layouts can be moved for tests. */

export const SERVICE_DESCRIPTION = 'Vigil endpoint agent: streams telemetry to a Vigil collector and runs the scripts it dispatches';

export const SYSTEMD_UNIT = 'vigil-agent.service';
export interface LinuxLayout {
  unitPath: string;
  /** Exists only while systemd is the running init (what sd_booted() checks). */
  systemdRuntimeDir: string;
}
export const LINUX_LAYOUT: LinuxLayout = { unitPath: `/etc/systemd/system/${SYSTEMD_UNIT}`, systemdRuntimeDir: '/run/systemd/system' };

export const LAUNCHD_LABEL = 'io.vigil.agent';
export interface DarwinLayout {
  plistPath: string;
  logDir: string;
}
export const DARWIN_LAYOUT: DarwinLayout = { plistPath: `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist`, logDir: '/Library/Logs/Vigil' };

/** The Windows service id (what `sc.exe` and the SCM know it by). */
export const WINDOWS_SERVICE_ID = 'vigil-agent';
/** WinSW finds its XML by its own file name: vigil-agent-service.exe reads vigil-agent-service.xml beside it. */
export const WINSW_BASENAME = 'vigil-agent-service';
export interface WindowsLayout {
  /** WinSW renamed vigil-agent-service.exe, put in place by whoever installs the agent (never downloaded here). */
  wrapperExe: string;
  /** Its configuration, which must sit beside it under the same base name. */
  wrapperXml: string;
}

/** The wrapper lives in `service\` under the agent's own directory (beside bin\). */
export function windowsLayout(agentRoot: string, join: (...parts: string[]) => string): WindowsLayout {
  return { wrapperExe: join(agentRoot, 'service', `${WINSW_BASENAME}.exe`), wrapperXml: join(agentRoot, 'service', `${WINSW_BASENAME}.xml`) };
}

import { LAUNCHD_LABEL, type DarwinLayout } from './names.js';
import type { ServiceSpec } from './types.js';
import { escapeXml } from './xml.js';

/**
 * launchd gives daemons PATH=/usr/bin:/bin:/usr/sbin:/sbin; the agent finds OS tools on PATH, and
 * smartctl and friends usually come from Homebrew (/usr/local on Intel, /opt/homebrew on Apple silicon).
 */
export const LAUNCHD_PATH = '/usr/local/sbin:/usr/local/bin:/opt/homebrew/sbin:/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin';

export function launchdLogFiles(layout: DarwinLayout): { stdout: string; stderr: string } {
  // The agent logs (JSON lines) on stderr; stdout stays nearly empty.
  return { stdout: `${layout.logDir}/vigil-agent.out.log`, stderr: `${layout.logDir}/vigil-agent.log` };
}

/** The launchd daemon (/Library/LaunchDaemons/io.vigil.agent.plist): started at boot, kept alive. */
export function renderLaunchdPlist(spec: ServiceSpec, layout: DarwinLayout): string {
  const logs = launchdLogFiles(layout);
  const string = (value: string): string => `<string>${escapeXml(value)}</string>`;
  const programArguments = [spec.nodePath, ...spec.nodeFlags, spec.agentBin, ...spec.runArgs];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `vigil-agent service install`; remove with `vigil-agent service uninstall`. -->',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t${string(LAUNCHD_LABEL)}`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...programArguments.map((arg) => `\t\t${string(arg)}`),
    '\t</array>',
    '\t<key>EnvironmentVariables</key>',
    '\t<dict>',
    '\t\t<key>PATH</key>',
    `\t\t${string(LAUNCHD_PATH)}`,
    '\t</dict>',
    '\t<key>RunAtLoad</key>',
    '\t<true/>',
    '\t<key>KeepAlive</key>',
    '\t<true/>',
    // launchd's default is also 10 s; said here so the restart pace is visible in the file.
    '\t<key>ThrottleInterval</key>',
    '\t<integer>10</integer>',
    // Between SIGTERM and SIGKILL at stop: the agent stops its scripts and reports them first.
    '\t<key>ExitTimeOut</key>',
    '\t<integer>20</integer>',
    '\t<key>StandardOutPath</key>',
    `\t${string(logs.stdout)}`,
    '\t<key>StandardErrorPath</key>',
    `\t${string(logs.stderr)}`,
    '</dict>',
    '</plist>',
    '',
  ];
  return lines.join('\n');
}

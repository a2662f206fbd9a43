import { win32 } from 'node:path';
import { SERVICE_DESCRIPTION, WINDOWS_SERVICE_ID } from './names.js';
import { STATE_ENV } from '../state/paths.js';
import type { ServiceSpec } from './types.js';
import { escapeXml } from './xml.js';

/**
 * The WinSW configuration (vigil-agent-service.xml). Node cannot answer the Service Control
 * Manager itself; WinSW does, and runs node.exe as its child. Values may use %VAR% references,
 * which WinSW expands (the default state directory is %ProgramData%\Vigil).
 */
export function renderWinswXml(spec: ServiceSpec): string {
  const args = [...spec.nodeFlags, spec.agentBin, ...spec.runArgs];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Written by `vigil-agent service install`; remove with `vigil-agent service uninstall`. -->',
    '<service>',
    `  <id>${escapeXml(WINDOWS_SERVICE_ID)}</id>`,
    '  <name>Vigil Agent</name>',
    `  <description>${escapeXml(SERVICE_DESCRIPTION)}</description>`,
    `  <executable>${escapeXml(spec.nodePath)}</executable>`,
    '  <!-- One element per argument: WinSW quotes each one as needed, spaces included. -->',
    ...args.map((arg) => `  <argument>${escapeXml(arg)}</argument>`),
    `  <env name="${escapeXml(STATE_ENV)}" value="${escapeXml(spec.stateDir)}"/>`,
    // %BASE% is the wrapper's own directory: it always exists, unlike the state directory before enrollment.
    '  <workingdirectory>%BASE%</workingdirectory>',
    '  <serviceaccount>',
    '    <user>LocalSystem</user>',
    '  </serviceaccount>',
    '  <startmode>Automatic</startmode>',
    '  <!-- Ctrl+C to node first, so the agent stops its scripts and reports them; WinSW then ends what is left of the tree. -->',
    '  <stopparentprocessfirst>true</stopparentprocessfirst>',
    '  <stoptimeout>20 sec</stoptimeout>',
    '  <!-- Failure actions the SCM carries out; after the third failure the last one repeats. -->',
    '  <onfailure action="restart" delay="10 sec"/>',
    '  <onfailure action="restart" delay="30 sec"/>',
    '  <onfailure action="restart" delay="60 sec"/>',
    '  <resetfailure>1 hour</resetfailure>',
    `  <logpath>${escapeXml(win32.join(spec.stateDir, 'logs'))}</logpath>`,
    '  <log mode="roll-by-size">',
    '    <sizeThreshold>10240</sizeThreshold>',
    '    <keepFiles>8</keepFiles>',
    '  </log>',
    '</service>',
    '',
  ];
  return lines.join('\r\n');
}

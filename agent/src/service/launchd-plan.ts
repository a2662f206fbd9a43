import { DARWIN_LAYOUT, LAUNCHD_LABEL, type DarwinLayout } from './names.js';
import { renderLaunchdPlist, launchdLogFiles } from './launchd-plist.js';
import type { RunStep, ServiceAction, ServicePlan, ServiceSpec } from './types.js';

const TARGET = `system/${LAUNCHD_LABEL}`;
const launchctl = (args: string[], mayFail?: string): RunStep => ({ kind: 'run', command: 'launchctl', args, timeoutMs: 60_000, ...(mayFail ? { mayFail } : {}) });

export function launchdPlan(action: ServiceAction, spec: ServiceSpec, layout: DarwinLayout = DARWIN_LAYOUT): ServicePlan {
  if (action === 'install') {
    return {
      os: 'darwin',
      action,
      notes: [`state directory: ${spec.stateDir}`, `logs: ${launchdLogFiles(layout).stderr}`],
      steps: [
        // launchd opens the log files but does not create their directory.
        { kind: 'mkdir', path: layout.logDir, mode: 0o755 },
        // launchd refuses a daemon plist that is group- or world-writable; root owns it as root writes it.
        { kind: 'write', path: layout.plistPath, mode: 0o644, content: renderLaunchdPlist(spec, layout) },
        // A reinstall replaces the loaded job; on a first install there is nothing to boot out.
        launchctl(['bootout', TARGET], 'nothing to boot out unless it was installed before'),
        // bootstrap fails on a job someone disabled with `launchctl disable`.
        launchctl(['enable', TARGET]),
        launchctl(['bootstrap', 'system', layout.plistPath]),
      ],
    };
  }
  if (action === 'uninstall') {
    return {
      os: 'darwin',
      action,
      notes: [`the state directory ${spec.stateDir} (this endpoint's identity) and the logs in ${layout.logDir} are kept`],
      steps: [
        launchctl(['bootout', TARGET], 'the job may not be loaded'),
        { kind: 'remove', path: layout.plistPath },
      ],
    };
  }
  return { os: 'darwin', action, notes: [], steps: [launchctl(['print', TARGET], 'fails when the job is not loaded')] };
}

/** `launchctl print` describes a loaded job; "state = running" while its process runs. */
export function launchdRunning(outputs: readonly string[]): boolean {
  return /^\s*state = running\s*$/m.test(outputs[0] ?? '');
}
